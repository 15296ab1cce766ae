"""The control plane (``/__admin``), exercised on the ERP app in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulators.erp.app import create_app

TIME_BILL = "/services/rest/record/v1/timeBill"

Records = Callable[[str], list[dict[str, Any]]]
Body = Callable[..., dict[str, Any]]


def _state(client: TestClient) -> dict[str, Any]:
    response = client.get("/__admin/state")
    assert response.status_code == 200, response.text
    doc: dict[str, Any] = response.json()
    return doc


def _data(client: TestClient) -> dict[str, Any]:
    data: dict[str, Any] = _state(client)["tenants"]["default"]["data"]
    return data


def _post_time_bill(client: TestClient, body: dict[str, Any]) -> str:
    response = client.post(TIME_BILL, json=body)
    assert response.status_code == 204, response.text
    return response.headers["location"].rsplit("/", 1)[1]


# -- health ---------------------------------------------------------------------------------------------------
def test_health(erp_client: TestClient) -> None:
    assert erp_client.get("/__admin/health").json() == {
        "status": "ok",
        "system": "erp",
        "seed": 42,
        "profile": "small",
        "api_version": "2026.1",
        "base_version": "2026.1",
        "versions": ["2026.1", "2026.2"],
    }


def test_control_plane_needs_no_token(erp_app: Any) -> None:
    with TestClient(erp_app) as anonymous:
        assert anonymous.get("/__admin/health").status_code == 200


# -- state ----------------------------------------------------------------------------------------------------
def test_state_is_a_stable_snapshot_of_the_seeded_world(erp_client: TestClient) -> None:
    doc = _state(erp_client)
    assert (doc["system"], doc["seed"], doc["profile"]) == ("erp", 42, "small")
    assert doc["clock"]["now"] == "2026-10-30T09:00:00+00:00"
    data = doc["tenants"]["default"]["data"]
    counts = {name: len(rows) for name, rows in data.items()}
    assert counts == {
        "currency": 4,
        "subsidiary": 3,
        "customer": 6,
        "employee": 16,
        "job": 8,
        "projectTask": 0,
        "serviceItem": 5,
        "accountingPeriod": 16,
        "timeBill": 0,
        "expenseReport": 0,
        "invoice": 0,
        "customerPayment": 0,
        "asyncJob": 0,
    }
    assert _state(erp_client) == doc
    # Two apps with the same seed build the same world.
    with TestClient(create_app()) as other:
        assert _state(other) == doc


def test_state_round_trip_restores_records(erp_client: TestClient, erp_records: Records, time_bill_body: Body) -> None:
    _post_time_bill(erp_client, time_bill_body(externalId="KEEP"))
    snapshot = _state(erp_client)
    _post_time_bill(erp_client, time_bill_body(externalId="DROP"))
    erp_client.put(f"{TIME_BILL}/eid:KEEP", json=time_bill_body(hours="7"))
    restored = erp_client.post("/__admin/state", json=snapshot)
    assert restored.status_code == 200
    assert restored.json() == {"restored": ["default"]}
    assert _state(erp_client) == snapshot
    assert [(r["externalId"], r["hours"]) for r in erp_records("timeBill")] == [("KEEP", "2.50")]
    # Ids continue after the restored records.
    assert _post_time_bill(erp_client, time_bill_body()) == "2"


def test_state_restore_rejects_a_non_snapshot(erp_client: TestClient) -> None:
    response = erp_client.post("/__admin/state", json={"records": []})
    assert response.status_code == 400
    assert response.json() == {"error": "expected a snapshot from GET /__admin/state"}


# -- reset ----------------------------------------------------------------------------------------------------
def test_reset_faults_only_keeps_data(erp_client: TestClient, erp_records: Records, time_bill_body: Body) -> None:
    _post_time_bill(erp_client, time_bill_body(externalId="STAYS"))
    erp_client.post("/__admin/faults", json={"kind": "HTTP_ERROR"})
    response = erp_client.post("/__admin/reset", params={"scope": "faults"})
    assert response.status_code == 200
    assert response.json() == {"reset": ["faults"]}
    assert erp_client.get("/__admin/faults").json() == {"faults": []}
    assert [r["externalId"] for r in erp_records("timeBill")] == ["STAYS"]
    assert len(erp_client.get("/__admin/requests").json()["requests"]) == 1


def test_reset_data_restores_the_seeded_world(erp_client: TestClient, time_bill_body: Body) -> None:
    seeded = _data(erp_client)
    _post_time_bill(erp_client, time_bill_body())
    erp_client.post("/__admin/provider-states", json={"state": "accounting period 2026-10 is closed"})
    erp_client.post("/__admin/faults", json={"kind": "DELAY"})
    assert erp_client.post("/__admin/reset", params={"scope": "data"}).json() == {"reset": ["data"]}
    assert _data(erp_client) == seeded
    assert len(erp_client.get("/__admin/faults").json()["faults"]) == 1


def test_reset_journal_and_clock_scopes(erp_client: TestClient) -> None:
    erp_client.get(f"{TIME_BILL}/1")
    erp_client.post("/__admin/clock/advance", json={"days": 2})
    erp_client.post("/__admin/reset", params={"scope": "journal, clock"})
    assert erp_client.get("/__admin/requests").json()["requests"] == []
    assert erp_client.get("/__admin/clock").json()["now"] == "2026-10-30T09:00:00+00:00"


def test_reset_all_by_default(erp_client: TestClient, time_bill_body: Body) -> None:
    seeded = _data(erp_client)
    _post_time_bill(erp_client, time_bill_body())
    erp_client.post("/__admin/faults", json={"kind": "DELAY"})
    erp_client.put("/__admin/settings", json={"closed_period_policy": "redate_to_first_open"})
    erp_client.post("/__admin/clock/advance", json={"hours": 1})
    response = erp_client.post("/__admin/reset")
    assert response.json() == {"reset": ["clock", "data", "faults", "journal", "settings"]}
    assert _data(erp_client) == seeded
    assert erp_client.get("/__admin/faults").json() == {"faults": []}
    assert erp_client.get("/__admin/requests").json()["requests"] == []
    assert erp_client.get("/__admin/settings").json()["closed_period_policy"] == "reject"
    assert erp_client.get("/__admin/clock").json()["now"] == "2026-10-30T09:00:00+00:00"


@pytest.mark.parametrize(("scope", "unknown"), [("bogus", "bogus"), ("data,zzz,aaa", "aaa, zzz")])
def test_reset_unknown_scope_is_a_400_and_resets_nothing(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body, scope: str, unknown: str
) -> None:
    _post_time_bill(erp_client, time_bill_body())
    response = erp_client.post("/__admin/reset", params={"scope": scope})
    assert response.status_code == 400
    assert response.json() == {"error": f"unknown reset scope(s): {unknown}"}
    assert len(erp_records("timeBill")) == 1


# -- seed -----------------------------------------------------------------------------------------------------
def test_seed_is_deterministic_and_changes_the_world(erp_client: TestClient) -> None:
    first = erp_client.post("/__admin/seed", json={"seed": 7})
    assert first.status_code == 200
    body = first.json()
    assert (body["seed"], body["profile"]) == (7, "small")
    data_7 = _data(erp_client)
    again = erp_client.post("/__admin/seed", json={"seed": 7}).json()
    assert again["world_hash"] == body["world_hash"]
    assert _data(erp_client) == data_7
    other = erp_client.post("/__admin/seed", json={"seed": 8}).json()
    assert other["world_hash"] != body["world_hash"]
    assert _data(erp_client) != data_7
    assert erp_client.get("/__admin/health").json()["seed"] == 8


def test_seed_replaces_data_and_resets_the_clock(erp_client: TestClient, time_bill_body: Body) -> None:
    _post_time_bill(erp_client, time_bill_body())
    erp_client.post("/__admin/clock/advance", json={"days": 1})
    erp_client.post("/__admin/seed", json={"seed": 42})
    assert _data(erp_client)["timeBill"] == []
    assert erp_client.get("/__admin/clock").json()["now"] == "2026-10-30T09:00:00+00:00"


def test_seed_with_profile(erp_client: TestClient) -> None:
    body = erp_client.post("/__admin/seed", json={"seed": 1, "profile": "empty"}).json()
    assert body["profile"] == "empty"
    data = _data(erp_client)
    assert (len(data["customer"]), len(data["employee"]), len(data["accountingPeriod"])) == (0, 0, 16)


def test_seed_with_unknown_profile_is_a_400_and_leaves_the_simulator_usable(erp_app: Any) -> None:
    with TestClient(erp_app, raise_server_exceptions=False) as client:
        response = client.post("/__admin/seed", json={"seed": 5, "profile": "bogus"})
        assert response.status_code == 400
        assert response.json() == {"error": "unknown profile: bogus"}
        # A refused seed is a no-op: the seed and the profile stay, and the data can still be built.
        health = client.get("/__admin/health").json()
        assert (health["seed"], health["profile"]) == (42, "small")
        assert client.get("/__admin/state").status_code == 200


# -- clock ----------------------------------------------------------------------------------------------------
def test_clock_get_set_and_advance(erp_client: TestClient) -> None:
    assert erp_client.get("/__admin/clock").json() == {
        "now": "2026-10-30T09:00:00+00:00",
        "mode": "frozen",
        "rate": 1.0,
        "start": "2026-10-30T09:00:00+00:00",
    }
    set_to = erp_client.post("/__admin/clock", json={"now": "2026-11-02T10:00:00+02:00"})
    assert set_to.status_code == 200
    assert set_to.json()["now"] == "2026-11-02T08:00:00+00:00"
    advanced = erp_client.post("/__admin/clock/advance", json={"days": 1, "hours": 2, "minutes": 3, "seconds": 4})
    assert advanced.json()["now"] == "2026-11-03T10:03:04+00:00"
    assert erp_client.get("/__admin/clock").json()["now"] == "2026-11-03T10:03:04+00:00"


def test_clock_mode_and_rate(erp_client: TestClient) -> None:
    response = erp_client.post("/__admin/clock", json={"mode": "running", "rate": 10})
    assert (response.json()["mode"], response.json()["rate"]) == ("running", 10.0)


def test_clock_drives_record_timestamps(erp_client: TestClient, time_bill_body: Body) -> None:
    erp_client.post("/__admin/clock", json={"now": "2026-10-31T17:45:00Z"})
    record_id = _post_time_bill(erp_client, time_bill_body())
    record = erp_client.get(f"{TIME_BILL}/{record_id}").json()
    assert record["createdDate"] == "2026-10-31T17:45:00Z"


def test_naive_clock_time_is_a_400(erp_client: TestClient) -> None:
    response = erp_client.post("/__admin/clock", json={"now": "2026-11-02T10:00:00"})
    assert response.status_code == 400
    assert response.json() == {"error": "simulated time must be timezone-aware"}
    assert erp_client.get("/__admin/clock").json()["now"] == "2026-10-30T09:00:00+00:00"


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/__admin/clock/advance", {"hours": -1}, ["body", "hours"]),
        ("/__admin/clock/advance", {"weeks": 1}, ["body", "weeks"]),
        ("/__admin/clock", {"rate": 0}, ["body", "rate"]),
        ("/__admin/clock", {"mode": "paused"}, ["body", "mode"]),
    ],
)
def test_invalid_clock_requests_are_400(
    erp_client: TestClient, path: str, body: dict[str, Any], loc: list[str]
) -> None:
    response = erp_client.post(path, json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid request"
    assert response.json()["detail"][0]["loc"] == loc
    assert erp_client.get("/__admin/clock").json()["now"] == "2026-10-30T09:00:00+00:00"


# -- settings -------------------------------------------------------------------------------------------------
def test_settings_get(erp_client: TestClient) -> None:
    doc = erp_client.get("/__admin/settings").json()
    assert doc["closed_period_policy"] == "reject"
    assert doc["list_page_max"] == 1000
    assert doc["events"] == {
        "duplicate_rate": 0.0,
        "reorder_rate": 0.0,
        "delivery_delay_ms": 0.0,
        "max_attempts": 6,
        "retry_base_ms": 200.0,
        "allowed_hosts": ["127.0.0.1", "localhost", "::1"],
    }


def test_settings_put_deep_merges(erp_client: TestClient) -> None:
    before = erp_client.get("/__admin/settings").json()
    erp_client.put("/__admin/settings", json={"events": {"reorder_rate": 0.25}})
    response = erp_client.put("/__admin/settings", json={"events": {"duplicate_rate": 0.5}, "list_page_max": 50})
    assert response.status_code == 200
    expected = {
        **before,
        "list_page_max": 50,
        "events": {**before["events"], "duplicate_rate": 0.5, "reorder_rate": 0.25},
    }
    assert response.json() == expected
    assert erp_client.get("/__admin/settings").json() == expected


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"closed_period_policy": "sometimes"}, "closed_period_policy"),
        ({"list_page_max": 0}, "list_page_max"),
        ({"events": {"duplicate_rate": 2}}, "events.duplicate_rate"),
        ({"no_such_setting": 1}, "no_such_setting"),
    ],
)
def test_settings_invalid_value_is_a_400_and_changes_nothing(
    erp_client: TestClient, patch: dict[str, Any], field: str
) -> None:
    before = erp_client.get("/__admin/settings").json()
    response = erp_client.put("/__admin/settings", json=patch)
    assert response.status_code == 400
    assert "1 validation error for ErpSettings" in response.json()["error"]
    assert field in response.json()["error"]
    assert erp_client.get("/__admin/settings").json() == before


def test_settings_must_be_an_object(erp_client: TestClient) -> None:
    response = erp_client.put("/__admin/settings", json=["closed_period_policy"])
    assert response.status_code == 400
    assert response.json() == {"error": "settings must be a JSON object"}


# -- provider states ------------------------------------------------------------------------------------------
def test_provider_states_are_listed(erp_client: TestClient) -> None:
    names = erp_client.get("/__admin/provider-states").json()["states"]
    assert "accounting period {period} is closed" in names
    assert "customer {externalId} exists" in names


def test_closed_period_state_rejects_posting_and_teardown_reopens(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    state = {"state": "accounting period 2026-10 is closed"}
    setup = erp_client.post("/__admin/provider-states", json=state)
    assert setup.status_code == 200
    assert setup.json() == {"periodId": "13"}
    refused = erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2026-10-15"))
    assert refused.status_code == 400
    (detail,) = refused.json()["o:errorDetails"]
    assert detail["o:errorCode"] == "USER_ERROR"
    assert "closed accounting period Oct 2026" in detail["detail"]
    assert detail["o:errorPath"] == "tranDate"
    assert erp_records("timeBill") == []

    teardown = erp_client.post("/__admin/provider-states", json={**state, "action": "teardown"})
    assert teardown.json() == {"periodId": "13"}
    assert erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2026-10-15")).status_code == 204


def test_provider_state_applies_to_the_tenant_of_the_header(erp_client: TestClient, time_bill_body: Body) -> None:
    erp_client.post(
        "/__admin/provider-states",
        json={"state": "accounting period 2026-10 is closed"},
        headers={"X-P2C-Tenant": "acme"},
    )
    acme = erp_client.post(TIME_BILL, json=time_bill_body(), headers={"X-P2C-Tenant": "acme"})
    assert acme.status_code == 400
    assert erp_client.post(TIME_BILL, json=time_bill_body()).status_code == 204


def test_customer_state_pins_the_internal_id(erp_client: TestClient) -> None:
    response = erp_client.post(
        "/__admin/provider-states", json={"state": "customer CID-PACT exists", "params": {"id": "647"}}
    )
    assert response.json() == {"id": "647"}
    record = erp_client.get("/services/rest/record/v1/customer/eid:CID-PACT").json()
    assert (record["id"], record["externalId"]) == ("647", "CID-PACT")


def test_unknown_provider_state_is_a_400(erp_client: TestClient) -> None:
    response = erp_client.post("/__admin/provider-states", json={"state": "the moon is full"})
    assert response.status_code == 400
    assert response.json() == {"error": "unknown provider state: 'the moon is full'"}


def test_provider_state_for_unknown_period_is_a_netsuite_404(erp_client: TestClient) -> None:
    response = erp_client.post("/__admin/provider-states", json={"state": "accounting period 2099-01 is closed"})
    assert response.status_code == 404
    assert response.json()["o:errorDetails"] == [
        {"detail": "No accounting period 2099-01.", "o:errorCode": "NONEXISTENT_ID"}
    ]


# -- events ---------------------------------------------------------------------------------------------------
def test_events_lists_a_tenants_events(erp_app: Any, erp_client: TestClient) -> None:
    assert erp_client.get("/__admin/events").json() == {"events": []}
    # The ERP emits no webhooks yet; emit through the tenant's log to check the listing and tenant scoping.
    erp_app.state.sim.tenant("acme").events.emit("invoice.posted", "invoice", "9", {"total": "10.00"})
    listed = erp_client.get("/__admin/events", params={"tenant": "acme"}).json()["events"]
    assert [(e["id"], e["type"], e["subject_id"], e["created_at"]) for e in listed] == [
        (1, "invoice.posted", "9", "2026-10-30T09:00:00+00:00")
    ]
    assert erp_client.get("/__admin/events").json() == {"events": []}
    assert _state(erp_client)["tenants"]["acme"]["events"] == listed


def test_admin_bodies_are_json_whatever_the_content_type(erp_client: TestClient) -> None:
    # `curl -d` sends application/x-www-form-urlencoded; the control plane still reads JSON.
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    resp = erp_client.post("/__admin/seed", content=b'{"seed": 7, "profile": "small"}', headers=form)
    assert resp.status_code == 200
    assert resp.json()["seed"] == 7
    resp = erp_client.post("/__admin/clock/advance", content=b'{"days": 1}', headers=form)
    assert resp.status_code == 200
    assert resp.json()["now"].startswith("2026-10-31")


def test_admin_body_that_is_not_json_is_a_400_not_a_500(erp_client: TestClient) -> None:
    resp = erp_client.post("/__admin/seed", content=b"seed=7")
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid request"
    assert resp.json()["detail"][0]["type"] == "json_invalid"
