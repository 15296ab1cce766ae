"""The ``subscribed_events`` feed: fields, filters, the 9-day window and at-least-once delivery."""

from __future__ import annotations

from typing import Any

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
    assert doc["count"] == 3
    assert [r["key"] for r in doc["results"]] == ["subscribed_events"] * 3
    event = doc["subscribed_events"][doc["results"][0]["id"]]
    assert event == {
        "id": "1",
        "event_type": "time_entry:created",
        "subject_type": "TimeEntry",
        "subject_id": "1",
        "subject_changed_at": "2026-10-30T09:00:00Z",
        "created_at": "2026-10-30T09:00:00Z",
        "payload": event["payload"],
        "account_id": "1",
    }
    assert [e["event_type"] for e in psa.events()] == [
        "time_entry:created",
        "timesheet_submission:created",
        "timesheet_submission:approved",
    ]


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
    assert approvals[0]["payload"] == approvals[1]["payload"]


def test_reading_the_feed_is_recorded_for_the_control_plane(psa: Any, client: TestClient) -> None:
    _approve_one(psa)
    psa.events()
    psa.events(event_types="time_entry:created")
    reads = {e["type"]: e["reads"] for e in client.get("/__admin/events").json()["events"]}
    assert reads == {"time_entry:created": 2, "timesheet_submission:created": 1, "timesheet_submission:approved": 1}


def test_the_feed_pages(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    psa.create(*[psa.entry(part) for _ in range(5)])
    doc = client.get(f"{API}/subscribed_events.json", params={"page": 2, "per_page": 2}).json()
    assert [r["id"] for r in doc["results"]] == ["3", "4"]
    assert doc["meta"] == {"count": 5, "page_count": 3, "page_number": 2, "page_size": 2}
