"""The scenario engine: registered ``@scenario`` functions run over a :class:`ScenarioContext`.

A scenario drives the systems through their vendor APIs and the control plane, waits for the
orchestrator, and checks invariants over the simulators' state. The engine yields results that the CLI,
the reports and pytest all consume.
"""

from __future__ import annotations

import inspect
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from harness.admin_client import AdminClient
from harness.invariants import Invariant, InvariantResult, SystemView

HARNESS_CORRELATION = "p2c-harness-driver"
"""The correlation id of the harness's own vendor calls (the actions a scenario performs)."""
SYSTEM_TOKENS = {"crm": "p2c-crm-token", "psa": "p2c-psa-token", "erp": "p2c-erp-token"}


class ScenarioTimeoutError(AssertionError):
    """``ctx.eventually`` ran out of time."""


class OrchestratorDriver(Protocol):
    """How the engine gives a scenario a fresh system under test."""

    name: str

    def reset(self) -> None:
        """Give the orchestrator a clean slate before a scenario (restart, or the SUT's own reset hook)."""

    def configure(self, env: Mapping[str, str]) -> None:
        """Restart with other settings (the reference orchestrator's ``ORCH_*``), until the next reset."""

    def kill(self) -> None:
        """Crash the orchestrator (SIGKILL)."""

    def restart(self) -> None:
        """Start it again on its durable state."""

    def dead_letters(self) -> list[dict[str, Any]] | None:
        """Its open dead letters (``GET /dlq``), or None when it offers none."""

    def replay(self, reason: str | None = None) -> int:
        """Replay its dead letters (``POST /dlq/replay``); returns how many."""


@dataclass(slots=True)
class SystemHandle:
    """One simulator: its control plane and an authenticated vendor-API client."""

    name: str
    url: str
    admin: AdminClient
    api: httpx.Client

    @classmethod
    def connect(cls, name: str, url: str, token: str | None = None) -> SystemHandle:
        """Clients for a simulator at ``url``."""
        api = httpx.Client(
            base_url=url,
            headers={
                "Authorization": f"Bearer {token or SYSTEM_TOKENS[name]}",
                "X-Correlation-ID": HARNESS_CORRELATION,
            },
            timeout=30.0,
            trust_env=False,
        )
        return cls(name, url, AdminClient(url), api)

    def close(self) -> None:
        """Close both clients."""
        self.admin.close()
        self.api.close()


@dataclass(slots=True)
class ScenarioContext:
    """What a scenario works with."""

    crm: SystemHandle
    psa: SystemHandle
    erp: SystemHandle
    orchestrator: OrchestratorDriver
    seed: int
    profile: str
    results: list[InvariantResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def systems(self) -> tuple[SystemHandle, SystemHandle, SystemHandle]:
        """CRM, PSA, ERP."""
        return (self.crm, self.psa, self.erp)

    def note(self, text: str) -> None:
        """Add a line to the report."""
        self.notes.append(text)

    def view(self) -> SystemView:
        """The current state of all three systems, with their journals."""
        return SystemView(
            crm=self.crm.admin.data(),
            psa=self.psa.admin.data(),
            erp=self.erp.admin.data(),
            journals={s.name: s.admin.requests()["requests"] for s in self.systems},
            dead_letters=self.orchestrator.dead_letters(),
        )

    def eventually(
        self,
        condition: Callable[[], bool],
        *,
        timeout_s: float = 60.0,
        interval_s: float = 0.2,
        what: str = "condition",
    ) -> None:
        """Poll ``condition`` until it holds, or fail after ``timeout_s``."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if condition():
                return
            time.sleep(interval_s)
        raise ScenarioTimeoutError(f"timed out after {timeout_s}s waiting for {what}")

    def settle(self, *, quiet_s: float = 1.5, timeout_s: float = 60.0) -> None:
        """Wait until no simulator has seen a write for ``quiet_s`` (reads go on: integrations poll)."""
        end = time.monotonic() + timeout_s
        last_ids = {s.name: 0 for s in self.systems}
        quiet_since = time.monotonic()
        while time.monotonic() < end:
            wrote = False
            for system in self.systems:
                entries = system.admin.requests(since_id=last_ids[system.name])["requests"]
                if entries:
                    last_ids[system.name] = entries[-1]["id"]
                    wrote = wrote or any(e["method"] not in ("GET", "HEAD") for e in entries)
            now = time.monotonic()
            if wrote:
                quiet_since = now
            elif now - quiet_since >= quiet_s:
                return
            time.sleep(min(0.25, quiet_s / 4))
        raise ScenarioTimeoutError(f"systems did not stop writing for {quiet_s}s within {timeout_s}s")

    def apply_fault_profile(self, name: str) -> dict[str, int]:
        """Install a named fault profile on every simulator; returns the rules installed per system."""
        return {s.name: len(s.admin.apply_profile(name)["faults"]) for s in self.systems}

    def advance_clocks(self, **delta: float) -> None:
        """Move every simulator's clock forward together (``days``, ``hours``, ``minutes``, ``seconds``)."""
        for system in self.systems:
            system.admin.advance_clock(**delta)

    def set_clocks(self, **body: Any) -> None:
        """Set every simulator's clock (``now``, ``mode``, ``rate``) together."""
        for system in self.systems:
            system.admin.set_clock(**body)

    def expect(self, *invariants: Invariant, view: SystemView | None = None) -> list[InvariantResult]:
        """Check invariants against the current state (or a ``view`` already taken) and record the results."""
        view = view or self.view()
        out = [InvariantResult(inv.name, inv.doc, inv(view)) for inv in invariants]
        self.results.extend(out)
        return out


ScenarioFunc = Callable[[ScenarioContext], None]


@dataclass(slots=True, frozen=True)
class ScenarioDef:
    """A registered scenario."""

    name: str
    suite: str
    doc: str
    func: ScenarioFunc
    profile: str | None = None
    full_profile: str | None = None


SCENARIOS: dict[str, ScenarioDef] = {}


def scenario(
    name: str, *, suite: str, profile: str | None = None, full_profile: str | None = None
) -> Callable[[ScenarioFunc], ScenarioFunc]:
    """Register a scenario; its docstring is required (it is the report text).

    Args:
        name: a behaviour sentence, kebab-cased.
        suite: the suite it belongs to.
        profile: the world it needs (e.g. a volume profile); None runs it on the run's profile.
        full_profile: the world of a ``--full`` run (the whole volume), when it differs from ``profile``.
    """

    def deco(func: ScenarioFunc) -> ScenarioFunc:
        doc = inspect.getdoc(func)
        if not doc:
            raise ValueError(f"scenario {name} needs a docstring: it is the report text")
        if name in SCENARIOS and SCENARIOS[name].func is not func:
            raise ValueError(f"scenario {name} is registered twice")
        SCENARIOS[name] = ScenarioDef(name, suite, " ".join(doc.split()), func, profile, full_profile)
        return func

    return deco


@dataclass(slots=True)
class ScenarioResult:
    """What a scenario run produced."""

    name: str
    suite: str
    doc: str
    seed: int
    world_hash: str
    status: str  # passed | failed | error
    duration_s: float
    invariants: list[InvariantResult]
    notes: list[str]
    error: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    profile: str = ""

    @property
    def violations(self) -> int:
        """How many violations in all."""
        return sum(len(r.violations) for r in self.invariants)


def suite_slug(suite: str) -> str:
    """A suite's name on the command line (``closed periods`` -> ``closed-periods``)."""
    return suite.replace(" ", "-")


def select(names: Sequence[str] | None = None) -> list[ScenarioDef]:
    """Scenarios by scenario or suite name (all, in registration order, when none are named).

    Raises:
        KeyError: a name that is neither a scenario nor a suite; the message lists both.
    """
    if not names:
        return list(SCENARIOS.values())
    suites = {suite_slug(d.suite) for d in SCENARIOS.values()}
    unknown = [n for n in names if n not in SCENARIOS and n not in suites]
    if unknown:
        raise KeyError(
            f"unknown scenario(s): {', '.join(unknown)}; suites: {', '.join(sorted(suites))}; "
            f"scenarios: {', '.join(SCENARIOS)}"
        )
    chosen: dict[str, ScenarioDef] = {}
    for name in names:
        if name in SCENARIOS:
            chosen[name] = SCENARIOS[name]
        else:
            chosen.update((d.name, d) for d in SCENARIOS.values() if suite_slug(d.suite) == name)
    return list(chosen.values())


def prepare(ctx: ScenarioContext) -> str:
    """Reset and re-seed every simulator, then give the orchestrator a clean slate. Returns the world hash."""
    hashes = set()
    for system in ctx.systems:
        system.admin.reset()
        hashes.add(system.admin.seed(ctx.seed, ctx.profile)["world_hash"])
    ctx.orchestrator.reset()
    return ",".join(sorted(hashes))


def profile_for(sc: ScenarioDef, run_profile: str, *, sized: bool = True, full: bool = False) -> str:
    """The world a scenario runs on: its own (``full_profile`` in a full run) when ``sized``, else the run's."""
    if not sized or sc.profile is None:
        return run_profile
    return (sc.full_profile or sc.profile) if full else sc.profile


def run_scenarios(
    scenarios: Iterable[ScenarioDef],
    make_context: Callable[[], ScenarioContext],
    *,
    sized: bool = True,
    full: bool = False,
) -> Iterator[ScenarioResult]:
    """Run scenarios one after another, yielding each result as it finishes.

    ``sized`` runs a scenario that names a profile on that profile (``full``: its full profile); otherwise
    every scenario runs on the context's profile.
    """
    for sc in scenarios:
        ctx = make_context()
        ctx.profile = profile_for(sc, ctx.profile, sized=sized, full=full)
        started = time.monotonic()
        world_hash, error = "", None
        try:
            world_hash = prepare(ctx)
            sc.func(ctx)
        except AssertionError as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a scenario that crashes is reported, never hidden
            error = "".join(traceback.format_exception_only(exc)).strip()
            ctx.note(traceback.format_exc(limit=5))
        status = "error" if error else ("failed" if any(not r.passed for r in ctx.results) else "passed")
        if error is None and not ctx.results:
            status, error = "error", "the scenario checked no invariant"
        yield ScenarioResult(
            name=sc.name,
            suite=sc.suite,
            doc=sc.doc,
            seed=ctx.seed,
            world_hash=world_hash,
            status=status,
            duration_s=round(time.monotonic() - started, 3),
            invariants=ctx.results,
            notes=ctx.notes,
            error=error,
            facts=ctx.facts,
            profile=ctx.profile,
        )
