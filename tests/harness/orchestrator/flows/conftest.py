"""Fixtures: the three simulators on loopback uvicorn servers and a flow runner wired to them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.orchestrator.flows.runner import FlowRunner
from harness.orchestrator.settings import OrchestratorSettings
from simulators.crm.app import create_app as create_crm
from simulators.erp.app import create_app as create_erp
from simulators.psa.app import create_app as create_psa

CRM_API = "/services/data/v62.0"
PSA_API = "/api/v1"
ERP_RECORD = "/services/rest/record/v1"


@dataclass(slots=True)
class Systems:
    """Clients of the three simulators (vendor API and control plane share the base URL)."""

    crm: httpx.Client
    psa: httpx.Client
    erp: httpx.Client
    urls: dict[str, str]


@pytest.fixture
def systems(live_server: Callable[..., str]) -> Iterator[Systems]:
    urls = {"crm": live_server(create_crm()), "psa": live_server(create_psa()), "erp": live_server(create_erp())}
    clients = {
        name: httpx.Client(base_url=url, headers={"Authorization": "Bearer t"}, timeout=10, trust_env=False)
        for name, url in urls.items()
    }
    yield Systems(clients["crm"], clients["psa"], clients["erp"], urls)
    for client in clients.values():
        client.close()


@pytest.fixture
def settings(systems: Systems, tmp_path: Path) -> OrchestratorSettings:
    return OrchestratorSettings(
        crm_url=systems.urls["crm"],
        psa_url=systems.urls["psa"],
        erp_url=systems.urls["erp"],
        db_path=tmp_path / "orchestrator.sqlite",
        erp_webhook_subscribe=False,
        backoff_base_s=0.01,
        backoff_max_s=0.05,
        max_attempts=5,
    )


async def drive(runner: FlowRunner, done: Callable[[], bool], *, deadline_s: float = 20.0) -> None:
    """Run rounds of the flows until ``done`` holds (or fail at the deadline)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        await runner.step()
        if done():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the flows did not get there before the deadline: {runner.status()}")


def records(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of a Kantata side-loaded envelope."""
    return [body[r["key"]][r["id"]] for r in body.get("results", [])]
