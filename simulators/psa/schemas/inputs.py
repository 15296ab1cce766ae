"""Request bodies: ``{"<type>": {...}}`` (or the plural key with a list, for bulk creates)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

RecordId = Annotated[int, Field(ge=1, le=2_147_483_647, description="A record id (a string or a number).")]
Cents = Annotated[int, Field(ge=0, le=100_000_000_000, description="An amount in cents.")]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2999, 12, 31))]
Text = Annotated[str, Field(max_length=10_000)]
Short = Annotated[str, Field(max_length=255)]
WorkspaceStatusKey = Literal["not_started", "active", "on_hold", "completed", "cancelled"]
BillingModelIn = Literal["time_and_materials", "fixed_fee", "milestone"]
StoryTypeIn = Literal["task", "milestone", "deliverable", "issue"]
StoryStateIn = Literal["not started", "started", "needs feedback", "completed"]
SyncStatusIn = Literal["pending", "successful", "failed"]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ExternalReferenceIn(_In):
    """The sync state of one object in one external system (nested in creates, or upserted on its own)."""

    service_name: Short = Field(description="The integration's name; one reference per service and object.")
    service_model: Short = Field(description="The external object's type.")
    service_model_ref: Short = Field(description="The external object's id.")
    status: SyncStatusIn | None = None
    external_link: Text | None = None
    external_status: Short | None = None
    external_message: Text | None = None
    locked: bool | None = None


class ExternalReferenceUpsertIn(ExternalReferenceIn):
    """``POST /external_references/create_or_update``: the subject plus its sync state."""

    subject_type: Short = Field(description="TimeEntry, Submission, Expense, Invoice, Workspace, Story, User...")
    subject_id: RecordId


class ExternalReferenceBody(_In):
    """``{"external_reference": {...}}`` or, in bulk (up to 200, all or none), ``{"external_references": [...]}``."""

    external_reference: ExternalReferenceUpsertIn | None = None
    external_references: list[ExternalReferenceUpsertIn] | None = Field(
        default=None, description="A simulator convenience (Kantata documents the singular key only): up to 200."
    )


# -- workspaces, participations, stories ---------------------------------------------------------------------
class WorkspacePatchIn(_In):
    """Fields of a workspace to set (``status_key: on_hold`` is finance's hold)."""

    title: Short | None = None
    description: Text | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    budget_in_cents: Cents | None = None
    billing_model: BillingModelIn | None = None
    client_ref: Short | None = None
    start_date: Day | None = None
    due_date: Day | None = None
    rate_card_id: RecordId | None = None
    status_key: WorkspaceStatusKey | None = None
    archived: bool | None = None


class WorkspaceBody(_In):
    """``{"workspace": {...}}``."""

    workspace: WorkspacePatchIn


class ParticipationPatchIn(_In):
    """Fields of a participation to set."""

    rate_in_cents: Cents | None = Field(default=None, description="Null: the rate card's rate for the role.")
    role_id: RecordId | None = None
    start_date: Day | None = None
    end_date: Day | None = None


class ParticipationIn(ParticipationPatchIn):
    """A user to staff on a workspace."""

    workspace_id: RecordId
    user_id: RecordId


class ParticipationBody(_In):
    """``{"participation": {...}}``."""

    participation: ParticipationIn


class ParticipationPatchBody(_In):
    """``{"participation": {...}}`` with the fields to change."""

    participation: ParticipationPatchIn


class StoryPatchIn(_In):
    """Fields of a story to set (``state: completed`` completes a milestone)."""

    title: Short | None = None
    story_type: StoryTypeIn | None = None
    state: StoryStateIn | None = None
    description: Text | None = None
    parent_id: RecordId | None = None
    start_date: Day | None = None
    due_date: Day | None = None
    billable: bool | None = None
    budget_estimate_in_cents: Cents | None = None
    archived: bool | None = None


class StoryIn(StoryPatchIn):
    """A story to create."""

    workspace_id: RecordId


class StoryCreateBody(_In):
    """``{"story": {...}}`` or, in bulk (up to 300), ``{"stories": [...]}``."""

    story: StoryIn | None = None
    stories: list[StoryIn] | None = None


class StoryUpdateBody(_In):
    """``{"story": {...}}`` with the fields to change."""

    story: StoryPatchIn


# -- time ----------------------------------------------------------------------------------------------------
class TimeEntryIn(_In):
    """One time entry to create."""

    workspace_id: RecordId
    user_id: RecordId = Field(description="Who performed the work; needs a participation on the workspace.")
    date_performed: Day
    time_in_minutes: int = Field(ge=1, le=1440)
    billable: bool = True
    notes: Text | None = None
    rate_in_cents: Cents | None = Field(default=None, description="Defaults to the participation's bill rate.")
    story_id: RecordId | None = None
    external_reference: ExternalReferenceIn | None = None


class TimeEntryPatchIn(_In):
    """Fields of a time entry to change (only those sent are changed)."""

    workspace_id: RecordId | None = None
    user_id: RecordId | None = None
    date_performed: Day | None = None
    time_in_minutes: int | None = Field(default=None, ge=1, le=1440)
    billable: bool | None = None
    notes: Text | None = None
    rate_in_cents: Cents | None = None
    story_id: RecordId | None = None


class TimeEntryCreateBody(_In):
    """``{"time_entry": {...}}`` or, in bulk (up to 100), ``{"time_entries": [{...}, ...]}``."""

    time_entry: TimeEntryIn | None = None
    time_entries: list[TimeEntryIn] | None = None


class TimeEntryUpdateBody(_In):
    """``{"time_entry": {...}}`` with the fields to change."""

    time_entry: TimeEntryPatchIn


class TimesheetSubmissionIn(_In):
    """Entries of one user and one workspace to submit for approval."""

    line_item_ids: list[RecordId] | None = Field(default=None, max_length=10_000, description="The time entries.")
    time_entry_ids: list[RecordId] | None = Field(
        default=None, max_length=10_000, description="Accepted as a synonym of line_item_ids."
    )
    user_id: RecordId | None = Field(default=None, description="Defaults to the entries' user.")
    workspace_id: RecordId | None = Field(default=None, description="Defaults to the entries' workspace.")
    title: Short | None = None
    comment: Text | None = None
    external_reference: ExternalReferenceIn | None = None


class TimesheetSubmissionCreateBody(_In):
    """``{"timesheet_submission": {...}}``."""

    timesheet_submission: TimesheetSubmissionIn


class ResolutionNoteIn(_In):
    """Details of a single approval, rejection or cancellation."""

    description: Text | None = None


class ResolutionNoteBody(_In):
    """``{"resolution": {"description": ...}}`` (optional)."""

    resolution: ResolutionNoteIn | None = None


class ResolutionIn(ResolutionNoteIn):
    """The submissions a bulk approval, rejection or cancellation resolves."""

    submission_ids: list[RecordId] = Field(max_length=1_000)


class ResolutionBody(_In):
    """``{"resolution": {"description": ..., "submission_ids": [...]}}``."""

    resolution: ResolutionIn


# -- billing -------------------------------------------------------------------------------------------------
class ExpensePatchIn(_In):
    """Fields of an expense to change."""

    workspace_id: RecordId | None = None
    user_id: RecordId | None = None
    date: Day | None = None
    category: Short | None = None
    amount_in_cents: Cents | None = None
    notes: Text | None = None
    is_billable: bool | None = None
    reimbursable: bool | None = None
    story_id: RecordId | None = None


class ExpenseIn(_In):
    """An expense to log."""

    workspace_id: RecordId
    user_id: RecordId
    date: Day
    category: Short | None = Field(default=None, description="Travel, Mileage, Lodging, Food, Entertainment, Other.")
    amount_in_cents: Cents
    notes: Text | None = None
    is_billable: bool | None = None
    reimbursable: bool | None = None
    story_id: RecordId | None = None
    external_reference: ExternalReferenceIn | None = None


class ExpenseBody(_In):
    """``{"expense": {...}}``."""

    expense: ExpenseIn


class ExpensePatchBody(_In):
    """``{"expense": {...}}`` with the fields to change."""

    expense: ExpensePatchIn


class InvoicePatchIn(_In):
    """Fields of an invoice to change (``draft: false`` sends it)."""

    message: Text | None = None
    purchase_order: Short | None = None
    invoice_date: Day | None = None
    payment_schedule: int | None = Field(default=None, ge=0, le=365, description="Days to pay (30: net 30).")
    draft: bool | None = None


class InvoiceIn(InvoicePatchIn):
    """An invoice drafted from billing-eligible time entries and expenses."""

    workspace_ids: list[RecordId] = Field(max_length=200)
    time_entry_ids: list[RecordId] = Field(default_factory=list, max_length=10_000)
    expense_ids: list[RecordId] = Field(default_factory=list, max_length=10_000)


class InvoiceBody(_In):
    """``{"invoice": {...}}``."""

    invoice: InvoiceIn


class InvoicePatchBody(_In):
    """``{"invoice": {...}}`` with the fields to change."""

    invoice: InvoicePatchIn
