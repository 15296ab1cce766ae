"""What every ERP route shares: the tenant's store, path and query types, documented responses, and the
synchronous-or-async execution of a write (``Prefer: respond-async``, ``X-NetSuite-Idempotency-Key``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Optional

from fastapi import Header, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER, SimRuntime
from simulators.erp.exceptions import InvalidParameter
from simulators.erp.models import ErpStore
from simulators.erp.models.jobs import job_path
from simulators.erp.routes.render import RECORD_BASE, base_url, self_links
from simulators.erp.schemas.common import ErrorBody, Link, ListItem, RecordList
from simulators.erp.settings import ErpSettings

RecordRef = Annotated[
    str, Path(pattern=r"^([0-9]{1,10}|eid:[A-Za-z0-9_\-]{1,255})$", description="Internal id, or eid:<externalId>.")
]
ExternalRef = Annotated[str, Path(pattern=r"^eid:[A-Za-z0-9_\-]{1,255}$", description="eid:<externalId>.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (at most 1000).")]
Offset = Annotated[int, Query(ge=0, le=100_000_000)]
Filter = Annotated[
    str | None, Query(max_length=4000, description="A filter, e.g. hours GREATER 4 AND isBillable IS true.")
]
Prefer = Annotated[
    str | None, Header(alias="Prefer", max_length=200, description="respond-async runs the request as an async job.")
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="X-NetSuite-Idempotency-Key",
        min_length=1,
        max_length=255,
        description="With Prefer: respond-async, a repeat of a key is refused naming the original job.",
    ),
]

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A user error, in NetSuite's envelope."},
    401: {"model": ErrorBody, "description": "Invalid login attempt."},
    404: {"model": ErrorBody, "description": "No such record."},
}
_LOCATION = {"description": "Absolute URL of the record.", "schema": {"type": "string"}}
WRITTEN: dict[int | str, dict[str, Any]] = {
    204: {"description": "Done; the record's URL is in the Location header.", "headers": {"Location": _LOCATION}},
    202: {
        "description": "Accepted as an async job (Prefer: respond-async); the job's path is in Location.",
        "headers": {
            "Location": {"description": "/services/rest/async/v1/job/{id}", "schema": {"type": "string"}},
            "Preference-Applied": {"description": "respond-async", "schema": {"type": "string"}},
        },
    },
}


def runtime(request: Request) -> SimRuntime[ErpStore, ErpSettings]:
    """The simulator's runtime."""
    sim: SimRuntime[ErpStore, ErpSettings] = request.app.state.sim
    return sim


def store_of(request: Request) -> ErpStore:
    """The store of the request's tenant."""
    return runtime(request).tenant(request.headers.get(TENANT_HEADER, DEFAULT_TENANT)).store


def wants_async(prefer: str | None) -> bool:
    """``Prefer: respond-async`` (one of possibly several comma-separated preferences)."""
    return prefer is not None and "respond-async" in (p.strip().lower() for p in prefer.split(","))


def execute(request: Request, operation: Callable[[], str | None], prefer: str | None, key: str | None) -> Response:
    """Run a write now (204 + Location) or as an async job (202 + Location of the job)."""
    store = store_of(request)
    if wants_async(prefer):
        job = store.submit(request.method, request.url.path, key, operation)
        return Response(status_code=202, headers={"Location": job_path(job.id), "Preference-Applied": "respond-async"})
    location = operation()
    return Response(status_code=204, headers={"Location": location} if location else None)


def page_of(
    request: Request, record_type: str, limit: int, offset: int, total: int, ids: list[int], q: str | None = None
) -> RecordList:
    """A list page with self/next/previous links (the ``q`` filter kept in them)."""
    cap = runtime(request).settings.list_page_max
    if limit > cap:
        raise InvalidParameter(f"Invalid query parameter limit: the maximum is {cap}.")
    base = base_url(request)
    href = f"{base}{RECORD_BASE}/{record_type}"
    extra = ""
    if q is not None:
        from urllib.parse import quote

        extra = f"&q={quote(q)}"
    has_more = offset + len(ids) < total
    links = [Link(rel="self", href=f"{href}?limit={limit}&offset={offset}{extra}")]
    if has_more:
        links.append(Link(rel="next", href=f"{href}?limit={limit}&offset={offset + limit}{extra}"))
    if offset > 0:
        links.append(Link(rel="previous", href=f"{href}?limit={limit}&offset={max(0, offset - limit)}{extra}"))
    items = [ListItem(links=self_links(base, record_type, i), id=str(i)) for i in ids]
    return RecordList(links=links, count=len(items), hasMore=has_more, items=items, offset=offset, totalResults=total)


def patch_model(model: type[BaseModel]) -> type[BaseModel]:
    """The PATCH body of a record: every field of its create body, optional."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        fields[name] = (Optional[annotation], Field(default=None, description=info.description))  # noqa: UP045
    patch: type[BaseModel] = create_model(
        model.__name__.removesuffix("In") + "Patch",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"The fields a PATCH changes ({model.__name__} fields, all optional).",
        **fields,
    )
    return patch


def with_signature(fn: Callable[..., Any], **params: tuple[Any, Any]) -> Callable[..., Any]:
    """Give a generated endpoint real parameter annotations (FastAPI reads them from the signature).

    Each keyword is ``name=(annotation, default)``; ``inspect.Parameter.empty`` for no default.
    """
    ordered = sorted(params.items(), key=lambda kv: kv[1][1] is not inspect.Parameter.empty)
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)]
        + [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=ann, default=default)
            for name, (ann, default) in ordered
        ]
    )
    return fn
