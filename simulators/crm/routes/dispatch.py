"""Run one composite subrequest: match its URL to a REST operation and answer it as the standalone call would.

Supported inside ``/composite``: sObject create, read, update, delete and describe, external-id read, upsert
and delete, ``query``/``queryAll`` (and their ``nextRecordsUrl``), and sObject Collections. Another
resource answers 404 ``NOT_FOUND``; a known resource with another method 405.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import ValidationError

from simulators.crm.exceptions import (
    RESOURCE_MISSING,
    CrmError,
    Gone,
    JsonParserError,
    MethodNotAllowed,
    NotFound,
    error_item,
)
from simulators.crm.models import CrmStore
from simulators.crm.routes import collections
from simulators.crm.routes import operations as ops
from simulators.crm.routes.describe import full_describe
from simulators.crm.routes.render import Call
from simulators.crm.schemas import CollectionRequest
from simulators.crm.settings import CrmSettings
from simulators.crm.versions import parse_version, profile_for

_PREFIX = re.compile(r"^/services/data/(?P<segment>[^/]+)/(?P<rest>.*)$")
Handler = Callable[["Request"], tuple[ops.Outcome, bool]]


@dataclass(frozen=True, slots=True)
class Request:
    """A subrequest after reference resolution."""

    store: CrmStore
    call: Call
    method: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    force: bool
    """The composite's ``allOrNone``, which overrides a collection's own."""


def _collection_body(body: Any) -> CollectionRequest:
    try:
        return CollectionRequest.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise JsonParserError(f"Cannot deserialize the request: {where} {first['msg']}") from None


def _one(value: Callable[[Request], ops.Outcome]) -> Handler:
    return lambda r: (value(r), False)


def _q(r: Request, name: str) -> str | None:
    values = r.query.get(name)
    return values[0] if values else None


ROUTES: tuple[tuple[re.Pattern[str], dict[str, Handler]], ...] = (
    (
        re.compile(r"^sobjects/(?P<sobject>[^/]+)$"),
        {"POST": _one(lambda r: ops.create(r.store, r.call, r.params["sobject"], r.body))},
    ),
    (
        re.compile(r"^sobjects/(?P<sobject>[^/]+)/describe$"),
        {
            "GET": _one(
                lambda r: ops.Outcome(
                    200, full_describe(r.call.version, r.store.schema, r.store.describe(r.params["sobject"]))
                )
            )
        },
    ),
    (
        re.compile(r"^sobjects/(?P<sobject>[^/]+)/(?P<id>[^/]+)$"),
        {
            "GET": _one(lambda r: ops.read(r.store, r.call, r.params["sobject"], r.params["id"], _q(r, "fields"))),
            "PATCH": _one(lambda r: ops.update(r.store, r.call, r.params["sobject"], r.params["id"], r.body)),
            "DELETE": _one(lambda r: ops.delete(r.store, r.call, r.params["sobject"], r.params["id"])),
        },
    ),
    (
        re.compile(r"^sobjects/(?P<sobject>[^/]+)/(?P<field>[^/]+)/(?P<value>.+)$"),
        {
            "GET": _one(lambda r: ops.read_external(r.store, r.call, *_external(r))),
            "PATCH": _one(lambda r: ops.upsert(r.store, r.call, *_external(r), r.body)),
            "DELETE": _one(lambda r: ops.delete_external(r.store, r.call, *_external(r))),
        },
    ),
    (
        re.compile(r"^(?P<endpoint>query|queryAll)$"),
        {
            "GET": _one(
                lambda r: ops.query(
                    r.store, r.call, _q(r, "q"), include_deleted=_all(r), batch=r.call.profile.max_batch_size
                )
            )
        },
    ),
    (
        re.compile(r"^(?P<endpoint>query|queryAll)/(?P<locator>[^/]+)$"),
        {"GET": _one(lambda r: ops.query_more(r.store, r.call, r.params["locator"], include_deleted=_all(r)))},
    ),
    (
        re.compile(r"^composite/sobjects$"),
        {
            "POST": lambda r: collections.create_all(r.store, r.call, _collection_body(r.body), r.force),
            "PATCH": lambda r: collections.update_all(r.store, r.call, _collection_body(r.body), r.force),
            "DELETE": lambda r: collections.delete_all(
                r.store,
                r.call,
                [i for i in (_q(r, "ids") or "").split(",") if i],
                r.force or (_q(r, "allOrNone") or "").lower() == "true",
            ),
        },
    ),
    (
        re.compile(r"^composite/sobjects/(?P<sobject>[^/]+)/(?P<field>[^/]+)$"),
        {
            "PATCH": lambda r: collections.upsert_all(
                r.store, r.call, r.params["sobject"], r.params["field"], _collection_body(r.body), r.force
            )
        },
    ),
)
HEAVY = re.compile(r"^/services/data/[^/]+/(composite/sobjects|query|queryAll)(/|\?|$)")
"""Subrequests that count against the composite's limit of five collections or queries."""


def _external(r: Request) -> tuple[str, str, str]:
    return r.params["sobject"], r.params["field"], r.params["value"]


def _all(r: Request) -> bool:
    return r.params["endpoint"] == "queryAll"


def _sub_call(call: Call, segment: str, settings: CrmSettings) -> Call:
    version = parse_version(segment)
    if version is None or version > settings.max_version:
        raise NotFound(RESOURCE_MISSING)
    if version < settings.min_version:
        raise Gone(
            f"API version {version}.0 is retired. Use a version between "
            f"{settings.min_version}.0 and {settings.max_version}.0."
        )
    if version == call.version:
        return call
    origin = call.origin.replace(f"/{call.version}.0", f"/{version}.0", 1)
    return call._replace(version=version, profile=profile_for(version, settings.version_profiles), origin=origin)


def dispatch(store: CrmStore, call: Call, method: str, url: str, body: Any, *, force: bool) -> tuple[ops.Outcome, bool]:
    """Answer one subrequest; returns its outcome and whether it failed (a collection counts its records)."""
    parts = urlsplit(url)
    found = _PREFIX.match(parts.path.rstrip("/"))
    try:
        if found is None:
            raise NotFound(RESOURCE_MISSING)
        sub = _sub_call(call, found["segment"], store.ctx.settings())
        for pattern, handlers in ROUTES:
            matched = pattern.match(found["rest"])
            if matched is None:
                continue
            handler = handlers.get(method)
            if handler is None:
                raise MethodNotAllowed(f"HTTP Method '{method}' not allowed. Allowed are {','.join(handlers)}")
            params = {k: unquote(v) for k, v in matched.groupdict().items()}
            request = Request(store, sub, method, params, parse_qs(parts.query), body, force)
            with store.savepoint():
                outcome, failed = handler(request)
            return outcome, failed or outcome.status >= 400
        raise NotFound(RESOURCE_MISSING)
    except CrmError as err:
        return ops.Outcome(err.status, [error_item(err)]), True
