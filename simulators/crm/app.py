"""Assemble the CRM simulator (Salesforce REST API)."""

from __future__ import annotations

from simulators._core.app import SimulatorApp, create_simulator_app
from simulators._core.runtime import SimulatorSpec
from simulators.crm import exceptions
from simulators.crm.auth import TOKEN_ENDPOINT
from simulators.crm.limits import CrmRequestPolicy
from simulators.crm.models import CrmStore
from simulators.crm.routes import collections, composite, events, meta, process, query, sobjects
from simulators.crm.settings import CrmSettings
from simulators.crm.states import states

SPEC: SimulatorSpec[CrmStore, CrmSettings] = SimulatorSpec(
    system="crm",
    title="Salesforce REST API (p2c simulator)",
    api_version="v67.0",
    settings_type=CrmSettings,
    store_factory=lambda ctx: CrmStore(ctx),
    routers=[
        meta.router,
        sobjects.router,
        query.router,
        composite.router,
        collections.router,
        process.router,
        events.router,
    ],
    render_error=exceptions.render_error,
    transport_error=exceptions.transport_error,
    validation_error=exceptions.validation_error,
    not_found=exceptions.not_found,
    provider_states=states,
    policy=CrmRequestPolicy(),
    token_endpoint=TOKEN_ENDPOINT,
    throttle_error=lambda: exceptions.RequestLimitExceeded("TotalRequests Limit exceeded."),
    hot_routes=sobjects.HOT,
)


def create_app(settings: CrmSettings | None = None) -> SimulatorApp:
    """A new CRM simulator app."""
    return create_simulator_app(SPEC, settings)
