"""Fixtures for the PSA simulator tests: an in-process app, an authenticated client, wire helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulators._core.app import SimulatorApp
from simulators.psa.app import create_app
from simulators.psa.settings import PsaSettings

AUTH = {"Authorization": "Bearer test-token"}
API = "/api/v1"


class Psa:
    """A thin wire driver for the tests (what an integration client would send)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def participation(self, index: int = 0) -> dict[str, Any]:
        """A seeded participation (workspace_id, user_id, rate_in_cents)."""
        body = self.client.get(f"{API}/participations.json", params={"workspace_id": 2001}).json()
        ref = body["results"][index]
        return dict(body["participations"][ref["id"]])

    def entry(self, part: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        """A valid time entry body for ``part``."""
        return {
            "workspace_id": part["workspace_id"],
            "user_id": part["user_id"],
            "date_performed": "2026-10-28",
            "time_in_minutes": 90,
        } | overrides

    def create(self, *entries: dict[str, Any]) -> list[dict[str, Any]]:
        """POST entries (single form for one, bulk for several); the created records in order."""
        body = {"time_entry": entries[0]} if len(entries) == 1 else {"time_entries": list(entries)}
        resp = self.client.post(f"{API}/time_entries.json", json=body)
        assert resp.status_code == 200, resp.text
        doc = resp.json()
        return [doc["time_entries"][r["id"]] for r in doc["results"]]

    def submit(self, user_id: str, entry_ids: list[str], comment: str = "week 44") -> dict[str, Any]:
        """Submit entries; the submission record."""
        resp = self.client.post(
            f"{API}/timesheet_submissions.json",
            json={"timesheet_submission": {"user_id": user_id, "time_entry_ids": entry_ids, "comment": comment}},
        )
        assert resp.status_code == 200, resp.text
        doc = resp.json()
        return dict(doc["timesheet_submissions"][doc["results"][0]["id"]])

    def resolve(self, submission_id: str, verb: str = "approve") -> Any:
        """PUT approve/reject/cancel; the raw response."""
        return self.client.put(f"{API}/timesheet_submissions/{submission_id}/{verb}.json")

    def get_entry(self, entry_id: str) -> dict[str, Any]:
        """One time entry record."""
        resp = self.client.get(f"{API}/time_entries/{entry_id}.json")
        assert resp.status_code == 200, resp.text
        return dict(resp.json()["time_entries"][entry_id])

    def events(self, **params: Any) -> list[dict[str, Any]]:
        """The subscribed_events feed, in results order."""
        resp = self.client.get(f"{API}/subscribed_events.json", params={"per_page": 200, **params})
        assert resp.status_code == 200, resp.text
        doc = resp.json()
        return [doc["subscribed_events"][r["id"]] for r in doc["results"]]


@pytest.fixture
def app() -> SimulatorApp:
    """A fresh PSA simulator (seed 42, small world)."""
    return create_app(PsaSettings())


@pytest.fixture
def client(app: SimulatorApp) -> Iterator[TestClient]:
    """An authenticated client."""
    with TestClient(app, headers=AUTH) as c:
        yield c


@pytest.fixture
def anonymous(app: SimulatorApp) -> Iterator[TestClient]:
    """A client without a bearer token."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def psa(client: TestClient) -> Psa:
    """The wire driver."""
    return Psa(client)


def only_error(resp: Any) -> dict[str, Any]:
    """The single error of a Kantata error body."""
    errors = resp.json()["errors"]
    assert len(errors) == 1, errors
    return dict(errors[0])


@pytest.fixture
def error_of() -> Any:
    """:func:`only_error` as a fixture (test modules cannot import conftest)."""
    return only_error
