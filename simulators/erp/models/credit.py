"""Customer credit: open AR, unbilled work, overdue balance, and the hold they put on a customer.

Exposure is kept incrementally (the hot path, a timeBill post, must not rescan every posting): each
posting registers its contribution to one customer's ``unbilledOrders`` or ``balance`` under a key, and a
changed contribution replaces the old one. :meth:`Credit.recompute_all` rebuilds everything from the
records (after a restore, and in tests as the oracle).

The hold (NetSuite's customer "Hold" field, ``creditHoldOverride``): ``ON`` holds, ``OFF`` never holds,
``AUTO`` holds when open AR + unbilled work exceeds the credit limit or an overdue balance is older than
the "Days Overdue" grace. The account preference ``credit_policy`` decides what a hold does to a new sales
transaction (see :meth:`Credit.check_sale`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from simulators.erp.exceptions import CreditHold
from simulators.erp.models.records import ZERO, Customer, Invoice

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore

Measure = Literal["unbilledOrders", "balance"]
Key = tuple[str, int, int]
"""(record type, record id, line) of a contribution."""


class Credit:
    """Exposure bookkeeping and credit holds for one tenant."""

    def __init__(self, store: ErpStore) -> None:
        self._store = store
        self._contrib: dict[Key, tuple[int, Measure, Decimal]] = {}
        self._open: dict[int, set[int]] = {}
        self._touched: set[int] = set()

    @property
    def _customers(self) -> dict[int, Customer]:
        return self._store.db.data["customer"]

    # -- contributions ----------------------------------------------------------------------------------------
    def put(self, key: Key, customer: int | None, measure: Measure, amount: Decimal) -> None:
        """Set what the posting ``key`` adds to a customer's ``measure`` (None or zero: nothing)."""
        old = self._contrib.pop(key, None)
        if old is not None:
            self._add(old[0], old[1], -old[2])
        if customer is not None and amount and customer in self._customers:
            self._contrib[key] = (customer, measure, amount)
            self._add(customer, measure, amount)

    def drop(self, key: Key) -> None:
        """Forget a posting's contribution."""
        self.put(key, None, "balance", ZERO)

    def _add(self, customer: int, measure: Measure, amount: Decimal) -> None:
        cust = self._customers.get(customer)
        if cust is None:
            return
        total = getattr(cust, measure) + amount
        setattr(cust, measure, total if total else ZERO)  # one spelling of zero, whatever the path to it
        self._touched.add(customer)

    def customer_of(self, entity: int) -> int | None:
        """The customer an entity reference bills to: the customer itself, or a project's parent."""
        job = self._store.db.data["job"].get(entity)
        if job is not None:
            return int(job.parent)
        return entity if entity in self._customers else None

    def track_invoice(self, inv: Invoice) -> None:
        """Register an invoice's open amount (its customer's AR) and its overdue candidacy."""
        self.put(("invoice", inv.id, 0), inv.entity, "balance", inv.amountRemaining)
        open_ids = self._open.setdefault(inv.entity, set())
        if inv.amountRemaining > 0:
            open_ids.add(inv.id)
        else:
            open_ids.discard(inv.id)
        self._touched.add(inv.entity)

    def untrack_invoice(self, inv: Invoice) -> None:
        """Forget a deleted invoice."""
        self.drop(("invoice", inv.id, 0))
        self._open.get(inv.entity, set()).discard(inv.id)
        self._touched.add(inv.entity)

    def touch(self, customer: int) -> None:
        """Re-evaluate this customer's hold at the next :meth:`refresh` (its limit or override changed)."""
        self._touched.add(customer)

    # -- holds ------------------------------------------------------------------------------------------------
    def _overdue(self, cust: Customer, today: date) -> None:
        overdue, days = ZERO, 0
        invoices = self._store.db.data["invoice"]
        for inv_id in self._open.get(cust.id, ()):
            inv = invoices[inv_id]
            if inv.dueDate < today and inv.amountRemaining > 0:
                overdue += inv.amountRemaining
                days = max(days, (today - inv.dueDate).days)
        cust.overdueBalance, cust.daysOverdue = overdue, days

    def hold_of(self, cust: Customer) -> str | None:
        """Why the customer is on hold, or None."""
        if cust.creditHoldOverride == "ON":
            return "manual hold"
        if cust.creditHoldOverride == "OFF":
            return None
        if cust.creditLimit is not None and cust.balance + cust.unbilledOrders > cust.creditLimit:
            return "credit limit exceeded"
        grace = self._store.ctx.settings().credit_overdue_grace_days
        if cust.overdueBalance > 0 and cust.daysOverdue > grace:
            return "overdue balance past the grace period"
        return None

    def refresh(self, *, emit: bool = True, everyone: bool = False) -> None:
        """Re-evaluate touched customers (or all); emit ``customer.creditHoldChanged`` when a hold flips."""
        today = self._store.ctx.clock.now().date()
        ids = list(self._customers) if everyone else sorted(self._touched)
        self._touched.clear()
        for cid in ids:
            cust = self._customers.get(cid)
            if cust is None:
                continue
            self._overdue(cust, today)
            reason = self.hold_of(cust)
            held = reason is not None
            changed = held != cust.onCreditHold
            cust.onCreditHold, cust.creditHoldReason = held, reason
            if changed and emit:
                self._store.ctx.events.emit("customer.creditHoldChanged", "customer", str(cust.id), self.payload(cust))

    def refresh_overdue(self) -> None:
        """The day changed: re-evaluate every customer with open invoices."""
        self._touched.update(c for c, ids in self._open.items() if ids)
        self.refresh()

    @staticmethod
    def payload(cust: Customer) -> dict[str, Any]:
        """The webhook payload of a credit-hold change."""
        return {
            "customer": {"id": str(cust.id), "externalId": cust.externalId},
            "onCreditHold": cust.onCreditHold,
            "reason": cust.creditHoldReason,
            "creditHoldOverride": cust.creditHoldOverride,
            "creditLimit": None if cust.creditLimit is None else str(cust.creditLimit),
            "balance": str(cust.balance),
            "unbilledOrders": str(cust.unbilledOrders),
            "overdueBalance": str(cust.overdueBalance),
        }

    def check_sale(self, cust: Customer) -> bool:
        """Apply the credit policy to a new sales transaction; returns True when only a warning applies.

        Raises:
            CreditHold: the customer is on hold and the policy is ``enforce``.
        """
        policy = self._store.ctx.settings().credit_policy
        self._touched.add(cust.id)
        self.refresh()
        if policy == "ignore" or not cust.onCreditHold:
            return False
        if policy == "warn":
            return True
        raise CreditHold(
            f"The customer {cust.externalId or cust.id} ({cust.companyName}) is on credit hold "
            f"({cust.creditHoldReason}). New sales transactions are not allowed by your NetSuite credit limit "
            "settings.",
            error_path="entity",
        )

    # -- rebuild ----------------------------------------------------------------------------------------------
    def recompute_all(self, *, emit: bool = False) -> None:
        """Rebuild every contribution from the records, then every hold."""
        for cust in self._customers.values():
            cust.balance = cust.unbilledOrders = ZERO
        self._contrib.clear()
        self._open.clear()
        data = self._store.db.data
        postings = self._store.postings
        for bill in data["timeBill"].values():
            postings.track_time(bill)
        for report in data["expenseReport"].values():
            postings.track_expenses(report)
        for inv in data["invoice"].values():
            self.track_invoice(inv)
        for pay in data["customerPayment"].values():
            self.put(("customerPayment", pay.id, 0), pay.customer, "balance", -pay.unapplied)
        self.refresh(emit=emit, everyone=True)
