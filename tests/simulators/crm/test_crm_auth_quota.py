"""The CRM's token endpoint, session expiry, rolling daily allocation and throttle shape."""

from __future__ import annotations

from fastapi.testclient import TestClient

BASE = "/services/data/v62.0"
INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
LIMIT_EXCEEDED = [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]


def test_token_endpoint_answers_like_salesforce(anon: TestClient) -> None:
    resp = anon.post("/services/oauth2/token", data={"grant_type": "client_credentials", "client_id": "orch"})
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"access_token", "instance_url", "id", "token_type", "issued_at", "signature"}
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == "http://testserver"
    assert body["id"] == "http://testserver/id/00D000000000001AAA/005000000000001AAA"


def test_an_issued_session_expires_with_invalid_session_id(anon: TestClient) -> None:
    anon.put("/__admin/settings", json={"token_ttl_s": 7200})
    token = anon.post("/services/oauth2/token", data={"grant_type": "client_credentials"}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert anon.get(f"{BASE}/limits", headers=auth).status_code == 200
    anon.post("/__admin/clock/advance", json={"hours": 2})
    resp = anon.get(f"{BASE}/limits", headers=auth)
    assert (resp.status_code, resp.json()) == (401, INVALID_SESSION)


def test_the_daily_allocation_rolls_over_in_simulated_time(crm: TestClient) -> None:
    crm.put("/__admin/settings", json={"daily_api_limit": 3})
    assert [crm.get(f"{BASE}/limits").status_code for _ in range(3)] == [200, 200, 200]
    spent = crm.get(f"{BASE}/limits")
    assert (spent.status_code, spent.json()) == (403, LIMIT_EXCEEDED)
    assert spent.headers["Sforce-Limit-Info"] == "api-usage=3/3"
    assert "retry-after" not in spent.headers
    crm.post("/__admin/clock/advance", json={"hours": 23, "minutes": 59})
    assert crm.get(f"{BASE}/limits").status_code == 403  # still inside the rolling 24 h
    crm.post("/__admin/clock/advance", json={"minutes": 1})
    again = crm.get(f"{BASE}/limits")
    assert again.status_code == 200
    assert again.headers["Sforce-Limit-Info"] == "api-usage=1/3"


def test_throttle_fault_is_salesforces_403(crm: TestClient) -> None:
    crm.post("/__admin/faults", json={"kind": "THROTTLE", "match": {"path": "/services/data/*/limits"}})
    resp = crm.get(f"{BASE}/limits")
    assert (resp.status_code, resp.json()) == (403, LIMIT_EXCEEDED)


def test_the_web_server_flow_gets_a_refresh_token_that_renews_an_expired_session(anon: TestClient) -> None:
    anon.put("/__admin/settings", json={"token_ttl_s": 600})
    assert "refresh_token" not in anon.post("/services/oauth2/token", data={"grant_type": "client_credentials"}).json()
    first = anon.post("/services/oauth2/token", data={"grant_type": "authorization_code", "code": "c"}).json()
    anon.post("/__admin/clock/advance", json={"minutes": 10})
    assert anon.get(f"{BASE}/limits", headers={"Authorization": f"Bearer {first['access_token']}"}).status_code == 401
    renewed = anon.post(
        "/services/oauth2/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    ).json()
    assert anon.get(f"{BASE}/limits", headers={"Authorization": f"Bearer {renewed['access_token']}"}).status_code == 200
