"""Expenses and invoices: what is billing-eligible, and the invoice lifecycle (draft, sent, cancelled, deleted).

A time entry is eligible when it is approved, billable and not on an invoice; an expense when it is
billable and not on an invoice (expense report approval is not modelled). An invoice is drafted from
eligible items of workspaces in one currency; cancelling keeps the invoice and releases its items, deleting
(drafts and cancelled invoices only) removes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulators.psa.entities import Expense, Invoice, TimeEntry, Workspace
from simulators.psa.exceptions import NotBillable, RecordLocked, ValidationError
from simulators.psa.models.base import event_payload
from simulators.psa.models.timesheets import TimesheetStore
from simulators.psa.records import ListQuery, Page

CENT = Decimal("0.01")
EXPENSE_FIELDS = frozenset(
    {"workspace_id", "user_id", "date", "category", "amount", "notes", "is_billable", "reimbursable", "story_id"}
)
INVOICE_FIELDS = frozenset({"message", "purchase_order", "invoice_date", "payment_schedule", "draft"})


def entry_amount(entry: TimeEntry) -> Decimal:
    """Hours x rate, to the cent."""
    return (Decimal(entry.time_in_minutes) * entry.rate / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def expense_eligible(expense: Expense) -> bool:
    """Billing eligibility of an expense: billable and not yet invoiced."""
    return expense.is_billable and expense.invoice_id is None


class BillingStore(TimesheetStore):
    """Expenses and invoices."""

    # -- expenses -------------------------------------------------------------------------------------------
    def list_expenses(
        self,
        query: ListQuery,
        *,
        workspace_id: int | None = None,
        user_id: int | None = None,
        is_billable: bool | None = None,
        is_invoiced: bool | None = None,
        references: Mapping[str, Any] | None = None,
    ) -> Page[Expense]:
        """Expenses matching every given filter."""
        by_ref = self.reference_filter("Expense", references or {})
        return self.page(
            "expenses",
            query,
            lambda x: (
                (workspace_id is None or x.workspace_id == workspace_id)
                and (user_id is None or x.user_id == user_id)
                and (is_billable is None or x.is_billable == is_billable)
                and (is_invoiced is None or (x.invoice_id is not None) == is_invoiced)
                and (by_ref is None or by_ref(x))
            ),
        )

    def create_expense(self, data: Mapping[str, Any]) -> Expense:
        """Log an expense: the same staffing rules as time (participant, assignment dates, workspace on hold)."""
        workspace_id, user_id = data.get("workspace_id"), data.get("user_id")
        workspace: Workspace = self.require("workspaces", workspace_id, "workspace_id")
        self.assignment(workspace.id, int(user_id or 0), data["date"], new_work=True, what="Expenses")
        self._check_story(data.get("story_id"), workspace.id)
        reference = data.get("external_reference")
        if reference is not None:
            self.check_reference(reference)
        now = self.now()
        expense = Expense(
            id=0,
            workspace_id=workspace.id,
            user_id=int(user_id or 0),
            date=data["date"],
            category=data.get("category") or "Other",
            amount=data["amount"],
            currency=workspace.currency,
            created_at=now,
            updated_at=now,
            notes=data.get("notes"),
            is_billable=data["is_billable"] if data.get("is_billable") is not None else True,
            reimbursable=bool(data.get("reimbursable") or False),
            story_id=data.get("story_id"),
        )
        self.insert("expenses", expense)
        self.emit("expense:created", "Expense", expense)
        if reference is not None:
            self.upsert_reference("Expense", expense.id, reference)
        return expense

    def _open_expense(self, ref: str | int) -> Expense:
        expense: Expense = self.get("expenses", ref)
        if expense.invoice_id is not None:
            raise RecordLocked(f"Expense is locked because it is on invoice {expense.invoice_id}")
        return expense

    def update_expense(self, ref: str | int, changes: Mapping[str, Any]) -> Expense:
        """Change an expense that is not on an invoice."""
        expense = self._open_expense(ref)
        unknown = set(changes) - EXPENSE_FIELDS
        if unknown:
            raise ValidationError(f"Unknown expense field: {sorted(unknown)[0]}", field=sorted(unknown)[0])
        workspace_id = changes.get("workspace_id", expense.workspace_id)
        user_id = changes.get("user_id", expense.user_id)
        day = changes.get("date", expense.date)
        if (workspace_id, user_id, day) != (expense.workspace_id, expense.user_id, expense.date):
            self.assignment(workspace_id, user_id, day, new_work=workspace_id != expense.workspace_id, what="Expenses")
        self._check_story(changes.get("story_id", expense.story_id), workspace_id)
        values = dict(changes)
        if workspace_id != expense.workspace_id:
            values["currency"] = self.tables["workspaces"][workspace_id].currency
        self.change("expense", "Expense", expense, **values)
        return expense

    def delete_expense(self, ref: str | int) -> None:
        """Hard-delete an expense that is not on an invoice."""
        expense = self._open_expense(ref)
        del self.tables["expenses"][expense.id]
        self.emit("expense:deleted", "Expense", expense)

    # -- invoices -------------------------------------------------------------------------------------------
    def list_invoices(
        self,
        query: ListQuery,
        *,
        workspace_id: int | None = None,
        status: str | None = None,
        draft: bool | None = None,
        references: Mapping[str, Any] | None = None,
    ) -> Page[Invoice]:
        """Invoices matching every given filter (``external_reference_*`` filters read the sync state)."""
        by_ref = self.reference_filter("Invoice", references or {})
        return self.page(
            "invoices",
            query,
            lambda i: (
                (workspace_id is None or workspace_id in i.workspace_ids)
                and (status is None or i.status == status)
                and (draft is None or i.draft == draft)
                and (by_ref is None or by_ref(i))
            ),
        )

    def _line_item(self, table: str, item_id: int, workspace_ids: list[int]) -> Any:
        label = "Time entry" if table == "time_entries" else "Expense"
        field = "time_entry_ids" if table == "time_entries" else "expense_ids"
        item = self.tables[table].get(item_id)
        if item is None:
            raise ValidationError(f"{label} {item_id} does not exist", field=field)
        if item.workspace_id not in workspace_ids:
            raise ValidationError(f"{label} {item_id} is not in the invoice's workspaces", field=field)
        if table == "time_entries" and not item.approved:
            raise NotBillable(f"{label} {item_id} is not approved", field=field)
        if not (item.billable if table == "time_entries" else item.is_billable):
            raise NotBillable(f"{label} {item_id} is not billable", field=field)
        if item.invoice_id is not None:
            raise NotBillable(f"{label} {item_id} is already on invoice {item.invoice_id}", field=field)
        return item

    def create_invoice(self, data: Mapping[str, Any]) -> Invoice:
        """Draft an invoice from billing-eligible time entries and expenses of workspaces in one currency.

        Raises:
            ValidationError: no workspace, no line item, unknown records, mixed currencies.
            NotBillable: a line item that is unapproved, non-billable or already invoiced.
        """
        workspace_ids = list(dict.fromkeys(data.get("workspace_ids") or []))
        if not workspace_ids:
            raise ValidationError("Workspace ids can't be blank", field="workspace_ids")
        workspaces = [self.require("workspaces", w, "workspace_ids") for w in workspace_ids]
        if len({w.currency for w in workspaces}) > 1:
            raise ValidationError("The workspaces of an invoice must share one currency", field="workspace_ids")
        entry_ids = list(dict.fromkeys(data.get("time_entry_ids") or []))
        expense_ids = list(dict.fromkeys(data.get("expense_ids") or []))
        if not entry_ids and not expense_ids:
            raise ValidationError("An invoice needs at least one line item", field="time_entry_ids")
        entries = [self._line_item("time_entries", i, workspace_ids) for i in entry_ids]
        expenses = [self._line_item("expenses", i, workspace_ids) for i in expense_ids]
        now = self.now()
        number = max((i.user_invoice_number for i in self.tables["invoices"].values()), default=0) + 1
        invoice = Invoice(
            id=0,
            user_invoice_number=number,
            workspace_ids=workspace_ids,
            time_entry_ids=entry_ids,
            expense_ids=expense_ids,
            currency=workspaces[0].currency,
            invoice_date=data.get("invoice_date") or now.date(),
            payment_schedule=(
                data["payment_schedule"]
                if data.get("payment_schedule") is not None
                else self.settings().invoice_payment_days
            ),
            amount=sum((entry_amount(e) for e in entries), Decimal("0"))
            + sum((x.amount for x in expenses), Decimal("0")),
            created_at=now,
            updated_at=now,
            draft=data["draft"] if data.get("draft") is not None else True,
            message=data.get("message"),
            purchase_order=data.get("purchase_order"),
        )
        self.insert("invoices", invoice)
        for entry in entries:
            self.change("time_entry", "TimeEntry", entry, invoice_id=invoice.id)
        for expense in expenses:
            self.change("expense", "Expense", expense, invoice_id=invoice.id)
        self.emit("invoice:created", "Invoice", invoice)
        return invoice

    def _release(self, invoice: Invoice) -> None:
        for entry_id in invoice.time_entry_ids:
            entry = self.tables["time_entries"].get(entry_id)
            if entry is not None and entry.invoice_id == invoice.id:
                self.change("time_entry", "TimeEntry", entry, invoice_id=None)
        for expense_id in invoice.expense_ids:
            expense = self.tables["expenses"].get(expense_id)
            if expense is not None and expense.invoice_id == invoice.id:
                self.change("expense", "Expense", expense, invoice_id=None)

    def update_invoice(self, ref: str | int, changes: Mapping[str, Any]) -> Invoice:
        """Change an invoice's message, dates or draft flag (``draft: false`` sends it; never back)."""
        invoice: Invoice = self.get("invoices", ref)
        unknown = set(changes) - INVOICE_FIELDS
        if unknown:
            raise ValidationError(f"Unknown invoice field: {sorted(unknown)[0]}", field=sorted(unknown)[0])
        if invoice.status == "cancelled":
            raise RecordLocked(f"Invoice {invoice.id} is cancelled")
        if changes.get("draft") is True and not invoice.draft:
            raise RecordLocked(f"Invoice {invoice.id} has been sent; it cannot become a draft again", field="draft")
        self.change("invoice", "Invoice", invoice, **changes)
        return invoice

    def cancel_invoice(self, ref: str | int) -> Invoice:
        """Cancel an invoice (``PUT /invoices/{id}/cancel``): it stays, its items become billable again."""
        invoice: Invoice = self.get("invoices", ref)
        if invoice.status == "cancelled":
            raise RecordLocked(f"Invoice {invoice.id} is already cancelled")
        before = event_payload(invoice)
        self._release(invoice)
        invoice.status, invoice.updated_at = "cancelled", self.now()
        self.emit("invoice:updated", "Invoice", invoice, before)
        return invoice

    def delete_invoice(self, ref: str | int) -> None:
        """Delete a draft or cancelled invoice (hard delete); a sent invoice must be cancelled instead."""
        invoice: Invoice = self.get("invoices", ref)
        if not invoice.draft and invoice.status != "cancelled":
            raise RecordLocked(f"Invoice {invoice.id} has been sent; cancel it instead of deleting it")
        self._release(invoice)
        del self.tables["invoices"][invoice.id]
        self.emit("invoice:deleted", "Invoice", invoice)


def due_date(invoice: Invoice) -> date:
    """The invoice date plus the payment schedule."""
    return invoice.invoice_date + timedelta(days=invoice.payment_schedule)
