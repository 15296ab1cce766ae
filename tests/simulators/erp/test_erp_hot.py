"""The ERP's hot timeBill routes answer exactly what the FastAPI routes answer (upsert by external id included)."""

from __future__ import annotations

from tests.simulators._core.test_core_hot import Call, assert_same_answers

BASE = "/services/rest/record/v1/timeBill"
GOOD = {"employee": {"id": "1"}, "customer": {"id": "1"}, "hours": "7.50", "tranDate": "2026-10-19"}


def test_time_bill_upsert_by_external_id_matches_the_fastapi_route() -> None:
    from simulators.erp.app import SPEC

    calls: list[Call] = [
        ("PUT", f"{BASE}/eid:psa-te-1", {"json": GOOD}),  # insert
        ("PUT", f"{BASE}/eid:psa-te-1", {"json": {**GOOD, "hours": "3.25", "memo": "again"}}),  # update
        ("PUT", f"{BASE}/eid:psa-te-2", {"json": {**GOOD, "externalId": "psa-te-2", "approvalStatus": {"id": "2"}}}),
        ("GET", f"{BASE}/eid:psa-te-1", {}),
        ("GET", f"{BASE}/2", {}),
        ("PUT", f"{BASE}/eid:psa-te-3", {"json": {**GOOD, "externalId": "other"}}),  # contradicts the URL
        ("PUT", f"{BASE}/eid:psa-te-3", {"json": {**GOOD, "approvalStatus": {"id": "9"}}}),  # an invalid select key
        ("PUT", f"{BASE}/eid:psa-te-3", {"json": {**GOOD, "hours": "lots"}}),  # NetSuite's validation error
        ("PUT", f"{BASE}/eid:psa-te-3", {"json": {**GOOD, "hours": "30"}}),  # a domain rule refuses it
        ("PUT", f"{BASE}/eid:psa-te-3", {"json": {**GOOD, "tranDate": "2020-01-01"}}),  # no open period
        ("PUT", f"{BASE}/eid:psa-te-3", {"json": {**GOOD, "unknownField": 1}}),
        ("PUT", f"{BASE}/eid:psa-te-3", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
        ("PUT", f"{BASE}/eid:psa-te-3", {"content": b"[1]", "headers": {"Content-Type": "application/json"}}),
        ("PUT", f"{BASE}/eid:psa-te-3", {"content": b"hours=1", "headers": {"Content-Type": "text/plain"}}),
        ("PUT", f"{BASE}/eid:psa-te-3", {"json": GOOD, "headers": {"Prefer": "respond-async"}}),
        ("PUT", f"{BASE}/eid:psa-te-4", {"json": GOOD, "headers": {"X-NetSuite-Idempotency-Key": "k-1"}}),
        ("PUT", f"{BASE}/eid:bad$id", {"json": GOOD}),  # not an external id the route accepts
        ("PUT", f"{BASE}/eid:", {"json": GOOD}),
        ("PUT", f"{BASE}/eid:{'x' * 256}", {"json": GOOD}),
        ("PUT", f"{BASE}/17", {"json": GOOD}),  # an internal id: the route refuses it
        ("PUT", f"{BASE}/eid:psa-te-5/", {"json": GOOD}),  # a trailing slash
        ("PUT", f"{BASE}/eid:psa-te-5", {"json": GOOD, "headers": {"Authorization": ""}}),  # the policy refuses
        ("PUT", f"{BASE}/eid:psa-te-5", {"json": GOOD, "params": {"fields": "id"}}),
        ("POST", BASE, {"json": {**GOOD, "externalId": "psa-te-1"}}),  # a create of an existing external id
    ]
    assert_same_answers(SPEC, calls, {"Authorization": "Bearer t"})
