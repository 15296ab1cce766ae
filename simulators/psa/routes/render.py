"""Domain records -> Kantata wire records, and the side-loaded envelope around them.

See https://developer.kantata.com/kantata/specification/section/response-format: ``results`` lists
``{key, id}`` in order, each record type is a top-level map keyed by id, associations named in
``include=`` are side-loaded into their own maps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi.responses import Response

from simulators._core.events import Event
from simulators._core.responses import json_response
from simulators.psa.exceptions import ValidationError
from simulators.psa.models import PsaStore
from simulators.psa.records import STATUS_MESSAGES, ListQuery, Participation, TimeEntry, TimesheetSubmission, User
from simulators.psa.records import Workspace as WorkspaceRecord
from simulators.psa.routes.common import meta
from simulators.psa.schemas import (
    ParticipationOut,
    SubscribedEventOut,
    TimeEntryOut,
    TimesheetSubmissionOut,
    UserOut,
    WorkspaceOut,
    WorkspaceStatusOut,
)


def cents(amount: Decimal) -> int:
    """Currency units -> integer cents, half up."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _sid(value: int | None) -> str | None:
    return None if value is None else str(value)


def user_out(u: User, account_id: str) -> dict[str, Any]:
    """A user."""
    return UserOut(
        id=str(u.id),
        full_name=u.full_name,
        email_address=u.email_address,
        headline=u.headline,
        account_id=account_id,
        default_bill_rate_in_cents=cents(u.default_bill_rate),
        cost_rate_in_cents=cents(u.cost_rate),
    ).model_dump(mode="json")


def workspace_out(w: WorkspaceRecord) -> dict[str, Any]:
    """A workspace."""
    return WorkspaceOut(
        id=str(w.id),
        title=w.title,
        description=w.description,
        currency=w.currency,
        budget_in_cents=cents(w.budget),
        billing_model=w.billing_model,
        client_ref=w.client_ref,
        status=WorkspaceStatusOut(key=w.status, message=STATUS_MESSAGES.get(w.status, w.status)),
        start_date=w.start_date,
        created_at=w.created_at,
        updated_at=w.updated_at,
    ).model_dump(mode="json")


def participation_out(p: Participation) -> dict[str, Any]:
    """A participation."""
    return ParticipationOut(
        id=str(p.id),
        workspace_id=str(p.workspace_id),
        user_id=str(p.user_id),
        rate_in_cents=cents(p.rate),
        role=p.role,
    ).model_dump(mode="json")


def time_entry_out(e: TimeEntry) -> dict[str, Any]:
    """A time entry."""
    return TimeEntryOut(
        id=str(e.id),
        workspace_id=str(e.workspace_id),
        user_id=str(e.user_id),
        date_performed=e.date_performed,
        time_in_minutes=e.time_in_minutes,
        billable=e.billable,
        notes=e.notes,
        rate_in_cents=cents(e.rate),
        approved=e.approved,
        timesheet_submission_id=_sid(e.timesheet_submission_id),
        story_id=_sid(e.story_id),
        created_at=e.created_at,
        updated_at=e.updated_at,
    ).model_dump(mode="json")


def submission_out(s: TimesheetSubmission) -> dict[str, Any]:
    """A timesheet submission."""
    return TimesheetSubmissionOut(
        id=str(s.id),
        user_id=str(s.user_id),
        status=s.status,
        time_entry_ids=[str(i) for i in s.time_entry_ids],
        submitted_at=s.submitted_at,
        resolved_at=s.resolved_at,
        comment=s.comment,
    ).model_dump(mode="json")


def event_out(e: Event, account_id: str) -> dict[str, Any]:
    """A subscribed event (the simulator has no lag: ``subject_changed_at`` equals ``created_at``)."""
    return SubscribedEventOut(
        id=str(e.id),
        event_type=e.type,
        subject_type=e.subject_type,
        subject_id=e.subject_id,
        subject_changed_at=e.created_at,
        created_at=e.created_at,
        payload=e.payload,
        account_id=account_id,
    ).model_dump(mode="json")


def _render(record: Any, account_id: str) -> tuple[str, dict[str, Any]]:
    if isinstance(record, TimeEntry):
        return "time_entries", time_entry_out(record)
    if isinstance(record, TimesheetSubmission):
        return "timesheet_submissions", submission_out(record)
    if isinstance(record, User):
        return "users", user_out(record, account_id)
    if isinstance(record, WorkspaceRecord):
        return "workspaces", workspace_out(record)
    if isinstance(record, Participation):
        return "participations", participation_out(record)
    if isinstance(record, Event):
        return "subscribed_events", event_out(record, account_id)
    raise TypeError(f"cannot render {type(record).__name__}")


Associations = Callable[[PsaStore, Any], list[Any]]


def _one(table: str, attr: str) -> Associations:
    return lambda store, record: [store.tables[table].get(getattr(record, attr))]


def _active_submission(store: PsaStore, entry: TimeEntry) -> list[Any]:
    if entry.timesheet_submission_id is None:
        return []
    sub = store.tables["timesheet_submissions"].get(entry.timesheet_submission_id)
    return [sub] if sub is not None and sub.status in ("pending", "approved") else []


INCLUDES: dict[str, dict[str, Associations]] = {
    "time_entries": {
        "user": _one("users", "user_id"),
        "workspace": _one("workspaces", "workspace_id"),
        "timesheet_submission": _one("timesheet_submissions", "timesheet_submission_id"),
        "active_submission": _active_submission,
    },
    "timesheet_submissions": {
        "user": _one("users", "user_id"),
        "time_entries": lambda store, sub: [store.tables["time_entries"].get(i) for i in sub.time_entry_ids],
    },
    "participations": {"user": _one("users", "user_id"), "workspace": _one("workspaces", "workspace_id")},
    "workspaces": {
        "participations": lambda store, w: [
            p for p in store.tables["participations"].values() if p.workspace_id == w.id
        ],
        "participants": lambda store, w: [
            store.tables["users"].get(p.user_id)
            for p in store.tables["participations"].values()
            if p.workspace_id == w.id
        ],
    },
    "users": {},
    "subscribed_events": {},
}


def envelope(
    store: PsaStore,
    key: str,
    records: Sequence[Any],
    *,
    total: int | None = None,
    query: ListQuery | None = None,
    include: Sequence[str] = (),
) -> Response:
    """The side-loaded envelope of ``records`` (a list page, one record, or what a write returned).

    Raises:
        ValidationError: ``include`` names an association this record type does not have.
    """
    known = INCLUDES[key]
    for name in include:
        if name not in known:
            raise ValidationError(f"Invalid include: {name}", field="include")
    account_id = store.ctx.settings().account_id
    body: dict[str, Any] = {"count": len(records) if total is None else total, "results": [], key: {}}
    for record in records:
        body["results"].append({"key": key, "id": str(record.id)})
        body[key][str(record.id)] = _render(record, account_id)[1]
    for name in include:
        for record in records:
            for assoc in known[name](store, record):
                if assoc is not None:
                    assoc_key, rendered = _render(assoc, account_id)
                    body.setdefault(assoc_key, {}).setdefault(str(assoc.id), rendered)
    page = query if query is not None else ListQuery(0, max(len(records), 1))
    body["meta"] = meta(body["count"], page).model_dump()
    return json_response(body)
