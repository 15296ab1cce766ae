"""PSA domain: the timesheet approval rules and one store method per operation.

Synchronous and free of FastAPI; time comes only from the simulated clock, events go to the tenant's
core :class:`~simulators._core.events.EventLog` (the ``subscribed_events`` feed).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from simulators._core.events import Event
from simulators._core.runtime import StoreContext
from simulators._core.snapshot import jsonable
from simulators.datagen import World
from simulators.psa.exceptions import (
    NotParticipant,
    RecordNotFound,
    SubmissionConflict,
    TimeEntryLocked,
    ValidationError,
)
from simulators.psa.records import (
    ListQuery,
    Page,
    Participation,
    SubmissionStatus,
    TimeEntry,
    TimesheetSubmission,
    User,
    Workspace,
    select,
)
from simulators.psa.settings import PsaSettings

RECORD_CLASSES: dict[str, type[Any]] = {
    "users": User,
    "workspaces": Workspace,
    "participations": Participation,
    "time_entries": TimeEntry,
    "timesheet_submissions": TimesheetSubmission,
}
_LABELS = {
    "users": "User",
    "workspaces": "Workspace",
    "participations": "Participation",
    "time_entries": "TimeEntry",
    "timesheet_submissions": "TimesheetSubmission",
}
_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {
    name: TypeAdapter(list[cls])  # type: ignore[valid-type]
    for name, cls in RECORD_CLASSES.items()
}
ENTRY_ALIASES = {"rate_in_cents": "rate"}
LOCKED_MESSAGE = "Time entry is locked because it has been approved"
UPDATABLE = frozenset(
    {"workspace_id", "user_id", "date_performed", "time_in_minutes", "billable", "notes", "rate", "story_id"}
)


@dataclass(slots=True)
class TimeEntryInput:
    """Validated fields of one time entry to create (``rate`` None: the participation's rate)."""

    workspace_id: int
    user_id: int
    date_performed: date
    time_in_minutes: int
    billable: bool = True
    notes: str | None = None
    rate: Decimal | None = None
    story_id: int | None = None


def _by_id(table: Mapping[int, Any]) -> list[Any]:
    return [table[i] for i in sorted(table)]


@dataclass(slots=True)
class PsaStore:
    """All records of one tenant, with Kantata's time-approval rules."""

    ctx: StoreContext[PsaSettings]
    tables: dict[str, dict[int, Any]] = field(default_factory=lambda: {name: {} for name in RECORD_CLASSES})
    _ids: dict[str, Iterator[int]] = field(default_factory=dict)

    # -- identity -------------------------------------------------------------------------------------------
    def _next_id(self, table: str) -> int:
        counter = self._ids.get(table)
        if counter is None:
            counter = self._ids[table] = itertools.count(max(self.tables[table], default=0) + 1)
        return next(counter)

    def get(self, table: str, ref: str | int) -> Any:
        """A record by id (``"17"`` or ``17``); 404 when there is none."""
        key = ref if isinstance(ref, int) else int(ref) if str(ref).isdigit() else None
        record = self.tables[table].get(key) if key is not None else None
        if record is None:
            raise RecordNotFound(f"Couldn't find {_LABELS[table]} with 'id'={ref}")
        return record

    def add(self, record: Any) -> Any:
        """Insert a fully built record; id 0 takes the next id (seeding and provider states)."""
        table = next(name for name, cls in RECORD_CLASSES.items() if isinstance(record, cls))
        if not record.id:
            record.id = self._next_id(table)
        elif record.id in self.tables[table]:
            raise ValidationError(f"{_LABELS[table]} {record.id} already exists", field="id")
        else:
            self._ids.pop(table, None)
        self.tables[table][record.id] = record
        return record

    def _emit(self, type_: str, subject_type: str, subject_id: int, payload: dict[str, Any]) -> None:
        self.ctx.events.emit(type_, subject_type, str(subject_id), payload)

    # -- directory ------------------------------------------------------------------------------------------
    def list_users(self, query: ListQuery) -> Page[User]:
        """Users in id order (or ``order``)."""
        return select(_by_id(self.tables["users"]), query, kind=User, id_of=lambda u: u.id)

    def list_workspaces(self, query: ListQuery) -> Page[Workspace]:
        """Workspaces in id order (or ``order``)."""
        return select(_by_id(self.tables["workspaces"]), query, kind=Workspace, id_of=lambda w: w.id)

    def list_participations(
        self, query: ListQuery, workspace_id: int | None = None, user_id: int | None = None
    ) -> Page[Participation]:
        """Participations, optionally of one workspace or one user."""
        rows = [
            p
            for p in _by_id(self.tables["participations"])
            if (workspace_id is None or p.workspace_id == workspace_id) and (user_id is None or p.user_id == user_id)
        ]
        return select(rows, query, kind=Participation, id_of=lambda p: p.id, aliases={"rate_in_cents": "rate"})

    def participation_for(self, workspace_id: int, user_id: int) -> Participation | None:
        """The user's participation in the workspace, if any."""
        for p in self.tables["participations"].values():
            if p.workspace_id == workspace_id and p.user_id == user_id:
                return p  # type: ignore[no-any-return]
        return None

    # -- time entries ---------------------------------------------------------------------------------------
    def _participation(self, workspace_id: int, user_id: int) -> Participation:
        if workspace_id not in self.tables["workspaces"]:
            raise ValidationError(f"Workspace {workspace_id} does not exist", field="workspace_id")
        if user_id not in self.tables["users"]:
            raise ValidationError(f"User {user_id} does not exist", field="user_id")
        found = self.participation_for(workspace_id, user_id)
        if found is None:
            raise NotParticipant(f"User {user_id} is not a participant in workspace {workspace_id}", field="user_id")
        return found

    def list_time_entries(
        self,
        query: ListQuery,
        *,
        workspace_id: int | None = None,
        user_id: int | None = None,
        approved: bool | None = None,
        performed_between: tuple[date, date] | None = None,
    ) -> Page[TimeEntry]:
        """Time entries matching every given filter."""
        rows = [
            e
            for e in _by_id(self.tables["time_entries"])
            if (workspace_id is None or e.workspace_id == workspace_id)
            and (user_id is None or e.user_id == user_id)
            and (approved is None or e.approved == approved)
            and (performed_between is None or performed_between[0] <= e.date_performed <= performed_between[1])
        ]
        return select(rows, query, kind=TimeEntry, id_of=lambda e: e.id, aliases=ENTRY_ALIASES)

    def create_time_entries(self, inputs: Collection[TimeEntryInput]) -> list[TimeEntry]:
        """Create time entries, all or none. There is no idempotency: a retried POST duplicates them.

        Raises:
            ValidationError: a bulk create above ``max_bulk_create``, or an unknown workspace or user.
            NotParticipant: the user has no participation on the workspace.
        """
        cap = self.ctx.settings().max_bulk_create
        if len(inputs) > cap:
            raise ValidationError(f"Cannot create more than {cap} time entries at once", field="time_entries")
        if not inputs:
            raise ValidationError("No time entries given", field="time_entries")
        rates = [self._participation(data.workspace_id, data.user_id).rate for data in inputs]
        now = self.ctx.clock.now()
        created = []
        for data, rate in zip(inputs, rates, strict=True):
            entry = TimeEntry(
                id=self._next_id("time_entries"),
                workspace_id=data.workspace_id,
                user_id=data.user_id,
                date_performed=data.date_performed,
                time_in_minutes=data.time_in_minutes,
                rate=data.rate if data.rate is not None else rate,
                created_at=now,
                updated_at=now,
                billable=data.billable,
                notes=data.notes,
                story_id=data.story_id,
            )
            self.tables["time_entries"][entry.id] = entry
            created.append(entry)
            self._emit("time_entry:created", "TimeEntry", entry.id, _entry_payload(entry))
        return created

    def _unlocked(self, entry_id: str | int) -> TimeEntry:
        entry: TimeEntry = self.get("time_entries", entry_id)
        if entry.approved:
            raise TimeEntryLocked(LOCKED_MESSAGE)
        return entry

    def update_time_entry(self, entry_id: str | int, changes: Mapping[str, Any]) -> TimeEntry:
        """Change some fields of an unapproved time entry.

        Raises:
            TimeEntryLocked: the entry is approved.
            NotParticipant: the (new) user has no participation on the (new) workspace.
        """
        entry = self._unlocked(entry_id)
        unknown = set(changes) - UPDATABLE
        if unknown:
            raise ValidationError(f"Unknown time entry field: {sorted(unknown)[0]}", field=sorted(unknown)[0])
        workspace_id = changes.get("workspace_id", entry.workspace_id)
        user_id = changes.get("user_id", entry.user_id)
        if (workspace_id, user_id) != (entry.workspace_id, entry.user_id):
            if user_id != entry.user_id and entry.timesheet_submission_id is not None:
                raise SubmissionConflict("Time entry is submitted; its user cannot change", field="user_id")
            self._participation(workspace_id, user_id)
        changed = sorted(name for name, value in changes.items() if getattr(entry, name) != value)
        for name in changed:
            setattr(entry, name, changes[name])
        entry.updated_at = self.ctx.clock.now()
        if changed:
            payload = _entry_payload(entry) | {"changed": ["rate_in_cents" if n == "rate" else n for n in changed]}
            self._emit("time_entry:updated", "TimeEntry", entry.id, payload)
        return entry

    def delete_time_entry(self, entry_id: str | int) -> None:
        """Hard-delete an unapproved entry (Kantata has no restore); it leaves a pending submission."""
        entry = self._unlocked(entry_id)
        if entry.timesheet_submission_id is not None:
            sub = self.tables["timesheet_submissions"].get(entry.timesheet_submission_id)
            if sub is not None and entry.id in sub.time_entry_ids:
                sub.time_entry_ids.remove(entry.id)
        del self.tables["time_entries"][entry.id]
        self._emit("time_entry:deleted", "TimeEntry", entry.id, _entry_payload(entry))

    # -- timesheet submissions ------------------------------------------------------------------------------
    def list_submissions(
        self, query: ListQuery, *, user_id: int | None = None, status: SubmissionStatus | None = None
    ) -> Page[TimesheetSubmission]:
        """Timesheet submissions, optionally of one user or in one status."""
        rows = [
            s
            for s in _by_id(self.tables["timesheet_submissions"])
            if (user_id is None or s.user_id == user_id) and (status is None or s.status == status)
        ]
        return select(rows, query, kind=TimesheetSubmission, id_of=lambda s: s.id)

    def submit_timesheet(
        self, user_id: int, entry_ids: Collection[int], comment: str | None = None, *, submission_id: int = 0
    ) -> TimesheetSubmission:
        """Submit a user's time entries for approval (``submission_id`` pins the id, for provider states).

        Raises:
            ValidationError: no entries, an unknown entry, or one of another user.
            SubmissionConflict: an entry already in a pending or approved submission.
        """
        if user_id not in self.tables["users"]:
            raise ValidationError(f"User {user_id} does not exist", field="user_id")
        ids = list(dict.fromkeys(entry_ids))
        if not ids:
            raise ValidationError("Time entries can't be blank", field="time_entry_ids")
        entries: list[TimeEntry] = []
        for entry_id in ids:
            entry = self.tables["time_entries"].get(entry_id)
            if entry is None:
                raise ValidationError(f"Time entry {entry_id} does not exist", field="time_entry_ids")
            if entry.user_id != user_id:
                raise ValidationError(
                    f"Time entry {entry_id} does not belong to user {user_id}", field="time_entry_ids"
                )
            if entry.timesheet_submission_id is not None:
                raise SubmissionConflict(
                    f"Time entry {entry_id} is already in timesheet submission {entry.timesheet_submission_id}",
                    field="time_entry_ids",
                )
            entries.append(entry)
        sub = self.add(TimesheetSubmission(submission_id, user_id, ids, self.ctx.clock.now(), comment=comment))
        for entry in entries:
            entry.timesheet_submission_id = sub.id
        self._emit("timesheet_submission:created", "TimesheetSubmission", sub.id, _submission_payload(sub))
        return sub  # type: ignore[no-any-return]

    def _resolve(self, submission_id: str | int, verb: str, status: SubmissionStatus) -> TimesheetSubmission:
        sub: TimesheetSubmission = self.get("timesheet_submissions", submission_id)
        if sub.status != "pending":
            raise SubmissionConflict(
                f"Timesheet submission {sub.id} is {sub.status}; only pending submissions can be {verb}"
            )
        sub.status = status
        sub.resolved_at = now = self.ctx.clock.now()
        for entry_id in sub.time_entry_ids:
            entry: TimeEntry | None = self.tables["time_entries"].get(entry_id)
            if entry is None:
                continue
            entry.updated_at = now
            if status == "approved":
                entry.approved = True
            else:
                entry.timesheet_submission_id = None
        self._emit(f"timesheet_submission:{status}", "TimesheetSubmission", sub.id, _submission_payload(sub))
        return sub

    def approve_submission(self, submission_id: str | int) -> TimesheetSubmission:
        """Approve a pending submission: its entries become approved and locked."""
        return self._resolve(submission_id, "approved", "approved")

    def reject_submission(self, submission_id: str | int) -> TimesheetSubmission:
        """Reject a pending submission: its entries stay unapproved and may be edited and resubmitted."""
        return self._resolve(submission_id, "rejected", "rejected")

    def cancel_submission(self, submission_id: str | int) -> TimesheetSubmission:
        """Cancel a pending submission (Kantata cancels pending submissions only)."""
        return self._resolve(submission_id, "canceled", "canceled")

    # -- subscribed events ----------------------------------------------------------------------------------
    def list_events(
        self,
        query: ListQuery,
        *,
        event_types: Collection[str] | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
    ) -> Page[Event]:
        """The event feed in delivery order (possibly out of order), within the retention window."""
        cutoff = self.ctx.clock.now() - timedelta(days=self.ctx.settings().event_retention_days)
        rows = [
            e
            for e in self.ctx.events.all()
            if e.created_at >= cutoff
            and (not event_types or e.type in event_types)
            and (created_after is None or e.created_at > created_after)
            and (created_before is None or e.created_at < created_before)
        ]
        page = select(rows, query, kind=Event, id_of=lambda e: e.id, sortable=False)
        for event in page.items:
            event.reads += 1
        return page

    # -- control plane ---------------------------------------------------------------------------------------
    def load_world(self, world: World) -> None:
        """Load the PSA's share of a world: users, workspaces and participations."""
        from simulators.psa.factories import load_world

        load_world(self, world)

    def snapshot(self) -> dict[str, Any]:
        """Every record, per type, in id order, JSON-ready."""
        return {name: [jsonable(asdict(r)) for r in _by_id(table)] for name, table in self.tables.items()}

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace every record with those of a snapshot."""
        tables: dict[str, dict[int, Any]] = {name: {} for name in RECORD_CLASSES}
        for name, rows in snapshot.items():
            if name not in RECORD_CLASSES:
                raise ValidationError(f"Unknown record type in snapshot: {name}")
            for rec in _ADAPTERS[name].validate_python(rows):
                tables[name][rec.id] = rec
        self.tables = tables
        self._ids.clear()


def _entry_payload(entry: TimeEntry) -> dict[str, Any]:
    return {
        "workspace_id": str(entry.workspace_id),
        "user_id": str(entry.user_id),
        "date_performed": entry.date_performed.isoformat(),
        "time_in_minutes": entry.time_in_minutes,
        "billable": entry.billable,
    }


def _submission_payload(sub: TimesheetSubmission) -> dict[str, Any]:
    return {"user_id": str(sub.user_id), "time_entry_ids": [str(i) for i in sub.time_entry_ids]}
