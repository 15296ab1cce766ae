"""Records out, as the OpenAPI document describes them (the renderers in ``routes/render.py`` build them).

Fields marked optional appear only when asked for: ``*_ids`` of an association named in ``include=``, and
the names given in ``optional_fields=``.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Id = str
Ids = list[Id] | None


class UserOut(BaseModel):
    """A user (consultant)."""

    id: Id
    full_name: str
    email_address: str
    headline: str
    account_id: str
    role_id: Id | None
    location: str | None
    default_bill_rate_in_cents: int
    cost_rate_in_cents: int
    external_reference_ids: Ids = None


class RoleOut(BaseModel):
    """A role."""

    id: Id
    name: str


class RateCardOut(BaseModel):
    """A rate card."""

    id: Id
    title: str
    currency: str
    default: bool
    rate_card_role_ids: Ids = None


class RateCardRoleOut(BaseModel):
    """One role's rate on a rate card."""

    id: Id
    rate_card_id: Id
    role_id: Id
    rate_in_cents: int
    currency: str


class WorkspaceStatusOut(BaseModel):
    """A workspace's status (``on_hold``: finance's hold)."""

    key: str
    message: str
    color: str


class WorkspaceOut(BaseModel):
    """A workspace (project)."""

    id: Id
    title: str
    description: str
    currency: str
    budget_in_cents: int
    billing_model: Literal["time_and_materials", "fixed_fee", "milestone"]
    client_ref: str
    status: WorkspaceStatusOut
    start_date: date | None
    due_date: date | None
    archived: bool
    rate_card_id: Id | None
    created_at: datetime
    updated_at: datetime
    participation_ids: Ids = None
    participant_ids: Ids = None
    story_ids: Ids = None
    external_reference_ids: Ids = None
    budget_used_in_cents: int | None = Field(default=None, description="optional_fields: approved time and expenses.")
    budget_remaining_in_cents: int | None = Field(default=None, description="optional_fields.")


class StoryOut(BaseModel):
    """A task, milestone, deliverable or issue."""

    id: Id
    workspace_id: Id
    title: str
    story_type: Literal["task", "milestone", "deliverable", "issue"]
    state: Literal["not started", "started", "needs feedback", "completed"]
    description: str
    parent_id: Id | None
    start_date: date | None
    due_date: date | None
    billable: bool
    budget_estimate_in_cents: int | None
    archived: bool
    created_at: datetime
    updated_at: datetime
    sub_story_ids: Ids = None
    external_reference_ids: Ids = None
    logged_billable_time_in_minutes: int | None = Field(default=None, description="optional_fields.")
    logged_nonbillable_time_in_minutes: int | None = Field(default=None, description="optional_fields.")


class ParticipationOut(BaseModel):
    """A user's assignment to a workspace."""

    id: Id
    workspace_id: Id
    user_id: Id
    rate_in_cents: int
    role: str
    role_id: Id | None
    start_date: date | None
    end_date: date | None
    external_reference_ids: Ids = None


class TimeEntryOut(BaseModel):
    """A time entry."""

    id: Id
    workspace_id: Id
    user_id: Id
    date_performed: date
    time_in_minutes: int
    billable: bool
    notes: str | None
    rate_in_cents: int
    cost_rate_in_cents: int
    currency: str
    approved: bool
    is_invoiced: bool
    invoice_id: Id | None
    active_submission_id: Id | None
    timesheet_submission_id: Id | None
    story_id: Id | None
    created_at: datetime
    updated_at: datetime
    external_reference_ids: Ids = None
    billing_eligible: bool | None = Field(default=None, description="optional_fields: approved, billable, unbilled.")
    user_can_edit: bool | None = Field(default=None, description="optional_fields: not locked.")


class TimesheetSubmissionOut(BaseModel):
    """A timesheet submission (``new`` is pending)."""

    id: Id
    user_id: Id
    workspace_id: Id
    title: str
    status: Literal["new", "approved", "rejected", "cancelled"]
    time_entry_ids: list[Id]
    submitted_at: datetime
    resolved_at: datetime | None
    comment: str | None
    current_resolution_id: Id | None
    external_reference_ids: Ids = None
    resolution_ids: Ids = None


class ResolutionOut(BaseModel):
    """An approval, rejection or cancellation."""

    id: Id
    type: Literal["approval", "rejection", "cancellation"]
    description: str | None
    target_type: str
    target_id: Id
    user_id: Id | None
    account_id: str
    current: bool
    created_at: datetime
    updated_at: datetime


class ExpenseOut(BaseModel):
    """An expense."""

    id: Id
    workspace_id: Id
    user_id: Id
    date: dt.date
    category: str
    notes: str | None
    amount_in_cents: int
    currency: str
    is_billable: bool
    is_invoiced: bool
    invoice_id: Id | None
    reimbursable: bool
    story_id: Id | None
    created_at: datetime
    updated_at: datetime
    external_reference_ids: Ids = None
    billing_eligible: bool | None = Field(default=None, description="optional_fields: billable and unbilled.")


class InvoiceOut(BaseModel):
    """An invoice."""

    id: Id
    user_invoice_number: int
    title: str
    workspace_ids: list[Id]
    time_entry_ids: list[Id]
    expense_ids: list[Id]
    currency: str
    invoice_date: date
    due_date: date
    payment_schedule: int
    draft: bool
    status: Literal["new", "cancelled"]
    message: str | None
    purchase_order: str | None
    balance_in_cents: int
    created_at: datetime
    updated_at: datetime
    external_reference_ids: Ids = None


class ExternalReferenceOut(BaseModel):
    """The sync state of one object in one external system."""

    id: Id
    subject_type: str
    subject_id: Id
    service_name: str
    service_model: str
    service_model_ref: str
    status: Literal["pending", "successful", "failed"]
    external_link: str | None
    external_status: str | None
    external_message: str | None
    locked: bool
    last_synced_at: datetime
    created_at: datetime
    updated_at: datetime


class SubscribedEventOut(BaseModel):
    """One record of the ``subscribed_events`` feed."""

    id: Id
    event_type: str
    subject_type: str
    subject_id: Id
    subject_changed_at: datetime
    created_at: datetime
    account_id: str
    current_payload: dict[str, Any] | None
    previous_payload: dict[str, Any] | None
    payload_changes: dict[str, Any]
    subject_ref: dict[str, str] | None = Field(default=None, description="With include=subject: {key, id}.")


class ErrorOut(BaseModel):
    """One Kantata error."""

    type: Literal["oauth", "system", "validation"]
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    """Kantata's error envelope."""

    errors: list[ErrorOut]
