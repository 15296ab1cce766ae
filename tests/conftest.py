"""Shared fixtures: in-process simulator clients and a loopback uvicorn server for server-mode tests."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from starlette.types import ASGIApp

with warnings.catch_warnings():
    # Starlette >= 1.0 warns on import of its httpx-based TestClient with a StarletteDeprecationWarning, a
    # UserWarning subclass, so the pyproject filter (category DeprecationWarning) does not match it.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from simulators._core.server import uvicorn_config
from simulators.erp.app import create_app as create_erp_app

BEARER = {"Authorization": "Bearer test-token"}
"""Any bearer token is accepted by the simulators (token issue and expiry are not modelled yet)."""

SERVER_START_DEADLINE_S = 10.0


@pytest.fixture
def erp_app() -> Any:
    """A fresh ERP simulator app (seed 42, profile ``small``, frozen clock at its default start)."""
    return create_erp_app()


@pytest.fixture
def erp_client(erp_app: Any) -> Iterator[TestClient]:
    """A ``TestClient`` for :func:`erp_app` with a bearer token preset; server exceptions propagate."""
    with TestClient(erp_app, headers=BEARER) as client:
        yield client


@pytest.fixture
def erp_records(erp_client: TestClient) -> Callable[[str], list[dict[str, Any]]]:
    """Rows of one record type of the default tenant, read through ``GET /__admin/state``."""

    def read(record_type: str) -> list[dict[str, Any]]:
        response = erp_client.get("/__admin/state")
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()["tenants"]["default"]["data"][record_type]
        return rows

    return read


@pytest.fixture
def time_bill_body() -> Callable[..., dict[str, Any]]:
    """A valid timeBill body against the seeded ERP world (employee 1 on project 1, in the open October).

    Keyword arguments override or add top-level fields.
    """

    def build(**overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "employee": {"id": "1"},
            "customer": {"id": "1"},
            "hours": "2.5",
            "tranDate": "2026-10-15",
        }
        body.update(overrides)
        return body

    return build


@pytest.fixture
def live_server() -> Iterator[Callable[..., str]]:
    """Start ASGI apps under uvicorn on 127.0.0.1 (a free port each) in background threads.

    Call the fixture with an app (and optional ``uvicorn.Config`` attribute overrides such as
    ``loop="asyncio"``); it returns the base URL once the server has started. Every server is stopped and
    joined at teardown.
    """
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: ASGIApp, **config_overrides: Any) -> str:
        # Port 0: the kernel picks a free port at bind time, so there is no race with other processes.
        config = uvicorn_config(app, port=0)
        for name, value in config_overrides.items():
            setattr(config, name, value)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="live-server", daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.monotonic() + SERVER_START_DEADLINE_S
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn exited before it started")
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start within {SERVER_START_DEADLINE_S} s")
            thread.join(timeout=0.01)  # the poll interval; returns early if the server thread dies
        port = server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for server, _ in running:
        server.should_exit = True
    for _, thread in running:
        thread.join(timeout=SERVER_START_DEADLINE_S)
        assert not thread.is_alive(), "uvicorn did not shut down"
