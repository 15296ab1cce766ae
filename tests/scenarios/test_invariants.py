"""Each invariant holds on a consistent view and reports the exact break on an inconsistent one."""

from __future__ import annotations

from typing import Any

import pytest

from harness.invariants import Severity, SystemView
from scenarios.invariants import (
    every_call_carries_a_correlation_id,
    no_approved_entry_lost,
    no_duplicate_postings,
    only_approved_billable_time_posted,
    posted_hours_equal_approved_hours,
)

ALL = (
    no_approved_entry_lost,
    no_duplicate_postings,
    only_approved_billable_time_posted,
    posted_hours_equal_approved_hours,
    every_call_carries_a_correlation_id,
)


def entry(entry_id: int, minutes: int = 450, *, approved: bool = True, billable: bool = True) -> dict[str, Any]:
    return {
        "id": str(entry_id),
        "workspace_id": "2001",
        "time_in_minutes": minutes,
        "approved": approved,
        "billable": billable,
    }


def bill(bill_id: int, entry_id: int, hours: str = "7.50", *, via: str = "externalId") -> dict[str, Any]:
    return {"id": bill_id, via: f"psa-te-{entry_id}", "hours": hours}


def view(entries: list[dict[str, Any]], bills: list[dict[str, Any]], **journals: list[dict[str, Any]]) -> SystemView:
    return SystemView(crm={}, psa={"time_entries": entries}, erp={"timeBill": bills}, journals=dict(journals))


def test_a_consistent_view_passes_every_invariant() -> None:
    v = view(
        [entry(1), entry(2, 60), entry(3, billable=False)],
        [bill(10, 1), bill(11, 2, "1.00", via="memo")],
        erp=[{"id": 1, "path": "/x", "correlation_id": "c-1"}],
    )
    assert {inv.name: inv(v) for inv in ALL} == {inv.name: [] for inv in ALL}


def test_a_lost_entry_is_reported_with_its_hours() -> None:
    [violation] = no_approved_entry_lost(view([entry(1), entry(2)], [bill(10, 1)]))
    assert violation.message == "approved billable time entry 2 (7.50 h) was never posted"
    assert violation.severity is Severity.CRITICAL


def test_a_double_posting_is_reported_with_both_erp_records_and_the_faults() -> None:
    journal = [{"id": 7, "path": "/services/rest/record/v1/timeBill", "fault": {"rule_id": "lost"}}]
    [violation] = no_duplicate_postings(
        view([entry(1)], [bill(10, 1, via="memo"), bill(11, 1, via="memo")], erp=journal)
    )
    assert violation.message == "time entry 1 is posted 2 times (ERP timeBills [10, 11])"
    assert violation.evidence["faulted_erp_requests"] == [7]


@pytest.mark.parametrize("posted", [entry(1, approved=False), entry(1, billable=False)])
def test_posting_unapproved_or_non_billable_time_is_reported(posted: dict[str, Any]) -> None:
    [violation] = only_approved_billable_time_posted(view([posted], [bill(10, 1)]))
    assert violation.message == "time entry 1 is posted but is not approved and billable in the PSA"


def test_hours_that_do_not_reconcile_are_reported_per_workspace_and_in_total() -> None:
    violations = posted_hours_equal_approved_hours(view([entry(1)], [bill(10, 1, "7.25")]))
    assert [v.message for v in violations] == [
        "workspace 2001: approved 7.50 h, posted 7.25 h",
        "total: approved 7.50 h, posted 7.25 h",
    ]


def test_calls_without_a_correlation_id_are_reported() -> None:
    calls = [{"id": 1, "path": "/a", "correlation_id": "c"}, {"id": 2, "path": "/b", "correlation_id": None}]
    [violation] = every_call_carries_a_correlation_id(view([], [], psa=calls))
    assert violation.message == "psa: 1 of 2 calls carry no X-Correlation-ID"
    assert violation.evidence["journal_ids"] == [2]
