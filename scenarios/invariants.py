"""The invariants every suite relies on: nothing lost, nothing posted twice, totals reconcile."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from harness.invariants import Severity, SystemView, Violation, invariant
from scenarios.links import postings_by_entry

CENT = Decimal("0.01")


def approved_billable(view: SystemView) -> dict[str, dict[str, Any]]:
    """PSA time entries that are approved and billable, by id."""
    return {str(e["id"]): e for e in view.psa.get("time_entries", []) if e.get("approved") and e.get("billable")}


def hours_of(entry: dict[str, Any]) -> Decimal:
    """A PSA entry's hours, to the hundredth."""
    return (Decimal(int(entry["time_in_minutes"])) / 60).quantize(CENT)


def _faulted(view: SystemView, path_fragment: str) -> list[int]:
    return [j["id"] for j in view.journals.get("erp", []) if j.get("fault") and path_fragment in j["path"]][:20]


def workspace_hours_differ(
    approved: dict[str, Decimal], posted: dict[str, Decimal], workspaces: Iterable[str]
) -> Iterator[Violation]:
    """A violation for each of ``workspaces`` whose posted hours differ from its approved hours."""
    for workspace in workspaces:
        if approved[workspace] != posted[workspace]:
            yield Violation(
                f"workspace {workspace}: approved {approved[workspace]} h, posted {posted[workspace]} h",
                Severity.CRITICAL,
                {
                    "workspace_id": workspace,
                    "approved_hours": str(approved[workspace]),
                    "posted_hours": str(posted[workspace]),
                },
            )


@invariant
def no_approved_entry_lost(view: SystemView) -> Iterator[Violation]:
    """Every approved billable PSA time entry is posted to the ERP."""
    posted = postings_by_entry(view.erp.get("timeBill", []))
    for entry_id, entry in approved_billable(view).items():
        if entry_id not in posted:
            yield Violation(
                f"approved billable time entry {entry_id} ({hours_of(entry)} h) was never posted",
                Severity.CRITICAL,
                {"psa_time_entry": entry_id, "workspace_id": entry.get("workspace_id")},
            )


@invariant
def no_duplicate_postings(view: SystemView) -> Iterator[Violation]:
    """No PSA time entry is posted to the ERP more than once."""
    faulted = _faulted(view, "/timeBill")
    for entry_id, bills in sorted(postings_by_entry(view.erp.get("timeBill", [])).items()):
        if len(bills) > 1:
            yield Violation(
                f"time entry {entry_id} is posted {len(bills)} times (ERP timeBills {[b['id'] for b in bills]})",
                Severity.CRITICAL,
                {
                    "psa_time_entry": entry_id,
                    "erp_time_bills": [b["id"] for b in bills],
                    "faulted_erp_requests": faulted,
                },
            )


@invariant
def only_approved_billable_time_posted(view: SystemView) -> Iterator[Violation]:
    """Nothing but approved, billable PSA time reaches the ERP."""
    eligible = approved_billable(view)
    for entry_id, bills in postings_by_entry(view.erp.get("timeBill", [])).items():
        if entry_id not in eligible:
            yield Violation(
                f"time entry {entry_id} is posted but is not approved and billable in the PSA",
                Severity.MAJOR,
                {"psa_time_entry": entry_id, "erp_time_bills": [b["id"] for b in bills]},
            )


@invariant
def posted_hours_equal_approved_hours(view: SystemView) -> Iterator[Violation]:
    """Posted hours equal approved billable hours, per project and in total, to the hundredth."""
    approved: dict[str, Decimal] = defaultdict(Decimal)
    entries = approved_billable(view)
    for entry in entries.values():
        approved[str(entry["workspace_id"])] += hours_of(entry)
    posted: dict[str, Decimal] = defaultdict(Decimal)
    for entry_id, bills in postings_by_entry(view.erp.get("timeBill", [])).items():
        workspace = str(entries[entry_id]["workspace_id"]) if entry_id in entries else "(not approved)"
        for bill in bills:
            posted[workspace] += Decimal(str(bill["hours"])).quantize(CENT)
    yield from workspace_hours_differ(approved, posted, sorted(set(approved) | set(posted)))
    if sum(approved.values()) != sum(posted.values()):
        yield Violation(
            f"total: approved {sum(approved.values())} h, posted {sum(posted.values())} h",
            Severity.CRITICAL,
            {"approved_hours": str(sum(approved.values())), "posted_hours": str(sum(posted.values()))},
        )


@invariant
def every_call_carries_a_correlation_id(view: SystemView) -> Iterator[Violation]:
    """Every vendor call the systems received carries an X-Correlation-ID header (traceability)."""
    for system, entries in sorted(view.journals.items()):
        missing = [e for e in entries if not e.get("correlation_id")]
        if missing:
            yield Violation(
                f"{system}: {len(missing)} of {len(entries)} calls carry no X-Correlation-ID",
                Severity.MAJOR,
                {
                    "system": system,
                    "journal_ids": [e["id"] for e in missing[:20]],
                    "paths": sorted({e["path"] for e in missing})[:10],
                },
            )
