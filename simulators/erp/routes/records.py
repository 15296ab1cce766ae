"""``/services/rest/record/v1/{type}``: create (204 + Location), read, upsert by ``eid:``, list, delete."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER, SimRuntime
from simulators.erp.exceptions import InvalidParameter, UserError
from simulators.erp.models import ErpStore, TimeBillInput
from simulators.erp.routes.render import (
    RECORD_BASE,
    base_url,
    customer_out,
    employee_out,
    job_out,
    period_out,
    record_href,
    self_links,
    time_bill_out,
)
from simulators.erp.schemas import (
    APPROVAL_BY_ID,
    AccountingPeriodOut,
    CustomerIn,
    CustomerOut,
    EmployeeOut,
    ErrorBody,
    JobOut,
    Link,
    ListItem,
    RecordList,
    TimeBillIn,
    TimeBillOut,
)
from simulators.erp.settings import ErpSettings

RecordRef = Annotated[
    str, Path(pattern=r"^([0-9]{1,10}|eid:[A-Za-z0-9_\-]{1,255})$", description="Internal id, or eid:<externalId>.")
]
ExternalRef = Annotated[str, Path(pattern=r"^eid:[A-Za-z0-9_\-]{1,255}$", description="eid:<externalId>.")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A user error, in NetSuite's envelope."},
    401: {"model": ErrorBody, "description": "Invalid login attempt."},
    404: {"model": ErrorBody, "description": "No such record."},
}
CREATED: dict[int | str, dict[str, Any]] = {
    204: {
        "description": "Created or updated; the record's URL is in the Location header.",
        "headers": {"Location": {"description": "Absolute URL of the record.", "schema": {"type": "string"}}},
    }
}

router = APIRouter(prefix=RECORD_BASE, responses=ERRORS)


def _runtime(request: Request) -> SimRuntime[ErpStore, ErpSettings]:
    runtime: SimRuntime[ErpStore, ErpSettings] = request.app.state.sim
    return runtime


def _store(request: Request) -> ErpStore:
    return _runtime(request).tenant(request.headers.get(TENANT_HEADER, DEFAULT_TENANT)).store


def _located(request: Request, record_type: str, record_id: int) -> Response:
    return Response(status_code=204, headers={"Location": record_href(base_url(request), record_type, record_id)})


def _list(request: Request, record_type: str, limit: int, offset: int) -> RecordList:
    cap = _runtime(request).settings.list_page_max
    if limit > cap:
        raise InvalidParameter(f"Invalid query parameter limit: the maximum is {cap}.")
    page = _store(request).list(record_type, limit, offset)
    base = base_url(request)
    href = f"{base}{RECORD_BASE}/{record_type}"
    links = [Link(rel="self", href=f"{href}?limit={limit}&offset={offset}")]
    if page.has_more:
        links.append(Link(rel="next", href=f"{href}?limit={limit}&offset={offset + limit}"))
    if offset > 0:
        links.append(Link(rel="previous", href=f"{href}?limit={limit}&offset={max(0, offset - limit)}"))
    items = [ListItem(links=self_links(base, record_type, r.id), id=str(r.id)) for r in page.items]
    return RecordList(
        links=links, count=len(items), hasMore=page.has_more, items=items, offset=offset, totalResults=page.total
    )


Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (at most 1000).")]
CENT = Decimal("0.01")
Offset = Annotated[int, Query(ge=0, le=100_000_000)]


def _time_bill_input(body: TimeBillIn) -> TimeBillInput:
    status = "approved"
    if body.approvalStatus is not None:
        status = APPROVAL_BY_ID.get(body.approvalStatus.id, "")
        if not status:
            raise UserError(
                f"Invalid approvalStatus reference key {body.approvalStatus.id}.", error_path="approvalStatus"
            )
    return TimeBillInput(
        employee=int(body.employee.id),
        customer=int(body.customer.id),
        hours=body.hours.quantize(CENT, ROUND_HALF_UP),
        tranDate=body.tranDate,
        isBillable=body.isBillable,
        approvalStatus=status,
        rate=body.rate.quantize(CENT, ROUND_HALF_UP) if body.rate is not None else None,
        memo=body.memo,
        externalId=body.externalId,
    )


# -- timeBill --------------------------------------------------------------------------------------------------
@router.post("/timeBill", status_code=204, responses=CREATED, operation_id="createTimeBill")
async def create_time_bill(request: Request, body: TimeBillIn) -> Response:
    """Create a timeBill. A retried POST creates a second record, as in NetSuite."""
    bill = _store(request).create_time_bill(_time_bill_input(body))
    return _located(request, "timeBill", bill.id)


@router.put("/timeBill/{ref}", status_code=204, responses=CREATED, operation_id="upsertTimeBill")
async def upsert_time_bill(request: Request, ref: ExternalRef, body: TimeBillIn) -> Response:
    """Insert or update a timeBill by external id: the idempotent way to post time."""
    data = _time_bill_input(body)
    if body.externalId is not None and body.externalId != ref[4:]:
        raise UserError("The externalId in the body does not match the one in the URL.", error_path="externalId")
    bill, _ = _store(request).upsert_time_bill(ref[4:], data)
    return _located(request, "timeBill", bill.id)


@router.get("/timeBill/{ref}", response_model=TimeBillOut, operation_id="getTimeBill")
async def get_time_bill(request: Request, ref: RecordRef) -> TimeBillOut:
    """Read a timeBill by internal or external id."""
    store = _store(request)
    return time_bill_out(base_url(request), store, store.get("timeBill", ref))


@router.delete("/timeBill/{ref}", status_code=204, operation_id="deleteTimeBill")
async def delete_time_bill(request: Request, ref: RecordRef) -> Response:
    """Delete a timeBill (refused in a closed period)."""
    _store(request).delete("timeBill", ref)
    return Response(status_code=204)


@router.get("/timeBill", response_model=RecordList, operation_id="listTimeBill")
async def list_time_bills(request: Request, limit: Limit = 1000, offset: Offset = 0) -> RecordList:
    """List timeBills (links only)."""
    return _list(request, "timeBill", limit, offset)


# -- customer ---------------------------------------------------------------------------------------------------
def _customer_args(body: CustomerIn) -> dict[str, Any]:
    hold = body.creditHoldOverride.id if body.creditHoldOverride else None
    if hold is not None and hold not in ("AUTO", "ON", "OFF"):
        raise UserError(f"Invalid creditHoldOverride reference key {hold}.", error_path="creditHoldOverride")
    return {
        "company_name": body.companyName,
        "currency": body.currency.id if body.currency else "USD",
        "credit_limit": body.creditLimit.quantize(CENT, ROUND_HALF_UP),
        "hold": hold,
    }


def _save_customer(store: ErpStore, external_id: str | None, args: dict[str, Any]) -> int:
    hold = args.pop("hold")
    if external_id is None:
        external_id = f"C{len(store.records['customer']) + 1:06d}"
        while store.find_external("customer", external_id) is not None:
            external_id += "X"
    cust = store.upsert_customer(external_id, **args)
    if hold is not None:
        cust.creditHoldOverride = hold
    return cust.id


@router.post("/customer", status_code=204, responses=CREATED, operation_id="createCustomer")
async def create_customer(request: Request, body: CustomerIn) -> Response:
    """Create a customer."""
    store = _store(request)
    if body.externalId and store.find_external("customer", body.externalId) is not None:
        raise UserError(f"A record with the external ID {body.externalId} already exists.", error_path="externalId")
    return _located(request, "customer", _save_customer(store, body.externalId, _customer_args(body)))


@router.put("/customer/{ref}", status_code=204, responses=CREATED, operation_id="upsertCustomer")
async def upsert_customer(request: Request, ref: ExternalRef, body: CustomerIn) -> Response:
    """Insert or update a customer by external id."""
    return _located(request, "customer", _save_customer(_store(request), ref[4:], _customer_args(body)))


def _reader(record_type: str, render: Callable[[str, ErpStore, Any], Any]) -> Callable[..., Any]:
    async def read(request: Request, ref: RecordRef) -> Any:
        store = _store(request)
        return render(base_url(request), store, store.get(record_type, ref))

    return read


def _lister(record_type: str) -> Callable[..., Any]:
    async def list_records(request: Request, limit: Limit = 1000, offset: Offset = 0) -> RecordList:
        return _list(request, record_type, limit, offset)

    return list_records


READ_ONLY: list[tuple[str, str, type[Any], Callable[[str, ErpStore, Any], Any]]] = [
    ("customer", "Customer", CustomerOut, lambda b, s, r: customer_out(b, r)),
    ("job", "Job", JobOut, job_out),
    ("employee", "Employee", EmployeeOut, lambda b, s, r: employee_out(b, r)),
    ("accountingPeriod", "AccountingPeriod", AccountingPeriodOut, lambda b, s, r: period_out(b, r)),
]
for _type, _name, _model, _render in READ_ONLY:
    router.add_api_route(
        f"/{_type}/{{ref}}",
        _reader(_type, _render),
        methods=["GET"],
        response_model=_model,
        operation_id=f"get{_name}",
        summary=f"Read a {_type} by internal or external id",
    )
    router.add_api_route(
        f"/{_type}",
        _lister(_type),
        methods=["GET"],
        response_model=RecordList,
        operation_id=f"list{_name}",
        summary=f"List {_type} records (links only)",
    )
