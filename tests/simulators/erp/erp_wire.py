"""ERP wire helpers for tests: a thin NetSuite-speaking wrapper over the in-process client."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

RECORD = "/services/rest/record/v1"
SUITEQL = "/services/rest/query/v1/suiteql"
PROJECT = "1"
"""Seeded project (job) 1: time and materials, customer 9 (CUST-00001, EUR, limit 250,000, Net 30)."""
CUSTOMER = "9"


class Erp:
    """Calls the ERP simulator the way a NetSuite client does, and reads its state through the control plane."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def create(self, record_type: str, body: dict[str, Any], **headers: str) -> str:
        """POST a record; asserts 204 + Location and returns the new internal id."""
        response = self.client.post(f"{RECORD}/{record_type}", json=body, headers=headers)
        assert response.status_code == 204, response.text
        return located(response, record_type)

    def get(self, record_type: str, ref: str) -> dict[str, Any]:
        """GET a record; asserts 200."""
        response = self.client.get(f"{RECORD}/{record_type}/{ref}")
        assert response.status_code == 200, response.text
        doc: dict[str, Any] = response.json()
        return doc

    def patch(self, record_type: str, ref: str, body: dict[str, Any]) -> Any:
        """PATCH a record (the response, unchecked)."""
        return self.client.patch(f"{RECORD}/{record_type}/{ref}", json=body)

    def time(self, ref: str = "", **fields: Any) -> str:
        """Post an approved billable timeBill on project 1 (2 h at 100.00, 15 Oct 2026 unless overridden)."""
        body: dict[str, Any] = {
            "employee": {"id": "1"},
            "customer": {"id": PROJECT},
            "hours": "2",
            "rate": "100",
            "tranDate": "2026-10-15",
        }
        body.update(fields)
        if ref:
            response = self.client.put(f"{RECORD}/timeBill/eid:{ref}", json=body)
            assert response.status_code == 204, response.text
            return located(response, "timeBill")
        return self.create("timeBill", body)

    def bill(self, job: str = PROJECT, body: dict[str, Any] | None = None, **headers: str) -> Any:
        """``job/{id}/!transform/invoice`` (the response, unchecked)."""
        return self.client.post(f"{RECORD}/job/{job}/!transform/invoice", json=body or {}, headers=headers)

    def state(self, record_type: str) -> list[dict[str, Any]]:
        """Rows of a table of the default tenant (``GET /__admin/state``)."""
        rows: list[dict[str, Any]] = self.client.get("/__admin/state").json()["tenants"]["default"]["data"][record_type]
        return rows

    def events(self, type_: str | None = None) -> list[dict[str, Any]]:
        """Emitted events of the default tenant, optionally of one type."""
        events: list[dict[str, Any]] = self.client.get("/__admin/events").json()["events"]
        return [e for e in events if type_ is None or e["type"] == type_]

    def settings(self, **patch: Any) -> None:
        """PUT /__admin/settings (deep merge)."""
        response = self.client.put("/__admin/settings", json=patch)
        assert response.status_code == 200, response.text

    def state_change(self, state: str, **params: str) -> dict[str, Any]:
        """Apply a provider state."""
        response = self.client.post("/__admin/provider-states", json={"state": state, "params": params})
        assert response.status_code == 200, response.text
        doc: dict[str, Any] = response.json()
        return doc

    def advance(self, **delta: float) -> None:
        """Move the simulated clock forward."""
        assert self.client.post("/__admin/clock/advance", json=delta).status_code == 200


def located(response: Any, record_type: str) -> str:
    """The id in an absolute record ``Location``."""
    location = response.headers["location"]
    prefix = f"http://testserver{RECORD}/{record_type}/"
    assert location.startswith(prefix), location
    return str(location.removeprefix(prefix))


def error(response: Any, status: int = 400) -> dict[str, Any]:
    """The single NetSuite error detail of a response, after checking the envelope."""
    assert response.status_code == status, response.text
    doc = response.json()
    assert set(doc) == {"type", "title", "status", "o:errorDetails"}
    assert doc["status"] == status
    (detail,) = doc["o:errorDetails"]
    result: dict[str, Any] = detail
    return result
