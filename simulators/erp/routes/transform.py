"""``POST /services/rest/record/v1/job/{id}/!transform/invoice``: bill a project's unbilled work."""

from __future__ import annotations

from fastapi import APIRouter, Body, Request, Response

from simulators.erp.routes.common import ERRORS, WRITTEN, IdempotencyKey, Prefer, RecordRef, execute, store_of
from simulators.erp.routes.render import RECORD_BASE, base_url, record_href
from simulators.erp.schemas.billing import TransformIn
from simulators.erp.schemas.common import to_values

router = APIRouter(prefix=RECORD_BASE, responses=ERRORS)


@router.post(
    "/job/{ref}/!transform/invoice",
    status_code=204,
    responses=WRITTEN,
    response_class=Response,
    operation_id="transformJobToInvoice",
)
async def transform_job_to_invoice(
    request: Request,
    ref: RecordRef,
    prefer: Prefer = None,
    key: IdempotencyKey = None,
    body: TransformIn | None = Body(default=None),  # noqa: B008
) -> Response:
    """Invoice the project's approved, billable, unbilled time (time-and-materials projects), completed
    milestones (milestone projects) and billable expense lines dated up to the invoice date.

    The invoice is a receivables posting (an AR-locked or closed period refuses it or re-dates it, by
    policy) and a sales transaction (refused for a customer on credit hold under "Enforce Holds").
    """
    store, base = store_of(request), base_url(request)
    values = to_values(body) if body is not None else {}
    return execute(request, lambda: record_href(base, "invoice", store.bill_job(ref, values).id), prefer, key)
