"""NetSuite REST client: reference look-ups by external id and time postings."""

from __future__ import annotations

from harness.orchestrator.clients.http import PermanentError, VendorCallError, VendorHttp

RECORD = "/services/rest/record/v1"


def id_from_location(location: str) -> str:
    """NetSuite answers a create with 204 and the new record's URL in ``Location``."""
    return location.rstrip("/").rsplit("/", 1)[-1]


class ErpClient:
    """What the orchestrator does in the ERP."""

    def __init__(self, http: VendorHttp) -> None:
        self.http = http

    async def internal_id(self, record_type: str, external_id: str, correlation_id: str) -> str | None:
        """The internal id of the record with this external id, or None when there is none."""
        try:
            reply = await self.http.call(
                "GET", f"{RECORD}/{record_type}/eid:{external_id}", correlation_id=correlation_id
            )
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        return str(reply.body["id"])

    async def upsert_time_bill(self, external_id: str, body: dict[str, object], correlation_id: str) -> str:
        """``PUT timeBill/eid:<external_id>``: idempotent; a retry after a lost response updates, never duplicates."""
        reply = await self.http.call(
            "PUT", f"{RECORD}/timeBill/eid:{external_id}", json=body, correlation_id=correlation_id
        )
        return self._located(reply.headers)

    async def create_time_bill(self, body: dict[str, object], correlation_id: str) -> str:
        """``POST timeBill``: not idempotent (a retry after a lost response posts twice)."""
        reply = await self.http.call("POST", f"{RECORD}/timeBill", json=body, correlation_id=correlation_id)
        return self._located(reply.headers)

    @staticmethod
    def _located(headers: object) -> str:
        location = getattr(headers, "get", lambda _k: None)("Location")
        if not location:
            raise VendorCallError("NetSuite answered without a Location header")
        return id_from_location(str(location))

    async def record(self, record_type: str, ref: str, correlation_id: str) -> dict[str, object] | None:
        """A record by internal id or ``eid:<external id>``; None when there is none."""
        try:
            reply = await self.http.call("GET", f"{RECORD}/{record_type}/{ref}", correlation_id=correlation_id)
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        body: dict[str, object] = reply.body
        return body

    async def suiteql(self, query: str, correlation_id: str) -> list[dict[str, object]]:
        """Every row of a SuiteQL query (all pages)."""
        rows: list[dict[str, object]] = []
        offset = 0
        while True:
            reply = await self.http.call(
                "POST",
                "/services/rest/query/v1/suiteql",
                params={"limit": "1000", "offset": str(offset)},
                json={"q": query},
                headers={"Prefer": "transient"},
                correlation_id=correlation_id,
            )
            items = reply.body.get("items", [])
            rows.extend(items)
            if not reply.body.get("hasMore") or not items:
                return rows
            offset += len(items)

    async def upsert(self, record_type: str, external_id: str, body: dict[str, object], correlation_id: str) -> str:
        """``PUT <type>/eid:<external_id>``: idempotent; a retry after a lost response updates, never duplicates."""
        reply = await self.http.call(
            "PUT", f"{RECORD}/{record_type}/eid:{external_id}", json=body, correlation_id=correlation_id
        )
        return self._located(reply.headers)

    async def create(self, record_type: str, body: dict[str, object], correlation_id: str) -> str:
        """``POST <type>``: not idempotent (a retry after a lost response posts twice)."""
        reply = await self.http.call("POST", f"{RECORD}/{record_type}", json=body, correlation_id=correlation_id)
        return self._located(reply.headers)
