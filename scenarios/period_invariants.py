"""Invariants of the posting pipeline's finance controls: closed periods, dead letters, reconciliation.

They read the ERP's periods and postings, the PSA's approved time and, where the orchestrator publishes
one (``GET /dlq``), its dead-letter queue: approved = posted + dead-lettered, per project and period.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from harness.invariants import Severity, SystemView, Violation, invariant
from scenarios.invariants import CENT, approved_billable, hours_of
from scenarios.links import postings_by_entry, source_entry_id, time_entry_link


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def _period_of(view: SystemView, day: date) -> dict[str, Any] | None:
    for period in view.erp.get("accountingPeriod", []):
        if _day(period["startDate"]) <= day <= _day(period["endDate"]):
            return dict(period)
    return None


def _writes_of(view: SystemView, fragment: str) -> list[int]:
    return [j["id"] for j in view.journals.get("erp", []) if fragment in j["path"] and j["method"] != "GET"][:20]


def dead_lettered_entries(view: SystemView) -> dict[str, str]:
    """PSA time entry id -> reason, from the orchestrator's open dead letters."""
    rx = time_entry_link()
    out: dict[str, str] = {}
    for letter in view.dead_letters or []:
        found = rx.match(str(letter.get("source_id") or ""))
        if found and letter.get("reason"):
            out[found.group(1)] = str(letter["reason"])
    return out


def held_entries(view: SystemView) -> set[str]:
    """Approved billable entries whose customer is on credit hold in the ERP (their billing waits)."""
    customers = {str(c["id"]): c for c in view.erp.get("customer", [])}
    held_workspaces = set()
    for job in view.erp.get("job", []):
        parent = customers.get(str(job.get("parent")))
        external = str(job.get("externalId") or "")
        if parent is not None and parent.get("onCreditHold") and external.startswith("psa-ws-"):
            held_workspaces.add(external.removeprefix("psa-ws-"))
    return {i for i, e in approved_billable(view).items() if str(e["workspace_id"]) in held_workspaces}


def amount_of(entry: dict[str, Any]) -> Decimal:
    """A PSA entry's billable amount: hours x its bill rate, to the cent."""
    rate = Decimal(int(entry["rate_in_cents"])) / 100 if "rate_in_cents" in entry else Decimal(str(entry["rate"]))
    return (hours_of(entry) * rate).quantize(CENT)


@invariant
def nothing_posted_into_a_closed_period(view: SystemView) -> Iterator[Violation]:
    """No ERP posting is dated in a closed accounting period (the ERP's silent re-dating does not excuse it)."""
    for record_type in ("timeBill", "expenseReport"):
        for rec in view.erp.get(record_type, []):
            day = _day(rec["tranDate"])
            period = _period_of(view, day)
            if period is None or period["state"] != "closed" or str(rec.get("postingPeriod")) == str(period["id"]):
                continue
            linked = source_entry_id(rec)
            source = f"time entry {linked}" if linked else (rec.get("externalId") or rec.get("memo"))
            yield Violation(
                f"{record_type} {rec['id']} ({source}) is dated {day} in the closed period {period['periodName']};"
                f" the ERP moved it to period {rec.get('postingPeriod')}",
                Severity.CRITICAL,
                {
                    "erp_record": f"{record_type}/{rec['id']}",
                    "source": source,
                    "tranDate": day.isoformat(),
                    "closed_period": period["key"] if "key" in period else period["periodName"],
                    "postingPeriod": rec.get("postingPeriod"),
                    "erp_journal_ids": _writes_of(view, f"eid:{rec.get('externalId')}")
                    if rec.get("externalId")
                    else [],
                },
            )


@invariant
def redated_postings_keep_the_original_date(view: SystemView) -> Iterator[Violation]:
    """A posting dated away from its PSA record's date keeps the original date (in its memo) for audit."""
    entries = {str(e["id"]): e for e in view.psa.get("time_entries", [])}
    for bill in view.erp.get("timeBill", []):
        entry = entries.get(source_entry_id(bill) or "")
        if entry is None:
            continue
        original = _day(entry["date_performed"]).isoformat()
        if _day(bill["tranDate"]).isoformat() != original and original not in str(bill.get("memo") or ""):
            yield Violation(
                f"timeBill {bill['id']} (time entry {entry['id']}) is dated {bill['tranDate']} and does not keep the"
                f" original date {original}",
                Severity.MAJOR,
                {"erp_time_bill": bill["id"], "psa_time_entry": entry["id"], "memo": bill.get("memo")},
            )


@invariant
def every_approved_entry_posted_or_dead_lettered(view: SystemView) -> Iterator[Violation]:
    """Every approved billable PSA time entry is posted to the ERP, dead-lettered with a business reason, or
    waiting while its customer is on credit hold."""
    posted = postings_by_entry(view.erp.get("timeBill", []))
    parked = dead_lettered_entries(view)
    held = held_entries(view)
    for entry_id, entry in approved_billable(view).items():
        if entry_id not in posted and entry_id not in parked and entry_id not in held:
            yield Violation(
                f"approved billable time entry {entry_id} ({hours_of(entry)} h) is neither posted nor dead-lettered",
                Severity.CRITICAL,
                {
                    "psa_time_entry": entry_id,
                    "workspace_id": entry.get("workspace_id"),
                    "dead_letter_queue": "published" if view.dead_letters is not None else "not published",
                },
            )


@invariant
def approved_equals_posted_plus_dead_lettered(view: SystemView) -> Iterator[Violation]:
    """Per project and period: approved hours and amounts = posted + dead-lettered (+ held on credit), to the
    cent."""
    entries = approved_billable(view)
    parked = dead_lettered_entries(view) | dict.fromkeys(
        held_entries(view) - set(postings_by_entry(view.erp.get("timeBill", []))), "CREDIT_HOLD"
    )
    approved: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    accounted: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for entry_id, entry in entries.items():
        key = (str(entry["workspace_id"]), str(entry["date_performed"])[:7])
        approved[key][0] += hours_of(entry)
        approved[key][1] += amount_of(entry)
        if entry_id in parked:
            accounted[key][0] += hours_of(entry)
            accounted[key][1] += amount_of(entry)
    for entry_id, bills in postings_by_entry(view.erp.get("timeBill", [])).items():
        source = entries.get(entry_id)
        key = (str(source["workspace_id"]), str(source["date_performed"])[:7]) if source else ("(not approved)", "")
        for bill in bills:
            hours = Decimal(str(bill["hours"])).quantize(CENT)
            accounted[key][0] += hours
            accounted[key][1] += (hours * Decimal(str(bill.get("rate") or 0))).quantize(CENT)
    for key in sorted(set(approved) | set(accounted)):
        (a_hours, a_amount), (p_hours, p_amount) = approved[key], accounted[key]
        if a_hours != p_hours or a_amount != p_amount:
            yield Violation(
                f"workspace {key[0]} period {key[1]}: approved {a_hours} h / {a_amount}, posted + dead-lettered"
                f" {p_hours} h / {p_amount}",
                Severity.CRITICAL,
                {
                    "workspace_id": key[0],
                    "period": key[1],
                    "approved_hours": str(a_hours),
                    "approved_amount": str(a_amount),
                    "accounted_hours": str(p_hours),
                    "accounted_amount": str(p_amount),
                },
            )


@invariant
def no_posting_sent_twice_without_cause(view: SystemView) -> Iterator[Violation]:
    """An ERP posting is written once; a second committed write of the same record needs a lost response first."""
    writes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for j in view.journals.get("erp", []):
        if j["method"] in ("PUT", "POST", "PATCH") and "/timeBill/eid:" in j["path"]:
            fault = j.get("fault") or {}
            if j["status"] < 300 or fault.get("phase") == "after":
                writes[j["path"]].append(j)
    for path, committed in sorted(writes.items()):
        committed.sort(key=lambda j: j["id"])
        uncaused = [j for prev, j in itertools.pairwise(committed) if not prev.get("fault")]
        if uncaused:
            yield Violation(
                f"{path.rsplit('/', 1)[-1]} was written {len(committed)} times, {len(uncaused)} without a lost response"
                " before it",
                Severity.MAJOR,
                {
                    "path": path,
                    "erp_journal_ids": [j["id"] for j in committed],
                    "correlation_ids": sorted({str(j.get("correlation_id")) for j in committed}),
                },
            )
