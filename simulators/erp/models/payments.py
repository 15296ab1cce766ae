"""Customer payments: applied to open invoices (named ones, or oldest due first), the rest kept unapplied."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulators.erp.exceptions import InvalidContent, UserError
from simulators.erp.models.records import ZERO, CustomerPayment, Invoice, PaymentApplication

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore


class Payments:
    """customerPayment operations of one tenant."""

    def __init__(self, store: ErpStore) -> None:
        self._store = store

    def _plan(self, customer: int, amount: Decimal, raw: list[dict[str, Any]] | None) -> list[PaymentApplication]:
        """What the payment pays: the named invoices, or open invoices oldest due first (auto-apply)."""
        store, invoices = self._store, self._store.db.data["invoice"]
        plan: list[PaymentApplication] = []
        left = amount
        if raw is None:
            open_invoices = sorted(
                (i for i in invoices.values() if i.entity == customer and i.amountRemaining > 0),
                key=lambda i: (i.dueDate, i.id),
            )
            for candidate in open_invoices:
                if left <= 0:
                    break
                paid = min(left, candidate.amountRemaining)
                plan.append(PaymentApplication(candidate.id, paid))
                left -= paid
            return plan
        seen: set[int] = set()
        for n, item in enumerate(raw):
            if not item.get("apply", True):
                continue
            path = f"apply.items[{n}]"
            inv: Invoice = store.db.ref("invoice", item["doc"], f"{path}.doc")
            if inv.entity != customer:
                raise InvalidContent(
                    f"Invalid value for field {path}.doc: invoice {inv.tranId} belongs to another customer.",
                    error_path=f"{path}.doc",
                )
            if inv.id in seen:
                raise UserError(f"Invoice {inv.tranId} is applied twice.", error_path=f"{path}.doc")
            seen.add(inv.id)
            paid = item.get("amount")
            paid = min(left, inv.amountRemaining) if paid is None else store.money(paid, customer)
            if paid > inv.amountRemaining:
                raise UserError(
                    f"The amount applied to invoice {inv.tranId} ({paid}) exceeds its amount due "
                    f"({inv.amountRemaining}).",
                    error_path=f"{path}.amount",
                )
            if paid > left:
                raise UserError(
                    f"The total amount applied exceeds the payment amount {amount}.", error_path=f"{path}.amount"
                )
            if paid > 0:
                plan.append(PaymentApplication(inv.id, paid))
                left -= paid
        return plan

    def create_payment(self, values: dict[str, Any]) -> CustomerPayment:
        """Record a payment and apply it; emits ``payment.applied`` when it pays any invoice."""
        store, db = self._store, self._store.db
        ext = values.get("externalId")
        if ext is not None and db.find_external("customerPayment", ext) is not None:
            raise UserError(f"A record with the external ID {ext} already exists.", error_path="externalId")
        cust = db.ref("customer", values["customer"], "customer")
        amount = store.money(values["payment"], cust.id)
        if amount <= 0:
            raise InvalidContent("Invalid value for field payment: must be more than 0.", error_path="payment")
        plan = self._plan(cust.id, amount, values.get("apply"))
        tran_date: date = values.get("tranDate") or store.ctx.clock.now().date()
        period = store.periods.posting_period(tran_date, "ar")
        pay_id = db.next_id("customerPayment")
        unapplied = amount - sum((a.amount for a in plan), ZERO)
        pay = CustomerPayment(
            id=pay_id,
            externalId=ext,
            tranId=f"PYMT{pay_id:06d}",
            customer=cust.id,
            tranDate=tran_date,
            postingPeriod=period.id,
            currency=cust.currency,
            payment=amount,
            apply=plan,
            unapplied=unapplied,
            memo=values.get("memo"),
            created=store.ctx.clock.now(),
        )
        db.insert("customerPayment", pay)
        self._apply(pay, +1)
        if plan:
            store.ctx.events.emit("payment.applied", "customerPayment", str(pay.id), self.payload(pay))
        return pay

    def _apply(self, pay: CustomerPayment, sign: int) -> None:
        invoices = self._store.db.data["invoice"]
        for application in pay.apply:
            inv = invoices.get(application.invoice)
            if inv is None:
                continue
            inv.amountPaid += sign * application.amount
            inv.amountRemaining = inv.total - inv.amountPaid
            inv.status = "paidInFull" if inv.amountRemaining <= 0 else "open"
            inv.lastModified = self._store.ctx.clock.now()
            self._store.credit.track_invoice(inv)
        key = ("customerPayment", pay.id, 0)
        if sign > 0:
            self._store.credit.put(key, pay.customer, "balance", -pay.unapplied)
        else:
            self._store.credit.drop(key)

    def payload(self, pay: CustomerPayment) -> dict[str, Any]:
        """The webhook payload of an applied payment."""
        cust = self._store.db.data["customer"].get(pay.customer)
        invoices = self._store.db.data["invoice"]
        return {
            "payment": {"id": str(pay.id), "tranId": pay.tranId, "externalId": pay.externalId},
            "customer": {"id": str(pay.customer), "externalId": cust.externalId if cust else None},
            "amount": str(pay.payment),
            "applied": [
                {
                    "invoice": {"id": str(a.invoice), "tranId": invoices[a.invoice].tranId},
                    "amount": str(a.amount),
                    "amountRemaining": str(invoices[a.invoice].amountRemaining),
                    "status": invoices[a.invoice].status,
                }
                for a in pay.apply
                if a.invoice in invoices
            ],
            "unapplied": str(pay.unapplied),
        }

    def update_payment(self, pay: CustomerPayment, values: dict[str, Any]) -> None:
        """Change a payment's memo or external id (re-applying a payment is not modelled)."""
        self._store.periods.ensure_changeable(pay.postingPeriod, pay.tranDate, "ar")
        if "externalId" in values:
            self._store.db.set_external_id("customerPayment", pay, values["externalId"])
        if "memo" in values:
            pay.memo = values["memo"]

    def delete_payment(self, pay: CustomerPayment) -> None:
        """Delete a payment in a changeable period: its invoices are open again by what it paid."""
        self._store.periods.ensure_changeable(pay.postingPeriod, pay.tranDate, "ar")
        self._apply(pay, -1)
        self._store.db.remove("customerPayment", pay)
