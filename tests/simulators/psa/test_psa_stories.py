"""Stories: tasks and milestones, bulk create (up to 300), milestone completion, archive and delete."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"


def _stories(client: TestClient, *items: dict[str, Any]) -> Any:
    body = {"story": items[0]} if len(items) == 1 else {"stories": list(items)}
    return client.post(f"{API}/stories.json", json=body)


def test_create_a_milestone(client: TestClient, rows: Any) -> None:
    item = {
        "workspace_id": "2001",
        "title": "Go-live",
        "story_type": "milestone",
        "due_date": "2026-12-15",
        "budget_estimate_in_cents": 5_000_000,
    }
    (story,) = rows(_stories(client, item))
    assert story | {"created_at": None, "updated_at": None} == {
        "id": "1",
        "workspace_id": "2001",
        "title": "Go-live",
        "story_type": "milestone",
        "state": "not started",
        "description": "",
        "parent_id": None,
        "start_date": None,
        "due_date": "2026-12-15",
        "billable": True,
        "budget_estimate_in_cents": 5_000_000,
        "archived": False,
        "created_at": None,
        "updated_at": None,
    }


def test_bulk_create_up_to_300(client: TestClient, rows: Any, refused: Any) -> None:
    items = [{"workspace_id": 2001, "title": f"Task {i}"} for i in range(300)]
    assert len(rows(_stories(client, *items))) == 300
    refused(
        _stories(client, *items, {"workspace_id": 2001, "title": "One too many"}),
        422,
        "validation",
        "Cannot create more than 300 stories at once",
        "stories",
    )
    assert client.get(f"{API}/stories.json").json()["count"] == 300


@pytest.mark.parametrize(
    ("item", "message", "field"),
    [
        ({"workspace_id": 2001}, "Title can't be blank", "title"),
        ({"workspace_id": 9999, "title": "X"}, "Workspace 9999 does not exist", "workspace_id"),
        ({"workspace_id": 2001, "title": "X", "story_type": "epic"}, "Story type is invalid", "story_type"),
        ({"workspace_id": 2001, "title": "X", "parent_id": 42}, "Story 42 does not exist", "parent_id"),
        (
            {"workspace_id": 2001, "title": "X", "start_date": "2026-12-02", "due_date": "2026-12-01"},
            "Due date must be on or after the start date",
            "due_date",
        ),
    ],
)
def test_story_validation(client: TestClient, refused: Any, item: dict[str, Any], message: str, field: str) -> None:
    refused(_stories(client, item), 422, "validation", message, field)


def test_an_empty_body_and_both_forms_are_refused(client: TestClient, refused: Any) -> None:
    refused(client.post(f"{API}/stories.json", json={}), 422, "validation", "Story can't be blank", "story")
    body = {"story": {"workspace_id": 2001, "title": "A"}, "stories": [{"workspace_id": 2001, "title": "B"}]}
    refused(
        client.post(f"{API}/stories.json", json=body),
        422,
        "validation",
        "Send either story or stories, not both",
        "stories",
    )


def test_completing_a_milestone_is_a_story_update_event(psa: Any, client: TestClient, rows: Any) -> None:
    (story,) = rows(_stories(client, {"workspace_id": 2001, "title": "Sign-off", "story_type": "milestone"}))
    resp = psa.put(f"stories/{story['id']}", "story", state="completed")
    assert resp.json()["stories"][story["id"]]["state"] == "completed"
    (event,) = psa.events(event_types="story:updated")
    assert event["payload_changes"] == {"state": ["not started", "completed"]}
    assert event["current_payload"]["story_type"] == "milestone"
    done = client.get(f"{API}/stories.json", params={"story_type": "milestone", "state": "completed"}).json()
    assert [r["id"] for r in done["results"]] == [story["id"]]


def test_sub_stories_are_side_loaded_into_the_same_map(client: TestClient, rows: Any) -> None:
    (parent,) = rows(_stories(client, {"workspace_id": 2001, "title": "Phase 1"}))
    rows(_stories(client, {"workspace_id": 2001, "title": "Design", "parent_id": parent["id"]}))
    doc = client.get(f"{API}/stories.json", params={"parent_id": parent["id"], "include": "parent"}).json()
    assert [r["id"] for r in doc["results"]] == ["2"]
    assert set(doc["stories"]) == {"1", "2"}, "clients must iterate results: the parent shares the map"
    one = client.get(f"{API}/stories/1.json", params={"include": "sub_stories"}).json()
    assert one["stories"]["1"]["sub_story_ids"] == ["2"]


def test_a_story_cannot_move_or_parent_itself(psa: Any, client: TestClient, rows: Any, refused: Any) -> None:
    (story,) = rows(_stories(client, {"workspace_id": 2001, "title": "Build"}))
    moved = psa.put(f"stories/{story['id']}", "story", workspace_id=2002)
    assert moved.json()["stories"][story["id"]]["workspace_id"] == "2001", "workspace_id is not updatable: ignored"
    refused(
        psa.put(f"stories/{story['id']}", "story", parent_id=int(story["id"])),
        422,
        "validation",
        "A story cannot be its own parent",
        "parent_id",
    )


def test_an_archived_story_is_hidden_by_the_default_filter(
    psa: Any, client: TestClient, rows: Any, refused: Any
) -> None:
    (story,) = rows(_stories(client, {"workspace_id": 2001, "title": "Old"}))
    psa.put(f"stories/{story['id']}", "story", archived=True)
    refused(client.get(f"{API}/stories/1.json"), 404, "system", "Couldn't find Story with 'id'=1")
    assert client.get(f"{API}/stories.json", params={"only": "1"}).json()["count"] == 0
    assert client.get(f"{API}/stories/1.json", params={"include_archived": "true"}).status_code == 200
    assert client.get(f"{API}/stories.json", params={"include_archived": "true"}).json()["count"] == 1


def test_delete_rules(psa: Any, client: TestClient, rows: Any, refused: Any) -> None:
    part = psa.participation()
    (logged,) = rows(_stories(client, {"workspace_id": 2001, "title": "Has time"}))
    psa.create(psa.entry(part, story_id=logged["id"]))
    refused(
        client.delete(f"{API}/stories/{logged['id']}.json"),
        422,
        "validation",
        f"Story {logged['id']} has time or expenses logged against it; archive it instead",
    )
    (parent,) = rows(_stories(client, {"workspace_id": 2001, "title": "Parent"}))
    rows(_stories(client, {"workspace_id": 2001, "title": "Child", "parent_id": parent["id"]}))
    refused(
        client.delete(f"{API}/stories/{parent['id']}.json"),
        422,
        "validation",
        f"Story {parent['id']} has sub-stories; delete them first",
    )
    assert client.delete(f"{API}/stories/3.json").status_code == 204
    assert client.delete(f"{API}/stories/{parent['id']}.json").status_code == 204
    refused(client.delete(f"{API}/stories/3.json"), 404, "system", "Couldn't find Story with 'id'=3")
    assert [e["subject_id"] for e in psa.events(event_types="story:deleted")] == ["3", parent["id"]]


def test_logged_time_optional_fields(psa: Any, client: TestClient, rows: Any) -> None:
    part = psa.participation()
    (story,) = rows(_stories(client, {"workspace_id": 2001, "title": "Build"}))
    psa.create(
        psa.entry(part, story_id=story["id"]), psa.entry(part, story_id=story["id"], billable=False, time_in_minutes=30)
    )
    doc = client.get(
        f"{API}/stories/{story['id']}.json",
        params={"optional_fields": "logged_billable_time_in_minutes,logged_nonbillable_time_in_minutes"},
    ).json()
    out = doc["stories"][story["id"]]
    assert (out["logged_billable_time_in_minutes"], out["logged_nonbillable_time_in_minutes"]) == (90, 30)
