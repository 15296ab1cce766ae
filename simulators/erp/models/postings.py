"""Time and expense postings (``timeBill``, ``expenseReport``): references, the period rule, unbilled work.

Approved, billable, not yet invoiced time and expense lines are a customer's unbilled work (part of its
credit exposure) until a project invoice bills them; a billed posting can no longer be changed or deleted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulators.erp.exceptions import InvalidContent, UserError
from simulators.erp.models.records import ZERO, ExpenseLine, ExpenseReport, TimeBill
from simulators.erp.models.tables import cents

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore

TIME_FIELDS = (
    "employee",
    "customer",
    "hours",
    "tranDate",
    "isBillable",
    "approvalStatus",
    "rate",
    "memo",
    "item",
    "caseTaskEvent",
    "overrideRate",
    "supervisorApproval",
    "rejectionNote",
    "subsidiary",
)


class Postings:
    """timeBill and expenseReport operations of one tenant."""

    def __init__(self, store: ErpStore) -> None:
        self._store = store

    # -- unbilled work ----------------------------------------------------------------------------------------
    def rate_of(self, bill: TimeBill) -> Decimal:
        """The bill rate: the entry's own, else its service item's, else zero (rate cards are not modelled)."""
        if bill.rate is not None:
            return bill.rate
        item = self._store.db.data["serviceItem"].get(bill.item) if bill.item is not None else None
        return item.rate if item is not None and item.rate is not None else ZERO

    def amount_of(self, bill: TimeBill) -> Decimal:
        """Hours x rate in the billed customer's currency precision."""
        customer = self._store.credit.customer_of(bill.customer)
        return self._store.money(bill.hours * self.rate_of(bill), customer)

    def track_time(self, bill: TimeBill) -> None:
        """Register the entry's unbilled amount with its customer (nothing unless approved, billable, unbilled)."""
        billable = bill.approvalStatus == "approved" and bill.isBillable and bill.invoice is None
        customer = self._store.credit.customer_of(bill.customer) if billable else None
        self._store.credit.put(("timeBill", bill.id, 0), customer, "unbilledOrders", self.amount_of(bill))

    def track_expenses(self, report: ExpenseReport) -> None:
        """Register each billable, unbilled expense line of an approved report with its customer."""
        credit = self._store.credit
        for line in report.expense:
            billable = (
                report.approvalStatus == "approved"
                and line.isBillable
                and line.customer is not None
                and line.invoice is None
            )
            customer = credit.customer_of(line.customer) if billable and line.customer is not None else None
            credit.put(("expenseReport", report.id, line.line), customer, "unbilledOrders", line.amount)

    # -- timeBill ---------------------------------------------------------------------------------------------
    def _check_time(self, v: dict[str, Any]) -> None:
        db = self._store.db
        db.ref("employee", v["employee"], "employee")
        entity = v["customer"]
        if entity not in db.data["job"] and entity not in db.data["customer"]:
            raise InvalidContent(
                f"Invalid value for field customer: no customer or project with internal id {entity}.",
                error_path="customer",
            )
        hours = v["hours"]
        if hours <= 0 or hours > 24:
            raise InvalidContent(
                "Invalid value for field hours: must be more than 0 and at most 24.", error_path="hours"
            )
        if v.get("item") is not None:
            db.ref("serviceItem", v["item"], "item", "service item")
        if v.get("subsidiary") is not None:
            db.ref("subsidiary", v["subsidiary"], "subsidiary")
        if v.get("caseTaskEvent") is not None:
            task = db.ref("projectTask", v["caseTaskEvent"], "caseTaskEvent", "project task")
            if task.company != entity:
                raise InvalidContent(
                    f"Invalid value for field caseTaskEvent: project task {task.id} does not belong to "
                    f"the project {entity}.",
                    error_path="caseTaskEvent",
                )

    def create_time_bill(self, values: dict[str, Any]) -> TimeBill:
        """Create a timeBill (POST). NetSuite has no idempotency on synchronous creates: a retry duplicates."""
        db = self._store.db
        ext = values.get("externalId")
        if ext is not None and db.find_external("timeBill", ext) is not None:
            raise UserError(f"A record with the external ID {ext} already exists.", error_path="externalId")
        self._check_time(values)
        period = self._store.periods.posting_period(values["tranDate"], "time")
        now = self._store.ctx.clock.now()
        fields = {k: values[k] for k in TIME_FIELDS if k in values}
        bill = TimeBill(id=0, externalId=ext, postingPeriod=period.id, created=now, lastModified=now, **fields)
        if bill.subsidiary is None:
            employee = db.data["employee"][bill.employee]
            bill.subsidiary = employee.subsidiary
        db.insert("timeBill", bill)
        self.track_time(bill)
        return bill

    def _ensure_unbilled(self, record_type: str, invoice: int | None) -> None:
        if invoice is not None:
            inv = self._store.db.data["invoice"].get(invoice)
            number = inv.tranId if inv is not None else str(invoice)
            raise UserError(f"This {record_type} has been billed on invoice {number} and can no longer be changed.")

    def update_time_bill(self, bill: TimeBill, values: dict[str, Any]) -> None:
        """Change a timeBill (PATCH, or PUT upsert of an existing one)."""
        self._ensure_unbilled("time entry", bill.invoice)
        self._store.periods.ensure_changeable(bill.postingPeriod, bill.tranDate, "time")
        merged = {k: getattr(bill, k) for k in TIME_FIELDS} | {k: v for k, v in values.items() if k in TIME_FIELDS}
        self._check_time(merged)
        period_id = bill.postingPeriod
        if "tranDate" in values:
            period_id = self._store.periods.posting_period(merged["tranDate"], "time").id
        if "externalId" in values:
            self._store.db.set_external_id("timeBill", bill, values["externalId"])
        for name, value in merged.items():
            setattr(bill, name, value)
        bill.postingPeriod = period_id
        bill.lastModified = self._store.ctx.clock.now()
        self.track_time(bill)

    def delete_time_bill(self, bill: TimeBill) -> None:
        """Delete a timeBill (refused once billed or when its posting period is closed)."""
        self._ensure_unbilled("time entry", bill.invoice)
        self._store.periods.ensure_changeable(bill.postingPeriod, bill.tranDate, "time")
        self._store.credit.drop(("timeBill", bill.id, 0))
        self._store.db.remove("timeBill", bill)

    # -- expenseReport ----------------------------------------------------------------------------------------
    def _lines(self, raw: list[dict[str, Any]]) -> list[ExpenseLine]:
        db = self._store.db
        if not raw:
            raise UserError("You must enter at least one line item for this transaction.", error_path="expense")
        lines = []
        for n, item in enumerate(raw, start=1):
            customer = item.get("customer")
            if customer is not None and customer not in db.data["job"] and customer not in db.data["customer"]:
                raise InvalidContent(
                    f"Invalid value for field expense.items[{n - 1}].customer: no customer or project with "
                    f"internal id {customer}.",
                    error_path=f"expense.items[{n - 1}].customer",
                )
            if item.get("isBillable") and customer is None:
                raise UserError(
                    f"Expense line {n} is billable but names no customer or project.",
                    error_path=f"expense.items[{n - 1}].customer",
                )
            lines.append(
                ExpenseLine(
                    line=n,
                    amount=cents(item["amount"]),
                    memo=item.get("memo"),
                    category=item.get("category"),
                    customer=customer,
                    isBillable=bool(item.get("isBillable", False)),
                )
            )
        return lines

    def create_expense_report(self, values: dict[str, Any]) -> ExpenseReport:
        """Create an expense report; its lines are validated and its date follows the period rule."""
        db = self._store.db
        ext = values.get("externalId")
        if ext is not None and db.find_external("expenseReport", ext) is not None:
            raise UserError(f"A record with the external ID {ext} already exists.", error_path="externalId")
        db.ref("employee", values["entity"], "entity", "employee")
        lines = self._lines(values.get("expense", []))
        period = self._store.periods.posting_period(values["tranDate"], "ap")
        now = self._store.ctx.clock.now()
        report_id = db.next_id("expenseReport")
        report = ExpenseReport(
            id=report_id,
            externalId=ext,
            tranId=f"ER{report_id}",
            entity=values["entity"],
            tranDate=values["tranDate"],
            postingPeriod=period.id,
            approvalStatus=values.get("approvalStatus", "approved"),
            memo=values.get("memo"),
            expense=lines,
            total=sum((line.amount for line in lines), ZERO),
            created=now,
            lastModified=now,
        )
        db.insert("expenseReport", report)
        self.track_expenses(report)
        return report

    def update_expense_report(self, report: ExpenseReport, values: dict[str, Any]) -> None:
        """Change an expense report; ``expense`` replaces every line."""
        for line in report.expense:
            self._ensure_unbilled("expense report", line.invoice)
        self._store.periods.ensure_changeable(report.postingPeriod, report.tranDate, "ap")
        db = self._store.db
        if "entity" in values:
            db.ref("employee", values["entity"], "entity", "employee")
        lines = self._lines(values["expense"]) if "expense" in values else report.expense
        period_id = report.postingPeriod
        if "tranDate" in values:
            period_id = self._store.periods.posting_period(values["tranDate"], "ap").id
        if "externalId" in values:
            db.set_external_id("expenseReport", report, values["externalId"])
        for name in ("entity", "tranDate", "approvalStatus", "memo"):
            if name in values:
                setattr(report, name, values[name])
        old_lines = len(report.expense)
        report.expense, report.postingPeriod = lines, period_id
        report.total = sum((line.amount for line in lines), ZERO)
        report.lastModified = self._store.ctx.clock.now()
        for n in range(len(lines) + 1, old_lines + 1):
            self._store.credit.drop(("expenseReport", report.id, n))
        self.track_expenses(report)

    def delete_expense_report(self, report: ExpenseReport) -> None:
        """Delete an expense report (refused once a line is billed or its period is closed)."""
        for line in report.expense:
            self._ensure_unbilled("expense report", line.invoice)
        self._store.periods.ensure_changeable(report.postingPeriod, report.tranDate, "ap")
        for line in report.expense:
            self._store.credit.drop(("expenseReport", report.id, line.line))
        self._store.db.remove("expenseReport", report)
