"""PSA domain: Kantata OX's records and rules, one store per tenant, one mixin per aggregate.

Synchronous and free of FastAPI; time comes only from the simulated clock, events go to the tenant's core
:class:`~simulators._core.events.EventLog` (the ``subscribed_events`` feed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from pydantic import TypeAdapter

from simulators._core.heap import freeze_startup_heap
from simulators._core.snapshot import jsonable
from simulators.datagen import World
from simulators.psa.entities import RECORD_CLASSES
from simulators.psa.exceptions import ValidationError
from simulators.psa.models.billing import BillingStore, entry_amount, expense_eligible
from simulators.psa.models.references import ReferenceStore
from simulators.psa.models.stories import StoryStore
from simulators.psa.models.time import LOCKED_MESSAGE, SUBMITTED_MESSAGE, TimeEntryInput, entry_eligible

__all__ = [
    "LOCKED_MESSAGE",
    "SUBMITTED_MESSAGE",
    "PsaStore",
    "TimeEntryInput",
    "entry_amount",
    "entry_eligible",
    "expense_eligible",
]

_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {
    name: TypeAdapter(list[cls])  # type: ignore[valid-type]
    for name, cls in RECORD_CLASSES.items()
}


class PsaStore(BillingStore, StoryStore, ReferenceStore):
    """All records of one tenant, with Kantata's staffing, approval and billing rules."""

    def load_world(self, world: World) -> None:
        """Load the PSA's share of a world: roles, rate cards, users, workspaces and participations."""
        from simulators.psa.factories import load_world

        load_world(self, world)
        freeze_startup_heap()

    def snapshot(self) -> dict[str, Any]:
        """Every record, per type, in id order, JSON-ready."""
        return {name: [jsonable(asdict(r)) for r in self.rows(name)] for name in RECORD_CLASSES}

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace every record with those of a snapshot (types it lacks become empty)."""
        tables: dict[str, dict[int, Any]] = {name: {} for name in RECORD_CLASSES}
        for name, rows in snapshot.items():
            if name not in RECORD_CLASSES:
                raise ValidationError(f"Unknown record type in snapshot: {name}")
            for rec in _ADAPTERS[name].validate_python(rows):
                tables[name][rec.id] = rec
        self.tables = {name: {k: rows[k] for k in sorted(rows)} for name, rows in tables.items()}
        self._ids.clear()
        self._unsorted.clear()
        self.cache.clear()
