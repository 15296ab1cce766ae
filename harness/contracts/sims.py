"""The simulators as contract targets: which exist, a fresh app per system and version, serving one on loopback."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import uvicorn

import contracts
from simulators._core.server import uvicorn_config

SYSTEMS: tuple[str, ...] = ("crm", "psa", "erp")
CONTRACTS_DIR = Path(contracts.__file__).resolve().parent
OPENAPI_DIR = CONTRACTS_DIR / "openapi"
PACTS_DIR = CONTRACTS_DIR / "pacts"
SERVER_START_DEADLINE_S = 10.0


class UnknownSystemError(LookupError):
    """The system is not one of :data:`SYSTEMS`, or its simulator has no ``app.py`` yet."""


def available_systems(systems: Sequence[str] = SYSTEMS) -> list[str]:
    """The systems among ``systems`` whose simulator package has an ``app`` module."""
    found = []
    for system in systems:
        try:
            spec = importlib.util.find_spec(f"simulators.{system}.app")
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            found.append(system)
    return found


def simulator_module(system: str) -> Any:
    """``simulators.<system>.app`` (with its ``SPEC`` and ``create_app``)."""
    if system not in SYSTEMS or system not in available_systems([system]):
        raise UnknownSystemError(f"no simulator app for system {system!r} (known: {', '.join(SYSTEMS)})")
    return importlib.import_module(f"simulators.{system}.app")


def base_version(system: str) -> str:
    """The API version a simulator serves without a version profile (``v67.0``, ``v1``, ``2026.1``)."""
    return str(simulator_module(system).SPEC.api_version)


def create_simulator(system: str, *, seed: int = 42, profile: str = "small", api_version: str | None = None) -> Any:
    """A fresh simulator app for ``system`` with the given seed, world profile and API version profile."""
    module = simulator_module(system)
    version = None if api_version in (None, base_version(system)) else api_version
    settings = module.SPEC.settings_type(seed=seed, profile=profile, api_version=version)
    return module.create_app(settings)


@contextlib.contextmanager
def serving(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` under uvicorn on a free port of ``host`` in a background thread; yields the base URL."""
    server = uvicorn.Server(uvicorn_config(app, host=host, port=0))
    thread = threading.Thread(target=server.run, name="p2c-contract-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + SERVER_START_DEADLINE_S
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn exited before it started")
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start within {SERVER_START_DEADLINE_S} s")
            thread.join(timeout=0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_DEADLINE_S)
