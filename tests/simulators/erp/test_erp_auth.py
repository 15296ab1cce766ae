"""NetSuite's OAuth 2.0 token endpoint and token expiry (1 h by default) in simulated time."""

from __future__ import annotations

from fastapi.testclient import TestClient

from simulators.erp.app import create_app

TOKEN = "/services/rest/auth/oauth2/v1/token"
INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > "
    "Users/Roles > User Management > View Login Audit Trail."
)


def test_tokens_last_an_hour_then_the_vendors_401() -> None:
    client = TestClient(create_app())
    body = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": "orch"}).json()
    assert set(body) == {"access_token", "refresh_token", "expires_in", "token_type"}
    assert (body["expires_in"], body["token_type"]) == ("3600", "bearer")
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/services/rest/record/v1/job/1", headers=auth).status_code == 200
    client.post("/__admin/clock/advance", json={"hours": 1})
    resp = client.get("/services/rest/record/v1/job/1", headers=auth)
    assert resp.status_code == 401
    assert resp.json()["o:errorDetails"] == [{"detail": INVALID_LOGIN_DETAIL, "o:errorCode": "INVALID_LOGIN"}]
    refreshed = client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
    auth = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert client.get("/services/rest/record/v1/job/1", headers=auth).status_code == 200


def test_the_account_concurrency_limit_is_on_by_default() -> None:
    assert TestClient(create_app()).get("/__admin/settings").json()["concurrency_limit"] == 15
