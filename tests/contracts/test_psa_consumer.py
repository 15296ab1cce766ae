"""Pact consumer test of the orchestrator's Kantata client: the feed, a submission and its time entries.

The real ``PsaClient`` over the real ``VendorHttp`` (aiohttp) talks to Pact's mock server; the pact written
here (``contracts/pacts/p2c-orchestrator-kantata-psa.json``) is replayed against the PSA simulator by
``test_psa_provider.py``. Kantata side-loads records in maps keyed by id with ``results`` giving the order,
so the contract pins the shape (every key an id, every value a record with the fields the orchestrator
reads), not the ids the provider happens to generate; the time entries' ids come from the provider state.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from pact import Pact, generate, match

from contracts.participants import CONSUMER, PSA_PROVIDER, pact_file_name
from harness.contracts import PACTS_DIR
from harness.orchestrator.clients.http import VendorHttp
from harness.orchestrator.clients.psa import API, PsaClient

SUBMISSION_ID = "3001"
ENTRY_IDS = ("4001", "4002")
EVENT_ID = "9001"
TOKEN = "pact-token"
APPROVED = "timesheet_submission:approved"
STATE = f"timesheet {SUBMISSION_ID} is approved"

BEARER = match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$")
ID = r"^[0-9]+$"


def _ref(key: str, example_id: str) -> Any:
    return match.each_like({"key": key, "id": match.regex(example_id, regex=ID)}, min=1)


def _by_id(example_id: str, record: dict[str, Any]) -> Any:
    """A Kantata side-load map: keyed by id (``results`` names the keys), every value like ``record``."""
    return match.each_value_matches({example_id: record}, rules=match.like(record))


META = {"count": match.int(1), "page_count": match.int(1), "page_number": match.int(1), "page_size": match.int(200)}

EVENT = {
    "id": EVENT_ID,
    "event_type": APPROVED,
    "subject_type": "TimesheetSubmission",
    "subject_id": SUBMISSION_ID,
    "created_at": match.datetime("2026-10-21T09:00:00Z", format="%Y-%m-%dT%H:%M:%SZ"),
}
SUBMISSION = {
    "id": SUBMISSION_ID,
    "status": "approved",
    "user_id": match.regex("1001", regex=ID),
    "workspace_id": match.regex("2001", regex=ID),
    "time_entry_ids": match.each_like(match.regex(ENTRY_IDS[0], regex=ID), min=1),
}
TIME_ENTRY = {
    "id": match.regex(ENTRY_IDS[0], regex=ID),
    "user_id": match.regex("1001", regex=ID),
    "workspace_id": match.regex("2001", regex=ID),
    "date_performed": match.date("2026-10-19", format="%Y-%m-%d"),
    "time_in_minutes": match.int(480),
    "billable": True,
    "approved": True,
    "rate_in_cents": match.int(15000),
}


def build_pact() -> Pact:
    """Every read the orchestrator makes of Kantata for an approved timesheet, in a stable order."""
    pact = Pact(CONSUMER, PSA_PROVIDER).with_specification("V4")
    (
        pact.upon_receiving("a read of the approved-timesheet feed")
        .given(STATE, id=SUBMISSION_ID)
        .with_request("GET", f"{API}/subscribed_events.json")
        .with_query_parameters({"event_types": APPROVED, "page": "1", "per_page": "200"})
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                "count": match.int(1),
                "meta": META,
                "results": _ref("subscribed_events", EVENT_ID),
                "subscribed_events": _by_id(EVENT_ID, EVENT),
            },
            "application/json",
        )
    )
    (
        pact.upon_receiving("a read of an approved timesheet submission")
        .given(STATE, id=SUBMISSION_ID)
        .with_request("GET", f"{API}/timesheet_submissions.json")
        .with_query_parameter("only", SUBMISSION_ID)
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                "results": _ref("timesheet_submissions", SUBMISSION_ID),
                "timesheet_submissions": _by_id(SUBMISSION_ID, SUBMISSION),
            },
            "application/json",
        )
    )
    (
        pact.upon_receiving("a read of the time entries of an approved timesheet")
        .given(STATE, id=SUBMISSION_ID)
        .with_request("GET", f"{API}/time_entries.json")
        .with_query_parameter(
            "only", match.like(",".join(ENTRY_IDS), generator=generate.provider_state("${timeEntryIdList}"))
        )
        .with_query_parameter("per_page", "200")
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {"results": _ref("time_entries", ENTRY_IDS[0]), "time_entries": _by_id(ENTRY_IDS[0], TIME_ENTRY)},
            "application/json",
        )
    )
    return pact


async def _drive(base_url: str) -> dict[str, Any]:
    """What the orchestrator reads for one approved timesheet."""
    http = VendorHttp(base_url, TOKEN, timeout_s=5.0, concurrency=4)
    psa = PsaClient(http)
    try:
        events = await psa.events([APPROVED], None, "corr-1")
        submission = await psa.submission(SUBMISSION_ID, "corr-2")
        entries = await psa.time_entries(list(ENTRY_IDS), "corr-3")
    finally:
        await http.close()
    return {"events": events, "submission": submission, "entries": entries}


def test_orchestrator_psa_client_honours_the_pact() -> None:
    """The feed, the submission and its entries are read through the side-load maps in ``results`` order.

    Leaving the mock server raises if any interaction was not exercised or a request did not match.
    """
    psa_pact = build_pact()
    with psa_pact.serve(addr="127.0.0.1") as server:
        seen = asyncio.run(_drive(str(server.url)))

    [event] = seen["events"]
    assert (event["event_type"], event["subject_id"]) == (APPROVED, SUBMISSION_ID)
    assert seen["submission"]["status"] == "approved"
    assert seen["submission"]["time_entry_ids"] == [ENTRY_IDS[0]]
    [entry] = seen["entries"]
    assert (entry["id"], entry["time_in_minutes"], entry["billable"]) == (ENTRY_IDS[0], 480, True)

    psa_pact.write_file(PACTS_DIR, overwrite=True)
    written = json.loads((PACTS_DIR / pact_file_name(CONSUMER, PSA_PROVIDER)).read_text())
    assert [i["description"] for i in written["interactions"]] == [
        "a read of an approved timesheet submission",
        "a read of the approved-timesheet feed",
        "a read of the time entries of an approved timesheet",
    ]


def test_psa_pact_file_is_deterministic(tmp_path: Path) -> None:
    """Two writes of the same pact are byte-identical, so the committed file only changes with the contract."""
    for name in ("a", "b"):
        build_pact().write_file(tmp_path / name, overwrite=True)
    file_name = pact_file_name(CONSUMER, PSA_PROVIDER)
    assert (tmp_path / "a" / file_name).read_bytes() == (tmp_path / "b" / file_name).read_bytes()
