"""The reconciliation behind ``p2c reconcile``: approved = posted + dead-lettered + in flight, per project and
period, to the cent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.cli.orchestrator import reconciliation


def _entry(entry_id: int, workspace: str, day: str, minutes: int = 90, cents: int = 15_000) -> dict[str, Any]:
    return {
        "id": str(entry_id),
        "workspace_id": workspace,
        "date_performed": day,
        "time_in_minutes": minutes,
        "rate_in_cents": cents,
    }


ENTRIES = {
    "1": _entry(1, "2001", "2026-10-05"),
    "2": _entry(2, "2001", "2026-10-06", 60),
    "3": _entry(3, "2002", "2026-09-30"),
}


def test_posted_and_dead_lettered_time_accounts_for_approved_time() -> None:
    bills = [
        {"externalId": "psa-te-1", "hours": "1.5", "rate": "150"},
        {"memo": "psa-te-2 original date 2026-10-06", "hours": "1", "rate": "150.00"},
    ]
    rows = reconciliation(ENTRIES, bills, [{"source_id": "psa-te-3", "reason": "PERIOD_CLOSED"}])
    october = rows[("2001", "2026-10")]
    assert october.approved == [Decimal("2.50"), Decimal("375.00")]
    assert october.posted == [Decimal("2.50"), Decimal("375.00")]
    assert october.in_flight == [0, 0]
    september = rows[("2002", "2026-09")]
    assert september.dead == [Decimal("1.50"), Decimal("225.00")]
    assert september.in_flight == [0, 0]


def test_missing_and_doubled_postings_show_as_in_flight_either_way() -> None:
    bills = [{"externalId": "psa-te-1", "hours": "1.5", "rate": "150"}] * 2
    rows = reconciliation(ENTRIES, bills, [])
    assert rows[("2001", "2026-10")].in_flight == [Decimal("-0.50"), Decimal("-75.00")]  # 1 doubled, 2 missing
    assert rows[("2002", "2026-09")].in_flight == [Decimal("1.50"), Decimal("225.00")]
