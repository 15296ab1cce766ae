"""Domain records -> Kantata wire records (plain dicts shaped as :mod:`simulators.psa.schemas.records`).

Built by hand rather than through the pydantic models, because rendering is the hot path of every list
and of the event feed; ``tests/simulators/psa/test_psa_render.py`` validates each one against its model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from simulators._core.events import Event
from simulators.psa.entities import (
    STATUS_COLORS,
    STATUS_MESSAGES,
    Expense,
    ExternalReference,
    Invoice,
    Participation,
    RateCard,
    RateCardRole,
    Resolution,
    Role,
    Story,
    TimeEntry,
    TimesheetSubmission,
    User,
    Workspace,
)
from simulators.psa.models import PsaStore
from simulators.psa.models.base import cents
from simulators.psa.models.billing import due_date

Renderer = Callable[[PsaStore, Any], dict[str, Any]]


def iso(value: datetime | None) -> str | None:
    """A UTC datetime as ISO 8601 with ``Z`` (pydantic's JSON form)."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    """A date as ISO 8601."""
    return None if value is None else value.isoformat()


def sid(value: int | None) -> str | None:
    """An id as Kantata's string id."""
    return None if value is None else str(value)


def user_out(store: PsaStore, u: User) -> dict[str, Any]:
    """A user."""
    return {
        "id": str(u.id),
        "full_name": u.full_name,
        "email_address": u.email_address,
        "headline": u.headline,
        "account_id": store.settings().account_id,
        "role_id": sid(u.role_id),
        "location": u.location,
        "default_bill_rate_in_cents": cents(u.default_bill_rate),
        "cost_rate_in_cents": cents(u.cost_rate),
    }


def role_out(store: PsaStore, r: Role) -> dict[str, Any]:
    """A role."""
    return {"id": str(r.id), "name": r.name}


def rate_card_out(store: PsaStore, c: RateCard) -> dict[str, Any]:
    """A rate card."""
    return {"id": str(c.id), "title": c.title, "currency": c.currency, "default": c.default}


def rate_card_role_out(store: PsaStore, r: RateCardRole) -> dict[str, Any]:
    """One role's rate on a rate card."""
    card = store.tables["rate_cards"].get(r.rate_card_id)
    return {
        "id": str(r.id),
        "rate_card_id": str(r.rate_card_id),
        "role_id": str(r.role_id),
        "rate_in_cents": cents(r.rate),
        "currency": card.currency if card is not None else "USD",
    }


def workspace_out(store: PsaStore, w: Workspace) -> dict[str, Any]:
    """A workspace."""
    return {
        "id": str(w.id),
        "title": w.title,
        "description": w.description,
        "currency": w.currency,
        "budget_in_cents": cents(w.budget),
        "billing_model": w.billing_model,
        "client_ref": w.client_ref,
        "status": {"key": w.status, "message": STATUS_MESSAGES[w.status], "color": STATUS_COLORS[w.status]},
        "start_date": day(w.start_date),
        "due_date": day(w.due_date),
        "archived": w.archived,
        "rate_card_id": sid(w.rate_card_id),
        "created_at": iso(w.created_at),
        "updated_at": iso(w.updated_at),
    }


def story_out(store: PsaStore, s: Story) -> dict[str, Any]:
    """A story."""
    return {
        "id": str(s.id),
        "workspace_id": str(s.workspace_id),
        "title": s.title,
        "story_type": s.story_type,
        "state": s.state,
        "description": s.description,
        "parent_id": sid(s.parent_id),
        "start_date": day(s.start_date),
        "due_date": day(s.due_date),
        "billable": s.billable,
        "budget_estimate_in_cents": None if s.budget_estimate is None else cents(s.budget_estimate),
        "archived": s.archived,
        "created_at": iso(s.created_at),
        "updated_at": iso(s.updated_at),
    }


def participation_out(store: PsaStore, p: Participation) -> dict[str, Any]:
    """A participation (``rate_in_cents`` is its effective bill rate)."""
    return {
        "id": str(p.id),
        "workspace_id": str(p.workspace_id),
        "user_id": str(p.user_id),
        "rate_in_cents": cents(store.bill_rate(p)),
        "role": p.role,
        "role_id": sid(p.role_id),
        "start_date": day(p.start_date),
        "end_date": day(p.end_date),
    }


def _active_submission(store: PsaStore, e: TimeEntry) -> int | None:
    if e.timesheet_submission_id is None:
        return None
    sub = store.tables["timesheet_submissions"].get(e.timesheet_submission_id)
    return sub.id if sub is not None and sub.status in ("new", "approved") else None


def time_entry_out(store: PsaStore, e: TimeEntry) -> dict[str, Any]:
    """A time entry."""
    workspace = store.tables["workspaces"].get(e.workspace_id)
    active = _active_submission(store, e)
    return {
        "id": str(e.id),
        "workspace_id": str(e.workspace_id),
        "user_id": str(e.user_id),
        "date_performed": e.date_performed.isoformat(),
        "time_in_minutes": e.time_in_minutes,
        "billable": e.billable,
        "notes": e.notes,
        "rate_in_cents": cents(e.rate),
        "cost_rate_in_cents": cents(e.cost_rate),
        "currency": workspace.currency if workspace is not None else "USD",
        "approved": e.approved,
        "is_invoiced": e.invoice_id is not None,
        "invoice_id": sid(e.invoice_id),
        "active_submission_id": sid(active),
        "timesheet_submission_id": sid(active),
        "story_id": sid(e.story_id),
        "created_at": iso(e.created_at),
        "updated_at": iso(e.updated_at),
    }


def submission_out(store: PsaStore, s: TimesheetSubmission) -> dict[str, Any]:
    """A timesheet submission."""
    return {
        "id": str(s.id),
        "user_id": str(s.user_id),
        "workspace_id": str(s.workspace_id),
        "title": s.title,
        "status": s.status,
        "time_entry_ids": [str(i) for i in s.time_entry_ids],
        "submitted_at": iso(s.submitted_at),
        "resolved_at": iso(s.resolved_at),
        "comment": s.comment,
        "current_resolution_id": sid(s.resolution_ids[-1]) if s.resolution_ids else None,
    }


def resolution_out(store: PsaStore, r: Resolution) -> dict[str, Any]:
    """An approval, rejection or cancellation."""
    return {
        "id": str(r.id),
        "type": r.type,
        "description": r.description,
        "target_type": r.target_type,
        "target_id": str(r.target_id),
        "user_id": None,
        "account_id": store.settings().account_id,
        "current": r.current,
        "created_at": iso(r.created_at),
        "updated_at": iso(r.created_at),
    }


def expense_out(store: PsaStore, x: Expense) -> dict[str, Any]:
    """An expense."""
    return {
        "id": str(x.id),
        "workspace_id": str(x.workspace_id),
        "user_id": str(x.user_id),
        "date": x.date.isoformat(),
        "category": x.category,
        "notes": x.notes,
        "amount_in_cents": cents(x.amount),
        "currency": x.currency,
        "is_billable": x.is_billable,
        "is_invoiced": x.invoice_id is not None,
        "invoice_id": sid(x.invoice_id),
        "reimbursable": x.reimbursable,
        "story_id": sid(x.story_id),
        "created_at": iso(x.created_at),
        "updated_at": iso(x.updated_at),
    }


def invoice_out(store: PsaStore, i: Invoice) -> dict[str, Any]:
    """An invoice (``title`` is ``(Draft )Invoice #<number>``, as Kantata names them)."""
    return {
        "id": str(i.id),
        "user_invoice_number": i.user_invoice_number,
        "title": f"{'Draft ' if i.draft else ''}Invoice #{i.user_invoice_number}",
        "workspace_ids": [str(w) for w in i.workspace_ids],
        "time_entry_ids": [str(e) for e in i.time_entry_ids],
        "expense_ids": [str(x) for x in i.expense_ids],
        "currency": i.currency,
        "invoice_date": i.invoice_date.isoformat(),
        "due_date": due_date(i).isoformat(),
        "payment_schedule": i.payment_schedule,
        "draft": i.draft,
        "status": i.status,
        "message": i.message,
        "purchase_order": i.purchase_order,
        "balance_in_cents": cents(i.amount),
        "created_at": iso(i.created_at),
        "updated_at": iso(i.updated_at),
    }


def reference_out(store: PsaStore, r: ExternalReference) -> dict[str, Any]:
    """An external reference."""
    return {
        "id": str(r.id),
        "subject_type": r.subject_type,
        "subject_id": str(r.subject_id),
        "service_name": r.service_name,
        "service_model": r.service_model,
        "service_model_ref": r.service_model_ref,
        "status": r.status,
        "external_link": r.external_link,
        "external_status": r.external_status,
        "external_message": r.external_message,
        "locked": r.locked,
        "last_synced_at": iso(r.last_synced_at),
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
    }


def event_out(store: PsaStore, e: Event) -> dict[str, Any]:
    """A subscribed event (``subject_changed_at`` may lag behind ``created_at``)."""
    payload = e.payload
    return {
        "id": str(e.id),
        "event_type": e.type,
        "subject_type": e.subject_type,
        "subject_id": e.subject_id,
        "subject_changed_at": iso(e.meta.get("subject_changed_at", e.created_at)),
        "created_at": iso(e.created_at),
        "account_id": store.settings().account_id,
        "current_payload": payload.get("current_payload") or None,
        "previous_payload": payload.get("previous_payload"),
        "payload_changes": payload.get("payload_changes") or {},
    }


RENDERERS: dict[type, tuple[str, Renderer]] = {
    User: ("users", user_out),
    Role: ("roles", role_out),
    RateCard: ("rate_cards", rate_card_out),
    RateCardRole: ("rate_card_roles", rate_card_role_out),
    Workspace: ("workspaces", workspace_out),
    Story: ("stories", story_out),
    Participation: ("participations", participation_out),
    TimeEntry: ("time_entries", time_entry_out),
    TimesheetSubmission: ("timesheet_submissions", submission_out),
    Resolution: ("resolutions", resolution_out),
    Expense: ("expenses", expense_out),
    Invoice: ("invoices", invoice_out),
    ExternalReference: ("external_references", reference_out),
    Event: ("subscribed_events", event_out),
}
"""Per record class: its top-level key and its renderer."""


def render(store: PsaStore, record: Any) -> tuple[str, dict[str, Any]]:
    """A record's top-level key and wire form."""
    key, fn = RENDERERS[type(record)]
    return key, fn(store, record)
