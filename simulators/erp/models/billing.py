"""Invoices (created directly or by billing a project) and customer payments, with the AR rules.

An invoice is a receivables posting (an AR-locked or closed period refuses it), a sales transaction (the
credit policy applies), and carries a ``tranId`` unique among invoices. Billing a project
(``job/{id}/!transform/invoice``) turns its unbilled approved billable time (time-and-materials projects),
completed milestones (milestone projects) and billable expense lines into invoice lines.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulators.erp.exceptions import DependentRecords, DuplicateTranId, InvalidContent, UserError
from simulators.erp.models.records import ZERO, Customer, Invoice, InvoiceLine, Job
from simulators.erp.models.tables import cents

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore

TERMS_DAYS = {"Due on receipt": 0, "Net 15": 15, "Net 30": 30, "Net 45": 45, "Net 60": 60}
NO_LINES = "You must enter at least one line item for this transaction."


class Billing:
    """Invoice operations of one tenant (payments: :mod:`simulators.erp.models.payments`)."""

    def __init__(self, store: ErpStore) -> None:
        self._store = store

    # -- invoice numbers --------------------------------------------------------------------------------------
    def _check_tran_id(self, tran_id: str, own: int | None = None) -> None:
        holder = self._store.db.tran_ids.get(tran_id)
        if holder is not None and holder != own:
            raise DuplicateTranId(
                f"The transaction number {tran_id} is already used by another invoice. Enter a unique "
                "transaction number.",
                error_path="tranId",
            )

    def _next_tran_id(self) -> str:
        n = len(self._store.db.data["invoice"]) + 1
        while f"INV{n:06d}" in self._store.db.tran_ids:
            n += 1
        return f"INV{n:06d}"

    # -- posting ----------------------------------------------------------------------------------------------
    def _post(self, cust: Customer, job: Job | None, lines: list[InvoiceLine], values: dict[str, Any]) -> Invoice:
        """Check the invoice rules in order (ids, number, lines, period, credit), then commit it."""
        store, db = self._store, self._store.db
        ext = values.get("externalId")
        if ext is not None and db.find_external("invoice", ext) is not None:
            raise UserError(f"A record with the external ID {ext} already exists.", error_path="externalId")
        tran_id = values.get("tranId") or self._next_tran_id()
        self._check_tran_id(tran_id)
        if not lines:
            raise UserError(NO_LINES, error_path="item")
        tran_date: date = values.get("tranDate") or store.ctx.clock.now().date()
        period = store.periods.posting_period(tran_date, "ar")
        warned = store.credit.check_sale(cust)
        for n, line in enumerate(lines, start=1):
            line.line = n
        total = sum((line.amount for line in lines), ZERO)
        now = store.ctx.clock.now()
        due = values.get("dueDate") or tran_date + timedelta(days=TERMS_DAYS.get(cust.terms or "", 0))
        inv = Invoice(
            id=0,
            externalId=ext,
            tranId=tran_id,
            entity=cust.id,
            tranDate=tran_date,
            dueDate=due,
            postingPeriod=period.id,
            currency=cust.currency,
            job=job.id if job is not None else None,
            subsidiary=cust.subsidiary,
            memo=values.get("memo"),
            lines=lines,
            total=total,
            amountRemaining=total,
            created=now,
            lastModified=now,
        )
        db.insert("invoice", inv)
        self._mark_sources(inv, inv.id)
        store.credit.track_invoice(inv)
        store.ctx.events.emit("invoice.created", "invoice", str(inv.id), self.payload(inv, cust, warned))
        return inv

    def payload(self, inv: Invoice, cust: Customer, warned: bool) -> dict[str, Any]:
        """The webhook payload of a created invoice."""
        currency = self._store.db.data["currency"].get(inv.currency)
        return {
            "invoice": {"id": str(inv.id), "tranId": inv.tranId, "externalId": inv.externalId},
            "customer": {"id": str(cust.id), "externalId": cust.externalId},
            "job": None if inv.job is None else {"id": str(inv.job)},
            "total": str(inv.total),
            "currency": currency.symbol if currency is not None else None,
            "tranDate": inv.tranDate.isoformat(),
            "dueDate": inv.dueDate.isoformat(),
            "postingPeriod": str(inv.postingPeriod),
            "lines": len(inv.lines),
            "creditWarning": warned,
        }

    def _mark_sources(self, inv: Invoice, invoice_id: int | None) -> None:
        """Point each billed source at the invoice (or back to None), and re-register unbilled work."""
        data, postings = self._store.db.data, self._store.postings
        reports = set()
        for line in inv.lines:
            if line.kind == "time" and line.source in data["timeBill"]:
                bill = data["timeBill"][line.source]
                bill.invoice = invoice_id
                postings.track_time(bill)
            elif line.kind == "milestone" and line.source in data["projectTask"]:
                data["projectTask"][line.source].invoice = invoice_id
            elif line.kind == "expense" and line.source in data["expenseReport"]:
                report = data["expenseReport"][line.source]
                for exp in report.expense:
                    if exp.line == line.sourceLine:
                        exp.invoice = invoice_id
                reports.add(report.id)
        for report_id in sorted(reports):
            postings.track_expenses(data["expenseReport"][report_id])

    # -- direct invoices --------------------------------------------------------------------------------------
    def create_invoice(self, values: dict[str, Any]) -> Invoice:
        """An invoice with item lines (POST ``invoice``)."""
        db = self._store.db
        cust = db.ref("customer", values["entity"], "entity")
        job = None
        if values.get("job") is not None:
            job = db.ref("job", values["job"], "job", "project")
            if job.parent != cust.id:
                raise InvalidContent(
                    f"Invalid value for field job: project {job.id} belongs to another customer.", error_path="job"
                )
        lines = []
        for n, raw in enumerate(values.get("item", [])):
            item = db.ref("serviceItem", raw["item"], f"item.items[{n}].item", "service item")
            quantity = cents(raw.get("quantity", Decimal("1")))
            rate = raw.get("rate")
            rate = item.rate if rate is None else rate
            if rate is None:
                raise UserError(f"Line {n + 1} needs a rate: its item has none.", error_path=f"item.items[{n}].rate")
            amount = self._store.money(quantity * rate, cust.id)
            lines.append(
                InvoiceLine(0, "item", amount, quantity, rate, item=item.id, description=raw.get("description"))
            )
        return self._post(cust, job, lines, values)

    # -- billing a project ------------------------------------------------------------------------------------
    def bill_job(self, job: Job, values: dict[str, Any]) -> Invoice:
        """Bill a project's unbilled work dated up to the invoice date (``!transform/invoice``)."""
        store, data = self._store, self._store.db.data
        cust = data["customer"].get(job.parent)
        if cust is None:
            raise InvalidContent(f"Invalid value for field parent: project {job.id} has no customer.")
        until: date = values.get("tranDate") or store.ctx.clock.now().date()
        lines: list[InvoiceLine] = []
        if job.billingType == "time_and_materials":
            bills = (
                b
                for b in data["timeBill"].values()
                if b.customer == job.id
                and b.approvalStatus == "approved"
                and b.isBillable
                and b.invoice is None
                and b.tranDate <= until
            )
            for b in sorted(bills, key=lambda b: (b.tranDate, b.id)):
                rate = store.postings.rate_of(b)
                text = b.memo or f"Time {b.tranDate.isoformat()}"
                lines.append(InvoiceLine(0, "time", store.postings.amount_of(b), b.hours, rate, b.item, text, b.id))
        if job.billingType == "milestone":
            for task in sorted(data["projectTask"].values(), key=lambda t: t.id):
                if (
                    task.company == job.id
                    and task.isMilestone
                    and task.status == "COMPLETE"
                    and task.invoice is None
                    and task.amount is not None
                ):
                    amount = store.money(task.amount, cust.id)
                    lines.append(InvoiceLine(0, "milestone", amount, Decimal("1"), amount, None, task.title, task.id))
        for report in sorted(data["expenseReport"].values(), key=lambda r: (r.tranDate, r.id)):
            if report.approvalStatus != "approved" or report.tranDate > until:
                continue
            for exp in report.expense:
                if exp.isBillable and exp.customer == job.id and exp.invoice is None:
                    amount = store.money(exp.amount, cust.id)
                    text = exp.memo or exp.category or f"Expense {report.tranId}"
                    lines.append(
                        InvoiceLine(0, "expense", amount, Decimal("1"), amount, None, text, report.id, exp.line)
                    )
        return self._post(cust, job, lines, values)

    # -- changes ----------------------------------------------------------------------------------------------
    def update_invoice(self, inv: Invoice, values: dict[str, Any]) -> None:
        """Change an invoice's header (number, memo, due date, external id); lines are not editable here."""
        self._store.periods.ensure_changeable(inv.postingPeriod, inv.tranDate, "ar")
        if "tranId" in values:
            self._check_tran_id(values["tranId"], own=inv.id)
        if "externalId" in values:
            self._store.db.set_external_id("invoice", inv, values["externalId"])
        if "tranId" in values:
            self._store.db.set_tran_id(inv, values["tranId"])
        for name in ("memo", "dueDate"):
            if name in values:
                setattr(inv, name, values[name])
        inv.lastModified = self._store.ctx.clock.now()
        self._store.credit.track_invoice(inv)

    def delete_invoice(self, inv: Invoice) -> None:
        """Delete an unpaid invoice in a changeable period; its time, expenses and milestones become unbilled."""
        if inv.amountPaid > 0:
            raise DependentRecords(f"The invoice {inv.tranId} cannot be deleted because payments are applied to it.")
        self._store.periods.ensure_changeable(inv.postingPeriod, inv.tranDate, "ar")
        self._mark_sources(inv, None)
        self._store.credit.untrack_invoice(inv)
        self._store.db.remove("invoice", inv)
