"""Transport fault rules and the engine that decides, deterministically, which rule fires.

A rule matches a request (method, path glob, headers, tenant), fires with a probability drawn from the
simulator's seeded RNG, optionally only ``times`` times and only after the first ``after`` matches, in a
``phase``: ``before`` (nothing is committed) or ``after`` (the handler committed, then the response is
lost, delayed or replaced). ``after`` is the "committed but the response was lost" case behind most
duplicate postings.
"""

from __future__ import annotations

import fnmatch
import itertools
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class FaultKind(StrEnum):
    """What a fault does to the exchange."""

    HTTP_ERROR = "HTTP_ERROR"
    """A status in the vendor's error envelope (``params.status``)."""
    THROTTLE = "THROTTLE"
    """The vendor's own throttle: Salesforce 403 REQUEST_LIMIT_EXCEEDED, NetSuite 429, Kantata bare 429."""
    DELAY = "DELAY"
    """Latency from a distribution (fixed, uniform, lognormal), then the normal response."""
    CONNECTION_RESET = "CONNECTION_RESET"
    """A TCP RST instead of a response."""
    EMPTY_RESPONSE = "EMPTY_RESPONSE"
    """The connection is closed cleanly without a byte of response."""
    MALFORMED_BODY = "MALFORMED_BODY"
    """The response's JSON body is corrupted (status and headers intact)."""
    TRUNCATED_BODY = "TRUNCATED_BODY"
    """Half the body is sent under the full Content-Length, then the connection drops."""
    HANG = "HANG"
    """Nothing is sent for ``params.hang_ms`` (past a client's timeout), then the connection drops."""


class DelayDistribution(StrEnum):
    """How a DELAY's latency is drawn (from the seeded RNG)."""

    FIXED = "fixed"
    UNIFORM = "uniform"
    LOGNORMAL = "lognormal"


class FaultPhase(StrEnum):
    """When a fault acts, relative to the handler's commit."""

    BEFORE = "before"
    AFTER = "after"


class FaultMatch(BaseModel):
    """Which requests a rule applies to. Empty fields match everything."""

    model_config = ConfigDict(extra="forbid")

    method: str | list[str] | None = Field(
        default=None, description="HTTP method, a list of methods, or null/'*' for any."
    )
    path: str = Field(
        default="*", description="A glob over the request path, e.g. '/services/rest/record/v1/timeBill*'."
    )
    headers: dict[str, str] = Field(default_factory=dict, description="Header name -> glob over its value.")
    tenant: str | None = None
    operation: str | None = Field(default=None, description="The OpenAPI operationId, e.g. 'upsertTimeBill'.")

    @field_validator("method")
    @classmethod
    def _upper(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list):
            return [m.upper() for m in value]
        return value.upper() if value else value


class FaultParams(BaseModel):
    """Parameters of a fault kind."""

    model_config = ConfigDict(extra="forbid")

    status: int = Field(default=503, ge=400, le=599, description="Status of an HTTP_ERROR.")
    delay_ms: float = Field(
        default=0,
        ge=0,
        le=120_000,
        description="DELAY: the delay (fixed), the minimum (uniform) or the median (lognormal).",
    )
    delay_max_ms: float | None = Field(default=None, ge=0, le=120_000, description="DELAY: the uniform maximum.")
    distribution: DelayDistribution = DelayDistribution.FIXED
    sigma: float = Field(default=0.5, gt=0, le=5, description="DELAY: the lognormal shape.")
    hang_ms: float = Field(default=30_000, ge=0, le=600_000, description="HANG: how long to hold the connection.")
    message: str | None = Field(default=None, description="Text of an HTTP_ERROR (the vendor's default if null).")

    @model_validator(mode="after")
    def _uniform_bounds(self) -> FaultParams:
        if self.distribution is DelayDistribution.UNIFORM and (self.delay_max_ms or 0) < self.delay_ms:
            raise ValueError("a uniform DELAY needs delay_max_ms >= delay_ms")
        return self


class FaultWindow(BaseModel):
    """When a rule is active, in simulated time (either bound may be open)."""

    model_config = ConfigDict(extra="forbid")

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, now: datetime) -> bool:
        """Whether ``now`` is inside the window (start inclusive, end exclusive)."""
        return (self.start is None or now >= self.start) and (self.end is None or now < self.end)


class FaultRuleIn(BaseModel):
    """A fault rule as accepted by ``POST /__admin/faults``."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    match: FaultMatch = Field(default_factory=FaultMatch)
    kind: FaultKind
    phase: FaultPhase = FaultPhase.BEFORE
    probability: float = Field(default=1.0, ge=0.0, le=1.0)
    times: int | None = Field(default=None, ge=0, description="Fire at most this many times (null: unlimited).")
    after: int = Field(default=0, ge=0, description="Skip the first N matching requests.")
    window: FaultWindow | None = Field(default=None, description="Active only inside this simulated-time window.")
    params: FaultParams = Field(default_factory=FaultParams)


class FaultRule(FaultRuleIn):
    """A stored rule: its id is set and its counters are visible."""

    id: str
    matched: int = 0
    fired: int = 0


@dataclass(slots=True, frozen=True)
class RequestFacts:
    """What a rule may match on."""

    method: str
    path: str
    headers: Mapping[str, str]
    tenant: str
    operation: str | None = None


@dataclass(slots=True, frozen=True)
class _Compiled:
    """A rule's match, compiled once when the rule is installed (globs become regular expressions)."""

    rule: FaultRule
    methods: frozenset[str] | None
    path: Callable[[str], re.Match[str] | None] | None
    tenant: str | None
    operation: str | None
    headers: tuple[tuple[str, Callable[[str], re.Match[str] | None]], ...]

    @classmethod
    def of(cls, rule: FaultRule) -> _Compiled:
        match = rule.match
        method = match.method
        methods = None if method in (None, "*") else frozenset(method if isinstance(method, list) else [method])
        return cls(
            rule,
            methods,
            None if match.path == "*" else _glob(match.path),
            match.tenant,
            match.operation,
            tuple((name.lower(), _glob(pattern)) for name, pattern in match.headers.items()),
        )

    def matches(self, req: RequestFacts) -> bool:
        """Whether the request matches (the same answer as ``fnmatch.fnmatchcase`` on every glob)."""
        if self.methods is not None and req.method not in self.methods:
            return False
        if self.path is not None and self.path(req.path) is None:
            return False
        if self.tenant is not None and self.tenant != req.tenant:
            return False
        if self.operation is not None and self.operation != req.operation:
            return False
        for name, pattern in self.headers:
            value = req.headers.get(name)
            if value is None or pattern(value) is None:
                return False
        return True


def _glob(pattern: str) -> Callable[[str], re.Match[str] | None]:
    return re.compile(fnmatch.translate(pattern)).match


def _active(rule: FaultRule, now: datetime | None) -> bool:
    """Inside the rule's window (a rule without a window, or a caller without a time: always)."""
    return rule.window is None or now is None or rule.window.contains(now)


class FaultEngine:
    """Holds the rules and decides which one fires for a request, using a seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._rules: dict[str, FaultRule] = {}
        self._ids = itertools.count(1)
        self._compiled: dict[FaultPhase, list[_Compiled]] = {phase: [] for phase in FaultPhase}
        self.empty = True
        """True when no rule is installed (the hot path skips all fault work): an attribute, read per request."""
        self.uses_headers = False
        """Whether any rule matches on a header (the middleware then decodes the request's headers)."""
        self.uses_operations = False
        """Whether any rule matches on an operationId (the middleware then resolves it)."""

    def _changed(self) -> None:
        """Recompile after the rules changed (rules are matched in insertion order, per phase)."""
        rules = list(self._rules.values())
        self._compiled = {phase: [_Compiled.of(r) for r in rules if r.phase is phase] for phase in FaultPhase}
        self.empty = not rules
        self.uses_headers = any(r.match.headers for r in rules)
        self.uses_operations = any(r.match.operation is not None for r in rules)

    def reseed(self, rng: random.Random) -> None:
        """Use a new RNG (after ``/__admin/seed``)."""
        self._rng = rng

    def add(self, rule_in: FaultRuleIn) -> FaultRule:
        """Install a rule; a rule with an existing id replaces it."""
        rule_id = rule_in.id
        while rule_id is None or (rule_in.id is None and rule_id in self._rules):
            rule_id = f"fault-{next(self._ids)}"
        rule = FaultRule(**{**rule_in.model_dump(), "id": rule_id})
        self._rules[rule_id] = rule
        self._changed()
        return rule

    def remove(self, rule_id: str) -> bool:
        """Remove a rule; False if there was none."""
        removed = self._rules.pop(rule_id, None) is not None
        self._changed()
        return removed

    def clear(self) -> None:
        """Remove every rule."""
        self._rules.clear()
        self._changed()

    def rules(self) -> list[FaultRule]:
        """Installed rules in insertion order."""
        return list(self._rules.values())

    def may_fire(self, req: RequestFacts, phase: FaultPhase, now: datetime | None = None) -> bool:
        """Whether any active rule of this phase matches (without drawing or counting)."""
        return any(_active(c.rule, now) and c.matches(req) for c in self._compiled[phase])

    def fire(self, req: RequestFacts, phase: FaultPhase, now: datetime | None = None) -> FaultRule | None:
        """The first active rule of this phase that matches and fires, counting matches and firings."""
        for compiled in self._compiled[phase]:
            if not compiled.matches(req):
                continue
            rule = compiled.rule
            if not _active(rule, now):
                continue
            rule.matched += 1
            if rule.matched <= rule.after:
                continue
            if rule.times is not None and rule.fired >= rule.times:
                continue
            if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                continue
            rule.fired += 1
            return rule
        return None

    def delay_s(self, params: FaultParams) -> float:
        """A DELAY's latency in seconds, drawn from its distribution with the seeded RNG (capped at 120 s)."""
        if params.distribution is DelayDistribution.UNIFORM:
            ms = self._rng.uniform(params.delay_ms, params.delay_max_ms or params.delay_ms)
        elif params.distribution is DelayDistribution.LOGNORMAL and params.delay_ms > 0:
            ms = self._rng.lognormvariate(math.log(params.delay_ms), params.sigma)
        else:
            ms = params.delay_ms
        return min(ms, 120_000.0) / 1000

    def as_list(self) -> list[dict[str, Any]]:
        """JSON-ready rules for the control plane."""
        return [r.model_dump(mode="json") for r in self._rules.values()]
