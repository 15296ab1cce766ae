"""The coherent, seeded world that seeds all three simulators.

One seed and one profile (:data:`PROFILES`) give one world; every simulator process builds it itself from
``(seed, profile, clock start)``, so no simulator ever calls another. The same customer is a CRM Account
(``ERP_Customer_Id__c``), a PSA workspace's client (``client_ref``) and an ERP customer (``externalId``);
consultants and projects carry the PSA ids that the ERP uses in its external ids (``psa-user-<id>``,
``psa-ws-<id>``). A profile's ``defect_share`` of customers carry a data-quality defect (see
:class:`Customer`), on purpose.

"Today" is the simulated clock's start; the **closing month** is the month that contains it. Its
timesheets (profiles with ``entries_per_day``: ``standard``, ``month-end-ci``, ``month-end``) are loaded
into the PSA in these states:

- weeks before the closing week: submitted and **approved** (entries ``approved``, locked); about 4% were
  rejected once and resubmitted (a ``rejected`` submission with a rejection, then an ``approved`` one with
  an approval), about 3% were submitted late;
- the **closing week** (the week of today): about 88% **submitted, awaiting approval** (submission status
  ``new``, entries not approved), about 6% rejected and not yet resubmitted (submission ``rejected``,
  entries released), about 6% not submitted yet (late; entries in no submission).

They are loaded in bulk without feed events, and none of them is in the ERP: the ERP holds the history
of the closed months as invoices and payments (aggregates per project and month), not as time bills.
Expenses of the closing month are in the PSA, not invoiced. Entries carry their assignment's bill rate
(the rate card's rate for the role in the project's currency, or a customer's negotiated rate), so
approved hours x rate gives :meth:`World.expected_billable` per project.

Faker makes identities and text only; volumes come from seeded ``random.Random`` and numpy generators
whose seeds derive from the run seed (:func:`simulators._core.rng.derive_seed`).
"""

from simulators.datagen.entities import (
    Assignment,
    Consultant,
    Contact,
    Customer,
    Expense,
    HistoricalInvoice,
    Opportunity,
    Payment,
    Period,
    Project,
    Subsidiary,
    Task,
)
from simulators.datagen.profiles import PROFILES, Profile
from simulators.datagen.timesheets import Timesheets
from simulators.datagen.world import World, build_world

__all__ = [
    "PROFILES",
    "Assignment",
    "Consultant",
    "Contact",
    "Customer",
    "Expense",
    "HistoricalInvoice",
    "Opportunity",
    "Payment",
    "Period",
    "Profile",
    "Project",
    "Subsidiary",
    "Task",
    "Timesheets",
    "World",
    "build_world",
]
