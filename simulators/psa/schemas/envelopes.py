"""The side-loaded envelope: ``count``, ``results`` (``{key, id}`` in order), one ``{id: record}`` map per type.

See https://developer.kantata.com/kantata/specification/section/response-format. Associations named in
``include=`` are side-loaded into their own maps (declared here where an endpoint offers them).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from simulators.psa.schemas.records import (
    ExpenseOut,
    ExternalReferenceOut,
    Id,
    InvoiceOut,
    ParticipationOut,
    RateCardOut,
    RateCardRoleOut,
    ResolutionOut,
    RoleOut,
    StoryOut,
    SubscribedEventOut,
    TimeEntryOut,
    TimesheetSubmissionOut,
    UserOut,
    WorkspaceOut,
)


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
    roles: dict[Id, RoleOut] | None = None
    external_references: dict[Id, ExternalReferenceOut] | None = None


class RolesEnvelope(Envelope):
    """Roles."""

    roles: dict[Id, RoleOut]


class RateCardsEnvelope(Envelope):
    """Rate cards."""

    rate_cards: dict[Id, RateCardOut]
    rate_card_roles: dict[Id, RateCardRoleOut] | None = None


class RateCardRolesEnvelope(Envelope):
    """Role rates."""

    rate_card_roles: dict[Id, RateCardRoleOut]
    rate_cards: dict[Id, RateCardOut] | None = None
    roles: dict[Id, RoleOut] | None = None


class WorkspacesEnvelope(Envelope):
    """Workspaces."""

    workspaces: dict[Id, WorkspaceOut]
    participations: dict[Id, ParticipationOut] | None = None
    users: dict[Id, UserOut] | None = None
    stories: dict[Id, StoryOut] | None = None
    rate_cards: dict[Id, RateCardOut] | None = None
    external_references: dict[Id, ExternalReferenceOut] | None = None


class StoriesEnvelope(Envelope):
    """Stories."""

    stories: dict[Id, StoryOut]
    workspaces: dict[Id, WorkspaceOut] | None = None
    external_references: dict[Id, ExternalReferenceOut] | None = None


class ParticipationsEnvelope(Envelope):
    """Participations."""

    participations: dict[Id, ParticipationOut]
    users: dict[Id, UserOut] | None = None
    workspaces: dict[Id, WorkspaceOut] | None = None
    roles: dict[Id, RoleOut] | None = None


class TimeEntriesEnvelope(Envelope):
    """Time entries."""

    time_entries: dict[Id, TimeEntryOut]
    users: dict[Id, UserOut] | None = None
    workspaces: dict[Id, WorkspaceOut] | None = None
    stories: dict[Id, StoryOut] | None = None
    timesheet_submissions: dict[Id, TimesheetSubmissionOut] | None = None
    invoices: dict[Id, InvoiceOut] | None = None
    external_references: dict[Id, ExternalReferenceOut] | None = None


class TimesheetSubmissionsEnvelope(Envelope):
    """Timesheet submissions."""

    timesheet_submissions: dict[Id, TimesheetSubmissionOut]
    time_entries: dict[Id, TimeEntryOut] | None = None
    users: dict[Id, UserOut] | None = None
    workspaces: dict[Id, WorkspaceOut] | None = None
    resolutions: dict[Id, ResolutionOut] | None = None
    external_references: dict[Id, ExternalReferenceOut] | None = None


class ResolutionsEnvelope(Envelope):
    """Resolutions of a bulk approval, rejection or cancellation."""

    resolutions: dict[Id, ResolutionOut]
    timesheet_submissions: dict[Id, TimesheetSubmissionOut] | None = None


class ExpensesEnvelope(Envelope):
    """Expenses."""

    expenses: dict[Id, ExpenseOut]
    users: dict[Id, UserOut] | None = None
    workspaces: dict[Id, WorkspaceOut] | None = None
    invoices: dict[Id, InvoiceOut] | None = None
    external_references: dict[Id, ExternalReferenceOut] | None = None


class InvoicesEnvelope(Envelope):
    """Invoices."""

    invoices: dict[Id, InvoiceOut]
    time_entries: dict[Id, TimeEntryOut] | None = None
    expenses: dict[Id, ExpenseOut] | None = None
    workspaces: dict[Id, WorkspaceOut] | None = None
    external_references: dict[Id, ExternalReferenceOut] | None = None


class ExternalReferencesEnvelope(Envelope):
    """External references (``include=subject`` side-loads the objects they are on)."""

    external_references: dict[Id, ExternalReferenceOut]


class SubscribedEventsEnvelope(Envelope):
    """Subscribed events (``include=subject`` side-loads the records they are about)."""

    subscribed_events: dict[Id, SubscribedEventOut]
