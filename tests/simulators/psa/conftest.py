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


def records(resp: Any, key: str | None = None) -> list[dict[str, Any]]:
    """The records of an envelope in ``results`` order (asserting a 200)."""
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    return [doc[r["key"]][r["id"]] for r in doc["results"] if key is None or r["key"] == key]


class Psa:
    """A thin wire driver for the tests (what an integration client would send)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def participation(self, index: int = 0, workspace_id: int = 2001) -> dict[str, Any]:
        """A seeded participation (workspace_id, user_id, rate_in_cents, dates)."""
        body = self.client.get(f"{API}/participations.json", params={"workspace_id": workspace_id}).json()
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
        return records(self.client.post(f"{API}/time_entries.json", json=body))

    def submit(self, user_id: str, entry_ids: list[str], comment: str = "week 44") -> dict[str, Any]:
        """Submit entries (Kantata's ``line_item_ids``); the submission record."""
        body = {"timesheet_submission": {"user_id": user_id, "line_item_ids": entry_ids, "comment": comment}}
        return records(self.client.post(f"{API}/timesheet_submissions.json", json=body))[0]

    def resolve(self, submission_id: str, verb: str = "approve") -> Any:
        """PUT approve/reject/cancel; the raw response."""
        return self.client.put(f"{API}/timesheet_submissions/{submission_id}/{verb}.json")

    def approved(self, part: dict[str, Any], *entries: dict[str, Any]) -> list[dict[str, Any]]:
        """Create entries for ``part`` (one default entry when none given), submit and approve them."""
        created = self.create(*(entries or (self.entry(part),)))
        sub = self.submit(part["user_id"], [e["id"] for e in created])
        assert self.resolve(sub["id"]).status_code == 200
        return [self.get_entry(e["id"]) for e in created]

    def get_entry(self, entry_id: str) -> dict[str, Any]:
        """One time entry record."""
        return records(self.client.get(f"{API}/time_entries/{entry_id}.json"))[0]

    def expense(self, part: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        """Log an expense for ``part``; the record."""
        body = {
            "workspace_id": part["workspace_id"],
            "user_id": part["user_id"],
            "date": "2026-10-27",
            "category": "Travel",
            "amount_in_cents": 12_500,
        } | overrides
        return records(self.client.post(f"{API}/expenses.json", json={"expense": body}))[0]

    def put(self, path: str, wrapper: str, **fields: Any) -> Any:
        """PUT ``{wrapper: fields}`` to ``/api/v1/{path}.json``; the raw response."""
        return self.client.put(f"{API}/{path}.json", json={wrapper: fields})

    def events(self, **params: Any) -> list[dict[str, Any]]:
        """The subscribed_events feed, in results order."""
        return records(self.client.get(f"{API}/subscribed_events.json", params={"per_page": 200, **params}))


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


@pytest.fixture
def refused() -> Any:
    """``refused(resp, status, type, message, field=None)``: assert one Kantata error, exactly."""

    def check(resp: Any, status: int, type_: str, message: str, field: str | None = None) -> None:
        assert resp.status_code == status, resp.text
        expected = {"type": type_, "message": message} | ({"field": field} if field else {})
        assert only_error(resp) == expected

    return check


@pytest.fixture
def rows() -> Any:
    """:func:`records` as a fixture: ``rows(resp, key=None)``."""
    return records
