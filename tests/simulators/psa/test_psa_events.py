"""The ``subscribed_events`` feed: fields, filters, the 9-day window and at-least-once delivery."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"


def _approve_one(psa: Any) -> dict[str, Any]:
    part = psa.participation()
    (entry,) = psa.create(psa.entry(part))
    sub = psa.submit(part["user_id"], [entry["id"]])
    assert psa.resolve(sub["id"]).status_code == 200
    return dict(sub)


def test_the_feed_is_an_envelope_of_subscribed_events(psa: Any, client: TestClient) -> None:
    _approve_one(psa)
    doc = client.get(f"{API}/subscribed_events.json").json()
    assert doc["count"] == 4
    assert [r["key"] for r in doc["results"]] == ["subscribed_events"] * 4
    event = doc["subscribed_events"][doc["results"][0]["id"]]
    assert event == {
        "id": "1",
        "event_type": "time_entry:created",
        "subject_type": "TimeEntry",
        "subject_id": "1",
        "subject_changed_at": "2026-10-30T09:00:00Z",
        "created_at": "2026-10-30T09:00:00Z",
        "account_id": "1",
        "current_payload": event["current_payload"],
        "previous_payload": None,
        "payload_changes": {},
    }
    assert event["current_payload"] | {"rate_in_cents": 0, "cost_rate_in_cents": 0} == {
        "id": "1",
        "workspace_id": "2001",
        "user_id": psa.participation()["user_id"],
        "date_performed": "2026-10-28",
        "time_in_minutes": 90,
        "rate_in_cents": 0,
        "cost_rate_in_cents": 0,
        "billable": True,
        "notes": None,
        "story_id": None,
        "approved": False,
        "invoice_id": None,
    }
    assert [e["event_type"] for e in psa.events()] == [
        "time_entry:created",
        "timesheet_submission:created",
        "time_entry:updated",
        "timesheet_submission:approved",
    ]


def test_an_update_carries_the_previous_payload_and_the_changes(psa: Any) -> None:
    (entry,) = psa.create(psa.entry(psa.participation()))
    psa.put(f"time_entries/{entry['id']}", "time_entry", time_in_minutes=30, notes="less")
    (event,) = psa.events(event_types="time_entry:updated")
    assert event["payload_changes"] == {"time_in_minutes": [90, 30], "notes": [None, "less"]}
    assert event["previous_payload"]["time_in_minutes"] == 90
    assert event["current_payload"]["time_in_minutes"] == 30
    psa.put(f"time_entries/{entry['id']}", "time_entry", time_in_minutes=30)
    assert len(psa.events(event_types="time_entry:updated")) == 1, "an update that changes nothing emits nothing"


def test_a_delete_carries_the_last_payload(psa: Any, client: TestClient) -> None:
    (entry,) = psa.create(psa.entry(psa.participation()))
    client.delete(f"{API}/time_entries/{entry['id']}.json")
    (event,) = psa.events(event_types="time_entry:deleted")
    assert (event["current_payload"], event["previous_payload"]["id"]) == (None, entry["id"])


def test_event_types_filter(psa: Any) -> None:
    _approve_one(psa)
    types = "timesheet_submission:approved,time_entry:created"
    assert [e["event_type"] for e in psa.events(event_types=types)] == [
        "time_entry:created",
        "timesheet_submission:approved",
    ]


def test_created_after_is_strict_and_created_before_bounds(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    psa.create(psa.entry(part))
    client.post("/__admin/clock/advance", json={"minutes": 5})
    psa.create(psa.entry(part))
    first, second = psa.events()
    assert [e["subject_id"] for e in psa.events(created_after=first["created_at"])] == ["2"]
    assert psa.events(created_after=second["created_at"]) == []
    assert [e["subject_id"] for e in psa.events(created_before=second["created_at"])] == ["1"]
    assert [e["subject_id"] for e in psa.events(created_after="2026-10-30T08:00:00Z")] == ["1", "2"]


def test_events_older_than_nine_days_are_gone(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    psa.create(psa.entry(part))
    client.post("/__admin/clock/advance", json={"days": 5})
    psa.create(psa.entry(part))
    client.post("/__admin/clock/advance", json={"days": 4, "seconds": 1})
    assert [e["subject_id"] for e in psa.events()] == ["2"]
    assert len(client.get("/__admin/events").json()["events"]) == 2


def test_duplicate_delivery_repeats_each_approval_with_a_new_id(psa: Any, client: TestClient) -> None:
    resp = client.put("/__admin/settings", json={"events": {"duplicate_rate": 1.0}})
    assert resp.status_code == 200
    sub = _approve_one(psa)
    approvals = psa.events(event_types="timesheet_submission:approved")
    assert len(approvals) == 2
    assert approvals[0]["id"] != approvals[1]["id"]
    assert {e["subject_id"] for e in approvals} == {sub["id"]}
    assert approvals[0]["current_payload"] == approvals[1]["current_payload"]


def test_reading_the_feed_is_recorded_for_the_control_plane(psa: Any, client: TestClient) -> None:
    _approve_one(psa)
    psa.events()
    psa.events(event_types="time_entry:created")
    reads = {e["type"]: e["reads"] for e in client.get("/__admin/events").json()["events"]}
    assert reads == {
        "time_entry:created": 2,
        "timesheet_submission:created": 1,
        "time_entry:updated": 1,
        "timesheet_submission:approved": 1,
    }


def test_the_feed_pages(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    psa.create(*[psa.entry(part) for _ in range(5)])
    doc = client.get(f"{API}/subscribed_events.json", params={"page": 2, "per_page": 2}).json()
    assert [r["id"] for r in doc["results"]] == ["3", "4"]
    assert doc["meta"] == {"count": 5, "page_count": 3, "page_number": 2, "page_size": 2}


def test_include_subject_side_loads_what_the_event_is_about(psa: Any, client: TestClient) -> None:
    _approve_one(psa)
    doc = client.get(f"{API}/subscribed_events.json", params={"include": "subject"}).json()
    refs = [doc["subscribed_events"][r["id"]]["subject_ref"] for r in doc["results"]]
    assert refs[0] == {"key": "time_entries", "id": "1"}
    assert refs[1] == {"key": "timesheet_submissions", "id": "1"}
    assert doc["time_entries"]["1"]["approved"] is True
    assert set(doc["timesheet_submissions"]) == {"1"}


def test_subject_changed_at_may_lag_behind_created_at(psa: Any, client: TestClient) -> None:
    assert client.put("/__admin/settings", json={"event_max_lag_seconds": 600}).status_code == 200
    part = psa.participation()
    psa.create(*[psa.entry(part) for _ in range(20)])
    lags = {e["subject_changed_at"] for e in psa.events()}
    assert all(lag <= "2026-10-30T09:00:00Z" for lag in lags)
    assert all(lag >= "2026-10-30T08:50:00Z" for lag in lags)
    assert len(lags) > 1


def test_reordered_delivery_is_seeded_and_loses_nothing(psa: Any, client: TestClient) -> None:
    assert client.put("/__admin/settings", json={"events": {"reorder_rate": 0.5}}).status_code == 200
    part = psa.participation()
    psa.create(*[psa.entry(part) for _ in range(30)])
    delivered = [int(e["id"]) for e in psa.events()]
    assert sorted(delivered) == list(range(1, 31))
    assert delivered != sorted(delivered), "some events are delivered before the one generated just before them"


@pytest.mark.parametrize(
    ("action", "event_type"),
    [
        (lambda psa: psa.expense(psa.participation()), "expense:created"),
        (lambda psa: psa.put("workspaces/2001", "workspace", status_key="on_hold"), "workspace:updated"),
        (
            lambda psa: psa.client.post(
                f"{API}/stories.json", json={"story": {"workspace_id": 2001, "title": "M1", "story_type": "milestone"}}
            ),
            "story:created",
        ),
        (
            lambda psa: psa.client.post(
                f"{API}/participations.json", json={"participation": {"workspace_id": 2001, "user_id": 1016}}
            ),
            "participation:created",
        ),
    ],
)
def test_other_aggregates_emit_events(psa: Any, action: Any, event_type: str) -> None:
    action(psa)
    assert [e["event_type"] for e in psa.events()] == [event_type]


def test_the_feed_ignores_order_and_refuses_unknown_includes(psa: Any, client: TestClient, refused: Any) -> None:
    psa.create(*[psa.entry(psa.participation()) for _ in range(3)])
    doc = client.get(f"{API}/subscribed_events.json", params={"order": "id:desc"}).json()
    assert [r["id"] for r in doc["results"]] == ["1", "2", "3"], "order is not a feed parameter: delivery order stays"
    refused(
        client.get(f"{API}/subscribed_events.json", params={"include": "workspace"}),
        422,
        "validation",
        "Invalid include: workspace",
        "include",
    )
