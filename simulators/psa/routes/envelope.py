"""The side-loaded envelope around rendered records: ``include=`` associations and ``optional_fields=``.

See https://developer.kantata.com/kantata/specification/section/response-format: ``results`` lists
``{key, id}`` in order, each record type is a top-level map keyed by id, associations named in
``include=`` are side-loaded into their own maps (and a has-many association adds ``<name>_ids`` to the
record), and ``optional_fields=`` adds named fields inline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from fastapi.responses import Response

from simulators._core.events import Event
from simulators._core.responses import json_response
from simulators.psa.exceptions import ValidationError
from simulators.psa.models import PsaStore, entry_amount, entry_eligible, expense_eligible
from simulators.psa.models.base import cents
from simulators.psa.records import ListQuery, Page
from simulators.psa.routes.common import ListParams
from simulators.psa.routes.render import render

Associated = Callable[[PsaStore, Any], list[Any]]
Extra = Callable[[PsaStore, Any], Any]


def _one(table: str, attr: str) -> Associated:
    return lambda store, record: [store.tables[table].get(getattr(record, attr))]


def _where(table: str, attr: str) -> Associated:
    return lambda store, record: [r for r in store.tables[table].values() if getattr(r, attr) == record.id]


def _refs(subject_type: str) -> Associated:
    return lambda store, record: store.references_of(subject_type, record.id)


def _many(table: str, attr: str) -> Associated:
    return lambda store, record: [store.tables[table].get(i) for i in getattr(record, attr)]


def _active_submission(store: PsaStore, entry: Any) -> list[Any]:
    sub = store.tables["timesheet_submissions"].get(entry.timesheet_submission_id)
    return [sub] if sub is not None and sub.status in ("new", "approved") else []


def _participants(store: PsaStore, workspace: Any) -> list[Any]:
    return [store.tables["users"].get(p.user_id) for p in _where("participations", "workspace_id")(store, workspace)]


INCLUDES: dict[str, dict[str, tuple[Associated, str | None]]] = {
    "users": {
        "role": (_one("roles", "role_id"), None),
        "external_references": (_refs("User"), "external_reference_ids"),
    },
    "roles": {},
    "rate_cards": {"rate_card_roles": (_where("rate_card_roles", "rate_card_id"), "rate_card_role_ids")},
    "rate_card_roles": {
        "rate_card": (_one("rate_cards", "rate_card_id"), None),
        "role": (_one("roles", "role_id"), None),
    },
    "workspaces": {
        "participations": (_where("participations", "workspace_id"), "participation_ids"),
        "participants": (_participants, "participant_ids"),
        "stories": (_where("stories", "workspace_id"), "story_ids"),
        "rate_card": (_one("rate_cards", "rate_card_id"), None),
        "external_references": (_refs("Workspace"), "external_reference_ids"),
    },
    "stories": {
        "workspace": (_one("workspaces", "workspace_id"), None),
        "parent": (_one("stories", "parent_id"), None),
        "sub_stories": (_where("stories", "parent_id"), "sub_story_ids"),
        "external_references": (_refs("Story"), "external_reference_ids"),
    },
    "participations": {
        "user": (_one("users", "user_id"), None),
        "workspace": (_one("workspaces", "workspace_id"), None),
        "role": (_one("roles", "role_id"), None),
        "external_references": (_refs("Participation"), "external_reference_ids"),
    },
    "time_entries": {
        "user": (_one("users", "user_id"), None),
        "workspace": (_one("workspaces", "workspace_id"), None),
        "story": (_one("stories", "story_id"), None),
        "timesheet_submission": (_active_submission, None),
        "active_submission": (_active_submission, None),
        "invoice": (_one("invoices", "invoice_id"), None),
        "external_references": (_refs("TimeEntry"), "external_reference_ids"),
    },
    "timesheet_submissions": {
        "user": (_one("users", "user_id"), None),
        "workspace": (_one("workspaces", "workspace_id"), None),
        "time_entries": (_many("time_entries", "time_entry_ids"), None),
        "resolutions": (_many("resolutions", "resolution_ids"), "resolution_ids"),
        "external_references": (_refs("Submission"), "external_reference_ids"),
    },
    "resolutions": {"target": (_one("timesheet_submissions", "target_id"), None)},
    "expenses": {
        "user": (_one("users", "user_id"), None),
        "workspace": (_one("workspaces", "workspace_id"), None),
        "story": (_one("stories", "story_id"), None),
        "invoice": (_one("invoices", "invoice_id"), None),
        "external_references": (_refs("Expense"), "external_reference_ids"),
    },
    "invoices": {
        "time_entries": (_many("time_entries", "time_entry_ids"), None),
        "expenses": (_many("expenses", "expense_ids"), None),
        "workspaces": (_many("workspaces", "workspace_ids"), None),
        "external_references": (_refs("Invoice"), "external_reference_ids"),
    },
    "external_references": {"subject": (lambda store, ref: [store.subject_of(ref)], None)},
    "subscribed_events": {"subject": (lambda store, event: [store.event_subject(event)], None)},
}
"""Per top-level key: the associations ``include=`` may name, and the ``*_ids`` field a has-many one adds."""


def _budget_used(store: PsaStore, workspace: Any) -> int:
    time = sum(
        entry_amount(e) for e in store.tables["time_entries"].values() if e.workspace_id == workspace.id and e.approved
    )
    spent = sum(x.amount for x in store.tables["expenses"].values() if x.workspace_id == workspace.id)
    return cents(time + spent)


def _logged(billable: bool) -> Extra:
    return lambda store, story: sum(
        e.time_in_minutes
        for e in store.tables["time_entries"].values()
        if e.story_id == story.id and e.billable == billable
    )


OPTIONAL_FIELDS: dict[str, dict[str, Extra]] = {
    "time_entries": {
        "billing_eligible": lambda store, e: entry_eligible(e),
        "user_can_edit": lambda store, e: store.lock_reason(e) is None,
    },
    "expenses": {"billing_eligible": lambda store, x: expense_eligible(x)},
    "workspaces": {
        "budget_used_in_cents": _budget_used,
        "budget_remaining_in_cents": lambda store, w: cents(w.budget) - _budget_used(store, w),
    },
    "stories": {
        "logged_billable_time_in_minutes": _logged(True),
        "logged_nonbillable_time_in_minutes": _logged(False),
    },
}
"""Per top-level key: the extra fields ``optional_fields=`` may name."""


def _check(names: Sequence[str], known: Any, what: str, field: str) -> None:
    for name in names:
        if name not in known:
            raise ValidationError(f"Invalid {what}: {name}", field=field)


def envelope(
    store: PsaStore,
    key: str,
    records: Sequence[Any],
    *,
    total: int | None = None,
    query: ListQuery | None = None,
    include: Sequence[str] = (),
    optional_fields: Sequence[str] = (),
) -> Response:
    """The side-loaded envelope of ``records`` (a list page, one record, or what a write returned).

    Raises:
        ValidationError: ``include`` or ``optional_fields`` names something this record type does not have.
    """
    assocs, extras = INCLUDES[key], OPTIONAL_FIELDS.get(key, {})
    _check(include, assocs, "include", "include")
    _check(optional_fields, extras, "optional field", "optional_fields")
    count = len(records) if total is None else total
    results: list[dict[str, str]] = []
    main: dict[str, Any] = {}
    body: dict[str, Any] = {"count": count, "results": results, key: main}
    rendered: list[dict[str, Any]] = []
    for record in records:
        results.append({"key": key, "id": str(record.id)})
        out = render(store, record)[1]
        for name in optional_fields:
            out[name] = extras[name](store, record)
        main[str(record.id)] = out
        rendered.append(out)
    for name in include:
        fetch, ids_field = assocs[name]
        for record, out in zip(records, rendered, strict=True):
            found = [a for a in fetch(store, record) if a is not None]
            if ids_field is not None:
                out[ids_field] = [str(a.id) for a in found]
            for assoc in found:
                assoc_key, assoc_out = render(store, assoc)
                body.setdefault(assoc_key, {}).setdefault(str(assoc.id), assoc_out)
                if isinstance(record, Event):
                    out["subject_ref"] = {"key": assoc_key, "id": str(assoc.id)}
    page = query if query is not None else ListQuery(0, max(len(records), 1))
    size = page.limit
    body["meta"] = {
        "count": count,
        "page_count": math.ceil(count / size) if size else 0,
        "page_number": page.offset // size + 1 if size else 1,
        "page_size": size,
    }
    return json_response(body)


def listed(store: PsaStore, key: str, page: Page[Any], params: ListParams) -> Response:
    """The envelope of a list page."""
    return envelope(
        store,
        key,
        page.items,
        total=page.total,
        query=page.query,
        include=params.include,
        optional_fields=params.optional_fields,
    )


def shown(store: PsaStore, key: str, records: Sequence[Any], params: ListParams) -> Response:
    """The envelope of one record (a read) or of what a write returned."""
    return envelope(store, key, records, include=params.include, optional_fields=params.optional_fields)
