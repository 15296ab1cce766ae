"""Every fault kind as a client sees it: status, headers and body, or what the connection does.

Connection-level kinds (RST, clean close, truncation, hang) are checked with a real HTTP client against
uvicorn on loopback; in-process, a dropped connection surfaces as ``ConnectionResetByFault``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from simulators.erp.app import create_app

TIME_BILL = "/services/rest/record/v1/timeBill"
AUTH = {"Authorization": "Bearer t"}
Body = Callable[..., dict[str, Any]]


def _fault(client: Any, **rule: Any) -> dict[str, Any]:
    resp = client.post("/__admin/faults", json=rule)
    assert resp.status_code == 201, resp.text
    result: dict[str, Any] = resp.json()
    return result


def _time_bills(client: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = client.get("/__admin/state").json()["tenants"]["default"]["data"]["timeBill"]
    return rows


def test_throttle_is_the_vendors_own_shape(erp_client: TestClient, time_bill_body: Body) -> None:
    _fault(erp_client, kind="THROTTLE", match={"path": f"{TIME_BILL}*"})
    resp = erp_client.post(TIME_BILL, json=time_bill_body())
    assert resp.status_code == 429
    assert resp.json()["o:errorDetails"] == [
        {"detail": "Too many concurrent requests. Try again later.", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}
    ]
    assert _time_bills(erp_client) == []


def test_malformed_body_after_commit_keeps_status_and_corrupts_json(
    erp_client: TestClient, time_bill_body: Body
) -> None:
    erp_client.put(f"{TIME_BILL}/eid:TB-1", json=time_bill_body())
    _fault(erp_client, kind="MALFORMED_BODY", phase="after", match={"method": "GET", "path": f"{TIME_BILL}/*"})
    resp = erp_client.get(f"{TIME_BILL}/eid:TB-1")
    assert resp.status_code == 200
    assert resp.headers["content-length"] == str(len(resp.content))
    with pytest.raises(ValueError, match=r"decode|Expecting|Unterminated"):  # not JSON (nor UTF-8)
        json.loads(resp.content)


def test_malformed_body_on_a_bodyless_204_becomes_a_broken_200(erp_client: TestClient, time_bill_body: Body) -> None:
    _fault(erp_client, kind="MALFORMED_BODY", phase="after", match={"method": "PUT"})
    resp = erp_client.put(f"{TIME_BILL}/eid:TB-2", json=time_bill_body())
    assert (resp.status_code, resp.content) == (200, b'{"p2c": "malformed')
    assert [r["externalId"] for r in _time_bills(erp_client)] == ["TB-2"]


def test_match_on_operation_id(erp_client: TestClient, time_bill_body: Body) -> None:
    _fault(erp_client, kind="HTTP_ERROR", match={"operation": "upsertTimeBill"}, params={"status": 502})
    assert erp_client.post(TIME_BILL, json=time_bill_body()).status_code == 204
    assert erp_client.put(f"{TIME_BILL}/eid:TB-3", json=time_bill_body()).status_code == 502


def test_rule_is_active_only_inside_its_simulated_time_window(erp_client: TestClient, time_bill_body: Body) -> None:
    _fault(
        erp_client,
        kind="HTTP_ERROR",
        match={"method": "POST"},
        window={"start": "2026-10-31T00:00:00Z", "end": "2026-11-01T00:00:00Z"},
    )
    assert erp_client.post(TIME_BILL, json=time_bill_body()).status_code == 204  # 2026-10-30: before the window
    erp_client.post("/__admin/clock/advance", json={"days": 1})
    assert erp_client.post(TIME_BILL, json=time_bill_body()).status_code == 503
    erp_client.post("/__admin/clock/advance", json={"days": 1})
    assert erp_client.post(TIME_BILL, json=time_bill_body()).status_code == 204


@pytest.mark.parametrize(
    ("params", "low_ms", "high_ms"),
    [
        ({"delay_ms": 30}, 30, 30),
        ({"delay_ms": 10, "delay_max_ms": 40, "distribution": "uniform"}, 10, 40),
    ],
)
def test_delay_distributions_stay_within_their_bounds(
    erp_client: TestClient, params: dict[str, Any], low_ms: float, high_ms: float
) -> None:
    _fault(erp_client, kind="DELAY", match={"method": "GET"}, params=params)
    for _ in range(5):
        erp_client.get(f"{TIME_BILL}?limit=1", headers=AUTH)
    durations = [e["duration_ms"] for e in erp_client.get("/__admin/requests?faulted=true").json()["requests"]]
    assert len(durations) == 5
    assert all(low_ms * 0.95 <= d for d in durations)
    assert all(d <= high_ms + 250 for d in durations)  # the upper bound plus scheduling slack


def test_uniform_delay_needs_an_ordered_range(erp_client: TestClient) -> None:
    resp = erp_client.post(
        "/__admin/faults", json={"kind": "DELAY", "params": {"distribution": "uniform", "delay_ms": 50}}
    )
    assert resp.status_code == 400
    assert "delay_max_ms >= delay_ms" in resp.text


def test_same_seed_same_requests_same_firings_across_seeds() -> None:
    def firings(seed: int) -> list[int]:
        client = TestClient(create_app(), headers=AUTH)
        client.post("/__admin/seed", json={"seed": seed})
        client.post("/__admin/faults", json={"kind": "HTTP_ERROR", "probability": 0.3, "match": {"method": "GET"}})
        for _ in range(300):
            client.get(f"{TIME_BILL}?limit=1")
        return [e["id"] for e in client.get("/__admin/requests?faulted=true").json()["requests"]]

    for seed in (1, 2, 3, 42):
        first = firings(seed)
        assert firings(seed) == first
        assert 300 * 0.3 * 0.7 <= len(first) <= 300 * 0.3 * 1.3  # within 30% of the configured rate
    assert firings(1) != firings(2)


# -- limits --------------------------------------------------------------------------------------------------
def test_rate_limit_per_minute_refuses_the_call_over_the_limit(erp_client: TestClient) -> None:
    erp_client.put("/__admin/settings", json={"rate_limit_per_minute": 3})
    statuses = [erp_client.get(f"{TIME_BILL}?limit=1", headers=AUTH).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


# -- connection-level kinds with a real client --------------------------------------------------------------


@pytest.fixture
def live_erp(live_server: Callable[..., str]) -> str:
    return live_server(create_app())


@pytest.mark.servers_only
@pytest.mark.parametrize(
    ("kind", "phase", "committed"),
    [
        ("EMPTY_RESPONSE", "before", False),
        ("EMPTY_RESPONSE", "after", True),
        ("TRUNCATED_BODY", "after", True),
        ("HANG", "after", True),
    ],
)
def test_connection_level_faults_with_a_real_client(
    live_erp: str, time_bill_body: Body, kind: str, phase: str, committed: bool
) -> None:
    # Setup calls get a generous timeout (a busy machine); the faulted call a short one, under HANG's hold.
    with httpx.Client(base_url=live_erp, headers=AUTH, trust_env=False, timeout=10.0) as client:
        match = {"method": "GET" if kind == "TRUNCATED_BODY" else "PUT", "path": f"{TIME_BILL}*"}
        if kind == "TRUNCATED_BODY":
            assert client.put(f"{TIME_BILL}/eid:TB-T", json=time_bill_body()).status_code == 204
        _fault(client, kind=kind, phase=phase, match=match, params={"hang_ms": 1500})

        def call() -> httpx.Response:
            if kind == "TRUNCATED_BODY":
                return client.get(f"{TIME_BILL}/eid:TB-T", timeout=1.0)
            return client.put(f"{TIME_BILL}/eid:TB-X", json=time_bill_body(), timeout=1.0)

        with pytest.raises(httpx.TransportError):  # ReadTimeout, RemoteProtocolError, ReadError...
            call()
        client.delete("/__admin/faults")
        assert (client.get(f"{TIME_BILL}/eid:TB-X").status_code == 200) is (committed and kind != "TRUNCATED_BODY")


@pytest.mark.servers_only
def test_concurrency_pool_refuses_the_request_over_the_account_limit(live_erp: str) -> None:
    import asyncio

    httpx.put(f"{live_erp}/__admin/settings", json={"concurrency_limit": 2}, trust_env=False)
    httpx.post(
        f"{live_erp}/__admin/faults",
        json={"kind": "DELAY", "params": {"delay_ms": 300}, "match": {"method": "GET"}},
        trust_env=False,
    )

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=live_erp, headers=AUTH, trust_env=False, timeout=5) as client:
            return list(await asyncio.gather(*(client.get(f"{TIME_BILL}?limit=1") for _ in range(4))))

    resps = sorted(asyncio.run(burst()), key=lambda r: r.status_code)
    assert [r.status_code for r in resps] == [200, 200, 429, 429]
    assert resps[-1].json()["o:errorDetails"] == [
        {"detail": "Too many concurrent requests. Try again later.", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}
    ]
