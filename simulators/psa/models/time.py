"""Time entries: who may log time where and when, and when an entry is locked.

Rules (each a typed Kantata validation error): the user must be a participant of the workspace, the day
must fall within the participation's dates, a workspace on hold refuses new time (``on_hold_blocks_time``),
a story must belong to the workspace; an approved entry is locked, and so is one in a pending submission
(``lock_submitted_entries``). A bulk create is all or none, and never idempotent.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from simulators.psa.entities import Participation, TimeEntry, Workspace
from simulators.psa.exceptions import (
    NotParticipant,
    OutsideAssignment,
    TimeEntryLocked,
    ValidationError,
    WorkspaceOnHold,
)
from simulators.psa.models.directory import DirectoryStore
from simulators.psa.records import ListQuery, Page

LOCKED_MESSAGE = "Time entry is locked because it has been approved"
SUBMITTED_MESSAGE = "Time entry is locked because it has been submitted for approval"
UPDATABLE = frozenset(
    {"workspace_id", "user_id", "date_performed", "time_in_minutes", "billable", "notes", "rate", "story_id"}
)


@dataclass(slots=True)
class TimeEntryInput:
    """Validated fields of one time entry to create (``rate`` None: the participation's bill rate)."""

    workspace_id: int
    user_id: int
    date_performed: date
    time_in_minutes: int
    billable: bool = True
    notes: str | None = None
    rate: Decimal | None = None
    story_id: int | None = None
    external_reference: Mapping[str, Any] | None = None


def entry_eligible(entry: TimeEntry) -> bool:
    """Billing eligibility: approved, billable and not yet invoiced."""
    return entry.approved and entry.billable and entry.invoice_id is None


def _span(part: Participation) -> str:
    start = part.start_date.isoformat() if part.start_date else "open"
    end = part.end_date.isoformat() if part.end_date else "open"
    return f"{start} to {end}"


class TimeStore(DirectoryStore):
    """Time entries."""

    def on_hold(self, workspace: Workspace) -> bool:
        """Whether the account refuses new time and expenses on this workspace now."""
        return workspace.status == "on_hold" and self.settings().on_hold_blocks_time

    def assignment(
        self, workspace_id: int, user_id: int, day: date, *, new_work: bool, what: str = "Time"
    ) -> Participation:
        """The participation that allows ``user_id`` to log work on ``workspace_id`` on ``day``.

        Raises:
            ValidationError: the workspace or the user does not exist.
            NotParticipant: the user has no participation on the workspace.
            OutsideAssignment: the day is outside the participation's dates.
            WorkspaceOnHold: ``new_work`` on a workspace on hold (when the account refuses it).
        """
        workspace: Workspace = self.require("workspaces", workspace_id, "workspace_id")
        self.require("users", user_id, "user_id")
        part = self.participation_for(workspace_id, user_id)
        if part is None:
            raise NotParticipant(f"User {user_id} is not a participant in workspace {workspace_id}", field="user_id")
        if (part.start_date and day < part.start_date) or (part.end_date and day > part.end_date):
            raise OutsideAssignment(
                f"{day.isoformat()} is outside the assignment of user {user_id} to workspace {workspace_id}"
                f" ({_span(part)})",
                field="date" if what == "Expenses" else "date_performed",
            )
        if new_work and self.on_hold(workspace):
            raise WorkspaceOnHold(
                f"Workspace {workspace_id} is on hold; {what.lower()} cannot be logged", field="workspace_id"
            )
        return part

    def _check_story(self, story_id: int | None, workspace_id: int) -> None:
        if story_id is None:
            return
        story = self.require("stories", story_id, "story_id")
        if story.workspace_id != workspace_id:
            raise ValidationError(f"Story {story_id} does not belong to workspace {workspace_id}", field="story_id")

    def list_time_entries(
        self,
        query: ListQuery,
        *,
        workspace_id: int | None = None,
        user_id: int | None = None,
        approved: bool | None = None,
        billable: bool | None = None,
        is_invoiced: bool | None = None,
        story_id: int | None = None,
        performed_between: tuple[date, date] | None = None,
        references: Mapping[str, Any] | None = None,
    ) -> Page[TimeEntry]:
        """Time entries matching every given filter."""
        by_ref = self.reference_filter("TimeEntry", references or {})
        return self.page(
            "time_entries",
            query,
            lambda e: (
                (workspace_id is None or e.workspace_id == workspace_id)
                and (user_id is None or e.user_id == user_id)
                and (approved is None or e.approved == approved)
                and (billable is None or e.billable == billable)
                and (is_invoiced is None or (e.invoice_id is not None) == is_invoiced)
                and (story_id is None or e.story_id == story_id)
                and (performed_between is None or performed_between[0] <= e.date_performed <= performed_between[1])
                and (by_ref is None or by_ref(e))
            ),
        )

    def create_time_entries(self, inputs: Collection[TimeEntryInput]) -> list[TimeEntry]:
        """Create time entries, all or none. There is no idempotency: a retried POST duplicates them.

        Raises:
            ValidationError: a bulk create above ``max_bulk_create``, or an unknown workspace, user or story.
            NotParticipant, OutsideAssignment, WorkspaceOnHold: see :meth:`assignment`.
        """
        cap = self.settings().max_bulk_create
        if len(inputs) > cap:
            raise ValidationError(f"Cannot create more than {cap} time entries at once", field="time_entries")
        if not inputs:
            raise ValidationError("No time entries given", field="time_entries")
        parts = []
        for data in inputs:
            parts.append(self.assignment(data.workspace_id, data.user_id, data.date_performed, new_work=True))
            self._check_story(data.story_id, data.workspace_id)
            if data.external_reference is not None:
                self.check_reference(data.external_reference)
        now = self.now()
        created = []
        for data, part in zip(inputs, parts, strict=True):
            entry = TimeEntry(
                id=self.next_id("time_entries"),
                workspace_id=data.workspace_id,
                user_id=data.user_id,
                date_performed=data.date_performed,
                time_in_minutes=data.time_in_minutes,
                rate=data.rate if data.rate is not None else self.bill_rate(part),
                created_at=now,
                updated_at=now,
                billable=data.billable,
                notes=data.notes,
                story_id=data.story_id,
                cost_rate=self.tables["users"][data.user_id].cost_rate,
            )
            self.tables["time_entries"][entry.id] = entry
            created.append(entry)
            self.emit("time_entry:created", "TimeEntry", entry)
            if data.external_reference is not None:
                self.upsert_reference("TimeEntry", entry.id, data.external_reference)
        return created

    def lock_reason(self, entry: TimeEntry) -> str | None:
        """Why an entry cannot be changed now, or None when it can."""
        if entry.approved:
            return LOCKED_MESSAGE
        if entry.timesheet_submission_id is not None and self.settings().lock_submitted_entries:
            return SUBMITTED_MESSAGE
        return None

    def _unlocked(self, entry_id: str | int) -> TimeEntry:
        entry: TimeEntry = self.get("time_entries", entry_id)
        reason = self.lock_reason(entry)
        if reason is not None:
            raise TimeEntryLocked(reason)
        return entry

    def update_time_entry(self, entry_id: str | int, changes: Mapping[str, Any]) -> TimeEntry:
        """Change some fields of an unlocked time entry (moving it re-checks the staffing rules).

        Raises:
            TimeEntryLocked: the entry is approved (or submitted, with ``lock_submitted_entries``).
            NotParticipant, OutsideAssignment, WorkspaceOnHold: the moved entry breaks a staffing rule.
        """
        entry = self._unlocked(entry_id)
        unknown = set(changes) - UPDATABLE
        if unknown:
            raise ValidationError(f"Unknown time entry field: {sorted(unknown)[0]}", field=sorted(unknown)[0])
        workspace_id = changes.get("workspace_id", entry.workspace_id)
        user_id = changes.get("user_id", entry.user_id)
        day = changes.get("date_performed", entry.date_performed)
        if user_id != entry.user_id and entry.timesheet_submission_id is not None:
            raise ValidationError("Time entry is submitted; its user cannot change", field="user_id")
        if (workspace_id, user_id, day) != (entry.workspace_id, entry.user_id, entry.date_performed):
            self.assignment(workspace_id, user_id, day, new_work=workspace_id != entry.workspace_id)
        self._check_story(changes.get("story_id", entry.story_id), workspace_id)
        self.change("time_entry", "TimeEntry", entry, **changes)
        return entry

    def delete_time_entry(self, entry_id: str | int) -> None:
        """Hard-delete an unlocked entry (Kantata has no restore); it leaves a pending submission."""
        entry = self._unlocked(entry_id)
        if entry.timesheet_submission_id is not None:
            sub = self.tables["timesheet_submissions"].get(entry.timesheet_submission_id)
            if sub is not None and entry.id in sub.time_entry_ids:
                sub.time_entry_ids.remove(entry.id)
        del self.tables["time_entries"][entry.id]
        self.emit("time_entry:deleted", "TimeEntry", entry)
