"""World profiles: how big a seeded world is and how much of it is history, stress and defects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    """The size and shape of a world.

    Attributes:
        customers: legal customers (each a CRM Account, a PSA client and an ERP customer).
        consultants: PSA users who book time (ERP employees).
        projects: PSA workspaces (ERP jobs); every customer gets one before any gets a second.
        staff_per_project: mean assignments per project.
        opportunities: CRM opportunities; the first ``customers`` are one per customer.
        entries_per_day: mean time entries per consultant and working day in the closing month
            (0: no timesheets, the profile leaves time to the scenarios).
        history_months: closed months of ERP invoices and payments before the closing month.
        defect_share: share of customers with a data-quality defect (unmapped, near duplicate, missing tax id).
        credit_stress_share: share of customers with open AR near or over their credit limit.
        expense_share: chance that an assignment logs expenses in the closing month.
        realism: the full picture: a fourth country, retainers, customer hierarchies, rate cards per
            currency, tasks and milestones, contacts, project end dates and assignments that start or end in
            the closing month. Off in ``small``, the plain world the unit tests are written against.
    """

    customers: int
    consultants: int
    projects: int
    staff_per_project: int
    opportunities: int
    entries_per_day: float = 0.0
    history_months: int = 0
    defect_share: float = 0.0
    credit_stress_share: float = 0.0
    expense_share: float = 0.0
    realism: bool = True


PROFILES: dict[str, Profile] = {
    "empty": Profile(0, 0, 0, 0, 0, realism=False),
    "small": Profile(customers=6, consultants=16, projects=8, staff_per_project=4, opportunities=6, realism=False),
    "standard": Profile(
        customers=200,
        consultants=500,
        projects=400,
        staff_per_project=6,
        opportunities=600,
        entries_per_day=2.5,
        history_months=12,
        defect_share=0.06,
        credit_stress_share=0.1,
        expense_share=0.4,
    ),
    "month-end-ci": Profile(
        customers=60,
        consultants=500,
        projects=150,
        staff_per_project=7,
        opportunities=120,
        entries_per_day=5.9,
        history_months=3,
        defect_share=0.05,
        credit_stress_share=0.1,
        expense_share=0.3,
    ),
    "month-end": Profile(
        customers=1200,
        consultants=10_000,
        projects=3000,
        staff_per_project=7,
        opportunities=3000,
        entries_per_day=5.9,
        history_months=12,
        defect_share=0.05,
        credit_stress_share=0.1,
        expense_share=0.3,
    ),
}
"""``small`` for tests (master data only: no timesheets, no history, no defects), ``standard`` for the sandbox,
``month-end`` for the billing peak (~1,000,000 time entries in the closing month) and ``month-end-ci``, the same
shape with ~500 consultants (~50,000 entries)."""
