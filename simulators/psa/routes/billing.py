"""``expenses`` and ``invoices`` (drafted from billing-eligible time and expenses; cancel is not delete)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.routes.common import (
    API,
    ERRORS,
    Listing,
    References,
    Showing,
    domain_fields,
    ok,
    reference_of,
    route,
    store,
)
from simulators.psa.routes.envelope import listed, shown
from simulators.psa.schemas.envelopes import ExpensesEnvelope, InvoicesEnvelope
from simulators.psa.schemas.inputs import ExpenseBody, ExpensePatchBody, InvoiceBody, InvoicePatchBody

router = APIRouter(prefix=API, responses=ERRORS)
OptionalId = Annotated[int | None, Query(ge=1)]
OptionalBool = Annotated[bool | None, Query()]
EXPENSE_NULLABLE = frozenset({"notes", "story_id"})
INVOICE_NULLABLE = frozenset({"message", "purchase_order"})


@route(router, "GET", "/expenses", responses=ok(ExpensesEnvelope), operation_id="listExpenses")
async def list_expenses(
    request: Request,
    params: Listing,
    refs: References,
    workspace_id: OptionalId = None,
    user_id: OptionalId = None,
    is_billable: OptionalBool = None,
    is_invoiced: OptionalBool = None,
) -> Response:
    """List expenses; ``is_billable=true&is_invoiced=false`` are the billing-eligible ones."""
    s = store(request)
    page = s.list_expenses(
        params.query,
        workspace_id=workspace_id,
        user_id=user_id,
        is_billable=is_billable,
        is_invoiced=is_invoiced,
        references=refs,
    )
    return listed(s, "expenses", page, params)


@route(router, "POST", "/expenses", responses=ok(ExpensesEnvelope), operation_id="createExpense")
async def create_expense(request: Request, body: ExpenseBody, params: Showing) -> Response:
    """Log an expense (participant, within the assignment dates, workspace not on hold); no idempotency."""
    s = store(request)
    data = domain_fields(body.expense) | {"external_reference": reference_of(body.expense)}
    return shown(s, "expenses", [s.create_expense(data)], params)


@route(router, "GET", "/expenses/{expense_id}", responses=ok(ExpensesEnvelope), operation_id="getExpense")
async def get_expense(request: Request, expense_id: str, params: Showing) -> Response:
    """Read one expense."""
    s = store(request)
    return shown(s, "expenses", [s.get("expenses", expense_id)], params)


@route(router, "PUT", "/expenses/{expense_id}", responses=ok(ExpensesEnvelope), operation_id="updateExpense")
async def update_expense(request: Request, expense_id: str, body: ExpensePatchBody, params: Showing) -> Response:
    """Change an expense that is not on an invoice."""
    s = store(request)
    changes = domain_fields(body.expense, sent_only=True, nullable=EXPENSE_NULLABLE)
    return shown(s, "expenses", [s.update_expense(expense_id, changes)], params)


@route(router, "DELETE", "/expenses/{expense_id}", status_code=204, operation_id="deleteExpense")
async def delete_expense(request: Request, expense_id: str) -> Response:
    """Delete an expense that is not on an invoice (hard delete)."""
    store(request).delete_expense(expense_id)
    return Response(status_code=204)


@route(router, "GET", "/invoices", responses=ok(InvoicesEnvelope), operation_id="listInvoices")
async def list_invoices(
    request: Request,
    params: Listing,
    refs: References,
    workspace_id: OptionalId = None,
    status: Annotated[Literal["new", "cancelled"] | None, Query()] = None,
    draft: OptionalBool = None,
) -> Response:
    """List invoices; ``external_reference_*`` filters read the sync state an integration wrote back."""
    s = store(request)
    page = s.list_invoices(params.query, workspace_id=workspace_id, status=status, draft=draft, references=refs)
    return listed(s, "invoices", page, params)


@route(router, "POST", "/invoices", responses=ok(InvoicesEnvelope), operation_id="createInvoice")
async def create_invoice(request: Request, body: InvoiceBody, params: Showing) -> Response:
    """Draft an invoice from approved, billable, unbilled time entries and billable, unbilled expenses."""
    s = store(request)
    return shown(s, "invoices", [s.create_invoice(domain_fields(body.invoice))], params)


@route(router, "GET", "/invoices/{invoice_id}", responses=ok(InvoicesEnvelope), operation_id="getInvoice")
async def get_invoice(request: Request, invoice_id: str, params: Showing) -> Response:
    """Read one invoice."""
    s = store(request)
    return shown(s, "invoices", [s.get("invoices", invoice_id)], params)


@route(router, "PUT", "/invoices/{invoice_id}", responses=ok(InvoicesEnvelope), operation_id="updateInvoice")
async def update_invoice(request: Request, invoice_id: str, body: InvoicePatchBody, params: Showing) -> Response:
    """Change an invoice's message, dates or draft flag (``draft: false`` sends it)."""
    s = store(request)
    changes = domain_fields(body.invoice, sent_only=True, nullable=INVOICE_NULLABLE)
    return shown(s, "invoices", [s.update_invoice(invoice_id, changes)], params)


@route(router, "PUT", "/invoices/{invoice_id}/cancel", responses=ok(InvoicesEnvelope), operation_id="cancelInvoice")
async def cancel_invoice(request: Request, invoice_id: str, params: Showing) -> Response:
    """Cancel an invoice: it is kept (status ``cancelled``) and its line items become billable again."""
    s = store(request)
    return shown(s, "invoices", [s.cancel_invoice(invoice_id)], params)


@route(router, "DELETE", "/invoices/{invoice_id}", status_code=204, operation_id="deleteInvoice")
async def delete_invoice(request: Request, invoice_id: str) -> Response:
    """Delete a draft or cancelled invoice (hard delete); a sent one must be cancelled instead."""
    store(request).delete_invoice(invoice_id)
    return Response(status_code=204)
