"""Assemble the ERP simulator (NetSuite SuiteTalk REST)."""

from __future__ import annotations

from simulators._core.app import SimulatorApp, create_simulator_app
from simulators._core.auth import BearerTokenPolicy
from simulators._core.runtime import SimulatorSpec
from simulators.erp import exceptions
from simulators.erp.auth import TOKEN_ENDPOINT
from simulators.erp.models import ErpStore
from simulators.erp.routes import records, services, transform
from simulators.erp.settings import ErpSettings
from simulators.erp.states import states

SPEC: SimulatorSpec[ErpStore, ErpSettings] = SimulatorSpec(
    system="erp",
    title="NetSuite REST (p2c simulator)",
    api_version="2026.1",
    settings_type=ErpSettings,
    store_factory=lambda ctx: ErpStore(ctx),
    routers=[records.router, transform.router, services.router],
    render_error=exceptions.render_error,
    transport_error=exceptions.transport_error,
    validation_error=exceptions.validation_error,
    not_found=exceptions.not_found,
    provider_states=states,
    token_endpoint=TOKEN_ENDPOINT,
    hot_routes=records.HOT,
    policy=BearerTokenPolicy(
        lambda: exceptions.InvalidLogin(
            "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > "
            "Users/Roles > User Management > View Login Audit Trail."
        )
    ),
)


def create_app(settings: ErpSettings | None = None) -> SimulatorApp:
    """A new ERP simulator app."""
    return create_simulator_app(SPEC, settings)
