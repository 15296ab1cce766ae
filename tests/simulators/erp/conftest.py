"""Fixtures for the ERP simulator tests."""

from __future__ import annotations

import pytest
from erp_wire import Erp
from fastapi.testclient import TestClient


@pytest.fixture
def erp(erp_client: TestClient) -> Erp:
    """The NetSuite-speaking helper over :func:`erp_client`."""
    return Erp(erp_client)
