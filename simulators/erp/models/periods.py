"""Accounting periods: monthly, ``open -> ar_locked -> closed``, and the posting-date policy.

Which postings a period refuses depends on the ledger: a closed period refuses everything; an AR-locked
period refuses receivables (invoices, payments) but still takes time and expenses. Under the
``redate_to_first_open`` policy a posting dated in a refusing period goes to the first later period that
accepts it, keeping its ``tranDate`` (NetSuite's "Default Posting Period When Transaction Date in Closed
Period" = First Open Period). The close calendar moves periods forward with the simulated clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from simulators.erp.exceptions import NonexistentId, PeriodClosed, PeriodLocked, UserError
from simulators.erp.models.records import AccountingPeriod, PeriodState

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore

Ledger = Literal["time", "ap", "ar"]
_ORDER: dict[PeriodState, int] = {"open": 0, "ar_locked": 1, "closed": 2}


def month_start(day: date, offset: int = 0) -> date:
    """The first day of the month ``offset`` months after ``day``'s month."""
    month = day.month - 1 + offset
    return date(day.year + month // 12, month % 12 + 1, 1)


def refuses(period: AccountingPeriod, ledger: Ledger) -> bool:
    """Whether ``period`` refuses a posting to ``ledger``."""
    return period.state == "closed" or (ledger == "ar" and period.state == "ar_locked")


class Periods:
    """The accounting calendar of one tenant."""

    def __init__(self, store: ErpStore) -> None:
        self._store = store
        self._by_key: dict[str, int] = {}
        self._indexed = -1

    @property
    def _table(self) -> dict[int, AccountingPeriod]:
        return self._store.db.data["accountingPeriod"]

    def invalidate(self) -> None:
        """Forget the key index (the table was replaced)."""
        self._indexed = -1

    def _index(self) -> dict[str, int]:
        if self._indexed != len(self._table):
            self._by_key = {p.key: p.id for p in self._table.values()}
            self._indexed = len(self._table)
        return self._by_key

    # -- look-ups ---------------------------------------------------------------------------------------------
    def for_day(self, day: date) -> AccountingPeriod | None:
        """The period that contains ``day``."""
        found = self._index().get(f"{day.year:04d}-{day.month:02d}")
        return None if found is None else self._table[found]

    def by_key(self, key: str) -> AccountingPeriod:
        """A period by ``YYYY-MM``."""
        found = self._index().get(key)
        if found is None:
            raise NonexistentId(f"No accounting period {key}.")
        return self._table[found]

    def set_state(self, key: str, state: PeriodState) -> AccountingPeriod:
        """Open, AR-lock or close a period (the control plane's way to run a close)."""
        period = self.by_key(key)
        period.state = state
        return period

    # -- the posting rule -------------------------------------------------------------------------------------
    def posting_period(self, day: date, ledger: Ledger, path: str = "tranDate") -> AccountingPeriod:
        """The period a posting dated ``day`` lands in, or the vendor's refusal."""
        period = self.for_day(day)
        if period is None:
            raise UserError(f"No accounting period covers the transaction date {day.isoformat()}.", error_path=path)
        if not refuses(period, ledger):
            return period
        if self._store.ctx.settings().closed_period_policy == "redate_to_first_open":
            later = sorted(
                (p for p in self._table.values() if p.startDate > period.endDate and not refuses(p, ledger)),
                key=lambda p: p.startDate,
            )
            if later:
                return later[0]
        raise self.refusal(day, period, path)

    @staticmethod
    def refusal(day: date, period: AccountingPeriod, path: str = "tranDate") -> UserError:
        """The error for a posting dated ``day`` in a closed or AR-locked ``period``."""
        if period.state == "closed":
            return PeriodClosed(
                f"The transaction date {day.isoformat()} falls in the closed accounting period {period.periodName}. "
                "Posting is not allowed by your NetSuite settings.",
                error_path=path,
            )
        return PeriodLocked(
            f"The transaction date {day.isoformat()} falls in the accounting period {period.periodName}, which is "
            "locked for accounts receivable. Posting is not allowed by your NetSuite settings.",
            error_path=path,
        )

    def ensure_changeable(self, period_id: int, tran_date: date, ledger: Ledger) -> None:
        """Refuse a change or delete of a posting whose posting period now refuses its ledger."""
        period = self._table.get(period_id)
        if period is not None and refuses(period, ledger):
            raise self.refusal(tran_date, period)

    # -- the simulated clock ----------------------------------------------------------------------------------
    def advance_to(self, today: date) -> None:
        """Set up periods ahead of ``today`` and apply the close calendar (states only move forward)."""
        settings = self._store.ctx.settings()
        self._extend(month_start(today, settings.open_periods_ahead))
        calendar = settings.close_calendar
        if calendar.ar_lock_after_days is None and calendar.close_after_days is None:
            return
        for period in self._table.values():
            wanted: PeriodState = period.state
            if calendar.close_after_days is not None and today > period.endDate + timedelta(
                days=calendar.close_after_days
            ):
                wanted = "closed"
            elif calendar.ar_lock_after_days is not None and today > period.endDate + timedelta(
                days=calendar.ar_lock_after_days
            ):
                wanted = "ar_locked"
            if _ORDER[wanted] > _ORDER[period.state]:
                period.state = wanted

    def _extend(self, through: date) -> None:
        """Append open monthly periods until one contains ``through`` (only after the last set-up period)."""
        if not self._table:
            return
        last = max(self._table.values(), key=lambda p: p.startDate)
        while last.endDate < through:
            start = last.endDate + timedelta(days=1)
            end = month_start(start, 1) - timedelta(days=1)
            last = self._store.db.insert(
                "accountingPeriod", AccountingPeriod(0, f"{start:%b %Y}", f"{start:%Y-%m}", start, end)
            )
