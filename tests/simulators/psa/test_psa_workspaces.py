"""Users, roles, rate cards, workspaces (create, update, finance's hold, archive) and participations."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"


def test_users_carry_role_location_and_rates(client: TestClient) -> None:
    doc = client.get(f"{API}/users/1001.json", params={"include": "role"}).json()
    user = doc["users"]["1001"]
    role = doc["roles"][user["role_id"]]
    assert role["name"] == user["headline"]
    assert user["location"] in ("New York", "London", "Berlin", "Chicago", "Toronto")
    assert user["cost_rate_in_cents"] < user["default_bill_rate_in_cents"]
    same_role = client.get(f"{API}/users.json", params={"role_id": user["role_id"], "per_page": 200}).json()
    assert {u["role_id"] for u in same_role["users"].values()} == {user["role_id"]}


def test_roles_and_rate_cards(client: TestClient) -> None:
    roles = client.get(f"{API}/roles.json").json()
    assert roles["count"] == 4
    cards = client.get(f"{API}/rate_cards.json", params={"include": "rate_card_roles"}).json()
    card = cards["rate_cards"]["1"]
    assert (card["default"], len(card["rate_card_role_ids"])) == (True, 4)
    rates = {r["role_id"]: r["rate_in_cents"] for r in cards["rate_card_roles"].values() if r["rate_card_id"] == "1"}
    assert set(rates) == set(roles["roles"])
    one = client.get(f"{API}/rate_card_roles.json", params={"rate_card_id": 1, "include": "role,rate_card"}).json()
    assert one["count"] == 4
    assert set(one["rate_cards"]) == {"1"}
    assert len(one["roles"]) == 4
    assert client.get(f"{API}/rate_cards.json", params={"currency": card["currency"]}).json()["count"] == 1
    assert client.get(f"{API}/rate_cards/1.json").json()["results"] == [{"key": "rate_cards", "id": "1"}]


def test_a_participation_without_its_own_rate_takes_the_rate_card_rate(client: TestClient, psa: Any) -> None:
    part = psa.participation()
    user = client.get(f"{API}/users/{part['user_id']}.json").json()["users"][part["user_id"]]
    card = client.get(f"{API}/rate_card_roles.json", params={"rate_card_id": 1, "role_id": user["role_id"]}).json()
    (rate,) = card["rate_card_roles"].values()
    assert part["rate_in_cents"] == rate["rate_in_cents"]


def test_create_a_workspace(client: TestClient, rows: Any) -> None:
    body = {
        "workspace": {
            "title": "  Acme ERP rollout ",
            "currency": "EUR",
            "budget_in_cents": 12_000_000,
            "billing_model": "fixed_fee",
            "client_ref": "CUST-00002",
            "start_date": "2026-11-01",
            "due_date": "2027-03-31",
            "rate_card_id": 2,
        }
    }
    (ws,) = rows(client.post(f"{API}/workspaces.json", json=body))
    assert ws | {"created_at": None, "updated_at": None} == {
        "id": "2009",
        "title": "Acme ERP rollout",
        "description": "",
        "currency": "EUR",
        "budget_in_cents": 12_000_000,
        "billing_model": "fixed_fee",
        "client_ref": "CUST-00002",
        "status": {"key": "active", "message": "Active", "color": "green"},
        "start_date": "2026-11-01",
        "due_date": "2027-03-31",
        "archived": False,
        "rate_card_id": "2",
        "created_at": None,
        "updated_at": None,
    }


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({}, "Please give your project a title", "title"),
        ({"title": "   "}, "Please give your project a title", "title"),
        ({"title": "X", "rate_card_id": 99}, "RateCard 99 does not exist", "rate_card_id"),
        (
            {"title": "X", "start_date": "2026-11-02", "due_date": "2026-11-01"},
            "Due date must be on or after the start date",
            "due_date",
        ),
        ({"title": "X", "currency": "euro"}, "Currency is invalid", "currency"),
        ({"title": "X", "status_key": "paused"}, "Status key is invalid", "status_key"),
    ],
)
def test_workspace_validation(
    client: TestClient, refused: Any, fields: dict[str, Any], message: str, field: str
) -> None:
    refused(client.post(f"{API}/workspaces.json", json={"workspace": fields}), 422, "validation", message, field)


def test_finance_puts_a_workspace_on_hold_and_releases_it(psa: Any, client: TestClient) -> None:
    resp = psa.put("workspaces/2001", "workspace", status_key="on_hold")
    assert resp.json()["workspaces"]["2001"]["status"] == {"key": "on_hold", "message": "On Hold", "color": "yellow"}
    assert [
        w["id"]
        for w in psa.client.get(f"{API}/workspaces.json", params={"status": "on_hold"}).json()["workspaces"].values()
    ] == ["2001"]
    psa.put("workspaces/2001", "workspace", status_key="active")
    changes = [e["payload_changes"] for e in psa.events(event_types="workspace:updated")]
    assert changes == [{"status": ["active", "on_hold"]}, {"status": ["on_hold", "active"]}]


def test_an_archived_workspace_is_hidden_by_the_default_filter(psa: Any, client: TestClient, refused: Any) -> None:
    assert psa.put("workspaces/2002", "workspace", archived=True).status_code == 200
    refused(client.get(f"{API}/workspaces/2002.json"), 404, "system", "Couldn't find Workspace with 'id'=2002")
    listed = client.get(f"{API}/workspaces.json", params={"only": "2001,2002"}).json()
    assert [r["id"] for r in listed["results"]] == ["2001"], "only= applies the default filters and never 404s"
    assert client.get(f"{API}/workspaces.json").json()["count"] == 7
    shown = client.get(f"{API}/workspaces/2002.json", params={"include_archived": "true"})
    assert shown.json()["workspaces"]["2002"]["archived"] is True
    assert client.get(f"{API}/workspaces.json", params={"include_archived": "true"}).json()["count"] == 8
    assert psa.put("workspaces/2002", "workspace", archived=False).status_code == 200
    assert client.get(f"{API}/workspaces/2002.json").status_code == 200


def test_workspace_includes_and_optional_fields(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    (entry,) = psa.approved(part)
    psa.expense(part)
    doc = client.get(
        f"{API}/workspaces/2001.json",
        params={
            "include": "participations,participants,rate_card",
            "optional_fields": "budget_used_in_cents,budget_remaining_in_cents",
        },
    ).json()
    ws = doc["workspaces"]["2001"]
    assert ws["participation_ids"] == list(doc["participations"])
    assert set(ws["participant_ids"]) == set(doc["users"])
    assert list(doc["rate_cards"]) == [ws["rate_card_id"]]
    used = entry["rate_in_cents"] * 90 // 60 + 12_500
    assert (ws["budget_used_in_cents"], ws["budget_remaining_in_cents"]) == (used, ws["budget_in_cents"] - used)


def test_unknown_optional_fields_are_refused(client: TestClient, refused: Any) -> None:
    refused(
        client.get(f"{API}/workspaces.json", params={"optional_fields": "shoe_size"}),
        422,
        "validation",
        "Invalid optional field: shoe_size",
        "optional_fields",
    )


def test_updating_a_missing_workspace_is_a_404(psa: Any, refused: Any) -> None:
    refused(psa.put("workspaces/9999", "workspace", title="X"), 404, "system", "Couldn't find Workspace with 'id'=9999")


# -- participations ------------------------------------------------------------------------------------------
def test_staff_a_consultant_with_dates_and_a_rate(client: TestClient, rows: Any) -> None:
    staffed = client.get(f"{API}/participations.json", params={"workspace_id": 2001}).json()["participations"]
    user_id = next(u for u in range(1001, 1017) if str(u) not in {p["user_id"] for p in staffed.values()})
    fields = {"rate_in_cents": 17_500, "start_date": "2026-11-01", "end_date": "2026-12-31"}
    body = {"participation": {"workspace_id": 2001, "user_id": user_id} | fields}
    (part,) = rows(client.post(f"{API}/participations.json", json=body))
    assert (part["rate_in_cents"], part["start_date"], part["end_date"]) == (17_500, "2026-11-01", "2026-12-31")
    entry = {"workspace_id": 2001, "user_id": user_id, "date_performed": "2026-11-02", "time_in_minutes": 60}
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": entry})
    assert resp.json()["time_entries"]["1"]["rate_in_cents"] == 17_500


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"workspace_id": 9999, "user_id": 1001}, "Workspace 9999 does not exist", "workspace_id"),
        ({"workspace_id": 2001, "user_id": 9999}, "User 9999 does not exist", "user_id"),
        ({"workspace_id": 2001, "user_id": 1016, "role_id": 99}, "Role 99 does not exist", "role_id"),
        (
            {"workspace_id": 2001, "user_id": 1016, "start_date": "2026-11-02", "end_date": "2026-11-01"},
            "End date must be on or after the start date",
            "end_date",
        ),
        ({"workspace_id": 2001}, "User can't be blank", "user_id"),
    ],
)
def test_participation_validation(
    client: TestClient, refused: Any, fields: dict[str, Any], message: str, field: str
) -> None:
    refused(
        client.post(f"{API}/participations.json", json={"participation": fields}), 422, "validation", message, field
    )


def test_a_user_is_staffed_once_per_workspace(psa: Any, client: TestClient, refused: Any) -> None:
    part = psa.participation()
    body = {"participation": {"workspace_id": 2001, "user_id": part["user_id"]}}
    refused(
        client.post(f"{API}/participations.json", json=body),
        422,
        "validation",
        f"User {part['user_id']} is already a participant in workspace 2001",
        "user_id",
    )


def test_update_a_participation(psa: Any, refused: Any) -> None:
    part = psa.participation()
    resp = psa.put(f"participations/{part['id']}", "participation", rate_in_cents=20_000, end_date="2026-12-31")
    assert (resp.json()["participations"][part["id"]]["rate_in_cents"]) == 20_000
    refused(
        psa.put(f"participations/{part['id']}", "participation", end_date="2001-01-01"),
        422,
        "validation",
        "End date must be on or after the start date",
        "end_date",
    )
    refused(
        psa.put("participations/1", "participation", rate_in_cents=1),
        404,
        "system",
        "Couldn't find Participation with 'id'=1",
    )
    assert [e["payload_changes"]["rate_in_cents"] for e in psa.events(event_types="participation:updated")] == [
        [None, 20_000]
    ]
