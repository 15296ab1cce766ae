"""Kantata OX wire shapes: request bodies in, records and the side-loaded envelope out.

Ids and foreign keys are JSON strings on the way out (Kantata's convention); on the way in, a string or
a number is accepted. Unknown body attributes are ignored, as Kantata's Rails controllers ignore
unpermitted parameters.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = str
SubmissionStatusOut = Literal["pending", "approved", "rejected", "canceled"]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TimeEntryIn(_In):
    """One time entry to create."""

    workspace_id: int = Field(ge=1, description="The workspace id (a string or a number).")
    user_id: int = Field(ge=1, description="Who performed the work; needs a participation on the workspace.")
    date_performed: date
    time_in_minutes: int = Field(ge=1, le=1440)
    billable: bool = True
    notes: str | None = Field(default=None, max_length=10_000)
    rate_in_cents: int | None = Field(default=None, ge=0, description="Defaults to the participation's rate.")
    story_id: int | None = Field(default=None, ge=1)


class TimeEntryPatchIn(_In):
    """Fields of a time entry to change (only those sent are changed)."""

    workspace_id: int | None = Field(default=None, ge=1)
    user_id: int | None = Field(default=None, ge=1)
    date_performed: date | None = None
    time_in_minutes: int | None = Field(default=None, ge=1, le=1440)
    billable: bool | None = None
    notes: str | None = Field(default=None, max_length=10_000)
    rate_in_cents: int | None = Field(default=None, ge=0)
    story_id: int | None = Field(default=None, ge=1)


class TimeEntryCreateBody(_In):
    """``{"time_entry": {...}}`` or, in bulk, ``{"time_entries": [{...}, ...]}``."""

    time_entry: TimeEntryIn | None = None
    time_entries: list[TimeEntryIn] | None = None


class TimeEntryUpdateBody(_In):
    """``{"time_entry": {...}}`` with the fields to change."""

    time_entry: TimeEntryPatchIn


class TimesheetSubmissionIn(_In):
    """A user's time entries to submit for approval."""

    user_id: int = Field(ge=1)
    time_entry_ids: list[int] = Field(min_length=1, max_length=10_000)
    comment: str | None = Field(default=None, max_length=10_000)


class TimesheetSubmissionCreateBody(_In):
    """``{"timesheet_submission": {...}}``."""

    timesheet_submission: TimesheetSubmissionIn


# -- records out --------------------------------------------------------------------------------------------
class UserOut(BaseModel):
    """A user."""

    id: Id
    full_name: str
    email_address: str
    headline: str
    account_id: str
    default_bill_rate_in_cents: int
    cost_rate_in_cents: int


class WorkspaceStatusOut(BaseModel):
    """A workspace's status."""

    key: str
    message: str


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
    created_at: datetime
    updated_at: datetime


class ParticipationOut(BaseModel):
    """A user's membership of a workspace."""

    id: Id
    workspace_id: Id
    user_id: Id
    rate_in_cents: int
    role: str


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
    approved: bool
    timesheet_submission_id: Id | None
    story_id: Id | None
    created_at: datetime
    updated_at: datetime


class TimesheetSubmissionOut(BaseModel):
    """A timesheet submission."""

    id: Id
    user_id: Id
    status: SubmissionStatusOut
    time_entry_ids: list[Id]
    submitted_at: datetime
    resolved_at: datetime | None
    comment: str | None


class SubscribedEventOut(BaseModel):
    """One record of the ``subscribed_events`` feed."""

    id: Id
    event_type: str
    subject_type: str
    subject_id: Id
    subject_changed_at: datetime
    created_at: datetime
    payload: dict[str, Any]
    account_id: str


# -- envelope -----------------------------------------------------------------------------------------------
class ResultRef(BaseModel):
    """One entry of ``results``: which top-level map and id to read, in order."""

    key: str
    id: Id


class Meta(BaseModel):
    """Paging facts of a list response."""

    count: int
    page_count: int
    page_number: int
    page_size: int


class Envelope(BaseModel):
    """The side-loaded envelope; each record type (and each ``include``) is a top-level ``{id: record}`` map."""

    model_config = ConfigDict(extra="allow")
    count: int
    results: list[ResultRef]
    meta: Meta


class UsersEnvelope(Envelope):
    """Users."""

    users: dict[Id, UserOut]


class WorkspacesEnvelope(Envelope):
    """Workspaces."""

    workspaces: dict[Id, WorkspaceOut]


class ParticipationsEnvelope(Envelope):
    """Participations."""

    participations: dict[Id, ParticipationOut]


class TimeEntriesEnvelope(Envelope):
    """Time entries."""

    time_entries: dict[Id, TimeEntryOut]


class TimesheetSubmissionsEnvelope(Envelope):
    """Timesheet submissions."""

    timesheet_submissions: dict[Id, TimesheetSubmissionOut]


class SubscribedEventsEnvelope(Envelope):
    """Subscribed events."""

    subscribed_events: dict[Id, SubscribedEventOut]


class ErrorOut(BaseModel):
    """One Kantata error."""

    type: Literal["oauth", "system", "validation"]
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    """Kantata's error envelope."""

    errors: list[ErrorOut]
