"""Write a world as JSON Lines, one file per system and object (``crm/accounts.jsonl``, ``psa/time_entries.jsonl``).

Lines are written in id order with sorted keys, so the same world always gives byte-identical files.
Time entries are formatted straight from the timesheet columns (no record objects).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from simulators.datagen.calendar import from_day_number
from simulators.datagen.timesheets import STATUS_NAMES
from simulators.datagen.world import World

Rows = Callable[[World], Iterable[dict[str, Any]]]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _records(rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    names: list[str] | None = None
    for r in rows:
        names = names or [f.name for f in fields(r)]
        yield {k: _plain(getattr(r, k)) for k in names}


def _accounts(w: World) -> Iterator[dict[str, Any]]:
    for c in _records(w.customers):
        mapped = c["defect"] != "unmapped"
        yield {**c, "erp_customer_id": c["key"] if mapped else None}


def _stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def time_entry_lines(w: World) -> Iterator[bytes]:
    """The closing month's time entries as JSON lines (formatted from the columns)."""
    t = w.timesheets
    days = {n: from_day_number(n).isoformat() for n in np.unique(t.day).tolist()}
    notes = [orjson.dumps(n).decode() for n in t.notes]
    columns = zip(
        t.user.tolist(),
        t.workspace.tolist(),
        t.assignment.tolist(),
        t.story.tolist(),
        t.day.tolist(),
        t.minutes.tolist(),
        t.billable.tolist(),
        t.rate_cents.tolist(),
        t.submission.tolist(),
        t.approved.tolist(),
        t.note.tolist(),
        strict=True,
    )
    for i, (user, ws, asg, story, day, minutes, billable, rate, sub, approved, note) in enumerate(columns, 1):
        yield (
            f'{{"approved":{"true" if approved else "false"},"billable":{"true" if billable else "false"},'
            f'"date_performed":"{days[day]}","id":{i},"notes":{notes[note]},"participation_id":{asg},'
            f'"rate_in_cents":{rate},"story_id":{story or "null"},"time_in_minutes":{minutes},'
            f'"timesheet_submission_id":{sub or "null"},"user_id":{user},"workspace_id":{ws}}}\n'
        ).encode()


def _submissions(w: World) -> Iterator[dict[str, Any]]:
    t = w.timesheets
    for j in range(len(t.sub_user)):
        first, stop = int(t.sub_first[j]), int(t.sub_stop[j])
        resolved = int(t.sub_resolved[j])
        yield {
            "id": j + 1,
            "user_id": int(t.sub_user[j]),
            "workspace_id": int(t.sub_workspace[j]),
            "status": STATUS_NAMES[int(t.sub_status[j])],
            "submitted_at": _stamp(int(t.sub_submitted[j])),
            "resolved_at": _stamp(resolved) if resolved else None,
            "time_entry_ids": [first + 1, stop] if stop > first else [],
        }


FILES: dict[str, Rows] = {
    "crm/accounts": _accounts,
    "crm/contacts": lambda w: _records(w.contacts),
    "crm/opportunities": lambda w: _records(w.opportunities),
    "psa/users": lambda w: _records(w.consultants),
    "psa/workspaces": lambda w: _records(w.projects),
    "psa/stories": lambda w: _records(w.tasks),
    "psa/participations": lambda w: _records(w.assignments),
    "psa/timesheet_submissions": _submissions,
    "psa/expenses": lambda w: _records(w.expenses),
    "erp/subsidiaries": lambda w: _records(w.subsidiaries),
    "erp/customers": lambda w: _records(w.customers),
    "erp/employees": lambda w: ({**c, "external_id": f"psa-user-{c['psa_id']}"} for c in _records(w.consultants)),
    "erp/jobs": lambda w: ({**p, "external_id": f"psa-ws-{p['psa_id']}"} for p in _records(w.projects)),
    "erp/accounting_periods": lambda w: _records(w.periods),
    "erp/invoices": lambda w: _records(w.invoices),
    "erp/customer_payments": lambda w: _records(w.payments),
}
"""Every file but ``psa/time_entries`` (written from the columns), in the order they are written.
``timesheet_submissions`` give ``time_entry_ids`` as the first and last id of a contiguous range."""


def write_world(w: World, out: Path, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write every file of the world under ``out`` plus ``world.json`` (seed, profile, hash, counts).

    ``progress(name, lines)`` is called after each file. Returns the line count per file.
    """
    counts: dict[str, int] = {}
    names = [*FILES, "psa/time_entries"]
    for name in sorted(names):
        path = out / f"{name}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        n = 0
        with path.open("wb") as fh:
            if name == "psa/time_entries":
                for line in time_entry_lines(w):
                    fh.write(line)
                    n += 1
            else:
                for row in FILES[name](w):
                    fh.write(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) + b"\n")
                    n += 1
        counts[name] = n
        if progress is not None:
            progress(name, n)
    manifest = {"seed": w.seed, "profile": w.profile, "today": w.today.isoformat(), "world_hash": w.content_hash}
    (out / "world.json").write_bytes(orjson.dumps({**manifest, "files": counts}, option=orjson.OPT_SORT_KEYS))
    return counts
