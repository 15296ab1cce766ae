"""``p2c orchestrator dlq list|replay`` and ``p2c reconcile`` against a running fleet."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from harness.admin_client import AdminClient
from harness.cli.main import main
from harness.engine import SYSTEM_TOKENS
from harness.fleet import Fleet, running_fleet
from scenarios import actions

pytestmark = pytest.mark.servers_only

WEEK = actions.weekdays(date(2026, 10, 26), 5)


def _poll(condition: Callable[[], Any], what: str, timeout_s: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    env = {"ORCH_IDLE_POLL_INTERVAL_S": "0.2"}
    with running_fleet(seed=42, orchestrator_env=env, run_dir=tmp_path_factory.mktemp("cli")) as running:
        yield running


def _p2c(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False, terminal_width=200)


def test_dead_letters_are_listed_reconciled_and_replayed(fleet: Fleet) -> None:
    urls = ["--psa", fleet.url("psa"), "--erp", fleet.url("erp"), "--orchestrator", fleet.url("orchestrator")]
    orch = ["--url", fleet.url("orchestrator")]
    erp_admin = AdminClient(fleet.url("erp"))
    try:
        actions.set_period_state(erp_admin, "2026-10", "closed")
        with httpx.Client(
            base_url=fleet.url("psa"), headers={"Authorization": f"Bearer {SYSTEM_TOKENS['psa']}"}, trust_env=False
        ) as psa:
            staffings = actions.choose_staffings(psa, 2, random.Random(5), days=WEEK)
            actions.timesheets_for(psa, staffings, WEEK, random.Random(5))
            billable = actions.ok(
                psa.get("/api/v1/time_entries.json", params={"approved": "true", "billable": "true"})
            )["count"]

        def parked() -> int:
            body = httpx.get(fleet.url("orchestrator") + "/dlq", trust_env=False).json()
            return len(body["dead_letters"]) if len(body["dead_letters"]) >= billable else 0

        assert _poll(parked, "every late entry in the dead-letter queue") == billable

        listed = _p2c("orchestrator", "dlq", "list", *orch, "--reason", "PERIOD_CLOSED")
        assert listed.exit_code == 0
        assert listed.output.count("PERIOD_CLOSED") == billable
        assert "psa-te-" in listed.output
        assert "(0)" in _p2c("orchestrator", "dlq", "list", *orch, "--reason", "CREDIT_HOLD").output

        balanced = _p2c("reconcile", *urls)
        assert balanced.exit_code == 0, balanced.output
        assert f"{billable} approved entries, 0 postings, {billable} dead letters" in balanced.output
        assert "2026-10" in balanced.output

        actions.set_period_state(erp_admin, "2026-10", "open")
        replayed = _p2c("orchestrator", "dlq", "replay", *orch, "--reason", "PERIOD_CLOSED")
        assert replayed.output.strip() == f"replayed {billable} dead letter(s) with reason PERIOD_CLOSED"
        _poll(lambda: len(erp_admin.data().get("timeBill", [])) == billable, "the replayed postings")
        after = _p2c("reconcile", *urls)
        assert after.exit_code == 0, after.output
        assert f"{billable} approved entries, {billable} postings, 0 dead letters" in after.output
    finally:
        erp_admin.close()
