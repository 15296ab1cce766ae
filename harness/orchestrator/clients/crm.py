"""Salesforce REST client: the change-event replay feed, sObject reads and writes, SOQL and Tasks.

Every write names the integration in ``Sforce-Call-Options: client=<name>``; Salesforce copies it into the
``changeOrigin`` of the change events the write causes, which is how the orchestrator recognises (and skips)
the echoes of its own writes. Salesforce throttles with 403 ``REQUEST_LIMIT_EXCEEDED`` (a daily quota, see
``clients/http.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from harness.orchestrator.clients.http import PermanentError, VendorHttp

API_VERSION = "v62.0"
CLIENT_NAME = "p2c-orchestrator"
"""The integration's name in ``Sforce-Call-Options`` and therefore in ``changeOrigin``."""


def origin_is(change_origin: str, client: str = CLIENT_NAME) -> bool:
    """Whether a change event's ``changeOrigin`` names ``client`` (``com/salesforce/api/rest/62.0;client=x``)."""
    return any(part == f"client={client}" for part in change_origin.split(";"))


def soql_literal(value: str) -> str:
    """A SOQL string literal (backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass(slots=True)
class ChangePage:
    """One page of the change-event replay feed."""

    events: list[dict[str, Any]]
    latest_replay_id: int
    done: bool


class CrmClient:
    """What the orchestrator reads from and writes to Salesforce."""

    def __init__(self, http: VendorHttp, *, version: str = API_VERSION, client_name: str = CLIENT_NAME) -> None:
        self.http = http
        self.base = f"/services/data/{version}"
        self.client_name = client_name

    @property
    def _write_headers(self) -> dict[str, str]:
        return {"Sforce-Call-Options": f"client={self.client_name}"}

    async def change_events(
        self, channel: str, replay_id: int, correlation_id: str, batch_size: int = 1000
    ) -> ChangePage:
        """Change events on ``channel`` delivered after ``replay_id`` (-2: every retained event)."""
        reply = await self.http.call(
            "GET",
            f"{self.base}/p2c/changeEvents",
            params={"channel": channel, "replayId": str(replay_id), "batchSize": str(batch_size)},
            correlation_id=correlation_id,
        )
        body = reply.body
        return ChangePage(list(body.get("events", [])), int(body.get("latestReplayId", replay_id)), bool(body["done"]))

    async def get(self, sobject: str, record_id: str, correlation_id: str) -> dict[str, Any] | None:
        """A record by id, or None when there is none."""
        try:
            reply = await self.http.call(
                "GET", f"{self.base}/sobjects/{sobject}/{record_id}", correlation_id=correlation_id
            )
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        record: dict[str, Any] = reply.body
        return record

    async def update(self, sobject: str, record_id: str, fields: dict[str, Any], correlation_id: str) -> None:
        """``PATCH sobjects/{type}/{id}`` (204): idempotent, setting the same values twice changes nothing."""
        await self.http.call(
            "PATCH",
            f"{self.base}/sobjects/{sobject}/{record_id}",
            json=fields,
            headers=self._write_headers,
            correlation_id=correlation_id,
        )

    async def create(self, sobject: str, fields: dict[str, Any], correlation_id: str) -> str:
        """``POST sobjects/{type}`` (201 ``{id, success, errors}``); not idempotent: look before creating."""
        reply = await self.http.call(
            "POST",
            f"{self.base}/sobjects/{sobject}",
            json=fields,
            headers=self._write_headers,
            correlation_id=correlation_id,
        )
        return str(reply.body["id"])

    async def query(self, soql: str, correlation_id: str) -> list[dict[str, Any]]:
        """Every record of a SOQL query (following ``nextRecordsUrl``)."""
        reply = await self.http.call("GET", f"{self.base}/query", params={"q": soql}, correlation_id=correlation_id)
        records: list[dict[str, Any]] = list(reply.body.get("records", []))
        while not reply.body.get("done", True) and reply.body.get("nextRecordsUrl"):
            reply = await self.http.call("GET", str(reply.body["nextRecordsUrl"]), correlation_id=correlation_id)
            records.extend(reply.body.get("records", []))
        return records

    async def account_by_erp_id(self, erp_customer_id: str, correlation_id: str) -> dict[str, Any] | None:
        """The Account whose ``ERP_Customer_Id__c`` is the ERP customer's external id, or None."""
        found = await self.query(
            "SELECT Id, Name, OwnerId FROM Account WHERE ERP_Customer_Id__c = " + soql_literal(erp_customer_id),
            correlation_id,
        )
        return found[0] if found else None

    async def open_task(self, what_id: str, subject: str, correlation_id: str) -> str | None:
        """The id of a Task with this subject on this record, if one was raised already."""
        found = await self.query(
            f"SELECT Id FROM Task WHERE WhatId = {soql_literal(what_id)} AND Subject = {soql_literal(subject)}",
            correlation_id,
        )
        return str(found[0]["Id"]) if found else None

    async def raise_task(self, fields: dict[str, Any], correlation_id: str) -> str:
        """Create a Task once: Tasks have no external id, so look for the same subject on the same record first."""
        existing = await self.open_task(str(fields["WhatId"]), str(fields["Subject"]), correlation_id)
        if existing is not None:
            return existing
        return await self.create("Task", fields, correlation_id)

    def record_path(self, sobject: str, record_id: str) -> str:
        """The REST path of a record (for links and evidence)."""
        return f"{self.base}/sobjects/{quote(sobject)}/{quote(record_id)}"
