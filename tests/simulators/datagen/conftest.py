"""Fixtures for the world generator tests: worlds, and the three simulators' stores loaded from them."""

from __future__ import annotations

from typing import Any

import pytest

from simulators.crm.app import create_app as create_crm
from simulators.crm.settings import CrmSettings
from simulators.datagen import World, build_world
from simulators.erp.app import create_app as create_erp
from simulators.erp.settings import ErpSettings
from simulators.psa.app import create_app as create_psa
from simulators.psa.settings import PsaSettings


@pytest.fixture(scope="session")
def standard() -> World:
    """The sandbox profile's world for seed 42."""
    return build_world(42, "standard")


@pytest.fixture(scope="session")
def month_end_ci() -> World:
    """The CI-sized month-end world for seed 42."""
    return build_world(42, "month-end-ci")


def loaded_store(system: str, profile: str, seed: int = 42) -> Any:
    """A simulator's store for the default tenant, loaded from the world (no HTTP: the runtime seeds it)."""
    if system == "crm":
        app = create_crm(CrmSettings(seed=seed, profile=profile))
    elif system == "psa":
        app = create_psa(PsaSettings(seed=seed, profile=profile))
    else:
        app = create_erp(ErpSettings(seed=seed, profile=profile))
    return app.state.sim.tenant().store


@pytest.fixture(scope="session")
def standard_stores() -> dict[str, Any]:
    """CRM, PSA and ERP stores loaded with the ``standard`` world."""
    return {system: loaded_store(system, "standard") for system in ("crm", "psa", "erp")}


@pytest.fixture(scope="session")
def month_end_ci_psa() -> Any:
    """The PSA store loaded with the ``month-end-ci`` world."""
    return loaded_store("psa", "month-end-ci")
