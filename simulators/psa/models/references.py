"""External references (the sync state an integration writes back) and the ``subscribed_events`` feed."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from simulators._core.events import Event
from simulators.psa.entities import SUBJECT_TYPES, ExternalReference
from simulators.psa.exceptions import ValidationError
from simulators.psa.models.base import StoreBase, subject_table
from simulators.psa.records import ListQuery, Page, select

EVENT_TABLES = {
    "TimeEntry": "time_entries",
    "TimesheetSubmission": "timesheet_submissions",
    "Expense": "expenses",
    "Invoice": "invoices",
    "Story": "stories",
    "Workspace": "workspaces",
    "Participation": "participations",
}
"""The table of each event subject type."""
REFERENCE_FILTERS = (
    "subject_id",
    "service_name",
    "service_model",
    "service_model_ref",
    "status",
    "external_status",
    "external_message",
)


class ReferenceStore(StoreBase):
    """External references and the event feed."""

    # -- external references --------------------------------------------------------------------------------
    def list_references(
        self, query: ListQuery, subject_type: str, filters: Mapping[str, Any] | None = None
    ) -> Page[ExternalReference]:
        """References on objects of one type (Kantata requires ``subject_type``), newest sync first by default."""
        subject_table(subject_type)
        wanted = {k: v for k, v in (filters or {}).items() if v is not None and k in REFERENCE_FILTERS}
        if not query.order:
            query = replace(query, order=(("last_synced_at", True), ("id", True)))
        return self.page(
            "external_references",
            query,
            lambda r: r.subject_type == subject_type and all(str(getattr(r, k)) == str(v) for k, v in wanted.items()),
        )

    def create_or_update_reference(self, data: Mapping[str, Any]) -> ExternalReference:
        """``POST /external_references/create_or_update``: one reference per object and ``service_name``.

        Raises:
            ValidationError: an unsupported subject type, a missing subject, or a blank service field.
        """
        subject_type = str(data.get("subject_type") or "")
        table = subject_table(subject_type)
        subject_id = data.get("subject_id")
        if subject_id is None or subject_id not in self.tables[table]:
            raise ValidationError(f"{subject_type} {subject_id} does not exist", field="subject_id")
        fields = {k: v for k, v in data.items() if k not in ("subject_type", "subject_id")}
        return self.upsert_reference(subject_type, int(subject_id), fields)

    def subject_of(self, ref: ExternalReference) -> Any:
        """The object a reference is on, if it still exists (``include=subject``)."""
        return self.tables[SUBJECT_TYPES[ref.subject_type]].get(ref.subject_id)

    def delete_reference(self, ref: str | int) -> None:
        """Hard-delete an external reference."""
        found: ExternalReference = self.get("external_references", ref)
        del self.tables["external_references"][found.id]

    # -- subscribed events ----------------------------------------------------------------------------------
    def list_events(
        self,
        query: ListQuery,
        *,
        event_types: Collection[str] | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
    ) -> Page[Event]:
        """The event feed in delivery order (possibly out of order), within the retention window.

        ``only`` restricts to event ids; ``order`` is refused (the feed's order is its delivery order).
        """
        cutoff = self.now() - timedelta(days=self.settings().event_retention_days)
        events = self.ctx.events.all()
        if not event_types and created_after is None and created_before is None:
            rows = [e for e in events if e.created_at >= cutoff]  # the common full read: one test per event
        else:
            rows = [
                e
                for e in events
                if e.created_at >= cutoff
                and (not event_types or e.type in event_types)
                and (created_after is None or e.created_at > created_after)
                and (created_before is None or e.created_at < created_before)
            ]
        page = select(rows, query, kind=Event, id_of=lambda e: e.id, sortable=False)
        for event in page.items:
            event.reads += 1
        return page

    def event_subject(self, event: Event) -> Any:
        """The record an event is about, if it still exists (``include=subject``)."""
        table = EVENT_TABLES.get(event.subject_type)
        key = int(event.subject_id) if event.subject_id.isdigit() else None
        return self.tables[table].get(key) if table is not None and key is not None else None
