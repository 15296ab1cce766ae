"""A Kantata client written only from Kantata's public API documentation works against the simulator unchanged.

:class:`KantataDocClient` knows nothing of the simulator: it follows developer.kantata.com (response format:
iterate ``results``, read the top-level map named by each result's ``key``; pagination with ``page`` and
``per_page`` up to 200 and the ``count``; bulk create with the plural key; ``timesheet_submissions`` with
``line_item_ids``; ``POST /timesheet_approvals`` with a ``resolution``; ``GET /subscribed_events`` with
``created_after`` and ``event_types``; ``POST /external_references/create_or_update``; errors in
``{"errors": [{type, message, field}]}``). The test hands it a ``TestClient`` as its HTTP session.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient


class KantataError(Exception):
    """An error answer, as documented: ``{"errors": [{"type", "message", "field"?}]}``."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors


class KantataDocClient:
    """Kantata OX API v1, from the documentation only (https://developer.kantata.com/kantata/specification)."""

    def __init__(self, session: Any, token: str, base: str = "/api/v1", per_page: int = 200) -> None:
        self.session = session
        self.per_page = per_page  # default 20, documented maximum 200
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, resource: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        resp = self.session.request(
            method, f"{self.base}/{resource}.json", params=params, json=body, headers=self.headers
        )
        if resp.status_code == 204:
            return None
        doc = resp.json()
        if resp.status_code >= 400:
            raise KantataError(resp.status_code, doc["errors"])
        return doc

    @staticmethod
    def objects(doc: dict[str, Any]) -> list[dict[str, Any]]:
        """The returned objects in order: iterate ``results`` (the top-level maps also hold side-loads)."""
        return [doc[ref["key"]][ref["id"]] for ref in doc["results"]]

    def each(self, resource: str, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every object of a list, page by page (``page``/``per_page``, pages from ``count``)."""
        page = 1
        while True:
            doc = self._call("GET", resource, params={**filters, "page": page, "per_page": self.per_page})
            yield from self.objects(doc)
            if page >= math.ceil(doc["count"] / self.per_page):
                return
            page += 1

    def bulk_create_time_entries(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``POST /time_entries`` with the plural key (up to 100 per request)."""
        created: list[dict[str, Any]] = []
        for start in range(0, len(entries), 100):
            created += self.objects(
                self._call("POST", "time_entries", body={"time_entries": entries[start : start + 100]})
            )
        return created

    def submit_timesheet(self, workspace_id: str, line_item_ids: list[str], title: str) -> dict[str, Any]:
        """``POST /timesheet_submissions``: one project's time entries."""
        body = {"timesheet_submission": {"workspace_id": workspace_id, "line_item_ids": line_item_ids, "title": title}}
        return self.objects(self._call("POST", "timesheet_submissions", body=body))[0]

    def approve_timesheets(self, submission_ids: list[str], description: str) -> list[dict[str, Any]]:
        """``POST /timesheet_approvals``: approve several submissions; the resolutions."""
        body = {"resolution": {"description": description, "submission_ids": submission_ids}}
        return self.objects(self._call("POST", "timesheet_approvals", body=body))

    def events(self, created_after: str | None, event_types: list[str]) -> list[dict[str, Any]]:
        """``GET /subscribed_events`` after a point in time, of some types (all pages)."""
        filters: dict[str, Any] = {"event_types": ",".join(event_types)}
        if created_after:
            filters["created_after"] = created_after
        return list(self.each("subscribed_events", **filters))

    def write_back(self, subject_type: str, subject_id: str, ref: str, status: str) -> dict[str, Any]:
        """``POST /external_references/create_or_update``: record the sync state of an object."""
        body = {
            "external_reference": {
                "subject_type": subject_type,
                "subject_id": subject_id,
                "service_name": "erp",
                "service_model": "timeBill",
                "service_model_ref": ref,
                "status": status,
            }
        }
        return self.objects(self._call("POST", "external_references/create_or_update", body=body))[0]


@pytest.fixture
def kantata(app: Any) -> Iterator[KantataDocClient]:
    """The documentation-only client over an in-process transport (no default headers: it sends its own)."""
    with TestClient(app) as session:
        yield KantataDocClient(session, token="doc-client-token", per_page=25)


def test_a_documentation_only_client_books_approves_reads_the_feed_and_writes_back(kantata: KantataDocClient) -> None:
    staffing = list(kantata.each("participations"))
    assert len(staffing) == 32, "every participation, across two pages of 25"
    workspaces = {w["id"]: w for w in kantata.each("workspaces")}
    mine = next(p for p in staffing if workspaces[p["workspace_id"]]["status"]["key"] == "active")
    days = [f"2026-10-{d:02d}" for d in range(5, 10)] * 30  # 150 entries: two bulk requests
    entries = kantata.bulk_create_time_entries(
        [
            {
                "workspace_id": mine["workspace_id"],
                "user_id": mine["user_id"],
                "date_performed": d,
                "time_in_minutes": 60,
            }
            for d in days
        ]
    )
    assert len(entries) == 150
    assert all(e["approved"] is False for e in entries)

    submission = kantata.submit_timesheet(mine["workspace_id"], [e["id"] for e in entries], "October, week 2")
    resolutions = kantata.approve_timesheets([submission["id"]], "Approved by the doc client")
    assert [(r["type"], r["target_id"]) for r in resolutions] == [("approval", submission["id"])]

    approved = list(kantata.each("time_entries", workspace_id=mine["workspace_id"], approved="true"))
    assert len(approved) == 150, "six pages"
    assert len({e["id"] for e in approved}) == 150

    feed = kantata.events(None, ["timesheet_submission:approved", "time_entry:updated"])
    assert [e["subject_id"] for e in feed if e["event_type"] == "timesheet_submission:approved"] == [submission["id"]]
    assert len([e for e in feed if e["event_type"] == "time_entry:updated"]) == 150
    latest = max(e["created_at"] for e in feed)
    assert kantata.events(latest, ["timesheet_submission:approved"]) == []

    ref = kantata.write_back("TimeEntry", entries[0]["id"], "TB-1", "successful")
    assert (ref["subject_id"], ref["status"]) == (entries[0]["id"], "successful")
    synced = list(kantata.each("time_entries", external_reference_status="successful"))
    assert [e["id"] for e in synced] == [entries[0]["id"]]


def test_the_documented_error_envelope_reaches_the_client(kantata: KantataDocClient) -> None:
    with pytest.raises(KantataError) as caught:
        kantata.submit_timesheet("2001", [], "empty")
    assert caught.value.status == 422
    assert caught.value.errors == [
        {"type": "validation", "message": "Line items can't be blank", "field": "line_item_ids"}
    ]
    unauthenticated = KantataDocClient(kantata.session, token="")
    with pytest.raises(KantataError) as denied:
        list(unauthenticated.each("users"))
    assert (denied.value.status, denied.value.errors) == (
        401,
        [{"type": "oauth", "message": "Invalid OAuth 2 Request"}],
    )
