"""Held billing: approved time of a customer on credit hold is accounted for, everything else must post."""

from __future__ import annotations

from typing import Any

from harness.invariants import SystemView
from scenarios.held_billing import approved_entry_posted_or_held, held_workspaces, posted_hours_reconcile_outside_holds


def _entry(entry_id: int, workspace: int, minutes: int = 120) -> dict[str, Any]:
    return {"id": entry_id, "workspace_id": workspace, "time_in_minutes": minutes, "approved": True, "billable": True}


def _view(*, on_hold: bool, bills: list[dict[str, Any]]) -> SystemView:
    erp = {
        "customer": [
            {"id": 9, "externalId": "CUST-1", "onCreditHold": on_hold},
            {"id": 10, "externalId": "CUST-2", "onCreditHold": False},
        ],
        "job": [
            {"id": 1, "externalId": "psa-ws-2001", "parent": 9},
            {"id": 2, "externalId": "psa-ws-2002", "parent": 10},
        ],
        "timeBill": bills,
    }
    psa = {"time_entries": [_entry(1, 2001), _entry(2, 2001), _entry(3, 2002)]}
    return SystemView(crm={}, psa=psa, erp=erp)


def _bill(bill_id: int, entry_id: int, hours: str = "2.00") -> dict[str, Any]:
    return {"id": bill_id, "externalId": f"psa-te-{entry_id}", "hours": hours}


def test_unposted_time_of_a_held_customer_is_accounted_for() -> None:
    view = _view(on_hold=True, bills=[_bill(1, 1), _bill(2, 3)])

    assert held_workspaces(view) == {"2001": "CUST-1"}
    assert approved_entry_posted_or_held(view) == []
    assert posted_hours_reconcile_outside_holds(view) == []


def test_unposted_time_of_a_customer_in_good_standing_is_lost() -> None:
    view = _view(on_hold=False, bills=[_bill(1, 1), _bill(2, 3)])

    lost = approved_entry_posted_or_held(view)
    short = posted_hours_reconcile_outside_holds(view)

    assert [v.evidence["psa_time_entry"] for v in lost] == ["2"]
    assert [v.message for v in short] == ["workspace 2001: approved 4.00 h, posted 2.00 h"]


def test_a_posting_with_other_hours_than_approved_is_caught_even_for_a_held_customer() -> None:
    view = _view(on_hold=True, bills=[_bill(1, 1, "3.00"), _bill(2, 3)])

    assert [v.message for v in posted_hours_reconcile_outside_holds(view)] == [
        "time entry 1: approved 2.00 h, posted 3.00 h (ERP timeBill 1)"
    ]
