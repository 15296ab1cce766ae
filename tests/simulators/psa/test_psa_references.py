"""External references: the sync state an integration writes back, and the list filters that read it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"
UPSERT = f"{API}/external_references/create_or_update.json"


def _ref(subject_type: str, subject_id: Any, **fields: Any) -> dict[str, Any]:
    body = {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "service_name": "netsuite",
        "service_model": "timeBill",
        "service_model_ref": "TB-100",
    } | fields
    return {"external_reference": body}


def test_create_then_update_one_reference_per_service(psa: Any, client: TestClient, rows: Any) -> None:
    (entry,) = psa.approved(psa.participation())
    (created,) = rows(client.post(UPSERT, json=_ref("TimeEntry", entry["id"], status="pending")))
    assert created | {"created_at": None, "updated_at": None, "last_synced_at": None} == {
        "id": "1",
        "subject_type": "TimeEntry",
        "subject_id": entry["id"],
        "service_name": "netsuite",
        "service_model": "timeBill",
        "service_model_ref": "TB-100",
        "status": "pending",
        "external_link": None,
        "external_status": None,
        "external_message": None,
        "locked": False,
        "created_at": None,
        "updated_at": None,
        "last_synced_at": None,
    }
    client.post("/__admin/clock/advance", json={"minutes": 5})
    (updated,) = rows(
        client.post(UPSERT, json=_ref("TimeEntry", entry["id"], status="successful", external_status="posted"))
    )
    assert (updated["id"], updated["status"], updated["external_status"]) == ("1", "successful", "posted")
    assert updated["last_synced_at"] == "2026-10-30T09:05:00Z" != updated["created_at"]
    (other,) = rows(client.post(UPSERT, json=_ref("TimeEntry", entry["id"], service_name="datalake")))
    assert other["id"] == "2"


def test_list_references_by_subject_type_and_filters(psa: Any, client: TestClient) -> None:
    a, b = psa.approved(psa.participation(), psa.entry(psa.participation()), psa.entry(psa.participation()))
    client.post(UPSERT, json=_ref("TimeEntry", a["id"], status="successful"))
    client.post("/__admin/clock/advance", json={"minutes": 1})
    client.post(UPSERT, json=_ref("TimeEntry", b["id"], status="failed", external_message="PERIOD_CLOSED"))

    def ids(**params: Any) -> list[str]:
        resp = client.get(f"{API}/external_references.json", params={"subject_type": "TimeEntry"} | params)
        assert resp.status_code == 200, resp.text
        return [r["id"] for r in resp.json()["results"]]

    assert ids() == ["2", "1"], "newest sync first by default"
    assert ids(order="created_at:asc") == ["1", "2"]
    assert ids(status="failed") == ["2"]
    assert ids(external_message="PERIOD_CLOSED", subject_id=b["id"]) == ["2"]
    assert ids(service_name="other") == []
    assert client.get(f"{API}/external_references.json", params={"subject_type": "Invoice"}).json()["count"] == 0
    doc = client.get(
        f"{API}/external_references.json", params={"subject_type": "TimeEntry", "include": "subject"}
    ).json()
    assert set(doc["time_entries"]) == {a["id"], b["id"]}


def test_lists_filter_on_the_sync_state(psa: Any, client: TestClient) -> None:
    a, b, c = psa.approved(psa.participation(), *[psa.entry(psa.participation()) for _ in range(3)])
    client.post(UPSERT, json=_ref("TimeEntry", a["id"], status="successful", service_model_ref="TB-1"))
    client.post(UPSERT, json=_ref("TimeEntry", b["id"], status="failed", service_model_ref="TB-2"))

    def ids(**params: Any) -> list[str]:
        return [r["id"] for r in client.get(f"{API}/time_entries.json", params=params).json()["results"]]

    assert ids(has_external_references="false") == [c["id"]]
    assert ids(has_external_references="true") == [a["id"], b["id"]]
    assert ids(external_reference_status="failed") == [b["id"]]
    assert ids(external_reference_service_model_ref="TB-1", external_reference_service_name="netsuite") == [a["id"]]
    sub = client.get(f"{API}/timesheet_submissions.json").json()["results"][0]["id"]
    client.post(UPSERT, json=_ref("Submission", sub, service_model="journal"))
    found = client.get(f"{API}/timesheet_submissions.json", params={"external_reference_service_model": "journal"})
    assert [r["id"] for r in found.json()["results"]] == [sub]


@pytest.mark.parametrize(
    ("body", "message", "field"),
    [
        (_ref("Spaceship", 1), "Subject type Spaceship is not supported", "subject_type"),
        (_ref("TimeEntry", 99), "TimeEntry 99 does not exist", "subject_id"),
        (_ref("Workspace", 2001, service_name=" "), "Service name can't be blank", "service_name"),
        (_ref("Workspace", 2001, status="done"), "Status is invalid", "status"),
        (
            {
                "external_reference": {
                    "subject_type": "Workspace",
                    "subject_id": 2001,
                    "service_name": "a",
                    "service_model": "b",
                }
            },
            "Service model ref can't be blank",
            "service_model_ref",
        ),
    ],
)
def test_reference_validation(client: TestClient, refused: Any, body: dict[str, Any], message: str, field: str) -> None:
    refused(client.post(UPSERT, json=body), 422, "validation", message, field)


def test_subject_type_is_required_and_checked_when_listing(client: TestClient, refused: Any) -> None:
    refused(
        client.get(f"{API}/external_references.json"), 422, "validation", "Subject type can't be blank", "subject_type"
    )
    refused(
        client.get(f"{API}/external_references.json", params={"subject_type": "Spaceship"}),
        422,
        "validation",
        "Subject type Spaceship is not supported",
        "subject_type",
    )


def test_delete_a_reference(client: TestClient, refused: Any) -> None:
    client.post(UPSERT, json=_ref("Workspace", 2001))
    assert client.delete(f"{API}/external_references/1.json").status_code == 204
    refused(
        client.delete(f"{API}/external_references/1.json"), 404, "system", "Couldn't find ExternalReference with 'id'=1"
    )


def test_references_on_every_supported_subject_and_their_includes(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    client.post(UPSERT, json=_ref("Workspace", 2001, service_model="job"))
    client.post(UPSERT, json=_ref("User", int(part["user_id"]), service_model="employee"))
    ws = client.get(f"{API}/workspaces/2001.json", params={"include": "external_references"}).json()
    assert ws["workspaces"]["2001"]["external_reference_ids"] == ["1"]
    user = client.get(f"{API}/users/{part['user_id']}.json", params={"include": "external_references"}).json()
    assert user["external_references"]["2"]["service_model"] == "employee"


def _refs(*items: dict[str, Any]) -> dict[str, Any]:
    return {"external_references": [item["external_reference"] for item in items]}


def test_bulk_create_or_update_writes_each_reference_once(psa: Any, client: TestClient, rows: Any) -> None:
    a, b = psa.approved(psa.participation(), psa.entry(psa.participation()), psa.entry(psa.participation()))
    client.post(UPSERT, json=_ref("TimeEntry", a["id"], service_model_ref="TB-1", status="pending"))
    written = rows(
        client.post(
            UPSERT,
            json=_refs(
                _ref("TimeEntry", a["id"], service_model_ref="TB-1", status="successful"),
                _ref("TimeEntry", b["id"], service_model_ref="TB-2", status="successful"),
                _ref("TimeEntry", b["id"], service_model_ref="TB-3", status="successful"),  # the same one again
            ),
        )
    )
    assert [(r["id"], r["subject_id"], r["service_model_ref"], r["status"]) for r in written] == [
        ("1", a["id"], "TB-1", "successful"),
        ("2", b["id"], "TB-3", "successful"),
        ("2", b["id"], "TB-3", "successful"),
    ]
    listed = client.get(f"{API}/external_references.json", params={"subject_type": "TimeEntry"}).json()
    assert listed["count"] == 2


def test_bulk_create_or_update_is_all_or_none(psa: Any, client: TestClient, refused: Any) -> None:
    (entry,) = psa.approved(psa.participation())
    body = _refs(_ref("TimeEntry", entry["id"]), _ref("TimeEntry", 99))
    refused(client.post(UPSERT, json=body), 422, "validation", "TimeEntry 99 does not exist", "subject_id")
    assert client.get(f"{API}/external_references.json", params={"subject_type": "TimeEntry"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "message", "field"),
    [
        ({"external_references": []}, "No external references given", "external_references"),
        (
            _refs(*[_ref("Workspace", 2001)] * 201),
            "Cannot create or update more than 200 external references at once",
            "external_references",
        ),
        (
            _ref("Workspace", 2001) | _refs(_ref("Workspace", 2001)),
            "Send either external_reference or external_references, not both",
            "external_references",
        ),
        ({}, "External reference can't be blank", "external_reference"),
        ({"external_reference": None}, "External reference is invalid", "external_reference"),
        (
            _refs(_ref("Workspace", 2001), _ref("Workspace", 2001, service_name="")),
            "Service name can't be blank",
            "service_name",
        ),
    ],
)
def test_bulk_reference_validation(
    client: TestClient, refused: Any, body: dict[str, Any], message: str, field: str
) -> None:
    refused(client.post(UPSERT, json=body), 422, "validation", message, field)
