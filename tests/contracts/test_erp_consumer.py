"""Pact consumer test of the orchestrator's NetSuite client: what it asks of the ERP, and what it relies on.

The real ``ErpClient`` over the real ``VendorHttp`` (aiohttp) talks to Pact's mock server; the interactions
recorded here are written to ``contracts/pacts/`` and replayed against the ERP simulator by
``test_erp_provider.py``.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from pact import Pact, match

from contracts.participants import CONSUMER, ERP_PROVIDER, pact_file_name
from harness.contracts import PACTS_DIR
from harness.orchestrator.clients.erp import RECORD, ErpClient
from harness.orchestrator.clients.http import PermanentError, VendorHttp

EMPLOYEE_EXT, EMPLOYEE_ID = "psa-user-1001", "7"
PROJECT_EXT, PROJECT_ID = "psa-ws-2001", "31"
POSTED_ID = "1"
TOKEN = "pact-token"

BEARER = match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$")
"""Every NetSuite call carries a bearer token (the simulator refuses calls without one)."""
LOCATION = match.regex(
    f"http://localhost/services/rest/record/v1/timeBill/{POSTED_ID}",
    regex=r"^https?://[^/]+/services/rest/record/v1/timeBill/[0-9]+$",
)


def time_bill_body(entry_id: str, tran_date: str) -> dict[str, object]:
    """The body ``OrchestratorService._post_time_bill`` builds for an approved, billable 7.5 h entry at 150.00."""
    return {
        "employee": {"id": EMPLOYEE_ID},
        "customer": {"id": PROJECT_ID},
        "hours": "7.50",
        "tranDate": tran_date,
        "isBillable": True,
        "approvalStatus": {"id": "2"},
        "memo": f"psa-te-{entry_id}",
        "rate": "150.00",
    }


def _request_body(entry_id: str, tran_date: str) -> dict[str, object]:
    """The same body with the formats the client promises, not the exact numbers, in the contract."""
    body: dict[str, Any] = time_bill_body(entry_id, tran_date)
    body["hours"] = match.regex(body["hours"], regex=r"^[0-9]{1,2}\.[0-9]{2}$")
    body["rate"] = match.regex(body["rate"], regex=r"^[0-9]+\.[0-9]{2}$")
    return body


def _lookup(pact: Pact, record_type: str, external_id: str, internal_id: str, state: str) -> None:
    (
        pact.upon_receiving(f"a lookup of the {record_type} with external id {external_id}")
        .given(state, id=internal_id)
        .with_request("GET", f"{RECORD}/{record_type}/eid:{external_id}")
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body({"id": match.regex(internal_id, regex=r"^[0-9]+$"), "externalId": external_id}, "application/json")
    )


def _posting_states(pact_interaction: Any) -> Any:
    return pact_interaction.given(f"employee {EMPLOYEE_EXT} exists", id=EMPLOYEE_ID).given(
        f"project {PROJECT_EXT} exists", id=PROJECT_ID
    )


def build_pact() -> Pact:
    """Every interaction the orchestrator has with NetSuite, in a stable order."""
    pact = Pact(CONSUMER, ERP_PROVIDER).with_specification("V4")
    _lookup(pact, "employee", EMPLOYEE_EXT, EMPLOYEE_ID, f"employee {EMPLOYEE_EXT} exists")
    _lookup(pact, "job", PROJECT_EXT, PROJECT_ID, f"project {PROJECT_EXT} exists")
    (
        pact.upon_receiving("a lookup of an employee that does not exist")
        .with_request("GET", f"{RECORD}/employee/eid:psa-user-0")
        .with_header("Authorization", BEARER)
        .will_respond_with(404)
    )
    (
        _posting_states(pact.upon_receiving("an upsert of an approved time entry in an open period"))
        .given("accounting period 2026-10 is open")
        .with_request("PUT", f"{RECORD}/timeBill/eid:psa-te-5001")
        .with_header("Authorization", BEARER)
        .with_body(_request_body("5001", "2026-10-19"), "application/json")
        .will_respond_with(204)
        .with_header("Location", LOCATION)
    )
    (
        _posting_states(pact.upon_receiving("an upsert of a time entry dated in a closed period"))
        .given("accounting period 2026-09 is closed")
        .with_request("PUT", f"{RECORD}/timeBill/eid:psa-te-5002")
        .with_header("Authorization", BEARER)
        .with_body(_request_body("5002", "2026-09-15"), "application/json")
        .will_respond_with(400)
        .with_body(
            {
                "type": match.str("https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1"),
                "title": match.str("Bad Request"),
                "status": 400,
                "o:errorDetails": [
                    {
                        "detail": match.str("The transaction date 2026-09-15 falls in a closed accounting period."),
                        "o:errorCode": "USER_ERROR",
                        "o:errorPath": "tranDate",
                    }
                ],
            },
            "application/json",
        )
    )
    return pact


async def _drive(base_url: str) -> dict[str, Any]:
    """What the orchestrator does for one approved entry, plus the two refusals it must understand."""
    http = VendorHttp(base_url, TOKEN, timeout_s=5.0, concurrency=4)
    erp = ErpClient(http)
    seen: dict[str, Any] = {}
    try:
        seen["employee"] = await erp.internal_id("employee", EMPLOYEE_EXT, "corr-1")
        seen["job"] = await erp.internal_id("job", PROJECT_EXT, "corr-2")
        seen["missing"] = await erp.internal_id("employee", "psa-user-0", "corr-3")
        seen["posted"] = await erp.upsert_time_bill("psa-te-5001", time_bill_body("5001", "2026-10-19"), "corr-4")
        try:
            await erp.upsert_time_bill("psa-te-5002", time_bill_body("5002", "2026-09-15"), "corr-5")
        except PermanentError as exc:
            seen["closed"] = exc
    finally:
        await http.close()
    return seen


def test_orchestrator_erp_client_honours_the_pact() -> None:
    """Look-ups by external id, a 404 as None, an idempotent upsert, and a closed period as a permanent error.

    Leaving the mock server raises if any interaction was not exercised or a request did not match.
    """
    erp_pact = build_pact()
    with erp_pact.serve(addr="127.0.0.1") as server:
        seen = asyncio.run(_drive(str(server.url)))

    assert seen["employee"] == EMPLOYEE_ID
    assert seen["job"] == PROJECT_ID
    assert seen["missing"] is None
    assert seen["posted"] == POSTED_ID
    closed = seen.get("closed")
    assert isinstance(closed, PermanentError), "a closed-period posting must raise PermanentError"
    assert (closed.status, closed.code) == (400, "USER_ERROR")
    assert "closed accounting period" in str(closed)

    erp_pact.write_file(PACTS_DIR, overwrite=True)
    written = json.loads((PACTS_DIR / pact_file_name(CONSUMER, ERP_PROVIDER)).read_text())
    # Pact writes interactions sorted by description, whatever the order they were declared in.
    assert [i["description"] for i in written["interactions"]] == [
        "a lookup of an employee that does not exist",
        "a lookup of the employee with external id psa-user-1001",
        "a lookup of the job with external id psa-ws-2001",
        "an upsert of a time entry dated in a closed period",
        "an upsert of an approved time entry in an open period",
    ]


def test_pact_file_is_deterministic(tmp_path: Path) -> None:
    """Two writes of the same pact are byte-identical, so the committed file only changes with the contract."""
    for name in ("a", "b"):
        pact = build_pact()
        pact.write_file(tmp_path / name, overwrite=True)
    file_name = pact_file_name(CONSUMER, ERP_PROVIDER)
    assert (tmp_path / "a" / file_name).read_bytes() == (tmp_path / "b" / file_name).read_bytes()
