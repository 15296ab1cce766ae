"""Token issue and expiry in simulated time, and named fault profiles, on a minimal simulator."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.testclient import TestClient

from simulators._core.app import create_simulator_app
from simulators._core.auth import BearerTokenPolicy
from simulators._core.errors import RenderedError, VendorError
from simulators._core.profiles import load_profile, profile_names
from simulators._core.runtime import SimulatorSpec, StoreContext
from simulators._core.settings import SimulatorSettings
from simulators._core.states import ProviderStates
from simulators._core.tokens import IssuedToken, TokenEndpoint
from simulators._core.webhooks import sign
from simulators.datagen import World


class ToyStore:
    def __init__(self, ctx: StoreContext[SimulatorSettings]) -> None:
        self.ctx = ctx

    def load_world(self, world: World) -> None:
        pass

    def snapshot(self) -> dict[str, Any]:
        return {}

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        pass


router = APIRouter()


@router.get("/api/ping", operation_id="ping")
async def ping() -> dict[str, str]:
    return {"pong": "ok"}


def _render(err: VendorError) -> RenderedError:
    return RenderedError(err.status, {"code": err.code, "message": err.message})


def _token_body(token: IssuedToken, base: str) -> Mapping[str, Any]:
    return {"access_token": token.access_token, "refresh_token": token.refresh_token, "expires_in": token.ttl_s}


def toy_spec(system: str = "erp") -> SimulatorSpec[ToyStore, SimulatorSettings]:
    return SimulatorSpec(
        system=system,
        title="toy",
        api_version="1",
        settings_type=SimulatorSettings,
        store_factory=ToyStore,
        routers=[router],
        render_error=_render,
        transport_error=lambda status, message: VendorError(message or "boom", status=status, code="T"),
        validation_error=lambda errors: VendorError("invalid", code="INVALID"),
        not_found=lambda method, path: VendorError("no such path", status=404, code="NOT_FOUND"),
        provider_states=ProviderStates(),
        policy=BearerTokenPolicy(lambda: VendorError("expired or invalid", status=401, code="INVALID_TOKEN")),
        token_endpoint=TokenEndpoint("/oauth/token", _token_body),
    )


@pytest.fixture
def toy() -> TestClient:
    return TestClient(create_simulator_app(toy_spec(), SimulatorSettings(profile="empty")))


def _token(client: TestClient, **form: str) -> dict[str, Any]:
    resp = client.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": "orch", **form})
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def test_an_issued_token_works_until_it_expires_in_simulated_time(toy: TestClient) -> None:
    toy.put("/__admin/settings", json={"token_ttl_s": 600})
    token = _token(toy)
    assert token["expires_in"] == 600
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    assert toy.get("/api/ping", headers=auth).status_code == 200
    toy.post("/__admin/clock/advance", json={"seconds": 599})
    assert toy.get("/api/ping", headers=auth).status_code == 200
    toy.post("/__admin/clock/advance", json={"seconds": 1})
    expired = toy.get("/api/ping", headers=auth)
    assert (expired.status_code, expired.json()) == (401, {"code": "INVALID_TOKEN", "message": "expired or invalid"})


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("Bearer some-token", 200),
        ("OAuth some-token", 200),
        ("bearer   some-token  ", 200),
        ("Basic dXNlcjpwYXNz", 401),
        ("Bearer", 401),
        ("Bearer   ", 401),
        ("", 401),
    ],
)
def test_authorization_values_are_judged_alike_the_first_time_and_every_time_after(
    toy: TestClient, header: str, status: int
) -> None:
    # The policy remembers a raw value once parsed: the answer must not change on the second, third... request.
    assert [toy.get("/api/ping", headers={"Authorization": header}).status_code for _ in range(3)] == [status] * 3


def test_the_memory_of_parsed_authorization_values_stays_bounded(toy: TestClient) -> None:
    for n in range(5000):
        assert toy.get("/api/ping", headers={"Authorization": f"Bearer token-{n}"}).status_code == 200
    assert toy.get("/api/ping", headers={"Authorization": "Basic x"}).status_code == 401
    policy = toy.app.state.sim.spec.policy  # type: ignore[attr-defined]
    assert len(policy._tokens) <= 4096


def test_a_refresh_token_gets_a_new_access_token(toy: TestClient) -> None:
    token = _token(toy)
    toy.post("/__admin/clock/advance", json={"hours": 2})
    resp = toy.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
    fresh = resp.json()["access_token"]
    assert fresh != token["access_token"]
    assert toy.get("/api/ping", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, "invalid_grant"),
        ({"grant_type": "implicit"}, "unsupported_grant_type"),
        ({}, "unsupported_grant_type"),
    ],
)
def test_token_errors_use_the_oauth_error_shape(toy: TestClient, form: dict[str, str], error: str) -> None:
    resp = toy.post("/oauth/token", data=form)
    assert resp.status_code == 400
    assert resp.json()["error"] == error


def test_auth_mode_issued_refuses_tokens_the_simulator_did_not_issue(toy: TestClient) -> None:
    assert toy.get("/api/ping", headers={"Authorization": "Bearer made-up"}).status_code == 200
    toy.put("/__admin/settings", json={"auth_mode": "issued"})
    assert toy.get("/api/ping", headers={"Authorization": "Bearer made-up"}).status_code == 401
    token = _token(toy)["access_token"]
    assert toy.get("/api/ping", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_tokens_are_reproducible_from_the_seed() -> None:
    def first_token() -> str:
        client = TestClient(create_simulator_app(toy_spec(), SimulatorSettings(profile="empty", seed=9)))
        return str(_token(client)["access_token"])

    assert first_token() == first_token()


# -- profiles --------------------------------------------------------------------------------------------------
def test_every_shipped_profile_is_valid() -> None:
    assert profile_names() == ["flaky-erp", "lost-responses", "month-end-storm", "token-churn"]
    for name in profile_names():
        profile = load_profile(name)
        assert profile.description
        assert any(p.faults or p.settings for p in profile.systems.values())


def test_applying_a_profile_installs_this_systems_rules_and_settings(toy: TestClient) -> None:
    resp = toy.post("/__admin/faults/profiles/month-end-storm")
    assert resp.status_code == 200
    assert [r["id"] for r in resp.json()["faults"]] == ["storm-erp-throttle", "storm-erp-latency"]
    assert toy.get("/__admin/settings").json()["concurrency_limit"] == 15
    assert [r["id"] for r in toy.get("/__admin/faults").json()["faults"]] == ["storm-erp-throttle", "storm-erp-latency"]


def test_a_profile_without_a_section_for_this_system_changes_nothing() -> None:
    client = TestClient(create_simulator_app(toy_spec("crm"), SimulatorSettings(profile="empty")))
    resp = client.post("/__admin/faults/profiles/flaky-erp")
    assert resp.json() == {"profile": "flaky-erp", "faults": [], "settings": {}}


@pytest.mark.parametrize("name", ["nope", "..%2Fpyproject"])
def test_unknown_profiles_are_404(toy: TestClient, name: str) -> None:
    resp = toy.post(f"/__admin/faults/profiles/{name}")
    assert resp.status_code == 404


def test_profiles_listing(toy: TestClient) -> None:
    listing: Sequence[dict[str, Any]] = toy.get("/__admin/faults/profiles").json()["profiles"]
    by_name = {p["name"]: p for p in listing}
    assert by_name["flaky-erp"]["faults"] == 3
    assert by_name["token-churn"]["settings"] == ["token_ttl_s"]


# -- webhook push ----------------------------------------------------------------------------------------------
@router.post("/api/emit/{kind}", operation_id="emit")
async def emit(kind: str, request: Request) -> dict[str, int]:
    sim = request.app.state.sim
    events = sim.tenant().events.emit(kind, "Thing", "7", {"n": 1})
    return {"emitted": len(events)}


def _receiver(statuses: list[int]) -> tuple[FastAPI, list[tuple[dict[str, str], bytes]]]:
    """A subscriber that answers the given statuses in turn (then 200) and records what it got."""
    got: list[tuple[dict[str, str], bytes]] = []
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        got.append((dict(request.headers), await request.body()))
        return Response(status_code=statuses.pop(0) if statuses else 200)

    return app, got


@pytest.mark.servers_only
def test_events_are_pushed_signed_and_retried_until_accepted(live_server: Callable[..., str]) -> None:
    receiver, got = _receiver([500, 503])
    hook_url = live_server(receiver) + "/hook"
    sim_url = live_server(create_simulator_app(toy_spec(), SimulatorSettings(profile="empty")))
    with httpx.Client(base_url=sim_url, headers={"Authorization": "Bearer t"}, trust_env=False) as client:
        client.put("/__admin/settings", json={"events": {"retry_base_ms": 10}})
        sub = client.post(
            "/__admin/subscriptions", json={"url": hook_url, "event_types": ["thing:changed"], "secret": "s3cret"}
        )
        assert sub.status_code == 201
        client.post("/api/emit/thing:ignored")
        client.post("/api/emit/thing:changed")
        deadline = time.monotonic() + 10
        while len(got) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        [event] = [e for e in client.get("/__admin/events").json()["events"] if e["type"] == "thing:changed"]
    assert len(got) == 3  # two failures, then accepted; the ignored type was never sent
    headers, body = got[-1]
    assert json.loads(body)["type"] == "thing:changed"
    assert headers["x-p2c-signature"] == sign("s3cret", body)
    assert [h["x-p2c-delivery-attempt"] for h, _ in got] == ["1", "2", "3"]
    assert [d["status"] for d in event["deliveries"]] == [500, 503, 200]


def test_subscriptions_must_point_at_loopback(toy: TestClient) -> None:
    resp = toy.post("/__admin/subscriptions", json={"url": "http://203.0.113.7/hook"})
    assert resp.status_code == 400
    assert resp.json()["error"] == "host '203.0.113.7' is not allowed (events.allowed_hosts)"
