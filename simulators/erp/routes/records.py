"""``/services/rest/record/v1/{type}``: create (204 + Location), read by id or ``eid:``, PATCH, upsert by
``eid:``, DELETE, and list with ``q`` (links only) for every record type, from one table of record APIs."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from simulators._core.hot import HotRoute, hot_route, json_object
from simulators.erp.exceptions import UserError
from simulators.erp.models import ErpStore
from simulators.erp.models.filters import compile_filter
from simulators.erp.routes import render as r
from simulators.erp.routes import render_tx as rt
from simulators.erp.routes.common import (
    ERRORS,
    WRITTEN,
    ExternalRef,
    Filter,
    IdempotencyKey,
    Limit,
    Offset,
    Prefer,
    RecordRef,
    execute,
    page_of,
    patch_model,
    store_of,
    with_signature,
)
from simulators.erp.routes.render import RECORD_BASE, base_url, record_href
from simulators.erp.schemas import billing, masters, postings
from simulators.erp.schemas.common import RecordList, to_values

EMPTY = inspect.Parameter.empty


@dataclass(frozen=True, slots=True)
class RecordApi:
    """How one record type is exposed."""

    record_type: str
    name: str
    out: type[BaseModel]
    render: Callable[[str, ErpStore, Any], BaseModel]
    body: type[BaseModel] | None = None
    patch: type[BaseModel] | None = None
    required: frozenset[str] = frozenset()
    """Fields a PATCH may not set to null."""
    deletable: bool = True


def _api(
    record_type: str,
    name: str,
    out: type[BaseModel],
    render: Callable[[str, ErpStore, Any], BaseModel],
    body: type[BaseModel],
    patch: type[BaseModel] | None = None,
) -> RecordApi:
    required = frozenset(n for n, f in body.model_fields.items() if f.is_required())
    return RecordApi(record_type, name, out, render, body, patch or patch_model(body), required)


APIS: list[RecordApi] = [
    # Hot paths first: Starlette matches routes in registration order, and the orchestrator's traffic is timeBill
    # upserts and look-ups of employees and projects by external id.
    _api("timeBill", "TimeBill", postings.TimeBillOut, rt.time_bill_out, postings.TimeBillIn),
    _api("employee", "Employee", masters.EmployeeOut, r.employee_out, masters.EmployeeIn),
    _api("job", "Job", masters.JobOut, r.job_out, masters.JobIn),
    _api("customer", "Customer", masters.CustomerOut, r.customer_out, masters.CustomerIn),
    _api("expenseReport", "ExpenseReport", postings.ExpenseReportOut, rt.expense_report_out, postings.ExpenseReportIn),
    _api("invoice", "Invoice", billing.InvoiceOut, rt.invoice_out, billing.InvoiceIn, billing.InvoicePatch),
    _api(
        "customerPayment",
        "CustomerPayment",
        billing.CustomerPaymentOut,
        rt.payment_out,
        billing.CustomerPaymentIn,
        billing.CustomerPaymentPatch,
    ),
    _api("projectTask", "ProjectTask", masters.ProjectTaskOut, r.project_task_out, masters.ProjectTaskIn),
    _api("serviceItem", "ServiceItem", masters.ServiceItemOut, r.service_item_out, masters.ServiceItemIn),
    _api("currency", "Currency", masters.CurrencyOut, r.currency_out, masters.CurrencyIn),
    _api("subsidiary", "Subsidiary", masters.SubsidiaryOut, r.subsidiary_out, masters.SubsidiaryIn),
    RecordApi("accountingPeriod", "AccountingPeriod", masters.AccountingPeriodOut, r.period_out, deletable=False),
]

router = APIRouter(prefix=RECORD_BASE, responses=ERRORS)


def _located(request: Request, record_type: str) -> Callable[[Any], str]:
    base = base_url(request)
    return lambda record: record_href(base, record_type, record.id)


def _register(api: RecordApi) -> None:
    kind, name = api.record_type, api.name

    async def read(request: Request, ref: str) -> Any:
        store = store_of(request)
        return api.render(base_url(request), store, store.get(kind, ref))

    async def list_records(request: Request, limit: int = 1000, offset: int = 0, q: str | None = None) -> RecordList:
        where = compile_filter(kind, q) if q is not None else None
        page = store_of(request).list(kind, limit, offset, where)
        return page_of(request, kind, limit, offset, page.total, [rec.id for rec in page.items], q)

    router.add_api_route(
        f"/{kind}/{{ref}}",
        with_signature(read, ref=(RecordRef, EMPTY)),
        methods=["GET"],
        response_model=api.out,
        operation_id=f"get{name}",
        summary=f"Read a {kind} by internal or external id",
    )
    router.add_api_route(
        f"/{kind}",
        with_signature(list_records, limit=(Limit, 1000), offset=(Offset, 0), q=(Filter, None)),
        methods=["GET"],
        response_model=RecordList,
        operation_id=f"list{name}",
        summary=f"List {kind} records (links only), optionally filtered with q",
    )
    if api.body is not None:
        _register_writes(api)


def _register_writes(api: RecordApi) -> None:
    kind, name = api.record_type, api.name
    assert api.body is not None
    assert api.patch is not None

    async def create(request: Request, body: BaseModel, prefer: str | None, key: str | None) -> Response:
        store, values, located = store_of(request), to_values(body), _located(request, kind)
        return execute(request, lambda: located(store.create(kind, values)), prefer, key)

    async def upsert(request: Request, ref: str, body: BaseModel, prefer: str | None, key: str | None) -> Response:
        external_id = ref[4:]
        values = to_values(body)
        if values.get("externalId") not in (None, external_id):
            raise UserError("The externalId in the body does not match the one in the URL.", error_path="externalId")
        store, located = store_of(request), _located(request, kind)
        return execute(request, lambda: located(store.upsert(kind, external_id, values)[0]), prefer, key)

    async def update(request: Request, ref: str, body: BaseModel, prefer: str | None, key: str | None) -> Response:
        store, values, located = store_of(request), to_values(body, api.required), _located(request, kind)
        return execute(request, lambda: located(store.update(kind, ref, values)), prefer, key)

    async def delete(request: Request, ref: str, prefer: str | None, key: str | None) -> Response:
        store = store_of(request)

        def operation() -> None:
            store.delete(kind, ref)

        return execute(request, operation, prefer, key)

    headers = {"prefer": (Prefer, None), "key": (IdempotencyKey, None)}
    routes: list[tuple[str, str, Callable[..., Any], str, str, dict[str, tuple[Any, Any]]]] = [
        ("POST", f"/{kind}", create, f"create{name}", f"Create a {kind}", {"body": (api.body, EMPTY)}),
        (
            "PUT",
            f"/{kind}/{{ref}}",
            upsert,
            f"upsert{name}",
            f"Insert or update a {kind} by external id",
            {"ref": (ExternalRef, EMPTY), "body": (api.body, EMPTY)},
        ),
        (
            "PATCH",
            f"/{kind}/{{ref}}",
            update,
            f"update{name}",
            f"Change the given fields of a {kind}",
            {"ref": (RecordRef, EMPTY), "body": (api.patch, EMPTY)},
        ),
    ]
    if api.deletable:
        routes.append(
            ("DELETE", f"/{kind}/{{ref}}", delete, f"delete{name}", f"Delete a {kind}", {"ref": (RecordRef, EMPTY)})
        )
    for method, path, endpoint, operation_id, summary, params in routes:
        router.add_api_route(
            path,
            with_signature(endpoint, **params, **headers),
            methods=[method],
            status_code=204,
            responses=WRITTEN,
            response_class=Response,
            operation_id=operation_id,
            summary=summary,
        )


for _api_spec in APIS:
    _register(_api_spec)


def _hot(api: RecordApi) -> list[HotRoute]:
    """A record type's read by internal id, plain create and upsert by external id, answered without FastAPI's
    routing (``_core.hot``); anything unusual (``Prefer``, an idempotency key, another content type, a body that
    does not validate, an ``externalId`` that contradicts the URL) goes on to the FastAPI route."""
    kind, body_model = api.record_type, api.body
    assert body_model is not None
    out = TypeAdapter(api.out)

    async def read(request: Request, params: dict[str, str]) -> Response | None:
        store = store_of(request)
        record = api.render(base_url(request), store, store.get(kind, params["ref"]))
        return Response(out.dump_json(record, by_alias=True), media_type="application/json")

    async def values_of(request: Request) -> dict[str, Any] | None:
        """The domain values of a plain synchronous JSON write, or None for the FastAPI route."""
        headers = request.headers
        if "prefer" in headers or "x-netsuite-idempotency-key" in headers:
            return None  # async execution and idempotency keys: the FastAPI route
        if not headers.get("content-type", "").startswith("application/json"):
            return None
        doc = json_object(await request.body())
        if doc is None:
            return None
        try:
            body = body_model.model_validate(doc)
        except ValidationError:
            return None  # the FastAPI route renders NetSuite's error
        return to_values(body)

    async def create(request: Request, params: dict[str, str]) -> Response | None:
        values = await values_of(request)
        if values is None:
            return None
        record = store_of(request).create(kind, values)
        return _written(record_href(base_url(request), kind, record.id))

    async def upsert(request: Request, params: dict[str, str]) -> Response | None:
        values = await values_of(request)
        external_id = params["external_id"]
        if values is None or values.get("externalId") not in (None, external_id):
            return None
        record = store_of(request).upsert(kind, external_id, values)[0]
        return _written(record_href(base_url(request), kind, record.id))

    path = re.escape(f"{RECORD_BASE}/{kind}")
    return [
        hot_route("GET", path + r"/(?P<ref>[0-9]{1,10})", read),
        hot_route("POST", path, create),
        hot_route("PUT", path + r"/eid:(?P<external_id>[A-Za-z0-9_\-]{1,255})", upsert),
    ]


def _written(location: str) -> Response:
    """A synchronous write's answer, as :func:`execute` gives it: 204 with the record's URL in ``Location``."""
    return Response(status_code=204, headers={"Location": location})


HOT: list[HotRoute] = _hot(APIS[0])
"""timeBill (the orchestrator's postings): read by id, create, and upsert by external id."""
