"""What a simulator is made of (:class:`SimulatorSpec`) and its live state (:class:`SimRuntime`).

A runtime lives on ``app.state.sim``: no module globals, so many simulators can share a test process.
State is kept per tenant (header ``X-P2C-Tenant``, default ``default``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from fastapi import APIRouter

from simulators._core.clock import SimClock
from simulators._core.errors import RenderedError, VendorError
from simulators._core.events import EventLog
from simulators._core.faults import FaultEngine
from simulators._core.hot import HotRoute
from simulators._core.journal import Journal
from simulators._core.limits import Limits
from simulators._core.rng import make_rng
from simulators._core.settings import SimulatorSettings
from simulators._core.states import ProviderStates
from simulators._core.tokens import TokenEndpoint, TokenStore
from simulators._core.webhooks import WebhookDispatcher
from simulators.datagen import World, build_world

TENANT_HEADER = "x-p2c-tenant"
DEFAULT_TENANT = "default"


class Store(Protocol):
    """What the control plane needs from a simulator's domain store."""

    def load_world(self, world: World) -> None:
        """Load this system's share of a seeded world."""

    def snapshot(self) -> dict[str, Any]:
        """A stable, JSON-ready view of all records."""

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace all records with a snapshot taken by :meth:`snapshot`."""


StoreT = TypeVar("StoreT", bound=Store)
SettingsT = TypeVar("SettingsT", bound=SimulatorSettings)


@dataclass(slots=True)
class StoreContext(Generic[SettingsT]):
    """What a store may use: simulated time, live settings, its tenant's events and a seeded RNG."""

    tenant: str
    clock: SimClock
    settings: Callable[[], SettingsT]
    events: EventLog
    rng: random.Random


class RequestInfo(NamedTuple):
    """A vendor request as the policies see it, before the app runs (a tuple: built on every request).

    ``headers`` are the server's raw ones, by lower-case name (``b"authorization"``), undecoded: a policy
    decodes the one or two it reads.
    """

    method: str
    path: str
    headers: Mapping[bytes, bytes]
    tenant: str


class RequestPolicy(Protocol):
    """Vendor-wide checks around every vendor request: auth, quotas, usage headers."""

    adds_headers: bool
    """Whether :meth:`response_headers` can return anything (when False the middleware does not call it)."""

    def admit(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> VendorError | None:
        """An error to return instead of running the request, or None to go on."""

    def response_headers(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> list[tuple[bytes, bytes]]:
        """Headers added to the response of an admitted request."""


@dataclass(slots=True, frozen=True)
class SimulatorSpec(Generic[StoreT, SettingsT]):
    """Everything that makes one vendor's simulator."""

    system: str
    title: str
    api_version: str
    settings_type: type[SettingsT]
    store_factory: Callable[[StoreContext[SettingsT]], StoreT]
    routers: Sequence[APIRouter]
    render_error: Callable[[VendorError], RenderedError]
    transport_error: Callable[[int, str | None], VendorError]
    validation_error: Callable[[Sequence[Any]], VendorError]
    not_found: Callable[[str, str], VendorError]
    provider_states: ProviderStates[StoreT]
    policy: RequestPolicy | None = None
    token_endpoint: TokenEndpoint | None = None
    """The vendor's OAuth token endpoint (mounted by the app factory when set)."""
    throttle_error: Callable[[], VendorError] | None = None
    """The vendor's own throttle (THROTTLE faults, concurrency and rate limits); default: its 429."""
    hot_routes: Sequence[HotRoute] = ()
    """The busiest operations, answered without FastAPI's routing when the request is plain (``_core.hot``)."""

    def throttle(self) -> VendorError:
        """The vendor-shaped throttle error."""
        return self.throttle_error() if self.throttle_error else self.transport_error(429, None)


@dataclass(slots=True)
class TenantState(Generic[StoreT]):
    """One tenant's data and events."""

    store: StoreT
    events: EventLog
    counters: dict[str, int] = field(default_factory=dict)


class SimRuntime(Generic[StoreT, SettingsT]):
    """The live state of one simulator instance."""

    def __init__(self, spec: SimulatorSpec[StoreT, SettingsT], settings: SettingsT) -> None:
        self.spec = spec
        self.settings = settings
        self._initial_settings = settings.model_copy(deep=True)
        self.clock = SimClock(start=settings.clock_start, mode=settings.clock_mode, rate=settings.clock_rate)
        self.journal = Journal(settings.journal_limit)
        self.faults = FaultEngine(make_rng(settings.seed, spec.system, "faults"))
        self.limits = Limits()
        self.tokens = TokenStore(make_rng(settings.seed, spec.system, "tokens"))
        self.webhooks = WebhookDispatcher(
            lambda: self.settings.events, self.clock_now, make_rng(settings.seed, spec.system, "webhooks")
        )
        self.tenants: dict[str, TenantState[StoreT]] = {}
        self._world: World | None = None

    def clock_now(self) -> datetime:
        """The simulated time (the clock object is replaced on reset; this always asks the current one)."""
        return self.clock.now()

    @property
    def system(self) -> str:
        """``crm``, ``psa`` or ``erp``."""
        return self.spec.system

    def world(self) -> World:
        """The seeded world for the current seed, profile and clock start ("today"), built once for each."""
        if self._world is None or (self._world.seed, self._world.profile, self._world.today) != (
            self.settings.seed,
            self.settings.profile,
            self.settings.clock_start.date(),
        ):
            self._world = build_world(self.settings.seed, self.settings.profile, start=self.settings.clock_start)
        return self._world

    def _new_tenant(self, name: str) -> TenantState[StoreT]:
        seed = self.settings.seed
        events = EventLog(
            self.clock_now,
            lambda: self.settings.events,
            make_rng(seed, self.system, name, "events"),
            on_emit=self.webhooks.on_emit(name),
        )
        ctx = StoreContext(name, self.clock, lambda: self.settings, events, make_rng(seed, self.system, name, "data"))
        store = self.spec.store_factory(ctx)
        store.load_world(self.world())
        return TenantState(store=store, events=events)

    def tenant(self, name: str = DEFAULT_TENANT) -> TenantState[StoreT]:
        """A tenant's state, created from the seeded world on first use."""
        state = self.tenants.get(name)
        if state is None:
            state = self.tenants[name] = self._new_tenant(name)
        return state

    def reset(self, scopes: set[str]) -> None:
        """Reset the named scopes: data, faults, journal, clock, settings."""
        if "settings" in scopes:
            self.settings = self._initial_settings.model_copy(deep=True)
        if "data" in scopes:
            self.tenants.clear()
            self.tokens = TokenStore(make_rng(self.settings.seed, self.system, "tokens"))
        if "faults" in scopes:
            self.faults.clear()
            self.faults.reseed(make_rng(self.settings.seed, self.system, "faults"))
        if "journal" in scopes:
            self.journal.clear()
        if "clock" in scopes:
            # Reconfigure in place: stores and event logs hold this clock object.
            self.clock.reconfigure(self.settings.clock_start, self.settings.clock_mode, self.settings.clock_rate)

    def seed(self, seed: int, profile: str | None = None) -> World:
        """Re-seed everything from ``seed``: data (from the profile's world), faults RNG and clock."""
        build_world(seed, profile or self.settings.profile, start=self.settings.clock_start)  # KeyError first
        self.settings.seed = seed
        if profile is not None:
            self.settings.profile = profile
        self.reset({"data", "faults", "clock"})
        world = self.world()
        self.tenant()
        return world

    def update_settings(self, patch: Mapping[str, Any]) -> SettingsT:
        """Deep-merge a partial settings document and validate the result."""
        merged = _deep_merge(self.settings.model_dump(), patch)
        self.settings = self.spec.settings_type.model_validate(merged)
        return self.settings


def _deep_merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out
