"""Durable state of the CRM- and ERP-driven flows (tables ``flow_*`` in the orchestrator's SQLite file).

A flow is a work item keyed by its business identity (``crm:opportunity:<id>``, ``psa:milestone:<id>``,
``erp:event:<id>``), so a duplicated or replayed event never starts a second one. An item records the
last step it finished and what that step produced (``progress``): a crash, a retry or a replay continues
where it stopped, and every step is itself idempotent by external id. States:

- ``pending``: due to run; ``paused``: a step failed transiently (the error and step are visible, the item
  resumes at ``next_attempt_at``); ``held``: the ERP refused an invoice for a customer on credit hold (it
  runs again when the hold is released); ``dead``: a business refusal, dead-lettered with a reason code
  until replayed; ``skipped``: nothing to do (yet), re-armed by a later event; ``done``.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from harness.orchestrator.sqlite import connect, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS flow_inbox (
    event_id TEXT PRIMARY KEY, source TEXT NOT NULL, event_type TEXT NOT NULL, subject_id TEXT NOT NULL,
    received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS flow_work (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE, payload BLOB NOT NULL,
    progress BLOB NOT NULL, step TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL, last_error TEXT, held_for TEXT,
    correlation_id TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS flow_work_due ON flow_work (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS flow_dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT, work_id INTEGER NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL,
    created_at REAL NOT NULL, replayed_at REAL
);
CREATE TABLE IF NOT EXISTS flow_cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flow_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, correlation_id TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL,
    at REAL NOT NULL
);
"""
STATES = ("pending", "paused", "held", "dead", "skipped", "done")


@dataclass(slots=True)
class Flow:
    """One flow instance: its trigger (``payload``) and what its finished steps produced (``progress``)."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    progress: dict[str, Any]
    step: str
    attempts: int
    correlation_id: str


@dataclass(slots=True)
class NewFlow:
    """A flow to start."""

    kind: str
    key: str
    payload: dict[str, Any]
    correlation_id: str


class FlowStore:
    """Synchronous SQLite access (short calls made from the event loop), its own connection to the shared file."""

    def __init__(self, path: Path) -> None:
        self._db = connect(path)
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db)

    def _audit(self, db: sqlite3.Connection, correlation_id: str, action: str, detail: str) -> None:
        db.execute(
            "INSERT INTO flow_audit (correlation_id, action, detail, at) VALUES (?, ?, ?, ?)",
            (correlation_id, action, detail[:1000], time.time()),
        )

    # -- intake -----------------------------------------------------------------------------------------------
    def accept(self, source: str, event_id: str, event_type: str, subject_id: str, flows: list[NewFlow]) -> bool:
        """Record an event once and start its flows (a flow whose key exists is not started again, but a
        ``skipped`` one is re-armed). True if the event is new."""
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO flow_inbox VALUES (?, ?, ?, ?, ?)",
                (f"{source}:{event_id}", source, event_type, subject_id, now),
            )
            if cur.rowcount == 0:
                return False
            for flow in flows:
                db.execute(
                    "INSERT INTO flow_work (kind, key, payload, progress, next_attempt_at, correlation_id, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET state='pending',"
                    " payload=excluded.payload, next_attempt_at=excluded.next_attempt_at WHERE state='skipped'",
                    (flow.kind, flow.key, orjson.dumps(flow.payload), b"{}", now, flow.correlation_id, now, now),
                )
            self._audit(db, flows[0].correlation_id if flows else "-", f"event:{event_type}", f"{source}:{event_id}")
        return True

    def due(self, limit: int) -> list[Flow]:
        """Pending and paused flows whose next attempt is due, oldest first."""
        rows = self._db.execute(
            "SELECT id, kind, key, payload, progress, step, attempts, correlation_id FROM flow_work "
            "WHERE state IN ('pending', 'paused') AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (time.time(), limit),
        ).fetchall()
        return [Flow(r[0], r[1], r[2], orjson.loads(r[3]), orjson.loads(r[4]), r[5], r[6], r[7]) for r in rows]

    # -- progress ---------------------------------------------------------------------------------------------
    def advance(self, flow: Flow, step: str, **produced: Any) -> None:
        """Record that ``step`` finished and what it produced (a resume starts after it)."""
        flow.progress.update(produced)
        flow.step = step
        now = time.time()
        with self._tx() as db:
            db.execute(
                "UPDATE flow_work SET step=?, progress=?, updated_at=? WHERE id=?",
                (step, orjson.dumps(flow.progress), now, flow.id),
            )
            self._audit(db, flow.correlation_id, f"{flow.kind}:{step}", orjson.dumps(produced).decode())

    def finish(self, flow: Flow, state: str = "done", note: str = "") -> None:
        """Mark a flow ``done`` (or ``skipped``)."""
        with self._tx() as db:
            db.execute(
                "UPDATE flow_work SET state=?, last_error=NULL, held_for=NULL, updated_at=? WHERE id=?",
                (state, time.time(), flow.id),
            )
            self._audit(db, flow.correlation_id, f"{flow.kind}:{state}", note or flow.key)

    def pause(self, flow: Flow, delay_s: float, error: str) -> None:
        """A transient failure: count the attempt, show the error, resume after ``delay_s``."""
        now = time.time()
        with self._tx() as db:
            db.execute(
                "UPDATE flow_work SET state='paused', attempts=attempts+1, next_attempt_at=?, last_error=?,"
                " updated_at=? WHERE id=?",
                (now + delay_s, error[:2000], now, flow.id),
            )
            self._audit(db, flow.correlation_id, f"{flow.kind}:paused", f"after {flow.step or 'start'}: {error}")

    def hold(self, flow: Flow, customer: str, error: str) -> None:
        """The ERP refused because ``customer`` is on credit hold: wait for the release."""
        with self._tx() as db:
            db.execute(
                "UPDATE flow_work SET state='held', held_for=?, last_error=?, updated_at=? WHERE id=?",
                (customer, error[:2000], time.time(), flow.id),
            )
            self._audit(db, flow.correlation_id, f"{flow.kind}:held", f"customer {customer}: {error}")

    def release(self, customer: str) -> int:
        """Make every flow held for ``customer`` due again; returns how many."""
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "UPDATE flow_work SET state='pending', held_for=NULL, next_attempt_at=?, updated_at=? "
                "WHERE state='held' AND held_for=?",
                (now, now, customer),
            )
            if cur.rowcount:
                self._audit(db, f"p2c-release-{customer}", "credit:released", f"{cur.rowcount} held flows")
            return cur.rowcount

    def held_customers(self) -> list[str]:
        """Customers some flow is waiting on (held for their credit hold)."""
        rows = self._db.execute("SELECT DISTINCT held_for FROM flow_work WHERE state='held' ORDER BY held_for")
        return [str(r[0]) for r in rows]

    def dead_letter(self, flow: Flow, reason: str, detail: str) -> None:
        """Park a flow with a business reason code until it is replayed."""
        now = time.time()
        with self._tx() as db:
            db.execute(
                "UPDATE flow_work SET state='dead', attempts=attempts+1, last_error=?, updated_at=? WHERE id=?",
                (detail[:2000], now, flow.id),
            )
            db.execute(
                "INSERT INTO flow_dead_letters (work_id, reason, detail, created_at) VALUES (?, ?, ?, ?)",
                (flow.id, reason, detail[:2000], now),
            )
            self._audit(db, flow.correlation_id, f"{flow.kind}:dead_letter", f"{reason}: {detail}")

    def replay(self, reason: str | None = None) -> int:
        """Put dead-lettered flows (optionally of one reason) back in the queue; they resume at their step."""
        now = time.time()
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, work_id FROM flow_dead_letters WHERE replayed_at IS NULL"
                + (" AND reason = ?" if reason else ""),
                (reason,) if reason else (),
            ).fetchall()
            for dl_id, work_id in rows:
                db.execute(
                    "UPDATE flow_work SET state='pending', attempts=0, next_attempt_at=? WHERE id=?", (now, work_id)
                )
                db.execute("UPDATE flow_dead_letters SET replayed_at=? WHERE id=?", (now, dl_id))
        return len(rows)

    # -- cursors ----------------------------------------------------------------------------------------------
    def cursor(self, name: str) -> str | None:
        """A stored cursor value."""
        row = self._db.execute("SELECT value FROM flow_cursors WHERE name=?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_cursor(self, name: str, value: str) -> None:
        """Store a cursor value."""
        self._db.execute("INSERT OR REPLACE INTO flow_cursors VALUES (?, ?)", (name, value))

    # -- views ------------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Flows per state, events received and open dead letters."""
        out = dict.fromkeys(STATES, 0)
        for state, n in self._db.execute("SELECT state, COUNT(*) FROM flow_work GROUP BY state"):
            out[state] = n
        out["events"] = self._db.execute("SELECT COUNT(*) FROM flow_inbox").fetchone()[0]
        out["dead_letters_open"] = self._db.execute(
            "SELECT COUNT(*) FROM flow_dead_letters WHERE replayed_at IS NULL"
        ).fetchone()[0]
        return out

    def exceptions(self) -> list[dict[str, Any]]:
        """Flows that need attention: paused, held or dead, with the step they stopped after and why."""
        rows = self._db.execute(
            "SELECT id, kind, key, state, step, attempts, last_error, held_for, correlation_id FROM flow_work "
            "WHERE state IN ('paused', 'held', 'dead') ORDER BY id"
        ).fetchall()
        keys = ("id", "kind", "key", "state", "step", "attempts", "last_error", "held_for", "correlation_id")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def flows(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every flow (optionally of one kind) with its state and progress."""
        rows = self._db.execute(
            "SELECT id, kind, key, state, step, attempts, progress, correlation_id FROM flow_work"
            + (" WHERE kind = ?" if kind else "")
            + " ORDER BY id",
            (kind,) if kind else (),
        ).fetchall()
        keys = ("id", "kind", "key", "state", "step", "attempts", "progress", "correlation_id")
        return [dict(zip(keys, (*r[:6], orjson.loads(r[6]), r[7]), strict=True)) for r in rows]

    def dead_letters(self, reason: str | None = None) -> list[dict[str, Any]]:
        """Open dead letters with their flow."""
        rows = self._db.execute(
            "SELECT d.id, d.reason, d.detail, d.created_at, w.kind, w.key, w.step, w.correlation_id "
            "FROM flow_dead_letters d JOIN flow_work w ON w.id = d.work_id WHERE d.replayed_at IS NULL"
            + (" AND d.reason = ?" if reason else "")
            + " ORDER BY d.id",
            (reason,) if reason else (),
        ).fetchall()
        keys = ("id", "reason", "detail", "created_at", "kind", "key", "step", "correlation_id")
        return [dict(zip(keys, r, strict=True)) for r in rows]
