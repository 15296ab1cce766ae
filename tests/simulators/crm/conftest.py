"""Fixtures for the CRM simulator tests: an in-process app, an authenticated client, wire helpers."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    # Starlette >= 1.0 warns (a UserWarning subclass) when its httpx-based TestClient is imported.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from crm_wire import AUTH

from simulators._core.app import SimulatorApp
from simulators.crm.app import create_app
from simulators.crm.settings import CrmSettings
from simulators.datagen import World, build_world


@pytest.fixture
def world() -> World:
    """The world a default CRM simulator loads (tests derive expectations from it, never hardcode names)."""
    settings = CrmSettings()
    return build_world(settings.seed, settings.profile, start=settings.clock_start)


@pytest.fixture
def crm_app() -> SimulatorApp:
    """A fresh CRM simulator (seed 42, profile ``small``, frozen clock at 2026-10-30T09:00Z)."""
    return create_app()


@pytest.fixture
def crm(crm_app: SimulatorApp) -> Iterator[TestClient]:
    """A ``TestClient`` with a bearer token preset; server exceptions propagate."""
    with TestClient(crm_app, headers=AUTH) as client:
        yield client


@pytest.fixture
def anon(crm_app: SimulatorApp) -> Iterator[TestClient]:
    """A ``TestClient`` without credentials."""
    with TestClient(crm_app) as client:
        yield client
