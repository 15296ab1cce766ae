"""What every aggregate of the PSA store shares: tables, ids, lookups, default filters and the event feed.

Each aggregate (directory, stories, time, timesheets, billing, references) is a mixin over
:class:`StoreBase`; :class:`simulators.psa.models.PsaStore` combines them. Store methods are synchronous,
take time only from the simulated clock, and raise typed Kantata errors.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from simulators._core.runtime import StoreContext
from simulators.psa.entities import LABELS, RECORD_CLASSES, SUBJECT_TYPES, ExternalReference
from simulators.psa.exceptions import RecordNotFound, ValidationError
from simulators.psa.records import ListQuery, Page, select
from simulators.psa.settings import PsaSettings

R = TypeVar("R")
EXCLUDED_FROM_EVENTS = frozenset({"updated_at", "created_at", "timesheet_submission_id", "resolution_ids"})
"""Fields left out of event payloads: timestamps, and links that the other side's events carry."""


def cents(amount: Decimal) -> int:
    """Currency units -> integer cents, half up."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _wire_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


_PLANS: dict[type, list[tuple[str, str, str]]] = {}


def _plan(cls: type) -> list[tuple[str, str, str]]:
    """How each field of a record class goes into an event payload: (attribute, wire name, kind)."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = []
        for f in fields(cls):
            if f.name in EXCLUDED_FROM_EVENTS:
                continue
            if "Decimal" in str(f.type):
                plan.append((f.name, f"{f.name}_in_cents", "cents"))
            elif f.name == "id" or f.name.endswith("_id"):
                plan.append((f.name, f.name, "id"))
            elif f.name.endswith("_ids"):
                plan.append((f.name, f.name, "ids"))
            else:
                plan.append((f.name, f.name, "value"))
        _PLANS[cls] = plan
    return plan


def event_payload(record: Any) -> dict[str, Any]:
    """A record as an event's ``current_payload``: wire names (``*_in_cents``, string ids), no timestamps."""
    out: dict[str, Any] = {}
    for attr, name, kind in _plan(type(record)):
        value = getattr(record, attr)
        if value is None:
            out[name] = None
        elif kind == "cents":
            out[name] = cents(value)
        elif kind == "id":
            out[name] = str(value)
        elif kind == "ids":
            out[name] = [str(v) for v in value]
        else:
            out[name] = _wire_value(value)
    return out


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``payload_changes``: ``{field: [old, new]}`` for every field that differs."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def parse_id(ref: str | int) -> int | None:
    """A record id from the wire (``"17"`` or ``17``), or None when it is not one."""
    if isinstance(ref, int):
        return ref
    return int(ref) if ref.isdigit() else None


class StoreBase:
    """All records of one tenant, and the helpers every aggregate uses."""

    def __init__(self, ctx: StoreContext[PsaSettings]) -> None:
        self.ctx = ctx
        self.tables: dict[str, dict[int, Any]] = {name: {} for name in RECORD_CLASSES}
        self._ids: dict[str, Iterator[int]] = {}
        self._unsorted: set[str] = set()
        self.cache: dict[str, Any] = {}
        """Derived lookups (e.g. participations by workspace and user), dropped when their table changes."""

    # -- identity and lookups -------------------------------------------------------------------------------
    def settings(self) -> PsaSettings:
        """The live settings."""
        return self.ctx.settings()

    def now(self) -> datetime:
        """Simulated time."""
        return self.ctx.clock.now()

    def next_id(self, table: str) -> int:
        """The next free id of a table."""
        counter = self._ids.get(table)
        if counter is None:
            counter = self._ids[table] = itertools.count(max(self.tables[table], default=0) + 1)
        return next(counter)

    def get(self, table: str, ref: str | int) -> Any:
        """A record by id; 404 when there is none."""
        key = parse_id(ref)
        record = self.tables[table].get(key) if key is not None else None
        if record is None:
            raise RecordNotFound(f"Couldn't find {LABELS[table]} with 'id'={ref}")
        return record

    def insert(self, table: str, record: Any) -> Any:
        """Store a record with a freshly allocated id (``record.id`` is set)."""
        record.id = self.next_id(table)
        self.tables[table][record.id] = record
        self.cache.pop(table, None)
        return record

    def add(self, record: Any) -> Any:
        """Insert a fully built record; id 0 takes the next id (seeding and provider states)."""
        table = next(name for name, cls in RECORD_CLASSES.items() if type(record) is cls)
        rows = self.tables[table]
        if not record.id:
            record.id = self.next_id(table)
        elif record.id in rows:
            raise ValidationError(f"{LABELS[table]} {record.id} already exists", field="id")
        else:
            if rows and record.id < max(rows):
                self._unsorted.add(table)
            self._ids.pop(table, None)
        rows[record.id] = record
        self.cache.pop(table, None)
        return record

    def bulk_load(self, table: str, records: Iterable[Any]) -> int:
        """Insert records built with their ids, without events (loading a seeded world in bulk).

        Returns:
            How many records were loaded.
        """
        rows = self.tables[table]
        before = len(rows)
        if before:
            self._unsorted.add(table)
        rows.update((r.id, r) for r in records)
        self._ids.pop(table, None)
        self.cache.pop(table, None)
        return len(rows) - before

    def rows(self, table: str, only: frozenset[int] | None = None) -> list[Any]:
        """A table's records in id order; with ``only``, just those (looked up, not scanned)."""
        rows = self.tables[table]
        if table in self._unsorted:
            self.tables[table] = rows = {k: rows[k] for k in sorted(rows)}
            self._unsorted.discard(table)
        if only is not None:
            return [rows[i] for i in sorted(only) if i in rows]
        return list(rows.values())

    def page(self, table: str, query: ListQuery, keep: Callable[[Any], bool] | None = None) -> Page[Any]:
        """One page of a table: ``only``, then the endpoint's filters (``keep``), then order and paging."""
        rows: Iterable[Any] = self.rows(table, query.only)
        if keep is not None:
            rows = [r for r in rows if keep(r)]
        return select(rows, query, kind=RECORD_CLASSES[table], id_of=lambda r: r.id)

    def require(self, table: str, record_id: int | None, field: str) -> Any:
        """A referenced record, or a validation error on ``field`` (a body naming a missing record)."""
        record = self.tables[table].get(record_id) if record_id is not None else None
        if record is None:
            raise ValidationError(f"{LABELS[table]} {record_id} does not exist", field=field)
        return record

    # -- events ---------------------------------------------------------------------------------------------
    def emit(self, event_type: str, subject_type: str, record: Any, previous: Mapping[str, Any] | None = None) -> None:
        """Put an event about ``record`` on the feed; updates carry ``previous_payload`` and the changes.

        An update that changes nothing emits nothing. ``subject_changed_at`` may lag behind ``created_at``
        by up to ``event_max_lag_seconds`` (drawn from the tenant's seeded RNG).
        """
        if event_type.endswith(":deleted"):
            current, previous = {}, event_payload(record)
        else:
            current = event_payload(record)
        diff = changes(previous, current) if previous is not None and current else {}
        if previous is not None and current and not diff:
            return
        payload = {"current_payload": current, "previous_payload": previous, "payload_changes": diff}
        now = self.now()
        lag = self.settings().event_max_lag_seconds
        changed_at = now - timedelta(seconds=self.ctx.rng.uniform(0, lag)) if lag else now
        for event in self.ctx.events.emit(event_type, subject_type, str(record.id), payload):
            event.meta["subject_changed_at"] = changed_at

    def change(self, prefix: str, subject_type: str, record: Any, **values: Any) -> bool:
        """Set fields of a record; when anything changed, bump ``updated_at`` and emit ``{prefix}:updated``."""
        before = event_payload(record)
        for name, value in values.items():
            setattr(record, name, value)
        if event_payload(record) == before:
            return False
        if hasattr(record, "updated_at"):
            record.updated_at = self.now()
        self.emit(f"{prefix}:updated", subject_type, record, before)
        return True

    # -- external references --------------------------------------------------------------------------------
    def check_reference(self, data: Mapping[str, Any]) -> None:
        """Refuse an external reference without ``service_name``, ``service_model`` or ``service_model_ref``."""
        for name in ("service_name", "service_model", "service_model_ref"):
            if not str(data.get(name) or "").strip():
                raise ValidationError(f"{name.replace('_', ' ').capitalize()} can't be blank", field=name)
        if data.get("status") is not None and data["status"] not in ("pending", "successful", "failed"):
            raise ValidationError("Status must be one of pending, successful, failed", field="status")

    def upsert_reference(self, subject_type: str, subject_id: int, data: Mapping[str, Any]) -> ExternalReference:
        """Create or update the reference of ``service_name`` on one object (one per service and object).

        Raises:
            ValidationError: ``service_name``, ``service_model`` or ``service_model_ref`` is blank.
        """
        self.check_reference(data)
        now = self.now()
        for ref in self.references_of(subject_type, subject_id):
            if ref.service_name == data["service_name"]:
                for name, value in data.items():
                    if name != "service_name" and value is not None:
                        setattr(ref, name, value)
                ref.updated_at = ref.last_synced_at = now
                return ref
        ref = new_reference(subject_type, subject_id, str(data["service_name"]), data, now)
        return self.insert("external_references", ref)  # type: ignore[no-any-return]

    def references_of(self, subject_type: str, subject_id: int) -> list[ExternalReference]:
        """The external references on one object."""
        return [
            r
            for r in self.tables["external_references"].values()
            if r.subject_id == subject_id and r.subject_type == subject_type
        ]

    def reference_filter(self, subject_type: str, wanted: Mapping[str, Any]) -> Callable[[Any], bool] | None:
        """A predicate for Kantata's ``external_reference_*`` / ``has_external_references`` list filters.

        ``wanted`` maps an external-reference attribute (``service_name``, ``status``, ``external_status``,
        ``service_model``, ``service_model_ref``) to a value, plus ``has`` (bool) for
        ``has_external_references``; None values are ignored. None when nothing is asked.
        """
        asked = {k: v for k, v in wanted.items() if v is not None}
        if not asked:
            return None
        has = asked.pop("has", None)
        by_subject: dict[int, list[ExternalReference]] = {}
        for ref in self.tables["external_references"].values():
            if ref.subject_type == subject_type:
                by_subject.setdefault(ref.subject_id, []).append(ref)

        def keep(record: Any) -> bool:
            refs = by_subject.get(record.id, [])
            if has is not None and bool(refs) != has:
                return False
            if not asked:
                return True
            return any(all(str(getattr(r, k)) == str(v) for k, v in asked.items()) for r in refs)

        return keep


def subject_table(subject_type: str) -> str:
    """The table of an external-reference subject type, or a validation error."""
    table = SUBJECT_TYPES.get(subject_type)
    if table is None:
        raise ValidationError(f"Subject type {subject_type} is not supported", field="subject_type")
    return table


def new_reference(
    subject_type: str, subject_id: int, service_name: str, values: Mapping[str, Any], now: datetime
) -> ExternalReference:
    """A new external reference of ``service_name`` on one object (its id is allocated when it is inserted)."""
    return ExternalReference(
        id=0,
        subject_type=subject_type,
        subject_id=subject_id,
        service_name=service_name,
        service_model=str(values["service_model"]),
        service_model_ref=str(values["service_model_ref"]),
        created_at=now,
        updated_at=now,
        last_synced_at=now,
        status=values.get("status") or "pending",
        external_link=values.get("external_link"),
        external_status=values.get("external_status"),
        external_message=values.get("external_message"),
        locked=bool(values.get("locked") or False),
    )
