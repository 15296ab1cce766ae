"""Kantata's OAuth token endpoint, token expiry, and its bare 429 rate limit."""

from __future__ import annotations

from fastapi.testclient import TestClient

from simulators.psa.app import create_app

INVALID_OAUTH = {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]}


def test_tokens_expire_with_the_vendors_401() -> None:
    client = TestClient(create_app())
    client.put("/__admin/settings", json={"token_ttl_s": 900})
    body = client.post("/oauth/token", data={"grant_type": "client_credentials"}).json()
    assert (body["token_type"], body["expires_in"]) == ("bearer", 900)
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v1/users.json", headers=auth).status_code == 200
    client.post("/__admin/clock/advance", json={"minutes": 15})
    resp = client.get("/api/v1/users.json", headers=auth)
    assert (resp.status_code, resp.json()) == (401, INVALID_OAUTH)


def test_per_minute_rate_limit_answers_a_bare_429() -> None:
    client = TestClient(create_app(), headers={"Authorization": "Bearer t"})
    client.put("/__admin/settings", json={"rate_limit_per_minute": 2})
    statuses = [client.get("/api/v1/users.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    resp = client.get("/api/v1/users.json")
    assert resp.status_code == 429
    assert "retry-after" not in resp.headers
    assert not any(h.startswith("x-ratelimit") for h in resp.headers)
