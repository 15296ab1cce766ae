"""The request journal: every vendor-API request a simulator saw, with the fault that fired on it."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple


class FaultFiring(NamedTuple):
    """Which fault rule fired on a request, and how."""

    rule_id: str
    kind: str
    phase: str


class JournalEntry(NamedTuple):
    """One request as the simulator saw it (kept raw on the hot path, formatted when read).

    The journal stores it as a plain tuple of atomic values, which CPython's cyclic GC stops tracking: a
    journal of 100,000 entries then costs nothing per collection (kept as objects, they made every request
    ~20% more expensive). Reads rebuild the named view.
    """

    id: int
    at: datetime
    method: str
    path: str
    query: bytes
    status: int
    tenant: str
    correlation_id: str | None
    duration_s: float
    fault: FaultFiring | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``/__admin/requests``."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "method": self.method,
            "path": self.path,
            "query": self.query.decode("latin-1"),
            "status": self.status,
            "tenant": self.tenant,
            "correlation_id": self.correlation_id,
            "duration_ms": round(self.duration_s * 1000, 3),
            "fault": self.fault._asdict() if self.fault is not None else None,
        }


class Journal:
    """A bounded, in-memory journal of requests, numbered from 1 in arrival order."""

    def __init__(self, limit: int = 100_000) -> None:
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=limit)
        self.push = self._entries.append
        """The middleware's hot path: append a raw entry (:class:`JournalEntry`'s fields, the fault as ``None``
        or a ``(rule_id, kind, phase)`` tuple), then add one to ``total``."""
        self.ids = itertools.count(1)
        """Entry ids, reserved when a request arrives: ``next(journal.ids)``."""
        self.total = 0

    def record(self, entry: JournalEntry) -> None:
        """Append a finished request (stored as a plain tuple, untracked by the GC; the middleware's hot path
        pushes the same raw tuple itself)."""
        fault = entry.fault
        self._entries.append((*entry[:-1], tuple(fault) if fault is not None else None))
        self.total += 1

    @staticmethod
    def _view(raw: tuple[Any, ...]) -> JournalEntry:
        fault = raw[-1]
        return JournalEntry._make((*raw[:-1], FaultFiring._make(fault) if fault is not None else None))

    def entries(
        self,
        *,
        since_id: int = 0,
        method: str | None = None,
        path_prefix: str | None = None,
        faulted: bool | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        """Entries after ``since_id`` that match the filters, oldest first."""
        selected: Iterator[JournalEntry] = (self._view(raw) for raw in self._entries if raw[0] > since_id)
        if method:
            selected = (e for e in selected if e.method == method.upper())
        if path_prefix:
            selected = (e for e in selected if e.path.startswith(path_prefix))
        if faulted is not None:
            selected = (e for e in selected if (e.fault is not None) is faulted)
        out = list(selected)
        return out[-limit:] if limit else out

    def clear(self) -> None:
        """Forget every entry (ids keep increasing, so pollers never see an id twice)."""
        self._entries.clear()
        self.total = 0
