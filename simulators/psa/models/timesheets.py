"""Timesheet submissions and their resolutions (approval, rejection, cancellation), singly or in bulk.

A submission holds one user's entries of one workspace. Only a ``new`` submission can be approved or
cancelled; a ``new`` or ``approved`` one can be rejected (Kantata reverses an approval by rejecting it),
unless one of its entries is already invoiced. Approval approves and locks the entries; rejection and
cancellation release them for editing and resubmission. Each resolution is its own record and event.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from simulators.psa.entities import Resolution, ResolutionType, SubmissionStatus, TimeEntry, TimesheetSubmission
from simulators.psa.exceptions import SubmissionConflict, ValidationError
from simulators.psa.models.base import event_payload
from simulators.psa.models.time import TimeStore
from simulators.psa.records import ListQuery, Page

STATUS_OF: dict[ResolutionType, SubmissionStatus] = {
    "approval": "approved",
    "rejection": "rejected",
    "cancellation": "cancelled",
}
ALLOWED_FROM: dict[ResolutionType, tuple[SubmissionStatus, ...]] = {
    "approval": ("new",),
    "rejection": ("new", "approved"),
    "cancellation": ("new",),
}
VERB: dict[ResolutionType, str] = {"approval": "approved", "rejection": "rejected", "cancellation": "cancelled"}


class TimesheetStore(TimeStore):
    """Timesheet submissions and resolutions."""

    def list_submissions(
        self,
        query: ListQuery,
        *,
        user_id: int | None = None,
        workspace_id: int | None = None,
        statuses: Collection[str] | None = None,
        references: Mapping[str, Any] | None = None,
    ) -> Page[TimesheetSubmission]:
        """Timesheet submissions, optionally of one user or workspace, in some statuses."""
        by_ref = self.reference_filter("Submission", references or {})
        return self.page(
            "timesheet_submissions",
            query,
            lambda s: (
                (user_id is None or s.user_id == user_id)
                and (workspace_id is None or s.workspace_id == workspace_id)
                and (not statuses or s.status in statuses)
                and (by_ref is None or by_ref(s))
            ),
        )

    def submit_timesheet(
        self,
        user_id: int | None,
        entry_ids: Collection[int],
        comment: str | None = None,
        *,
        workspace_id: int | None = None,
        title: str | None = None,
        submission_id: int = 0,
        external_reference: Mapping[str, Any] | None = None,
    ) -> TimesheetSubmission:
        """Submit one user's entries of one workspace for approval (``submission_id`` pins the id, for states).

        ``user_id`` and ``workspace_id`` default to those of the entries.

        Raises:
            ValidationError: no entries, an unknown entry, entries of another user or workspace.
            SubmissionConflict: an entry already in a ``new`` or ``approved`` submission.
        """
        ids = list(dict.fromkeys(entry_ids))
        if not ids:
            raise ValidationError("Line items can't be blank", field="line_item_ids")
        entries: list[TimeEntry] = []
        for entry_id in ids:
            entry: TimeEntry | None = self.tables["time_entries"].get(entry_id)
            if entry is None:
                raise ValidationError(f"Time entry {entry_id} does not exist", field="line_item_ids")
            user_id = entry.user_id if user_id is None else user_id
            workspace_id = entry.workspace_id if workspace_id is None else workspace_id
            if entry.user_id != user_id:
                raise ValidationError(f"Time entry {entry_id} does not belong to user {user_id}", field="line_item_ids")
            if entry.workspace_id != workspace_id:
                raise ValidationError(
                    f"Time entry {entry_id} belongs to workspace {entry.workspace_id}, not {workspace_id}"
                    " (a submission covers one project)",
                    field="line_item_ids",
                )
            if entry.timesheet_submission_id is not None:
                raise SubmissionConflict(
                    f"Time entry {entry_id} is already in timesheet submission {entry.timesheet_submission_id}",
                    field="line_item_ids",
                )
            entries.append(entry)
        if user_id is None or workspace_id is None:  # pragma: no cover - both are set from the first entry
            raise ValidationError("Line items can't be blank", field="line_item_ids")
        self.require("users", user_id, "user_id")
        self.require("workspaces", workspace_id, "workspace_id")
        if external_reference is not None:
            self.check_reference(external_reference)
        days = sorted(e.date_performed for e in entries)
        sub = TimesheetSubmission(
            id=submission_id,
            user_id=user_id,
            workspace_id=workspace_id,
            time_entry_ids=ids,
            submitted_at=self.now(),
            title=title or f"Timesheet {days[0].isoformat()} to {days[-1].isoformat()}",
            comment=comment,
        )
        self.add(sub)
        for entry in entries:
            entry.timesheet_submission_id = sub.id
        self.emit("timesheet_submission:created", "TimesheetSubmission", sub)
        if external_reference is not None:
            self.upsert_reference("Submission", sub.id, external_reference)
        return sub

    def _check_resolution(self, sub: TimesheetSubmission, kind: ResolutionType) -> None:
        if sub.status not in ALLOWED_FROM[kind]:
            allowed = " or ".join(ALLOWED_FROM[kind])
            raise SubmissionConflict(
                f"Timesheet submission {sub.id} is {sub.status}; only {allowed} submissions can be {VERB[kind]}"
            )
        if kind == "rejection" and sub.status == "approved":
            for entry_id in sub.time_entry_ids:
                entry: TimeEntry | None = self.tables["time_entries"].get(entry_id)
                if entry is not None and entry.invoice_id is not None:
                    raise SubmissionConflict(
                        f"Timesheet submission {sub.id} cannot be rejected: time entry {entry.id} is on"
                        f" invoice {entry.invoice_id}"
                    )

    def _apply(self, sub: TimesheetSubmission, kind: ResolutionType, description: str | None) -> Resolution:
        now = self.now()
        for old in sub.resolution_ids:
            self.tables["resolutions"][old].current = False
        resolution: Resolution = self.insert("resolutions", Resolution(0, kind, sub.id, now, description))
        before = event_payload(sub)
        was_approved = sub.status == "approved"
        sub.status, sub.resolved_at = STATUS_OF[kind], now
        sub.resolution_ids.append(resolution.id)
        for entry_id in sub.time_entry_ids:
            entry: TimeEntry | None = self.tables["time_entries"].get(entry_id)
            if entry is None:
                continue
            if kind == "approval":
                self.change("time_entry", "TimeEntry", entry, approved=True)
                continue
            entry.timesheet_submission_id = None
            if was_approved:
                self.change("time_entry", "TimeEntry", entry, approved=False)
        self.emit(f"timesheet_submission:{STATUS_OF[kind]}", "TimesheetSubmission", sub, before)
        return resolution

    def resolve_submission(
        self, submission_id: str | int, kind: ResolutionType, description: str | None = None
    ) -> TimesheetSubmission:
        """Approve, reject or cancel one submission (``PUT /timesheet_submissions/{id}/approve`` etc.)."""
        sub: TimesheetSubmission = self.get("timesheet_submissions", submission_id)
        self._check_resolution(sub, kind)
        self._apply(sub, kind, description)
        return sub

    def approve_submission(self, submission_id: str | int, description: str | None = None) -> TimesheetSubmission:
        """Approve a new submission: its entries become approved and locked."""
        return self.resolve_submission(submission_id, "approval", description)

    def reject_submission(self, submission_id: str | int, description: str | None = None) -> TimesheetSubmission:
        """Reject a new or approved submission: its entries are reopened for editing and resubmission."""
        return self.resolve_submission(submission_id, "rejection", description)

    def cancel_submission(self, submission_id: str | int, description: str | None = None) -> TimesheetSubmission:
        """Cancel a new submission: its entries are reopened."""
        return self.resolve_submission(submission_id, "cancellation", description)

    def resolve_many(
        self, kind: ResolutionType, submission_ids: Iterable[int], description: str | None = None
    ) -> list[Resolution]:
        """One resolution per submission, all or none (``POST /timesheet_approvals`` and its siblings).

        Raises:
            ValidationError: no ids, or an id that names no submission.
            SubmissionConflict: a submission whose status does not allow this resolution.
        """
        ids = list(dict.fromkeys(submission_ids))
        if not ids:
            raise ValidationError("Submission ids can't be blank", field="submission_ids")
        subs = []
        for sub_id in ids:
            sub: TimesheetSubmission | None = self.tables["timesheet_submissions"].get(sub_id)
            if sub is None:
                raise ValidationError(f"Timesheet submission {sub_id} does not exist", field="submission_ids")
            self._check_resolution(sub, kind)
            subs.append(sub)
        return [self._apply(sub, kind, description) for sub in subs]
