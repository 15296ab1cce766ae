"""External references (the sync state an integration writes back) and the ``subscribed_events`` feed."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from simulators._core.events import Event
from simulators.psa.entities import SUBJECT_TYPES, ExternalReference
from simulators.psa.exceptions import ValidationError
from simulators.psa.models.base import StoreBase, new_reference, subject_table
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
MAX_BULK_REFERENCES = 200
"""References one ``create_or_update`` call takes with the plural key (a simulator convenience, see FIDELITY.md)."""
ReferenceKey = tuple[str, int, str]
"""(subject type, subject id, service name): at most one reference each."""
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
        return self.create_or_update_references([data])[0]

    def create_or_update_references(self, items: Sequence[Mapping[str, Any]]) -> list[ExternalReference]:
        """Create or update several references, all or none (each is checked before any is written).

        Raises:
            ValidationError: more than :data:`MAX_BULK_REFERENCES` or none, an unsupported subject type, a missing
                subject, or a blank service field.
        """
        if len(items) > MAX_BULK_REFERENCES:
            raise ValidationError(
                f"Cannot create or update more than {MAX_BULK_REFERENCES} external references at once",
                field="external_references",
            )
        if not items:
            raise ValidationError("No external references given", field="external_references")
        for data in items:
            subject_type = str(data.get("subject_type") or "")
            table = subject_table(subject_type)
            subject_id = data.get("subject_id")
            if subject_id is None or subject_id not in self.tables[table]:
                raise ValidationError(f"{subject_type} {subject_id} does not exist", field="subject_id")
            self.check_reference(data)
        now = self.now()
        index = self._reference_index()
        written = []
        for data in items:
            fields = {k: v for k, v in data.items() if k not in ("subject_type", "subject_id")}
            key = (str(data["subject_type"]), int(data["subject_id"]), str(fields["service_name"]))
            ref = index.get(key)
            if ref is None:
                ref = self.insert("external_references", new_reference(*key, fields, now))
                index[key] = ref
            else:
                for name, value in fields.items():
                    if name != "service_name" and value is not None:
                        setattr(ref, name, value)
                ref.updated_at = ref.last_synced_at = now
            written.append(ref)
        self.cache["external_references"] = index  # inserting dropped it; it is up to date
        return written

    def _reference_index(self) -> dict[ReferenceKey, ExternalReference]:
        """Every reference by (subject type, subject id, service name); rebuilt after other writes of the table."""
        rows = self.tables["external_references"]
        index: dict[ReferenceKey, ExternalReference] | None = self.cache.get("external_references")
        if index is None or len(index) != len(rows):
            index = {}
            for r in rows.values():  # the first of any duplicates (a seeded state) is the one updated
                index.setdefault((r.subject_type, r.subject_id, r.service_name), r)
            self.cache["external_references"] = index
        return index

    def subject_of(self, ref: ExternalReference) -> Any:
        """The object a reference is on, if it still exists (``include=subject``)."""
        return self.tables[SUBJECT_TYPES[ref.subject_type]].get(ref.subject_id)

    def delete_reference(self, ref: str | int) -> None:
        """Hard-delete an external reference."""
        found: ExternalReference = self.get("external_references", ref)
        del self.tables["external_references"][found.id]
        self.cache.pop("external_references", None)

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
