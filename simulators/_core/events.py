"""Emitted events and their delivery semantics (duplicates, reordering), shared by all simulators.

Each simulator emits its vendor's events here (a Kantata ``subscribed_events`` feed, Salesforce change
events, NetSuite webhooks); the control plane lists them with ``GET /__admin/events``. Duplicates are
separate events with their own id that repeat an earlier one (``duplicate_of``), as an at-least-once
feed produces them, so a consumer must de-duplicate on the business key, not only the event id.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventSettings(BaseModel):
    """Delivery semantics of a simulator's events."""

    model_config = ConfigDict(extra="forbid")

    duplicate_rate: float = Field(default=0.0, ge=0.0, le=1.0, description="Share of events delivered twice.")
    reorder_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of events placed before the event emitted just before."
    )
    delivery_delay_ms: float = Field(default=0, ge=0, le=60_000, description="Webhook push: wait before the first try.")
    max_attempts: int = Field(default=6, ge=1, le=50, description="Webhook push: tries per event and subscriber.")
    retry_base_ms: float = Field(default=200, ge=1, le=600_000, description="Webhook push: first retry backoff.")
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "::1"],
        description="Hosts webhook subscriptions may point at (loopback only by default).",
    )


@dataclass(slots=True)
class Event:
    """One emitted event."""

    id: int
    type: str
    subject_type: str
    subject_id: str
    payload: dict[str, Any]
    created_at: datetime
    duplicate_of: int | None = None
    reads: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the control plane."""
        return {
            "id": self.id,
            "type": self.type,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "payload": self.payload,
            "created_at": self.created_at.isoformat(),
            "duplicate_of": self.duplicate_of,
            "reads": self.reads,
            "deliveries": self.meta.get("deliveries", []),
        }


class EventLog:
    """The ordered list of a tenant's emitted events, with seeded duplication and reordering."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        settings: Callable[[], EventSettings],
        rng: random.Random,
        on_emit: Callable[[list[Event]], None] | None = None,
    ) -> None:
        self._clock = clock
        self._settings = settings
        self._rng = rng
        self._ids = itertools.count(1)
        self._events: list[Event] = []
        self._on_emit = on_emit

    def emit(self, type_: str, subject_type: str, subject_id: str, payload: dict[str, Any]) -> list[Event]:
        """Emit an event; returns what was appended (the event, then any duplicate)."""
        cfg = self._settings()
        event = Event(next(self._ids), type_, subject_type, subject_id, payload, self._clock())
        added = [event]
        if cfg.reorder_rate and self._events and self._rng.random() < cfg.reorder_rate:
            self._events.insert(len(self._events) - 1, event)
        else:
            self._events.append(event)
        if cfg.duplicate_rate and self._rng.random() < cfg.duplicate_rate:
            dup = Event(
                next(self._ids), type_, subject_type, subject_id, dict(payload), self._clock(), duplicate_of=event.id
            )
            self._events.append(dup)
            added.append(dup)
        if self._on_emit is not None:
            self._on_emit(added)
        return added

    def all(self) -> list[Event]:
        """Every event in delivery order."""
        return list(self._events)

    def snapshot(self) -> list[dict[str, Any]]:
        """JSON-ready events for ``/__admin/state``."""
        return [e.as_dict() for e in self._events]
