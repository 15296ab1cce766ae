"""Domain records -> NetSuite wire records: transactions (timeBill, expenseReport, invoice, customerPayment)."""

from __future__ import annotations

from simulators.erp.models import CustomerPayment, ErpStore, ExpenseReport, Invoice, TimeBill
from simulators.erp.routes.render import entity_ref, money, ref_to, self_links
from simulators.erp.schemas.billing import (
    CustomerPaymentOut,
    ExpenseCostLineOut,
    InvoiceOut,
    ItemLineOut,
    PaymentApplyOut,
    TimeLineOut,
)
from simulators.erp.schemas.common import APPROVAL, RefOut, SublistOut
from simulators.erp.schemas.postings import ExpenseLineOut, ExpenseReportOut, TimeBillOut

INVOICE_STATUS = {"open": ("A", "Open"), "paidInFull": ("B", "Paid In Full")}


def _required(ref: RefOut | None) -> RefOut:
    assert ref is not None
    return ref


def _approval(status: str) -> RefOut:
    status_id, status_name = APPROVAL.get(status, APPROVAL["approved"])
    return RefOut(id=status_id, refName=status_name)


def time_bill_out(base: str, store: ErpStore, t: TimeBill) -> TimeBillOut:
    """Render a timeBill."""
    return TimeBillOut(
        links=self_links(base, "timeBill", t.id),
        id=str(t.id),
        externalId=t.externalId,
        employee=_required(ref_to(base, store, "employee", t.employee)),
        customer=entity_ref(base, store, t.customer),
        hours=float(t.hours),
        tranDate=t.tranDate,
        postingPeriod=_required(ref_to(base, store, "accountingPeriod", t.postingPeriod)),
        isBillable=t.isBillable,
        approvalStatus=_approval(t.approvalStatus),
        rate=money(t.rate),
        memo=t.memo,
        item=ref_to(base, store, "serviceItem", t.item),
        caseTaskEvent=ref_to(base, store, "projectTask", t.caseTaskEvent),
        overrideRate=t.overrideRate,
        supervisorApproval=t.supervisorApproval,
        rejectionNote=t.rejectionNote,
        subsidiary=ref_to(base, store, "subsidiary", t.subsidiary),
        createdDate=t.created,
        lastModifiedDate=t.lastModified,
    )


def expense_report_out(base: str, store: ErpStore, r: ExpenseReport) -> ExpenseReportOut:
    """Render an expense report."""
    lines = [
        ExpenseLineOut(
            line=line.line,
            amount=float(line.amount),
            memo=line.memo,
            category=line.category,
            customer=entity_ref(base, store, line.customer) if line.customer is not None else None,
            isBillable=line.isBillable,
            isBilled=line.invoice is not None,
        )
        for line in r.expense
    ]
    return ExpenseReportOut(
        links=self_links(base, "expenseReport", r.id),
        id=str(r.id),
        externalId=r.externalId,
        tranId=r.tranId,
        entity=_required(ref_to(base, store, "employee", r.entity)),
        tranDate=r.tranDate,
        postingPeriod=_required(ref_to(base, store, "accountingPeriod", r.postingPeriod)),
        approvalStatus=_approval(r.approvalStatus),
        memo=r.memo,
        total=float(r.total),
        expense=SublistOut[ExpenseLineOut](items=lines),
        createdDate=r.created,
        lastModifiedDate=r.lastModified,
    )


def invoice_out(base: str, store: ErpStore, inv: Invoice) -> InvoiceOut:
    """Render an invoice: item and milestone lines in ``item``, billed time in ``time``, expenses in ``expCost``."""
    items, times, costs = [], [], []
    for line in inv.lines:
        if line.kind in ("item", "milestone"):
            items.append(
                ItemLineOut(
                    line=line.line,
                    item=ref_to(base, store, "serviceItem", line.item),
                    projectTask=ref_to(base, store, "projectTask", line.source) if line.kind == "milestone" else None,
                    description=line.description,
                    quantity=float(line.quantity),
                    rate=float(line.rate),
                    amount=float(line.amount),
                )
            )
        elif line.kind == "time" and line.source is not None:
            times.append(
                TimeLineOut(
                    line=line.line,
                    doc=_required(ref_to(base, store, "timeBill", line.source)),
                    item=ref_to(base, store, "serviceItem", line.item),
                    quantity=float(line.quantity),
                    rate=float(line.rate),
                    amount=float(line.amount),
                    memo=line.description,
                )
            )
        elif line.source is not None:
            costs.append(
                ExpenseCostLineOut(
                    line=line.line,
                    doc=_required(ref_to(base, store, "expenseReport", line.source)),
                    expenseLine=line.sourceLine or 0,
                    amount=float(line.amount),
                    memo=line.description,
                )
            )
    status_id, status_name = INVOICE_STATUS[inv.status]
    return InvoiceOut(
        links=self_links(base, "invoice", inv.id),
        id=str(inv.id),
        externalId=inv.externalId,
        tranId=inv.tranId,
        entity=_required(ref_to(base, store, "customer", inv.entity)),
        job=ref_to(base, store, "job", inv.job),
        tranDate=inv.tranDate,
        dueDate=inv.dueDate,
        postingPeriod=_required(ref_to(base, store, "accountingPeriod", inv.postingPeriod)),
        currency=_required(ref_to(base, store, "currency", inv.currency)),
        subsidiary=ref_to(base, store, "subsidiary", inv.subsidiary),
        status=RefOut(id=status_id, refName=status_name),
        memo=inv.memo,
        total=float(inv.total),
        amountPaid=float(inv.amountPaid),
        amountRemaining=float(inv.amountRemaining),
        item=SublistOut[ItemLineOut](items=items),
        time=SublistOut[TimeLineOut](items=times),
        expCost=SublistOut[ExpenseCostLineOut](items=costs),
        createdDate=inv.created,
        lastModifiedDate=inv.lastModified,
    )


def payment_out(base: str, store: ErpStore, p: CustomerPayment) -> CustomerPaymentOut:
    """Render a customer payment."""
    applied = [
        PaymentApplyOut(doc=_required(ref_to(base, store, "invoice", a.invoice)), amount=float(a.amount))
        for a in p.apply
    ]
    return CustomerPaymentOut(
        links=self_links(base, "customerPayment", p.id),
        id=str(p.id),
        externalId=p.externalId,
        tranId=p.tranId,
        customer=_required(ref_to(base, store, "customer", p.customer)),
        tranDate=p.tranDate,
        postingPeriod=_required(ref_to(base, store, "accountingPeriod", p.postingPeriod)),
        currency=_required(ref_to(base, store, "currency", p.currency)),
        payment=float(p.payment),
        applied=float(p.payment - p.unapplied),
        unapplied=float(p.unapplied),
        memo=p.memo,
        apply=SublistOut[PaymentApplyOut](items=applied),
        createdDate=p.created,
    )
