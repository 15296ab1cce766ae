"""One HTTP layer for every vendor client: correlation ids, timeouts and error classification.

Errors are classified by each vendor's own shapes: NetSuite and Kantata throttle with 429, Salesforce
with 403 ``REQUEST_LIMIT_EXCEEDED``; a connection reset or an empty reply is transient; other 4xx are
permanent business errors carrying the vendor's code and message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson


class VendorCallError(Exception):
    """A failed vendor call."""

    def __init__(self, message: str, *, status: int = 0, code: str = "", retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.retry_after_s = retry_after_s


class TransientError(VendorCallError):
    """Worth retrying: transport failure, throttle, 5xx."""


class PermanentError(VendorCallError):
    """Not worth retrying as is: the vendor refused the request (4xx business or validation error)."""


@dataclass(slots=True)
class Reply:
    """A successful vendor reply."""

    status: int
    headers: Mapping[str, str]
    body: Any


def _error_text(body: Any) -> tuple[str, str]:
    """(code, message) from any of the three vendor envelopes."""
    if isinstance(body, list) and body and isinstance(body[0], dict):  # Salesforce
        return str(body[0].get("errorCode", "")), str(body[0].get("message", ""))
    if isinstance(body, dict):
        details = body.get("o:errorDetails")  # NetSuite
        if isinstance(details, list) and details:
            return str(details[0].get("o:errorCode", "")), str(details[0].get("detail", ""))
        errors = body.get("errors")  # Kantata
        if isinstance(errors, list) and errors:
            return str(errors[0].get("type", "")), str(errors[0].get("message", ""))
    return "", str(body)[:300]


class VendorHttp:
    """An aiohttp session bound to one vendor's base URL and token."""

    def __init__(self, base_url: str, token: str, *, timeout_s: float, concurrency: int) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(concurrency)
        """Calls in flight (waiting here is cheaper than in the connection pool's queue)."""

    async def _ensure(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._concurrency), timeout=self._timeout
            )
        return self._session

    async def close(self) -> None:
        """Close the session."""
        if self._session is not None:
            await self._session.close()

    async def call(
        self,
        method: str,
        path: str,
        *,
        correlation_id: str,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Make one call; raise :class:`TransientError` or :class:`PermanentError` on failure."""
        session = await self._ensure()
        sent = {
            "Authorization": f"Bearer {self._token}",
            "X-Correlation-ID": correlation_id,
            "Accept": "application/json",
            **(headers or {}),
        }
        data = None
        if json is not None:  # serialised here, once, as bytes (cheaper than the session's JSON payload)
            data = orjson.dumps(json)
            sent.setdefault("Content-Type", "application/json")
        try:
            async with (
                self._slots,
                session.request(method, self._base + path, data=data, params=params, headers=sent) as resp,
            ):
                raw = await resp.read()
                status, resp_headers = resp.status, dict(resp.headers)
        except (TimeoutError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            raise TransientError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        try:
            body = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        if status < 300:
            return Reply(status, resp_headers, body)
        code, message = _error_text(body)
        detail = f"{method} {path} -> {status} {code}: {message}"
        if status == 429 or status >= 500 or (status == 403 and code == "REQUEST_LIMIT_EXCEEDED"):
            retry_after = resp_headers.get("Retry-After")
            raise TransientError(
                detail, status=status, code=code, retry_after_s=float(retry_after) if retry_after else None
            )
        raise PermanentError(detail, status=status, code=code)
