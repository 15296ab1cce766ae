"""Transport faults on a real uvicorn server on loopback: a reset is a reset the client sees."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from simulators.erp.app import create_app

pytestmark = pytest.mark.servers_only

TIME_BILL = "/services/rest/record/v1/timeBill"
# The transport errors a client sees when the server drops the connection without a response.
CONNECTION_LOST = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.ConnectError)

Body = Callable[..., dict[str, Any]]


@pytest.fixture(
    params=[
        pytest.param({}, id="default-loop"),  # what `python -m simulators` serves with (uvloop + httptools here)
        pytest.param({"loop": "asyncio", "http": "h11"}, id="asyncio-h11"),
    ]
)
def erp_server(request: pytest.FixtureRequest, live_server: Callable[..., str]) -> Iterator[httpx.Client]:
    base_url = live_server(create_app(), **request.param)
    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer test-token"}, timeout=10) as client:
        yield client


def _reset_rule(client: httpx.Client, phase: str) -> dict[str, Any]:
    response = client.post(
        "/__admin/faults",
        json={"kind": "CONNECTION_RESET", "phase": phase, "match": {"method": "PUT", "path": f"{TIME_BILL}*"}},
    )
    assert response.status_code == 201, response.text
    rule: dict[str, Any] = response.json()
    return rule


def test_server_answers_vendor_and_control_plane(erp_server: httpx.Client, time_bill_body: Body) -> None:
    assert erp_server.get("/__admin/health").json()["system"] == "erp"
    created = erp_server.post(TIME_BILL, json=time_bill_body())
    assert created.status_code == 204
    base = str(erp_server.base_url).rstrip("/")
    assert created.headers["location"] == f"{base}{TIME_BILL}/1"


def test_reset_after_commit_loses_the_response_but_keeps_the_record(
    erp_server: httpx.Client, time_bill_body: Body
) -> None:
    rule = _reset_rule(erp_server, "after")
    with pytest.raises(CONNECTION_LOST):
        erp_server.put(f"{TIME_BILL}/eid:TB-LOST", json=time_bill_body())
    found = erp_server.get(f"{TIME_BILL}/eid:TB-LOST")
    assert found.status_code == 200
    assert found.json()["externalId"] == "TB-LOST"
    (entry,) = erp_server.get("/__admin/requests", params={"faulted": "true"}).json()["requests"]
    assert entry["fault"] == {"rule_id": rule["id"], "kind": "CONNECTION_RESET", "phase": "after"}


def test_reset_before_commit_leaves_nothing(erp_server: httpx.Client, time_bill_body: Body) -> None:
    _reset_rule(erp_server, "before")
    with pytest.raises(CONNECTION_LOST):
        erp_server.put(f"{TIME_BILL}/eid:TB-NONE", json=time_bill_body())
    missing = erp_server.get(f"{TIME_BILL}/eid:TB-NONE")
    assert missing.status_code == 404
    assert missing.json()["o:errorDetails"][0]["o:errorCode"] == "NONEXISTENT_ID"
    data = erp_server.get("/__admin/state").json()["tenants"]["default"]["data"]
    assert data["timeBill"] == []
