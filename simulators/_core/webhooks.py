"""Push delivery of a simulator's events to subscriber URLs (NetSuite-style user-event webhooks, pushed
Salesforce change events): signed with HMAC-SHA256, at least once, retried with seeded, jittered backoff.

Every attempt is recorded on the event (``GET /__admin/events`` shows ``deliveries``). Subscriber URLs
must point at an allowed host (loopback by default): a simulator never sends traffic off the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from simulators._core.events import Event, EventSettings

SIGNATURE_HEADER = "X-P2C-Signature"


class SubscriptionError(ValueError):
    """A subscription the simulator refuses (bad URL, host not allowed)."""


@dataclass(slots=True)
class Subscription:
    """A subscriber URL for some (or all) event types of a tenant."""

    id: str
    tenant: str
    url: str
    event_types: list[str] | None
    secret: str

    def wants(self, event: Event) -> bool:
        """Whether this subscription receives ``event``."""
        return self.event_types is None or event.type in self.event_types

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (the secret is not shown)."""
        return {"id": self.id, "tenant": self.tenant, "url": self.url, "event_types": self.event_types}


def sign(secret: str, body: bytes) -> str:
    """The signature header value: ``sha256=<hex HMAC of the body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def event_body(event: Event) -> bytes:
    """What a subscriber receives."""
    return orjson.dumps(
        {
            "id": str(event.id),
            "type": event.type,
            "subjectType": event.subject_type,
            "subjectId": event.subject_id,
            "createdAt": event.created_at.isoformat(),
            "payload": event.payload,
        }
    )


@dataclass(slots=True)
class WebhookDispatcher:
    """Subscriptions of one simulator and the task that delivers to them."""

    settings: Callable[[], EventSettings]
    clock: Callable[[], datetime]
    rng: random.Random
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _queue: asyncio.Queue[tuple[Subscription, Event]] | None = None
    _task: asyncio.Task[None] | None = None
    _pending: set[asyncio.Task[None]] = field(default_factory=set)

    def subscribe(self, tenant: str, url: str, event_types: list[str] | None, secret: str) -> Subscription:
        """Register a subscriber (refused unless its host is allowed)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SubscriptionError(f"not an http(s) URL: {url!r}")
        if parts.hostname not in self.settings().allowed_hosts:
            raise SubscriptionError(f"host {parts.hostname!r} is not allowed (events.allowed_hosts)")
        sub = Subscription(f"sub-{next(self._ids)}", tenant, url, event_types, secret)
        self.subscriptions[sub.id] = sub
        return sub

    def unsubscribe(self, sub_id: str) -> bool:
        """Remove a subscriber."""
        return self.subscriptions.pop(sub_id, None) is not None

    def on_emit(self, tenant: str) -> Callable[[list[Event]], None]:
        """The hook a tenant's EventLog calls with newly emitted events."""

        def enqueue(events: list[Event]) -> None:
            if not self.subscriptions:
                return  # the usual case: nobody subscribed
            targets = [s for s in self.subscriptions.values() if s.tenant == tenant]
            if not targets:
                return
            queue = self._ensure_running()
            if queue is None:
                return
            for event in events:
                for sub in targets:
                    if sub.wants(event):
                        queue.put_nowait((sub, event))

        return enqueue

    def _ensure_running(self) -> asyncio.Queue[tuple[Subscription, Event]] | None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None  # no event loop (a synchronous caller): nothing can be pushed from here
        if self._queue is None or self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._run(self._queue))
        return self._queue

    async def _run(self, queue: asyncio.Queue[tuple[Subscription, Event]]) -> None:
        async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
            while True:
                sub, event = await queue.get()
                task = asyncio.create_task(self._deliver(client, sub, event))
                self._pending.add(task)
                task.add_done_callback(self._pending.discard)

    async def _deliver(self, client: httpx.AsyncClient, sub: Subscription, event: Event) -> None:
        cfg = self.settings()
        body = event_body(event)
        if cfg.delivery_delay_ms:
            await asyncio.sleep(cfg.delivery_delay_ms / 1000)
        deliveries: list[dict[str, Any]] = event.meta.setdefault("deliveries", [])
        for attempt in range(1, cfg.max_attempts + 1):
            status: int | None = None
            error: str | None = None
            try:
                resp = await client.post(
                    sub.url,
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        SIGNATURE_HEADER: sign(sub.secret, body),
                        "X-P2C-Event-Id": str(event.id),
                        "X-P2C-Delivery-Attempt": str(attempt),
                    },
                )
                status = resp.status_code
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            deliveries.append(
                {
                    "subscription": sub.id,
                    "attempt": attempt,
                    "status": status,
                    "error": error,
                    "at": self.clock().isoformat(),
                }
            )
            if status is not None and status < 300:
                return
            backoff = cfg.retry_base_ms * 2 ** (attempt - 1) * (0.5 + self.rng.random())
            await asyncio.sleep(min(backoff, 60_000) / 1000)

    async def idle(self, timeout_s: float = 10.0) -> None:
        """Wait until everything queued has been delivered or given up (tests and shutdown)."""
        end = asyncio.get_running_loop().time() + timeout_s
        while asyncio.get_running_loop().time() < end:
            if (self._queue is None or self._queue.empty()) and not self._pending:
                return
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        """Stop delivering."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._pending):
            task.cancel()
