"""The finance-control invariants hold on a consistent view and name the exact break on an inconsistent one."""

from __future__ import annotations

from typing import Any

from harness.invariants import Severity, SystemView
from scenarios.period_invariants import (
    approved_equals_posted_plus_dead_lettered,
    every_approved_entry_posted_or_dead_lettered,
    no_posting_sent_twice_without_cause,
    nothing_posted_into_a_closed_period,
    redated_postings_keep_the_original_date,
)

PERIODS = [
    {
        "id": 10,
        "key": "2026-10",
        "periodName": "Oct 2026",
        "startDate": "2026-10-01",
        "endDate": "2026-10-31",
        "state": "closed",
    },
    {
        "id": 11,
        "key": "2026-11",
        "periodName": "Nov 2026",
        "startDate": "2026-11-01",
        "endDate": "2026-11-30",
        "state": "open",
    },
]


def entry(entry_id: int, day: str = "2026-10-28", minutes: int = 90) -> dict[str, Any]:
    return {
        "id": str(entry_id),
        "workspace_id": "2001",
        "user_id": "1001",
        "date_performed": day,
        "time_in_minutes": minutes,
        "approved": True,
        "billable": True,
        "rate": "150.00",
    }


def bill(bill_id: int, entry_id: int, day: str, period: int, memo: str | None = None) -> dict[str, Any]:
    return {
        "id": bill_id,
        "externalId": f"psa-te-{entry_id}",
        "tranDate": day,
        "postingPeriod": period,
        "hours": "1.5",
        "rate": "150.00",
        "memo": memo or f"psa-te-{entry_id}",
    }


def view(
    entries: list[dict[str, Any]],
    bills: list[dict[str, Any]],
    dead: list[dict[str, Any]] | None = None,
    journal: list[dict[str, Any]] | None = None,
) -> SystemView:
    return SystemView(
        crm={},
        psa={"time_entries": entries},
        erp={"timeBill": bills, "accountingPeriod": PERIODS, "customer": [], "job": []},
        journals={"erp": journal or []},
        dead_letters=dead,
    )


def test_a_re_dated_posting_that_keeps_its_date_passes_every_check() -> None:
    v = view([entry(1)], [bill(5, 1, "2026-11-01", 11, "psa-te-1 original date 2026-10-28")])
    for inv in (
        nothing_posted_into_a_closed_period,
        redated_postings_keep_the_original_date,
        every_approved_entry_posted_or_dead_lettered,
        approved_equals_posted_plus_dead_lettered,
    ):
        assert inv(v) == [], inv.name


def test_a_posting_the_erp_moved_out_of_a_closed_period_is_reported_with_its_records() -> None:
    journal = [{"id": 3, "method": "PUT", "path": "/services/rest/record/v1/timeBill/eid:psa-te-1"}]
    [violation] = nothing_posted_into_a_closed_period(view([entry(1)], [bill(5, 1, "2026-10-28", 11)], journal=journal))
    assert violation.message == (
        "timeBill 5 (time entry 1) is dated 2026-10-28 in the closed period Oct 2026; the ERP moved it to period 11"
    )
    assert violation.severity is Severity.CRITICAL
    assert violation.evidence["erp_journal_ids"] == [3]


def test_a_re_dated_posting_without_its_original_date_is_reported() -> None:
    [violation] = redated_postings_keep_the_original_date(view([entry(1)], [bill(5, 1, "2026-11-01", 11)]))
    assert "does not keep the original date 2026-10-28" in violation.message


def test_dead_letters_account_for_unposted_entries_but_silence_does_not() -> None:
    dead = [{"source_id": "psa-te-1", "reason": "PERIOD_CLOSED"}]
    assert every_approved_entry_posted_or_dead_lettered(view([entry(1)], [], dead)) == []
    assert approved_equals_posted_plus_dead_lettered(view([entry(1)], [], dead)) == []
    [lost] = every_approved_entry_posted_or_dead_lettered(view([entry(1)], [], []))
    assert lost.message == "approved billable time entry 1 (1.50 h) is neither posted nor dead-lettered"
    [gap] = approved_equals_posted_plus_dead_lettered(view([entry(1)], [], None))
    assert gap.message == "workspace 2001 period 2026-10: approved 1.50 h / 225.00, posted + dead-lettered 0 h / 0"


def test_a_second_write_without_a_lost_response_is_reported_and_one_after_a_loss_is_not() -> None:
    path = "/services/rest/record/v1/timeBill/eid:psa-te-1"
    lost = {"phase": "after", "rule_id": "lost", "kind": "CONNECTION_RESET"}
    retried = [
        {"id": 1, "method": "PUT", "path": path, "status": 0, "fault": lost},
        {"id": 2, "method": "PUT", "path": path, "status": 204, "fault": None},
    ]
    assert no_posting_sent_twice_without_cause(view([], [], journal=retried)) == []
    doubled = [
        {"id": 1, "method": "PUT", "path": path, "status": 204, "fault": None},
        {"id": 2, "method": "PUT", "path": path, "status": 204, "fault": None, "correlation_id": "c"},
    ]
    [violation] = no_posting_sent_twice_without_cause(view([], [], journal=doubled))
    assert violation.message == "eid:psa-te-1 was written 2 times, 1 without a lost response before it"
    assert violation.evidence["erp_journal_ids"] == [1, 2]
