"""The orchestrator's durable state in SQLite (WAL): inbox, work queue, postings, dead letters, audit.

Every state change that must survive a crash is one transaction: an item's children are enqueued in the
same transaction that completes it, and a posting is recorded in the same transaction that marks its
item done. A crash between the ERP's commit and ours re-runs the item, which the idempotent upsert
absorbs. The loop records the outcomes of a round of items (:meth:`Ledger.deferred`) and commits them
together, in one transaction, before it asks for due items again: a crash loses at most that round's
bookkeeping, never a posting, and an item is never run twice while it is running.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from harness.orchestrator.sqlite import connect, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    event_id TEXT PRIMARY KEY, source TEXT NOT NULL, event_type TEXT NOT NULL, subject_id TEXT NOT NULL,
    created_at TEXT NOT NULL, received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS work (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE, payload BLOB NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL,
    last_error TEXT, correlation_id TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS work_queue ON work (state, priority, id);
CREATE TABLE IF NOT EXISTS postings (
    source_key TEXT PRIMARY KEY, target TEXT NOT NULL, target_id TEXT NOT NULL, amount TEXT NOT NULL,
    correlation_id TEXT NOT NULL, posted_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT, work_id INTEGER NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL,
    created_at REAL NOT NULL, replayed_at REAL
);
CREATE TABLE IF NOT EXISTS refs (
    system TEXT NOT NULL, record_type TEXT NOT NULL, external_id TEXT NOT NULL, internal_id TEXT NOT NULL,
    PRIMARY KEY (system, record_type, external_id)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, correlation_id TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS holds (
    work_id INTEGER PRIMARY KEY, customer TEXT NOT NULL, reason TEXT NOT NULL, held_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS holds_customer ON holds (customer);
"""


@dataclass(slots=True)
class WorkItem:
    """A unit of work, keyed by its business identity (so a duplicate event never makes a second one)."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int
    correlation_id: str


@dataclass(slots=True)
class NewWork:
    """A work item to enqueue."""

    kind: str
    key: str
    payload: dict[str, Any]
    correlation_id: str
    priority: int = 0
    """Lower runs first: fresh events (0) go before a catch-up backlog (1)."""


Write = Callable[[sqlite3.Connection, float], None]
"""One outcome's statements, run in a transaction at a given time."""


class Ledger:
    """Synchronous SQLite access (each call is short; the event loop calls it directly)."""

    def __init__(self, path: Path) -> None:
        self._db = connect(path)
        self._deferred: list[Write] | None = None
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(work)")}
        if columns and "priority" not in columns:  # a ledger from before work priorities
            self._db.execute("ALTER TABLE work ADD COLUMN priority INTEGER NOT NULL DEFAULT 0")
        # The queue is read in (priority, id) order: an index in that order reads the first due rows without a
        # sort (the former index, on the due time, sorted every pending row on each read).
        self._db.execute("DROP INDEX IF EXISTS work_due")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db)

    def _write(self, write: Write) -> None:
        """Run an outcome in its own transaction, or keep it for the round's transaction (:meth:`deferred`)."""
        if self._deferred is not None:
            self._deferred.append(write)
            return
        with self._tx() as db:
            write(db, time.time())

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Within the block, item outcomes (complete, retry, dead letter, hold) wait; they commit at its end, together.

        The caller must not ask for due items inside the block: the items it is running are still pending.
        """
        if self._deferred is not None:  # already inside a round: its commit covers this block
            yield
            return
        self._deferred = []
        try:
            yield
        finally:
            writes, self._deferred = self._deferred, None
            if writes:
                with self._tx() as db:
                    now = time.time()
                    for write in writes:
                        write(db, now)

    # -- inbox and work ---------------------------------------------------------------------------------------
    def accept_event(self, source: str, event: dict[str, Any], work: NewWork | None) -> bool:
        """Record an event once; enqueue its work unless an item with that key exists. True if new."""
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO inbox VALUES (?, ?, ?, ?, ?, ?)",
                (
                    f"{source}:{event['id']}",
                    source,
                    event["event_type"],
                    str(event["subject_id"]),
                    str(event.get("created_at", "")),
                    now,
                ),
            )
            if cur.rowcount == 0:
                return False
            if work is not None:
                self._enqueue(db, work, now)
        return True

    @staticmethod
    def _enqueue(db: sqlite3.Connection, work: NewWork, now: float) -> None:
        db.execute(
            "INSERT INTO work (kind, key, payload, next_attempt_at, correlation_id, created_at, updated_at, priority)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET priority = excluded.priority"
            " WHERE work.priority > excluded.priority AND work.state = 'pending'",
            (work.kind, work.key, orjson.dumps(work.payload), now, work.correlation_id, now, now, work.priority),
        )

    def enqueue_many(self, works: Sequence[NewWork]) -> int:
        """Enqueue items in one transaction, skipping keys that exist; returns how many were new."""
        now = time.time()
        with self._tx() as db:
            before = db.total_changes
            for work in works:
                self._enqueue(db, work, now)
            return db.total_changes - before

    def due(self, limit: int) -> list[WorkItem]:
        """Pending items whose next attempt is due, by priority, then oldest first."""
        rows = self._db.execute(
            "SELECT id, kind, key, payload, attempts, correlation_id FROM work "
            "WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY priority, id LIMIT ?",
            (time.time(), limit),
        ).fetchall()
        return [WorkItem(r[0], r[1], r[2], orjson.loads(r[3]), r[4], r[5]) for r in rows]

    def complete(
        self, item: WorkItem, children: Sequence[NewWork] = (), posting: tuple[str, str, str] | None = None
    ) -> None:
        """Mark done, enqueue children and record a posting (target, target_id, amount), atomically."""

        def write(db: sqlite3.Connection, now: float) -> None:
            db.execute("UPDATE work SET state='done', updated_at=?, last_error=NULL WHERE id=?", (now, item.id))
            for child in children:
                self._enqueue(db, child, now)
            if posting is not None:
                target, target_id, amount = posting
                db.execute(
                    "INSERT INTO postings VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(source_key) DO UPDATE SET "
                    "target_id=excluded.target_id, amount=excluded.amount, posted_at=excluded.posted_at",
                    (item.key, target, target_id, amount, item.correlation_id, now),
                )
            db.execute(
                "INSERT INTO audit (correlation_id, action, detail, at) VALUES (?, ?, ?, ?)",
                (item.correlation_id, f"{item.kind}:done", item.key, now),
            )

        self._write(write)

    def retry_later(self, item: WorkItem, delay_s: float, error: str) -> None:
        """Count an attempt and schedule the next one."""

        def write(db: sqlite3.Connection, now: float) -> None:
            db.execute(
                "UPDATE work SET attempts=attempts+1, next_attempt_at=?, last_error=?, updated_at=? WHERE id=?",
                (now + delay_s, error[:2000], now, item.id),
            )

        self._write(write)

    def dead_letter(self, item: WorkItem, reason: str, detail: str) -> None:
        """Park an item with a business reason code until it is replayed."""

        def write(db: sqlite3.Connection, now: float) -> None:
            db.execute(
                "UPDATE work SET state='dead', attempts=attempts+1, last_error=?, updated_at=? WHERE id=?",
                (detail[:2000], now, item.id),
            )
            db.execute(
                "INSERT INTO dead_letters (work_id, reason, detail, created_at) VALUES (?, ?, ?, ?)",
                (item.id, reason, detail[:2000], now),
            )
            db.execute(
                "INSERT INTO audit (correlation_id, action, detail, at) VALUES (?, ?, ?, ?)",
                (item.correlation_id, f"{item.kind}:dead_letter", f"{reason}: {detail[:500]}", now),
            )

        self._write(write)

    def hold(self, item: WorkItem, customer_external_id: str, reason: str) -> None:
        """Park an item while its customer is on credit hold (a held state, not a dead letter)."""

        def write(db: sqlite3.Connection, now: float) -> None:
            db.execute(
                "UPDATE work SET state='held', last_error=?, updated_at=? WHERE id=?", (reason[:2000], now, item.id)
            )
            db.execute(
                "INSERT OR REPLACE INTO holds VALUES (?, ?, ?, ?)", (item.id, customer_external_id, reason[:500], now)
            )
            db.execute(
                "INSERT INTO audit (correlation_id, action, detail, at) VALUES (?, ?, ?, ?)",
                (item.correlation_id, f"{item.kind}:held", f"{customer_external_id}: {reason[:500]}", now),
            )

        self._write(write)

    def release_holds(self, customer_external_id: str) -> int:
        """Put every item held for this customer back in the queue, due now; returns how many."""
        now = time.time()
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT work_id FROM holds WHERE customer=?", (customer_external_id,))]
            for work_id in ids:
                db.execute(
                    "UPDATE work SET state='pending', next_attempt_at=?, updated_at=? WHERE id=? AND state='held'",
                    (now, now, work_id),
                )
            db.execute("DELETE FROM holds WHERE customer=?", (customer_external_id,))
            if ids:
                db.execute(
                    "INSERT INTO audit (correlation_id, action, detail, at) VALUES (?, ?, ?, ?)",
                    (f"p2c-release-{customer_external_id}", "credit_hold:released", f"{len(ids)} items", now),
                )
        return len(ids)

    def held_customers(self) -> list[str]:
        """Customers (external ids) with held items."""
        return [r[0] for r in self._db.execute("SELECT DISTINCT customer FROM holds ORDER BY customer")]

    def replay(self, reason: str | None = None) -> int:
        """Put dead-lettered items (optionally of one reason) back in the queue; returns how many."""
        now = time.time()
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, work_id FROM dead_letters WHERE replayed_at IS NULL"
                + (" AND reason = ?" if reason else ""),
                (reason,) if reason else (),
            ).fetchall()
            for dl_id, work_id in rows:
                db.execute(
                    "UPDATE work SET state='pending', attempts=0, next_attempt_at=? WHERE id=?",
                    (now, work_id),
                )
                db.execute("UPDATE dead_letters SET replayed_at=? WHERE id=?", (now, dl_id))
        return len(rows)

    # -- reference cache and cursors --------------------------------------------------------------------------
    def ref(self, system: str, record_type: str, external_id: str) -> str | None:
        """A cached internal id."""
        row = self._db.execute(
            "SELECT internal_id FROM refs WHERE system=? AND record_type=? AND external_id=?",
            (system, record_type, external_id),
        ).fetchone()
        return str(row[0]) if row else None

    def remember_ref(self, system: str, record_type: str, external_id: str, internal_id: str) -> None:
        """Cache an internal id."""
        self._db.execute(
            "INSERT OR REPLACE INTO refs VALUES (?, ?, ?, ?)", (system, record_type, external_id, internal_id)
        )

    def cursor(self, name: str) -> str | None:
        """A stored cursor value."""
        row = self._db.execute("SELECT value FROM cursors WHERE name=?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_cursor(self, name: str, value: str) -> None:
        """Store a cursor value."""
        self._db.execute("INSERT OR REPLACE INTO cursors VALUES (?, ?)", (name, value))

    # -- views ------------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Items per state, postings, dead letters, events."""
        out = {state: 0 for state in ("pending", "done", "dead", "held")}
        for state, n in self._db.execute("SELECT state, COUNT(*) FROM work GROUP BY state"):
            out[state] = n
        out["postings"] = self._db.execute("SELECT COUNT(*) FROM postings").fetchone()[0]
        out["events"] = self._db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
        out["dead_letters_open"] = self._db.execute(
            "SELECT COUNT(*) FROM dead_letters WHERE replayed_at IS NULL"
        ).fetchone()[0]
        return out

    def dead_letters(self, reason: str | None = None) -> list[dict[str, Any]]:
        """Open dead letters with their work item."""
        rows = self._db.execute(
            "SELECT d.id, d.reason, d.detail, d.created_at, w.kind, w.key, w.correlation_id FROM dead_letters d "
            "JOIN work w ON w.id = d.work_id WHERE d.replayed_at IS NULL"
            + (" AND d.reason = ?" if reason else "")
            + " ORDER BY d.id",
            (reason,) if reason else (),
        ).fetchall()
        keys = ("id", "reason", "detail", "created_at", "kind", "key", "correlation_id")
        return [dict(zip(keys, r, strict=True)) for r in rows]
