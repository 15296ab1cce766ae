"""``p2c orchestrator dlq list|replay`` and ``p2c reconcile``: the operator's view of the posting pipeline.

``reconcile`` reads each system of record through its own API: approved billable time from the PSA, posted
time from the ERP (SuiteQL over ``timebill``), and dead letters from the orchestrator's ``/dlq``; it prints
approved = posted + dead-lettered + in flight per project and period, to the cent.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import click
import httpx
from rich.console import Console
from rich.table import Table

from harness.engine import SYSTEM_TOKENS
from harness.fleet import SANDBOX_PORTS
from scenarios.links import source_entry_id, time_entry_link

console = Console()
CENT = Decimal("0.01")


def _default(name: str) -> str:
    return f"http://127.0.0.1:{SANDBOX_PORTS[name]}"


url_option = click.option(
    "--url", default=_default("orchestrator"), show_default=True, help="The orchestrator's status API."
)
reason_option = click.option("--reason", help="Only dead letters with this reason code (e.g. PERIOD_CLOSED).")


def _get(client: httpx.Client, url: str, **params: Any) -> Any:
    try:
        resp = client.get(url, params=params or None)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{url}: {exc}") from exc
    if resp.status_code >= 400:
        raise click.ClickException(f"{url} -> {resp.status_code}: {resp.text[:300]}")
    return resp.json()


@click.group()
def dlq() -> None:
    """The orchestrator's dead-letter queue."""


@dlq.command("list")
@url_option
@reason_option
def dlq_list(url: str, reason: str | None) -> None:
    """Open dead letters with their business reason codes."""
    with httpx.Client(timeout=30, trust_env=False) as client:
        letters = _get(client, url.rstrip("/") + "/dlq", **({"reason": reason} if reason else {}))["dead_letters"]
    table = Table(title=f"dead letters ({len(letters)})")
    for col in ("id", "reason", "source", "kind", "detail"):
        table.add_column(col)
    for d in letters:
        table.add_row(str(d["id"]), d["reason"], str(d.get("source_id") or d["key"]), d["kind"], d["detail"][:100])
    console.print(table)


@dlq.command("replay")
@url_option
@reason_option
def dlq_replay(url: str, reason: str | None) -> None:
    """Put dead letters (of one reason) back in the work queue once their cause is fixed."""
    try:
        resp = httpx.post(
            url.rstrip("/") + "/dlq/replay", params={"reason": reason} if reason else None, timeout=30, trust_env=False
        )
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{url}: {exc}") from exc
    if resp.status_code >= 400:
        raise click.ClickException(f"{url} -> {resp.status_code}: {resp.text[:300]}")
    console.print(f"replayed {resp.json()['replayed']} dead letter(s)" + (f" with reason {reason}" if reason else ""))


@dataclass(slots=True)
class Row:
    """One project and period: hours and amounts approved, posted and dead-lettered."""

    approved: list[Decimal] = field(default_factory=lambda: [Decimal(0), Decimal(0)])
    posted: list[Decimal] = field(default_factory=lambda: [Decimal(0), Decimal(0)])
    dead: list[Decimal] = field(default_factory=lambda: [Decimal(0), Decimal(0)])

    @property
    def in_flight(self) -> list[Decimal]:
        """Approved, neither posted nor dead-lettered (yet)."""
        return [self.approved[i] - self.posted[i] - self.dead[i] for i in (0, 1)]


def approved_entries(client: httpx.Client, psa_url: str) -> dict[str, dict[str, Any]]:
    """Approved billable PSA time entries by id (every page)."""
    out: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        body = _get(
            client,
            psa_url + "/api/v1/time_entries.json",
            approved="true",
            billable="true",
            limit=200,
            offset=offset,
        )
        page = [body[r["key"]][r["id"]] for r in body.get("results", [])]
        out.update({str(e["id"]): e for e in page})
        offset += len(page)
        if len(page) < 200 or offset >= int(body.get("count", 0)):
            return out


def posted_time(client: httpx.Client, erp_url: str) -> list[dict[str, Any]]:
    """ERP time postings (external id, memo, hours, rate) through SuiteQL, every page."""
    rows: list[dict[str, Any]] = []
    if not _get(client, erp_url + "/services/rest/record/v1/timeBill", limit=1).get("totalResults"):
        return rows  # nothing posted yet (and the simulator's SuiteQL cannot query an empty table)
    offset = 0
    while True:
        resp = client.post(
            erp_url + "/services/rest/query/v1/suiteql",
            params={"limit": 1000, "offset": offset},
            json={"q": "SELECT id, externalid, memo, hours, rate FROM timebill ORDER BY id"},
            headers={"Prefer": "transient"},
        )
        if resp.status_code >= 400:
            raise click.ClickException(f"ERP SuiteQL -> {resp.status_code}: {resp.text[:300]}")
        body = resp.json()
        rows += [{"externalId": r.get("externalid"), **r} for r in body.get("items", [])]
        offset += len(body.get("items", []))
        if not body.get("hasMore") or not body.get("items"):
            return rows


def reconciliation(
    entries: dict[str, dict[str, Any]], bills: list[dict[str, Any]], letters: list[dict[str, Any]]
) -> dict[tuple[str, str], Row]:
    """Per (workspace, month of the PSA date): approved, posted and dead-lettered hours and amounts."""
    rows: dict[tuple[str, str], Row] = defaultdict(Row)

    def key(entry: dict[str, Any]) -> tuple[str, str]:
        return str(entry["workspace_id"]), str(entry["date_performed"])[:7]

    def hours(entry: dict[str, Any]) -> Decimal:
        return (Decimal(int(entry["time_in_minutes"])) / 60).quantize(CENT)

    for entry in entries.values():
        h = hours(entry)
        rows[key(entry)].approved[0] += h
        rows[key(entry)].approved[1] += (h * Decimal(int(entry["rate_in_cents"])) / 100).quantize(CENT)
    for bill in bills:
        source = entries.get(source_entry_id(bill) or "")
        where = key(source) if source else ("(unknown source)", "")
        h = Decimal(str(bill.get("hours") or 0)).quantize(CENT)
        rows[where].posted[0] += h
        rows[where].posted[1] += (h * Decimal(str(bill.get("rate") or 0))).quantize(CENT)
    rx = time_entry_link()
    for letter in letters:
        found = rx.match(str(letter.get("source_id") or ""))
        parked = entries.get(found.group(1)) if found else None
        if parked is not None:
            h = hours(parked)
            rows[key(parked)].dead[0] += h
            rows[key(parked)].dead[1] += (h * Decimal(int(parked["rate_in_cents"])) / 100).quantize(CENT)
    return dict(rows)


@click.command()
@click.option("--psa", "psa_url", default=_default("psa"), show_default=True)
@click.option("--erp", "erp_url", default=_default("erp"), show_default=True)
@click.option("--orchestrator", "orch_url", default=_default("orchestrator"), show_default=True)
def reconcile(psa_url: str, erp_url: str, orch_url: str) -> None:
    """Approved vs posted vs dead-lettered hours and amounts per project and period (exit 1 if any differ)."""
    with (
        httpx.Client(headers={"Authorization": f"Bearer {SYSTEM_TOKENS['psa']}"}, timeout=60, trust_env=False) as psa,
        httpx.Client(headers={"Authorization": f"Bearer {SYSTEM_TOKENS['erp']}"}, timeout=60, trust_env=False) as erp,
        httpx.Client(timeout=30, trust_env=False) as orch,
    ):
        entries = approved_entries(psa, psa_url.rstrip("/"))
        bills = posted_time(erp, erp_url.rstrip("/"))
        letters = _get(orch, orch_url.rstrip("/") + "/dlq")["dead_letters"]
    rows = reconciliation(entries, bills, letters)
    table = Table(title="approved vs posted vs dead-lettered (hours / amount)")
    for col in ("project", "period", "approved", "posted", "dead-lettered", "in flight"):
        table.add_column(col, justify="right" if col not in ("project", "period") else "left")
    unbalanced = 0
    for (workspace, period), row in sorted(rows.items()):
        flight = row.in_flight
        unbalanced += any(flight)
        table.add_row(
            workspace,
            period,
            *(f"{h} h / {a}" for h, a in (row.approved, row.posted, row.dead, flight)),
        )
    console.print(table)
    console.print(f"{len(entries)} approved entries, {len(bills)} postings, {len(letters)} dead letters")
    if unbalanced:
        console.print(f"{unbalanced} project-period(s) not reconciled (in flight or posted twice)")
        sys.exit(1)
