"""Kantata OX client: the change feed, timesheet submissions and time entries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from harness.orchestrator.clients.http import VendorHttp

API = "/api/v1"
PER_PAGE = 200
SERVICE_NAME = "netsuite"
SyncedPosting = tuple[str, str, str, str]
"""(subject type, subject id, ERP record type, ERP internal id) of a posting to write back."""


def _reference(subject_type: str, subject_id: str, service_model: str, service_model_ref: str) -> dict[str, str]:
    return {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "service_name": SERVICE_NAME,
        "service_model": service_model,
        "service_model_ref": service_model_ref,
        "status": "successful",
    }


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of a side-loaded envelope, in ``results`` order (the only reliable order)."""
    return [body[r["key"]][r["id"]] for r in body.get("results", []) if r["id"] in body.get(r["key"], {})]


class PsaClient:
    """What the orchestrator reads from and writes to the PSA."""

    def __init__(self, http: VendorHttp) -> None:
        self.http = http

    async def events(
        self, event_types: Iterable[str], created_after: str | None, correlation_id: str
    ) -> list[dict[str, Any]]:
        """Every feed event of these types after ``created_after`` (all pages)."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            params = {"event_types": ",".join(event_types), "page": str(page), "per_page": str(PER_PAGE)}
            if created_after:
                params["created_after"] = created_after
            reply = await self.http.call(
                "GET", f"{API}/subscribed_events.json", params=params, correlation_id=correlation_id
            )
            out.extend(_records(reply.body))
            meta = reply.body.get("meta", {})
            if page >= int(meta.get("page_count", 1) or 1):
                return out
            page += 1

    async def submission(self, submission_id: str, correlation_id: str) -> dict[str, Any] | None:
        """A timesheet submission by id."""
        reply = await self.http.call(
            "GET",
            f"{API}/timesheet_submissions.json",
            params={"only": submission_id},
            correlation_id=correlation_id,
        )
        found = _records(reply.body)
        return found[0] if found else None

    async def time_entries(self, ids: list[str], correlation_id: str) -> list[dict[str, Any]]:
        """Time entries by id, fetched in pages of at most 200."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), PER_PAGE):
            chunk = ids[start : start + PER_PAGE]
            reply = await self.http.call(
                "GET",
                f"{API}/time_entries.json",
                params={"only": ",".join(chunk), "per_page": str(PER_PAGE)},
                correlation_id=correlation_id,
            )
            out.extend(_records(reply.body))
        return out

    async def events_from(
        self, event_types: Iterable[str], created_after: str | None, offset: int, correlation_id: str
    ) -> tuple[list[dict[str, Any]], int]:
        """Feed events of these types after ``created_after``, from position ``offset`` on, and the total count.

        The feed keeps its delivery order, so a reader that remembers how far it got asks only for the new
        tail instead of re-reading its whole overlap window on every poll.
        """
        out: list[dict[str, Any]] = []
        total = 0
        while True:
            params = {"event_types": ",".join(event_types), "limit": str(PER_PAGE), "offset": str(offset + len(out))}
            if created_after:
                params["created_after"] = created_after
            reply = await self.http.call(
                "GET", f"{API}/subscribed_events.json", params=params, correlation_id=correlation_id
            )
            page = _records(reply.body)
            out.extend(page)
            total = int(reply.body.get("count", 0) or 0)
            if len(page) < PER_PAGE or offset + len(out) >= total:
                return out, total

    async def participations(self, workspace_id: str, correlation_id: str) -> list[dict[str, Any]]:
        """Every assignment on a workspace (with its resolved bill rate)."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            reply = await self.http.call(
                "GET",
                f"{API}/participations.json",
                params={"workspace_id": workspace_id, "page": str(page), "per_page": str(PER_PAGE)},
                correlation_id=correlation_id,
            )
            out.extend(_records(reply.body))
            if page >= int(reply.body.get("meta", {}).get("page_count", 1) or 1):
                return out
            page += 1

    async def mark_synced(
        self, subject_type: str, subject_id: str, service_model: str, service_model_ref: str, correlation_id: str
    ) -> None:
        """Record on the PSA object that it is posted (Kantata's external reference, one per service and object)."""
        await self.http.call(
            "POST",
            f"{API}/external_references/create_or_update.json",
            json={"external_reference": _reference(subject_type, subject_id, service_model, service_model_ref)},
            correlation_id=correlation_id,
        )

    async def mark_synced_many(self, postings: Sequence[SyncedPosting], correlation_id: str) -> None:
        """Record several postings in one call (the plural ``external_references`` key; all or none)."""
        await self.http.call(
            "POST",
            f"{API}/external_references/create_or_update.json",
            json={"external_references": [_reference(*posting) for posting in postings]},
            correlation_id=correlation_id,
        )

    async def approved_billable_entries(self, offset: int, correlation_id: str) -> tuple[list[dict[str, Any]], int]:
        """One page (at most 200) of approved billable time entries from ``offset`` on, and the total count."""
        reply = await self.http.call(
            "GET",
            f"{API}/time_entries.json",
            params={"approved": "true", "billable": "true", "limit": str(PER_PAGE), "offset": str(offset)},
            correlation_id=correlation_id,
        )
        return _records(reply.body), int(reply.body.get("count", 0) or 0)
