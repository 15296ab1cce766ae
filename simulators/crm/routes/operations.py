"""The REST operations as plain functions ``(store, call, ...) -> Outcome``.

The FastAPI routes and the composite resource run the same functions: a composite subrequest is answered
exactly as the standalone call would be (status, body, ``Location`` of created records).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Response

from simulators._core.responses import json_response
from simulators.crm.exceptions import InvalidField, MultipleMatches
from simulators.crm.fields import FieldDef
from simulators.crm.models import CrmStore, QueryPage
from simulators.crm.routes.render import Call, expect_object, query_row, record_out, sobject_url, version_base

MIN_BATCH = 200
_BATCH_OPTION = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


@dataclass(slots=True)
class Outcome:
    """An HTTP answer before it is put on the wire (or into a ``compositeResponse`` item)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def respond(out: Outcome) -> Response:
    """An outcome as a response (no body for 204)."""
    if out.status == 204:
        return Response(status_code=204)
    return json_response(out.body, status_code=out.status)


def multiple(version: int, exc: MultipleMatches) -> Outcome:
    """HTTP 300: a JSON array of the matching records' URLs."""
    return Outcome(300, [sobject_url(version, exc.record_type, record_id) for record_id in exc.ids])


def save_result(record_id: str, created: bool) -> dict[str, Any]:
    """The body of a create or an upsert."""
    return {"id": record_id, "success": True, "errors": [], "created": created}


def create(store: CrmStore, call: Call, sobject: str, body: Any) -> Outcome:
    """``POST .../sobjects/{Type}``: 201 with the new id (a retried POST creates a second record)."""
    obj = store.describe(sobject)
    record = store.create(obj.name, expect_object(body, obj.name))
    return Outcome(201, save_result(record.id, True), {"Location": sobject_url(call.version, obj.name, record.id)})


def selected_fields(store: CrmStore, sobject: str, names: str | None) -> list[FieldDef] | None:
    """The fields a ``?fields=A,B`` parameter names (None: all)."""
    if not names:
        return None
    obj = store.describe(sobject)
    selected = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        found = obj.field(name)
        if found is None:
            raise InvalidField(f"No such column '{name}' on entity '{obj.name}'.", fields=[])
        selected.append(found)
    return selected


def read(store: CrmStore, call: Call, sobject: str, record_id: str, fields: str | None = None) -> Outcome:
    """``GET .../sobjects/{Type}/{Id}``."""
    obj = store.describe(sobject)
    record = store.get(obj.name, record_id)
    return Outcome(200, record_out(call.version, obj, record, selected_fields(store, obj.name, fields)))


def update(store: CrmStore, call: Call, sobject: str, record_id: str, body: Any) -> Outcome:
    """``PATCH .../sobjects/{Type}/{Id}``: 204."""
    obj = store.describe(sobject)
    store.update(obj.name, record_id, expect_object(body, obj.name))
    return Outcome(204)


def delete(store: CrmStore, call: Call, sobject: str, record_id: str) -> Outcome:
    """``DELETE .../sobjects/{Type}/{Id}``: 204."""
    store.delete(sobject, record_id)
    return Outcome(204)


def read_external(store: CrmStore, call: Call, sobject: str, field_name: str, value: str) -> Outcome:
    """``GET .../sobjects/{Type}/{Field}/{value}``: the record, or 300 with the matches' URLs."""
    obj = store.describe(sobject)
    try:
        record = store.find_one_external(obj.name, field_name, value)
    except MultipleMatches as exc:
        return multiple(call.version, exc)
    return Outcome(200, record_out(call.version, obj, record))


def upsert(store: CrmStore, call: Call, sobject: str, field_name: str, value: str, body: Any) -> Outcome:
    """``PATCH .../sobjects/{Type}/{Field}/{value}``: 201 created, 200 (204 before v46) updated, 300 several."""
    obj = store.describe(sobject)
    store.external_field(obj, field_name)
    doc = expect_object(body, obj.name)
    try:
        record, created = store.upsert(obj.name, field_name, value, doc)
    except MultipleMatches as exc:
        return multiple(call.version, exc)
    location = {"Location": sobject_url(call.version, obj.name, record.id)} if created else {}
    if not created and not call.profile.upsert_update_returns_body:
        return Outcome(204)
    return Outcome(201 if created else 200, save_result(record.id, created), location)


def delete_external(store: CrmStore, call: Call, sobject: str, field_name: str, value: str) -> Outcome:
    """``DELETE .../sobjects/{Type}/{Field}/{value}``: 204, or 300 with the matches' URLs."""
    obj = store.describe(sobject)
    try:
        record = store.find_one_external(obj.name, field_name, value)
    except MultipleMatches as exc:
        return multiple(call.version, exc)
    store.delete(obj.name, record.id)
    return Outcome(204)


def batch_size(headers: Mapping[str, str], call: Call) -> int:
    """``Sforce-Query-Options: batchSize=n`` (200 up to the profile's maximum, which is also the default)."""
    found = _BATCH_OPTION.search(headers.get("sforce-query-options", ""))
    largest = call.profile.max_batch_size
    return largest if found is None else max(MIN_BATCH, min(largest, int(found.group(1))))


def query_result(store: CrmStore, call: Call, endpoint: str, page: QueryPage) -> Outcome:
    """A query batch: ``totalSize``, ``done``, ``nextRecordsUrl`` when more follow, ``records``."""
    body: dict[str, Any] = {"totalSize": page.total, "done": page.locator is None}
    if page.locator is not None:
        body["nextRecordsUrl"] = f"{version_base(call.version)}/{endpoint}/{page.locator}"
    body["records"] = [query_row(call.version, store, r, page.query.select) for r in page.records]
    return Outcome(200, body)


def query(store: CrmStore, call: Call, q: str | None, *, include_deleted: bool, batch: int) -> Outcome:
    """``GET .../query?q=`` or ``.../queryAll?q=``."""
    page = store.query(q or "", include_deleted=include_deleted, batch_size=batch, owner=call.user)
    return query_result(store, call, "queryAll" if include_deleted else "query", page)


def query_more(store: CrmStore, call: Call, locator: str, *, include_deleted: bool) -> Outcome:
    """``GET .../query/{locator}`` (the ``nextRecordsUrl`` of the previous batch)."""
    page = store.query_more(locator, owner=call.user)
    return query_result(store, call, "queryAll" if include_deleted else "query", page)
