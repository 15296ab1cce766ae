"""The ERP store without HTTP: incremental exposure equals a rebuild, filters compile, money rounds per currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simulators.erp.app import create_app
from simulators.erp.exceptions import InvalidParameter, PeriodClosed
from simulators.erp.models import ErpStore
from simulators.erp.models.filters import compile_filter


@pytest.fixture
def store() -> ErpStore:
    """The default tenant's store of a fresh simulator."""
    erp_store: ErpStore = create_app().state.sim.tenant().store
    return erp_store


def _time(store: ErpStore, job: int, hours: str, day: int = 5) -> int:
    values = {
        "employee": 1,
        "customer": job,
        "hours": Decimal(hours),
        "rate": Decimal("100.00"),
        "tranDate": date(2026, 10, day),
    }
    return int(store.create("timeBill", values).id)


def test_incremental_exposure_equals_a_rebuild(store: ErpStore) -> None:
    bills = [_time(store, job, "1.5") for job in (1, 2, 7, 1)]
    store.update("timeBill", str(bills[0]), {"approvalStatus": "pending"})
    store.bill_job("2", {})
    store.create("customerPayment", {"customer": 10, "payment": Decimal("100")})
    store.delete("timeBill", str(bills[3]))
    before = {c.id: (c.balance, c.unbilledOrders, c.onCreditHold) for c in store.records["customer"].values()}
    store.credit.recompute_all()
    after = {c.id: (c.balance, c.unbilledOrders, c.onCreditHold) for c in store.records["customer"].values()}
    assert before == after
    assert (before[9][1], before[10][:2]) == (Decimal("150.00"), (Decimal("50.00"), Decimal("0")))


def test_snapshot_round_trip_keeps_aggregates(store: ErpStore) -> None:
    _time(store, 1, "3")
    store.bill_job("1", {})
    snapshot = store.snapshot()
    store.restore(snapshot)
    assert store.snapshot() == snapshot
    assert store.records["customer"][9].balance == Decimal("300.00")


def test_money_rounds_half_up_to_the_currency_precision(store: ErpStore) -> None:
    yen = store.create("customer", {"companyName": "Yen Co", "currency": 4})
    assert store.money(Decimal("124.5"), yen.id) == Decimal("125")
    assert store.money(Decimal("0.125"), 9) == Decimal("0.13")


def test_period_rule_refuses_before_anything_is_written(store: ErpStore) -> None:
    with pytest.raises(PeriodClosed):
        store.create("timeBill", {"employee": 1, "customer": 1, "hours": Decimal("1"), "tranDate": date(2026, 9, 1)})
    assert store.records["timeBill"] == {}
    assert store.records["customer"][9].unbilledOrders == 0


def test_filter_compiles_to_a_predicate(store: ErpStore) -> None:
    keep = compile_filter("timeBill", '(hours GREATER 2 OR memo IS x) AND tranDate ON_OR_BEFORE "10/31/2026"')
    bills = [store.records["timeBill"][_time(store, 1, h)] for h in ("1", "3")]
    assert [keep(b) for b in bills] == [False, True]
    with pytest.raises(InvalidParameter, match="not available for record timeBill"):
        compile_filter("timeBill", "nope IS 1")
