"""Assemble the PSA simulator (Kantata OX API v1)."""

from __future__ import annotations

from simulators._core.app import SimulatorApp, create_simulator_app
from simulators._core.auth import BearerTokenPolicy
from simulators._core.runtime import SimulatorSpec
from simulators.psa import exceptions
from simulators.psa.auth import TOKEN_ENDPOINT
from simulators.psa.models import PsaStore
from simulators.psa.routes import (
    billing,
    directory,
    events,
    references,
    stories,
    time_entries,
    timesheets,
    workspaces,
)
from simulators.psa.settings import PsaSettings
from simulators.psa.states import states

SPEC: SimulatorSpec[PsaStore, PsaSettings] = SimulatorSpec(
    system="psa",
    title="Kantata OX API v1 (p2c simulator)",
    api_version="v1",
    settings_type=PsaSettings,
    store_factory=lambda ctx: PsaStore(ctx),
    routers=[
        directory.router,
        workspaces.router,
        stories.router,
        time_entries.router,
        timesheets.router,
        billing.router,
        references.router,
        events.router,
    ],
    render_error=exceptions.render_error,
    transport_error=exceptions.transport_error,
    validation_error=exceptions.validation_error,
    not_found=exceptions.not_found,
    provider_states=states,
    token_endpoint=TOKEN_ENDPOINT,
    policy=BearerTokenPolicy(lambda: exceptions.OAuthError("Invalid OAuth 2 Request")),
    hot_routes=time_entries.HOT,
)


def create_app(settings: PsaSettings | None = None) -> SimulatorApp:
    """A new PSA simulator app."""
    return create_simulator_app(SPEC, settings)
