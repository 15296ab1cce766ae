"""Hot routes answer exactly what the FastAPI routes answer, and hand anything unusual to them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from simulators._core.app import create_simulator_app
from simulators._core.hot import HotRoutes, hot_route
from simulators._core.runtime import SimulatorSpec

Call = tuple[str, str, dict[str, Any]]
"""(method, path, httpx request keywords)."""


def _pair(spec: SimulatorSpec[Any, Any]) -> Iterator[tuple[TestClient, TestClient]]:
    """The simulator with its hot routes and the same simulator without them."""
    assert spec.hot_routes, "the simulator declares hot routes"
    with (
        TestClient(create_simulator_app(spec)) as hot,
        TestClient(create_simulator_app(dataclasses.replace(spec, hot_routes=()))) as plain,
    ):
        yield hot, plain


def assert_same_answers(spec: SimulatorSpec[Any, Any], calls: list[Call], auth: dict[str, str]) -> None:
    """Each call gets the same status, headers and body with and without the hot routes (state included)."""
    for hot, plain in _pair(spec):
        for method, path, kwargs in calls:
            headers = {**auth, **kwargs.pop("headers", {})}
            a = hot.request(method, path, headers=headers, **kwargs)
            b = plain.request(method, path, headers=headers, **kwargs)
            assert (a.status_code, a.content) == (b.status_code, b.content), (method, path, a.text, b.text)
            assert sorted(a.headers.items()) == sorted(b.headers.items()), (method, path)
        journal = hot.get("/__admin/requests").json()["requests"]
        assert [(e["method"], e["path"], e["status"]) for e in journal] == [
            (e["method"], e["path"], e["status"]) for e in plain.get("/__admin/requests").json()["requests"]
        ]
        assert hot.get("/__admin/state").json() == plain.get("/__admin/state").json()


def test_erp_time_bill_read_and_create_match_the_fastapi_routes() -> None:
    from simulators.erp.app import SPEC

    base = "/services/rest/record/v1/timeBill"
    good = {"employee": {"id": "1"}, "customer": {"id": "1"}, "hours": "7.50", "tranDate": "2026-10-19"}
    calls: list[Call] = [
        ("POST", base, {"json": good}),
        ("POST", base, {"json": {**good, "memo": "second", "externalId": "x-2"}}),
        ("GET", f"{base}/1", {}),
        ("GET", f"{base}/2", {}),
        ("GET", f"{base}/999999", {}),  # a NetSuite 404 from the store
        ("GET", f"{base}/eid:x-2", {}),  # not hot: the FastAPI route
        ("POST", base, {"json": {**good, "hours": "lots"}}),  # invalid: NetSuite's validation error
        ("POST", base, {"json": {**good, "unknownField": 1}}),
        ("POST", base, {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
        ("POST", base, {"content": b"[1, 2]", "headers": {"Content-Type": "application/json"}}),
        ("POST", base, {"json": good, "headers": {"Prefer": "respond-async"}}),
        ("POST", base, {"json": {**good, "tranDate": "2020-01-01"}}),  # a domain rule refuses it
        ("GET", f"{base}/1", {"headers": {"Authorization": ""}}),  # the policy refuses before the route
    ]
    assert_same_answers(SPEC, calls, {"Authorization": "Bearer t"})


async def _inner(scope: Scope, receive: Receive, send: Send) -> None:
    body = await Request(scope, receive).body()
    await PlainTextResponse(f"inner {scope['path']} {body.decode()}")(scope, receive, send)


def _layer(handler: Callable[[Request, dict[str, str]], Any]) -> TestClient:
    return TestClient(HotRoutes(_inner, [hot_route("POST", r"/things/(?P<n>[0-9]+)", handler)]))


def test_a_hot_handler_answers_and_gets_the_path_parameters() -> None:
    async def handler(request: Request, params: dict[str, str]) -> Response:
        return PlainTextResponse(f"hot {params['n']} {(await request.body()).decode()}")

    client = _layer(handler)
    assert client.post("/things/7", content=b"x").text == "hot 7 x"
    assert client.post("/things/seven", content=b"x").text == "inner /things/seven x"  # no match
    assert client.get("/things/7").text == "inner /things/7 "  # another method


@pytest.mark.parametrize("reads_body", [True, False])
def test_a_declined_request_reaches_the_app_with_its_body(reads_body: bool) -> None:
    async def handler(request: Request, params: dict[str, str]) -> None:
        if reads_body:
            await request.body()

    assert _layer(handler).post("/things/7", content=b"payload").text == "inner /things/7 payload"


def test_crm_sobject_read_and_create_match_the_fastapi_routes() -> None:
    from simulators.crm.app import SPEC

    base = "/services/data/v67.0/sobjects"
    account = "001000000000001AAA"
    calls: list[Call] = [
        ("POST", f"{base}/Account", {"json": {"Name": "Hot Account", "ERP_Customer_Id__c": "HOT-1"}}),
        ("POST", f"{base}/Account/", {"json": {"Name": "Trailing slash"}}),
        ("GET", f"{base}/Account/{account}", {}),
        ("GET", f"{base}/Account/{account[:15]}", {}),
        ("GET", f"{base}/Account/{account}", {"params": {"fields": "Name,Id"}}),  # not hot
        ("GET", f"{base}/Account/001000000000999AAA", {}),  # NOT_FOUND
        ("GET", f"{base}/Account/describe", {}),  # another route
        ("GET", f"{base}/Nonexistent/{account}", {}),
        ("POST", f"{base}/Nonexistent", {"json": {"Name": "x"}}),
        ("POST", f"{base}/Account", {"json": {"NoSuchField__c": 1}}),
        ("POST", f"{base}/Account", {"content": b"{not json"}),
        (
            "POST",
            f"{base}/Opportunity",
            {"json": {"Name": "Big deal", "StageName": "Closed Won", "CloseDate": "2026-11-01"}},
        ),
        ("GET", f"/services/data/v20.0/sobjects/Account/{account}", {}),  # below the version window: 410
        ("GET", f"/services/data/v99.0/sobjects/Account/{account}", {}),
        ("GET", f"{base}/Account/{account}", {"headers": {"Authorization": "Basic x"}}),
    ]
    assert_same_answers(SPEC, calls, {"Authorization": "Bearer t"})


def test_psa_time_entry_read_and_create_match_the_fastapi_routes() -> None:
    from simulators.psa.app import SPEC

    with TestClient(create_simulator_app(SPEC)) as probe:
        staffing = probe.get("/__admin/state").json()["tenants"]["default"]["data"]["participations"][0]
    entry = {
        "workspace_id": str(staffing["workspace_id"]),
        "user_id": str(staffing["user_id"]),
        "date_performed": "2026-10-05",
        "time_in_minutes": 90,
        "billable": True,
        "notes": "hot",
    }
    base = "/api/v1/time_entries"
    calls: list[Call] = [
        ("POST", f"{base}.json", {"json": {"time_entry": entry}}),
        ("POST", f"{base}.json", {"json": {"time_entries": [entry, {**entry, "time_in_minutes": 30}]}}),
        ("POST", f"{base}.json", {"json": {"time_entry": entry}, "params": {"include": "user"}}),  # not hot
        ("POST", f"{base}.json", {"json": {"time_entry": {**entry, "time_in_minutes": "many"}}}),
        ("POST", f"{base}.json", {"json": {"time_entry": {**entry, "user_id": "999999"}}}),  # a domain refusal
        ("POST", f"{base}.json", {"json": {}}),
        ("POST", f"{base}.json", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
        ("GET", f"{base}/1.json", {}),
        ("GET", f"{base}/2.json", {"params": {"include": "user,workspace"}}),  # not hot
        ("GET", f"{base}/999999.json", {}),
        ("GET", f"{base}/abc.json", {}),
        ("GET", f"{base}/1.json", {"headers": {"Authorization": ""}}),
    ]
    assert_same_answers(SPEC, calls, {"Authorization": "Bearer t"})


@pytest.mark.parametrize(
    ("scheme", "server", "host", "root_path"),
    [
        ("http", ("127.0.0.1", 8000), b"localhost:9", ""),
        ("https", ("127.0.0.1", 443), None, "/root"),
        ("http", ("127.0.0.1", 80), None, ""),
        ("http", None, b"testserver", ""),
        ("http", ["testserver", 80], None, ""),  # the test client's scope has a list
    ],
)
def test_the_erp_base_url_is_starlettes(
    scheme: str, server: tuple[str, int] | list[Any] | None, host: bytes | None, root_path: str
) -> None:
    from simulators.erp.routes.render import base_url

    headers = [(b"host", host)] if host is not None else []
    scope = {"type": "http", "scheme": scheme, "server": server, "root_path": root_path, "path": f"{root_path}/x"}
    request = Request({**scope, "query_string": b"q=1", "headers": headers})
    assert base_url(request) == str(request.base_url).rstrip("/")
