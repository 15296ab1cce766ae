"""PSA entities: the records of one Kantata OX account, as plain slotted dataclasses with no rules.

The rules live on :class:`simulators.psa.models.PsaStore`. Money is ``Decimal`` in currency units (the
wire renders it in cents, as Kantata does); datetimes are timezone-aware and come from the simulated clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

BillingModel = Literal["time_and_materials", "fixed_fee", "milestone"]
WorkspaceStatus = Literal["not_started", "active", "on_hold", "completed", "cancelled"]
StoryType = Literal["task", "milestone", "deliverable", "issue"]
StoryState = Literal["not started", "started", "needs feedback", "completed"]
SubmissionStatus = Literal["new", "approved", "rejected", "cancelled"]
ResolutionType = Literal["approval", "rejection", "cancellation"]
InvoiceStatus = Literal["new", "cancelled"]
SyncStatus = Literal["pending", "successful", "failed"]

STATUS_MESSAGES: dict[str, str] = {
    "not_started": "Not Started",
    "active": "Active",
    "on_hold": "On Hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
}
STATUS_COLORS: dict[str, str] = {
    "not_started": "grey",
    "active": "green",
    "on_hold": "yellow",
    "completed": "blue",
    "cancelled": "red",
}


@dataclass(slots=True)
class Role:
    """A role of the account (``Consultant``, ``Architect``...): what rate cards price."""

    id: int
    name: str


@dataclass(slots=True)
class User:
    """A Kantata user (a consultant who logs time)."""

    id: int
    first_name: str
    last_name: str
    email_address: str
    headline: str
    default_bill_rate: Decimal = Decimal("0")
    cost_rate: Decimal = Decimal("0")
    role_id: int | None = None
    location: str | None = None

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class RateCard:
    """A rate card: bill rates by role, in one currency."""

    id: int
    title: str
    currency: str
    default: bool = False


@dataclass(slots=True)
class RateCardRole:
    """One role's bill rate on a rate card."""

    id: int
    rate_card_id: int
    role_id: int
    rate: Decimal


@dataclass(slots=True)
class Workspace:
    """A project (``workspace``) for a client."""

    id: int
    title: str
    description: str
    currency: str
    budget: Decimal
    billing_model: BillingModel
    client_ref: str
    start_date: date | None
    created_at: datetime
    updated_at: datetime
    status: WorkspaceStatus = "active"
    due_date: date | None = None
    archived: bool = False
    rate_card_id: int | None = None


@dataclass(slots=True)
class Story:
    """A task, milestone, deliverable or issue of a workspace."""

    id: int
    workspace_id: int
    title: str
    story_type: StoryType
    created_at: datetime
    updated_at: datetime
    state: StoryState = "not started"
    description: str = ""
    parent_id: int | None = None
    start_date: date | None = None
    due_date: date | None = None
    billable: bool = True
    budget_estimate: Decimal | None = None
    archived: bool = False


@dataclass(slots=True)
class Participation:
    """A user's assignment to a workspace: a role, a bill rate (None: the rate card's) and dates."""

    id: int
    workspace_id: int
    user_id: int
    rate: Decimal | None
    role: str
    role_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None


@dataclass(slots=True)
class TimeEntry:
    """Time a user logged on a workspace; locked once submitted or approved."""

    id: int
    workspace_id: int
    user_id: int
    date_performed: date
    time_in_minutes: int
    rate: Decimal
    created_at: datetime
    updated_at: datetime
    billable: bool = True
    notes: str | None = None
    story_id: int | None = None
    approved: bool = False
    timesheet_submission_id: int | None = None
    cost_rate: Decimal = Decimal("0")
    invoice_id: int | None = None


@dataclass(slots=True)
class TimesheetSubmission:
    """One user's time entries of one workspace, submitted for approval."""

    id: int
    user_id: int
    workspace_id: int
    time_entry_ids: list[int]
    submitted_at: datetime
    title: str = ""
    status: SubmissionStatus = "new"
    resolved_at: datetime | None = None
    comment: str | None = None
    resolution_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Resolution:
    """An approval, rejection or cancellation of a timesheet submission (its own object in Kantata)."""

    id: int
    type: ResolutionType
    target_id: int
    created_at: datetime
    description: str | None = None
    target_type: str = "TimesheetSubmission"
    current: bool = True


@dataclass(slots=True)
class Expense:
    """A non-labour cost logged on a workspace; billable ones can be invoiced."""

    id: int
    workspace_id: int
    user_id: int
    date: dt.date  # Kantata's field name; ``dt.date`` because the field shadows ``date`` in the class body
    category: str
    amount: Decimal
    currency: str
    created_at: datetime
    updated_at: datetime
    notes: str | None = None
    is_billable: bool = True
    reimbursable: bool = False
    story_id: int | None = None
    invoice_id: int | None = None


@dataclass(slots=True)
class Invoice:
    """An invoice of approved time and expenses; cancelling keeps it, deleting removes it."""

    id: int
    user_invoice_number: int
    workspace_ids: list[int]
    time_entry_ids: list[int]
    expense_ids: list[int]
    currency: str
    invoice_date: date
    payment_schedule: int
    amount: Decimal
    created_at: datetime
    updated_at: datetime
    draft: bool = True
    status: InvoiceStatus = "new"
    message: str | None = None
    purchase_order: str | None = None


@dataclass(slots=True)
class ExternalReference:
    """The sync state an integration writes back on a Kantata object."""

    id: int
    subject_type: str
    subject_id: int
    service_name: str
    service_model: str
    service_model_ref: str
    created_at: datetime
    updated_at: datetime
    last_synced_at: datetime
    status: SyncStatus = "pending"
    external_link: str | None = None
    external_status: str | None = None
    external_message: str | None = None
    locked: bool = False


RECORD_CLASSES: dict[str, type] = {
    "roles": Role,
    "users": User,
    "rate_cards": RateCard,
    "rate_card_roles": RateCardRole,
    "workspaces": Workspace,
    "stories": Story,
    "participations": Participation,
    "time_entries": TimeEntry,
    "timesheet_submissions": TimesheetSubmission,
    "resolutions": Resolution,
    "expenses": Expense,
    "invoices": Invoice,
    "external_references": ExternalReference,
}
"""Every table of the store, by the wire name of its records."""

LABELS: dict[str, str] = {name: cls.__name__ for name, cls in RECORD_CLASSES.items()}
"""Record class names as Kantata names them in errors (``Couldn't find TimeEntry with 'id'=9``)."""

SUBJECT_TYPES: dict[str, str] = {
    "Workspace": "workspaces",
    "Story": "stories",
    "Participation": "participations",
    "User": "users",
    "RateCard": "rate_cards",
    "TimeEntry": "time_entries",
    "Submission": "timesheet_submissions",
    "Expense": "expenses",
    "Invoice": "invoices",
}
"""External-reference subject types (Kantata's names) and the table each one names."""
