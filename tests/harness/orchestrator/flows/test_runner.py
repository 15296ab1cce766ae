"""The flows' webhook intake, retry timing and refusal codes."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi import FastAPI

from harness.orchestrator.clients.http import PermanentError, TransientError
from harness.orchestrator.flows.runner import FlowRunner, classify, router, signature
from harness.orchestrator.retry import backoff_s
from harness.orchestrator.settings import OrchestratorSettings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

SECRET = "hook-secret"
HOLD_EVENT = {
    "id": "41",
    "type": "customer.creditHoldChanged",
    "subjectType": "customer",
    "subjectId": "12",
    "createdAt": "2026-10-20T09:00:00+00:00",
    "payload": {"customer": {"id": "12", "externalId": "CUST-00002"}, "onCreditHold": True, "reason": "manual hold"},
}


@pytest.fixture
def settings(tmp_path: Path) -> OrchestratorSettings:
    return OrchestratorSettings(db_path=tmp_path / "o.sqlite", erp_webhook_secret=SECRET, erp_webhook_subscribe=False)


@pytest.fixture
def hook(settings: OrchestratorSettings) -> Iterator[tuple[TestClient, FlowRunner]]:
    app = FastAPI()
    app.include_router(router())
    runner = FlowRunner(settings)
    app.state.flows = runner
    with TestClient(app) as client:
        yield client, runner
    runner.store.close()


def _post(client: TestClient, event: dict[str, object], secret: str = SECRET) -> int:
    raw = orjson.dumps(event)
    headers = {"X-P2C-Signature": signature(secret, raw), "Content-Type": "application/json"}
    return client.post("/hooks/erp", content=raw, headers=headers).status_code


def test_a_signed_push_is_recorded_once_and_a_redelivery_with_a_new_id_starts_no_second_flow(
    hook: tuple[TestClient, FlowRunner],
) -> None:
    client, runner = hook
    assert _post(client, HOLD_EVENT) == 204
    assert _post(client, HOLD_EVENT) == 204  # the same delivery again
    assert _post(client, {**HOLD_EVENT, "id": "42"}) == 204  # a duplicate event with its own id
    counts = runner.store.counts()
    assert (counts["events"], counts["pending"]) == (2, 1)
    (flow,) = runner.store.flows()
    assert flow["key"].startswith("erp:customer.creditHoldChanged:12:")


def test_an_unsigned_or_malformed_push_is_refused_and_not_recorded(hook: tuple[TestClient, FlowRunner]) -> None:
    client, runner = hook
    assert _post(client, HOLD_EVENT, secret="wrong") == 401
    assert client.post("/hooks/erp", content=b"{}").status_code == 401
    raw = b"not json"
    assert (
        client.post("/hooks/erp", content=raw, headers={"X-P2C-Signature": signature(SECRET, raw)}).status_code == 400
    )
    assert runner.store.counts()["events"] == 0


def test_flows_status_and_dead_letters_are_served(hook: tuple[TestClient, FlowRunner]) -> None:
    client, _ = hook
    assert _post(client, HOLD_EVENT) == 204
    body = client.get("/flows").json()
    assert body["counts"]["pending"] == 1
    assert body["flows"][0]["kind"] == "erp.event"
    assert client.get("/flows/dlq").json() == {"dead_letters": []}


def test_salesforce_daily_quota_waits_far_longer_than_a_throttle(settings: OrchestratorSettings) -> None:
    rng = random.Random(1)
    quota = TransientError("403", status=403, code="REQUEST_LIMIT_EXCEEDED")
    throttle = TransientError("429", status=429)
    assert backoff_s(0, quota, settings, rng) >= settings.crm_quota_backoff_s * 0.5
    assert backoff_s(0, throttle, settings, rng) <= settings.backoff_base_s * 1.5
    assert backoff_s(20, throttle, settings, rng) <= settings.backoff_max_s * 1.5
    waits = {round(backoff_s(3, throttle, settings, rng), 6) for _ in range(5)}
    assert len(waits) == 5, "retries are jittered"
    assert backoff_s(0, TransientError("x", status=429, retry_after_s=7), settings, rng) >= 3.5


@pytest.mark.parametrize(
    ("message", "status", "code", "system", "reason"),
    [
        ("The customer CUST-1 (Acme) is on credit hold (manual hold).", 400, "USER_ERROR", "ERP", "CREDIT_HOLD"),
        ("falls in the closed accounting period Oct 2026", 400, "USER_ERROR", "ERP", "PERIOD_CLOSED"),
        ("Please give your project a title", 422, "validation", "PSA", "PSA_VALIDATION"),
        ("Amount must be positive", 400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "CRM", "CRM_VALIDATION"),
        ("no job with internal id 9", 404, "NOT_FOUND", "ERP", "INVALID_REFERENCE"),
        ("Something else", 400, "USER_ERROR", "ERP", "ERP_REJECTED"),
    ],
)
def test_refusals_get_business_reason_codes(message: str, status: int, code: str, system: str, reason: str) -> None:
    assert classify(PermanentError(message, status=status, code=code), system) == reason
