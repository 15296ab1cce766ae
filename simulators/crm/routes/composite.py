"""``POST /services/data/vNN.0/composite``: up to 25 subrequests in one call, one transaction, always HTTP 200.

Later subrequests use earlier results through ``@{referenceId.path}`` (``@{newAccount.id}``,
``@{lookup.records[0].Id}``). With ``allOrNone`` the first failure rolls everything back and every other
subrequest answers 400 ``PROCESSING_HALTED``; without it, independent subrequests still run and those that
reference a failed one answer ``PROCESSING_HALTED`` "Invalid reference specified...". The whole call
counts as one API request (reference/vendor-apis.md 1.1).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response

from simulators._core.responses import json_response
from simulators.crm.exceptions import (
    RESOURCE_MISSING,
    InvalidInput,
    LimitExceeded,
    NotFound,
    ProcessingHalted,
    error_item,
)
from simulators.crm.models import CrmStore
from simulators.crm.routes import operations as ops
from simulators.crm.routes.dispatch import HEAVY, dispatch
from simulators.crm.routes.render import Call, call_of, store_of, writing
from simulators.crm.schemas import ERRORS, CompositeRequest, CompositeResponse

router = APIRouter(prefix="/services/data/{version}/composite", responses=ERRORS, tags=["Composite"])

ROLLED_BACK = "The transaction was rolled back since another operation in the same transaction failed."
MAX_HEAVY = 5
_REFERENCE = re.compile(r"@\{(?P<ref>[A-Za-z0-9][A-Za-z0-9_]*)(?P<path>(?:\.[A-Za-z0-9_]+|\[\d+\])*)\}")
_STEP = re.compile(r"\.(?P<key>[A-Za-z0-9_]+)|\[(?P<index>\d+)\]")


class Unresolved(Exception):
    """A ``@{ref.path}`` that names no value of an earlier, successful subrequest."""

    def __init__(self, expression: str, ref: str) -> None:
        super().__init__(expression)
        self.expression, self.ref = expression, ref


def _lookup(results: dict[str, Any], ref: str, path: str) -> Any:
    if ref not in results:
        raise Unresolved(f"{ref}{path}", ref)
    value = results[ref]
    for step in _STEP.finditer(path):
        key, index = step["key"], step["index"]
        if key is not None and isinstance(value, dict) and key in value:
            value = value[key]
        elif index is not None and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            raise Unresolved(f"{ref}{path}", ref)
    if value is None or isinstance(value, dict | list):
        raise Unresolved(f"{ref}{path}", ref)
    return value


def resolve(value: Any, results: dict[str, Any]) -> Any:
    """``value`` with every ``@{ref.path}`` replaced (a string that is one reference keeps the value's type)."""
    if isinstance(value, str):
        whole = _REFERENCE.fullmatch(value)
        if whole is not None:
            return _lookup(results, whole["ref"], whole["path"])
        return _REFERENCE.sub(lambda m: str(_lookup(results, m["ref"], m["path"])), value)
    if isinstance(value, dict):
        return {k: resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, results) for v in value]
    return value


def _item(out: ops.Outcome, reference_id: str | None) -> dict[str, Any]:
    body = None if out.status == 204 else out.body
    return {"body": body, "httpHeaders": out.headers, "httpStatusCode": out.status, "referenceId": reference_id}


def _halted(reference_id: str | None, message: str = ROLLED_BACK) -> dict[str, Any]:
    return _item(ops.Outcome(400, [error_item(ProcessingHalted(message))]), reference_id)


def _too_many(message: str) -> list[dict[str, Any]]:
    return [_item(ops.Outcome(400, [error_item(LimitExceeded(message))]), None)]


def execute(store: CrmStore, call: Call, body: CompositeRequest) -> list[dict[str, Any]]:
    """Run the subrequests in order inside the caller's transaction; the ``compositeResponse`` items."""
    subrequests = body.compositeRequest
    largest = call.profile.composite_max_subrequests
    if len(subrequests) > largest:
        return _too_many(f"The request can\u2019t contain more than {largest} operations.")
    if sum(1 for s in subrequests if HEAVY.match(s.url)) > MAX_HEAVY:
        return _too_many(
            f"The request can\u2019t contain more than {MAX_HEAVY} sObject Collections or query operations."
        )
    seen: set[str] = set()
    for sub in subrequests:
        if sub.referenceId in seen:
            raise InvalidInput(f"Duplicate ReferenceId provided in the request: {sub.referenceId}", fields=[])
        seen.add(sub.referenceId)
    results: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    for n, sub in enumerate(subrequests):
        try:
            url = resolve(sub.url, results)
            payload = resolve(sub.body, results)
        except Unresolved as missing:
            message = (
                f"Invalid reference specified. No value for {missing.expression} found in {missing.ref}. Provided "
                f"referenceId ('{missing.ref}') must start with a letter or a number, and it can contain only "
                "letters, numbers and underscores ('_')."
            )
            items.append(_halted(sub.referenceId, message))
            failed = True
        else:
            out, failed = dispatch(store, call, sub.method, str(url), payload, force=body.allOrNone)
            items.append(_item(out, sub.referenceId))
            if not failed:
                results[sub.referenceId] = out.body
        if failed and body.allOrNone:
            store.rollback()
            return [items[n] if i == n else _halted(s.referenceId) for i, s in enumerate(subrequests)]
    return items


@router.post("", response_model=CompositeResponse, operation_id="composite")
async def composite(request: Request, version: str, body: CompositeRequest) -> Response:
    """Run up to 25 subrequests in one transaction; HTTP 200 with one result per subrequest."""
    call = call_of(request, version)
    if not call.profile.composite:
        raise NotFound(RESOURCE_MISSING)
    store = store_of(request)
    with writing(store, call):
        items = execute(store, call, body)
    return json_response({"compositeResponse": items})
