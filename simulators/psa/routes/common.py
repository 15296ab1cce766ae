"""What every PSA route shares: store access, list parameters, paths with and without ``.json``."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request

from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER, SimRuntime
from simulators.psa.exceptions import ValidationError
from simulators.psa.models import PsaStore
from simulators.psa.records import ListQuery
from simulators.psa.schemas import ErrorBody, Meta
from simulators.psa.settings import PsaSettings

API = "/api/v1"
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Invalid OAuth 2 Request."},
    404: {"model": ErrorBody, "description": "No such record."},
    422: {"model": ErrorBody, "description": "Validation errors (the status is UNCONFIRMED: 422 or 400)."},
}
F = TypeVar("F", bound=Callable[..., Any])


def runtime(request: Request) -> SimRuntime[PsaStore, PsaSettings]:
    """The simulator runtime of this app."""
    sim: SimRuntime[PsaStore, PsaSettings] = request.app.state.sim
    return sim


def store(request: Request) -> PsaStore:
    """The store of the request's tenant."""
    return runtime(request).tenant(request.headers.get(TENANT_HEADER, DEFAULT_TENANT)).store


def route(router: APIRouter, method: str, path: str, **kwargs: Any) -> Callable[[F], F]:
    """Register a handler at ``{path}.json`` and at ``path`` (Kantata serves both; only ``.json`` is documented)."""

    def deco(fn: F) -> F:
        router.add_api_route(f"{path}.json", fn, methods=[method], **kwargs)
        alias = {k: v for k, v in kwargs.items() if k != "operation_id"}
        router.add_api_route(path, fn, methods=[method], include_in_schema=False, **alias)
        return fn

    return deco


@dataclass(slots=True, frozen=True)
class ListParams:
    """A list request's paging, ``only``, ``order`` and ``include``, translated for the store."""

    query: ListQuery
    include: tuple[str, ...]


def _ids(text: str | None) -> frozenset[int] | None:
    if text is None:
        return None
    return frozenset(int(part) for part in text.split(",") if part.strip().isdigit())


def _order(text: str | None) -> tuple[tuple[str, bool], ...]:
    keys = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, _, direction = part.strip().partition(":")
        direction = direction.lower() or "asc"
        if direction not in ("asc", "desc") or not name:
            raise ValidationError(f"Invalid order: {part.strip()}", field="order")
        keys.append((name, direction == "desc"))
    return tuple(keys)


def paging(
    request: Request,
    page: Annotated[int, Query(ge=1, description="Page number (default 1).")] = 1,
    per_page: Annotated[int, Query(ge=1, description="Page size (default 20, at most 200).")] = 20,
    limit: Annotated[int | None, Query(ge=1, description="Takes precedence over per_page.")] = None,
    offset: Annotated[int | None, Query(ge=0, description="Takes precedence over page.")] = None,
    only: Annotated[str | None, Query(description="Comma-separated ids; never 404s.")] = None,
) -> ListQuery:
    """Paging and ``only`` (no ordering): ``page``/``per_page``, or ``limit``/``offset``, which win."""
    cap = runtime(request).settings.max_per_page
    if per_page > cap:
        raise ValidationError(f"per_page must be less than or equal to {cap}", field="per_page")
    if limit is not None and limit > cap:
        raise ValidationError(f"limit must be less than or equal to {cap}", field="limit")
    if limit is None and offset is None:
        return ListQuery(offset=(page - 1) * per_page, limit=per_page, only=_ids(only))
    size, start = (limit or per_page), (offset or 0)
    return ListQuery(offset=start, limit=size, only=_ids(only))


def list_params(
    query: Annotated[ListQuery, Depends(paging)],
    order: Annotated[str | None, Query(description="field:asc or field:desc, comma-separated.")] = None,
    include: Annotated[str | None, Query(description="Comma-separated associations to side-load.")] = None,
) -> ListParams:
    """Paging plus ``order`` and ``include``."""
    return ListParams(ListQuery(query.offset, query.limit, query.only, _order(order)), includes(include))


Listing = Annotated[ListParams, Depends(list_params)]
Paging = Annotated[ListQuery, Depends(paging)]
Include = Annotated[str | None, Query(description="Comma-separated associations to side-load.")]


def includes(text: str | None) -> tuple[str, ...]:
    """``include=`` as names, in order, without repeats."""
    return tuple(dict.fromkeys(n.strip() for n in (text or "").split(",") if n.strip()))


def meta(total: int, query: ListQuery) -> Meta:
    """``meta`` of a list response."""
    size = query.limit
    return Meta(
        count=total,
        page_count=math.ceil(total / size) if size else 0,
        page_number=query.offset // size + 1 if size else 1,
        page_size=size,
    )
