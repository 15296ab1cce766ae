"""What every PSA route shares: store access, list parameters, filters, paths with and without ``.json``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER, SimRuntime
from simulators.psa.exceptions import ValidationError
from simulators.psa.models import PsaStore
from simulators.psa.records import ListQuery
from simulators.psa.schemas.records import ErrorBody
from simulators.psa.settings import PsaSettings

API = "/api/v1"
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Invalid OAuth 2 Request."},
    404: {"model": ErrorBody, "description": "No such record (or hidden by the endpoint's default filters)."},
    422: {"model": ErrorBody, "description": "Validation errors (the status is UNCONFIRMED: 422 or 400)."},
}
F = TypeVar("F", bound=Callable[..., Any])


def ok(model: type, description: str = "The side-loaded envelope.") -> dict[int | str, dict[str, Any]]:
    """The 200 response of an operation."""
    return {200: {"model": model, "description": description}}


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


def names(text: str | None) -> tuple[str, ...]:
    """A comma-separated parameter as names, in order, without repeats."""
    return tuple(dict.fromkeys(n.strip() for n in (text or "").split(",") if n.strip()))


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


async def paging(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000_000, description="Page number (default 1).")] = 1,
    per_page: Annotated[int, Query(ge=1, description="Page size (default 20, at most 200).")] = 20,
    limit: Annotated[int | None, Query(ge=1, description="Takes precedence over per_page.")] = None,
    offset: Annotated[int | None, Query(ge=0, le=2_000_000_000, description="Takes precedence over page.")] = None,
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
    return ListQuery(offset=offset or 0, limit=limit or per_page, only=_ids(only))


@dataclass(slots=True, frozen=True)
class ListParams:
    """A list request's paging, ``only``, ``order``, ``include`` and ``optional_fields``."""

    query: ListQuery
    include: tuple[str, ...]
    optional_fields: tuple[str, ...] = ()


Include = Annotated[str | None, Query(description="Comma-separated associations to side-load.")]
OptionalFields = Annotated[str | None, Query(description="Comma-separated extra fields to render.")]


async def list_params(
    query: Annotated[ListQuery, Depends(paging)],
    order: Annotated[str | None, Query(description="field:asc or field:desc, comma-separated.")] = None,
    include: Include = None,
    optional_fields: OptionalFields = None,
) -> ListParams:
    """Paging plus ``order``, ``include`` and ``optional_fields``."""
    return ListParams(
        ListQuery(query.offset, query.limit, query.only, _order(order)), names(include), names(optional_fields)
    )


async def show_params(include: Include = None, optional_fields: OptionalFields = None) -> ListParams:
    """``include`` and ``optional_fields`` of a read or a write (one record, no paging)."""
    return ListParams(ListQuery(), names(include), names(optional_fields))


Listing = Annotated[ListParams, Depends(list_params)]
Showing = Annotated[ListParams, Depends(show_params)]
Paging = Annotated[ListQuery, Depends(paging)]


async def reference_filters(
    has_external_references: Annotated[bool | None, Query(description="Has any external reference.")] = None,
    external_reference_service_name: Annotated[str | None, Query(max_length=255)] = None,
    external_reference_service_model: Annotated[str | None, Query(max_length=255)] = None,
    external_reference_service_model_ref: Annotated[str | None, Query(max_length=255)] = None,
    external_reference_status: Annotated[str | None, Query(description="pending, successful or failed.")] = None,
    external_reference_external_status: Annotated[str | None, Query(max_length=255)] = None,
) -> dict[str, Any]:
    """Kantata's filters on the sync state an integration wrote back (``external_reference_*``)."""
    return {
        "has": has_external_references,
        "service_name": external_reference_service_name,
        "service_model": external_reference_service_model,
        "service_model_ref": external_reference_service_model_ref,
        "status": external_reference_status,
        "external_status": external_reference_external_status,
    }


References = Annotated[dict[str, Any], Depends(reference_filters)]


def domain_fields(
    model: BaseModel, *, sent_only: bool = False, nullable: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A body's fields in domain terms: ``*_in_cents`` -> Decimal units, ``status_key`` -> ``status``.

    ``None`` values are dropped unless the (domain) field is ``nullable``; ``sent_only`` keeps only the
    fields the client sent (an update). Nested ``external_reference`` objects are left out.
    """
    data = model.model_dump(include=model.model_fields_set) if sent_only else model.model_dump()
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == "external_reference":
            continue
        key = "status" if name == "status_key" else name.removesuffix("_in_cents")
        if name.endswith("_in_cents") and value is not None:
            value = Decimal(value) / 100
        if value is None and key not in nullable:
            continue
        out[key] = value
    return out


def reference_of(model: BaseModel) -> dict[str, Any] | None:
    """A nested ``external_reference`` of a body, as a dict (or None)."""
    nested = getattr(model, "external_reference", None)
    return None if nested is None else dict(nested.model_dump(exclude_none=True))
