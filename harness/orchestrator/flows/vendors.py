"""The NetSuite and Kantata calls of the CRM- and ERP-driven flows, each idempotent by an external id.

NetSuite: masters are upserted with ``PUT <type>/eid:<external id>`` (204 + ``Location``); an invoice is
requested with ``POST job/{id}/!transform/invoice`` carrying an ``externalId``, so a retry after a lost
response is refused as a duplicate instead of billing twice. Kantata has no idempotency (a retried POST
duplicates), so a workspace is looked up by its client and its title (which carries the opportunity id)
before it is created, and sync state is written with ``external_references/create_or_update``.
"""

from __future__ import annotations

from typing import Any

from harness.orchestrator.clients.erp import RECORD, ErpClient, id_from_location
from harness.orchestrator.clients.http import VendorCallError, VendorHttp

PSA_API = "/api/v1"
COUNTRY_CODES = {
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "united kingdom": "GB",
    "great britain": "GB",
    "germany": "DE",
    "deutschland": "DE",
    "france": "FR",
}
"""English country names a CRM may hold in ``BillingCountry``, to ISO 3166 codes (as NetSuite keeps them)."""


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of a Kantata side-loaded envelope, in ``results`` order."""
    return [body[r["key"]][r["id"]] for r in body.get("results", []) if r["id"] in body.get(r["key"], {})]


class ErpOps(ErpClient):
    """NetSuite records the flows read and upsert (the posting client's calls, and a few more)."""

    async def get(self, record_type: str, ref: str, correlation_id: str) -> dict[str, Any] | None:
        """A record by internal id or ``eid:<external id>``; None when there is none."""
        return await self.record(record_type, ref, correlation_id)

    async def subsidiary_for(self, country: str | None, correlation_id: str) -> str | None:
        """The subsidiary a new customer in ``country`` (ISO code or English name) belongs to.

        OneWorld accounts need a customer's primary subsidiary (mandatory on create from 2026.2): the
        subsidiary of the customer's country, else the top-level one (the lowest id). ``None`` when the
        account has no subsidiaries.
        """
        reply = await self.http.call(
            "POST",
            "/services/rest/query/v1/suiteql",
            params={"limit": "1000"},
            json={"q": "SELECT id, country FROM subsidiary ORDER BY id"},
            headers={"Prefer": "transient"},
            correlation_id=correlation_id,
        )
        rows: list[dict[str, Any]] = list(reply.body.get("items", []))
        if not rows:
            return None
        code = COUNTRY_CODES.get((country or "").strip().lower(), (country or "").strip().upper())
        match = next((r for r in rows if str(r.get("country") or "").upper() == code), rows[0])
        return str(match["id"])

    async def bill_project(self, job_id: str, body: dict[str, Any], correlation_id: str) -> str:
        """``POST job/{id}/!transform/invoice``: an invoice of the project's unbilled work; returns its id."""
        reply = await self.http.call(
            "POST", f"{RECORD}/job/{job_id}/!transform/invoice", json=body, correlation_id=correlation_id
        )
        location = reply.headers.get("Location")
        if not location:
            raise VendorCallError("NetSuite answered a transform without a Location header")
        return id_from_location(location)


class PsaOps:
    """Kantata workspaces, stories and sync state the flows read and write."""

    def __init__(self, http: VendorHttp) -> None:
        self.http = http

    async def workspaces_of(self, client_ref: str, correlation_id: str) -> list[dict[str, Any]]:
        """Every workspace of a client (archived ones included: they still count as created)."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            reply = await self.http.call(
                "GET",
                f"{PSA_API}/workspaces.json",
                params={"client_ref": client_ref, "include_archived": "true", "page": str(page), "per_page": "200"},
                correlation_id=correlation_id,
            )
            out.extend(_records(reply.body))
            if page >= int(reply.body.get("meta", {}).get("page_count", 1) or 1):
                return out
            page += 1

    async def create_workspace(self, fields: dict[str, Any], correlation_id: str) -> dict[str, Any]:
        """``POST workspaces.json`` (not idempotent: look first)."""
        reply = await self.http.call(
            "POST", f"{PSA_API}/workspaces.json", json={"workspace": fields}, correlation_id=correlation_id
        )
        return _records(reply.body)[0]

    async def story(self, story_id: str, correlation_id: str) -> dict[str, Any] | None:
        """A story (task or milestone) by id."""
        reply = await self.http.call(
            "GET", f"{PSA_API}/stories.json", params={"only": story_id}, correlation_id=correlation_id
        )
        found = _records(reply.body)
        return found[0] if found else None

    async def set_reference(self, subject_type: str, subject_id: str, ref: dict[str, Any], correlation_id: str) -> None:
        """``external_references/create_or_update``: one reference per service and object, so repeats are harmless."""
        body = {"external_reference": {"subject_type": subject_type, "subject_id": int(subject_id), **ref}}
        await self.http.call(
            "POST", f"{PSA_API}/external_references/create_or_update", json=body, correlation_id=correlation_id
        )

    async def events(
        self, event_types: list[str], created_after: str | None, correlation_id: str
    ) -> list[dict[str, Any]]:
        """Feed events of these types created after ``created_after`` (all pages, delivery order)."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            params = {"event_types": ",".join(event_types), "page": str(page), "per_page": "200"}
            if created_after:
                params["created_after"] = created_after
            reply = await self.http.call(
                "GET", f"{PSA_API}/subscribed_events.json", params=params, correlation_id=correlation_id
            )
            out.extend(_records(reply.body))
            if page >= int(reply.body.get("meta", {}).get("page_count", 1) or 1):
                return out
            page += 1
