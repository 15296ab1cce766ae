"""The load launcher: a fleet, a Locust run in a subprocess, a drain, then the invariants.

Locust lives only in its own process (``import locust`` monkey-patches the interpreter with gevent), so
this module never imports it: it finds a locustfile in the ``load`` package by name, runs
``python -m locust --headless`` against the PSA simulator with the other systems' URLs in the
environment, waits for the orchestrator to post everything that was approved, and checks the same
invariants as the scenario suites over the simulators' state.
"""

from __future__ import annotations

import contextlib
import importlib.util
import pkgutil
import re
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from harness.drivers import ReferenceOrchestrator
from harness.engine import ScenarioContext, ScenarioTimeoutError, SystemHandle
from harness.fleet import Fleet, running_fleet
from harness.invariants import InvariantResult, SystemView
from harness.load_locust import STOP_TIMEOUT_S, locust_commands, locust_env, run_locust, tail_of
from harness.load_report import LoadResult, Thresholds, breaches
from harness.load_stats import EndpointStats, LoadError, read_e2e, read_stats

__all__ = [
    "EndpointStats",
    "LoadError",
    "LoadResult",
    "Thresholds",
    "UnknownLocustfileError",
    "locust_commands",
    "read_stats",
    "run_load",
]
from scenarios.held_billing import approved_entry_posted_or_held, held_workspaces, posted_hours_reconcile_outside_holds
from scenarios.invariants import approved_billable, no_duplicate_postings, only_approved_billable_time_posted
from scenarios.links import postings_by_entry

LOAD_PACKAGE = "load"
HARD_TIMEOUT_MARGIN_S = 60.0
"""How long past ``--duration`` (plus the stop timeout) Locust may take to start and report, before it is killed."""
QUIET_S = 1.5
"""After the last posting, no system may see a write for this long before state is read."""
INVARIANTS = (
    approved_entry_posted_or_held,
    no_duplicate_postings,
    only_approved_billable_time_posted,
    posted_hours_reconcile_outside_holds,
)
_TIMESPAN = re.compile(r"^(?:(?P<h>\d+)h)?\s*(?:(?P<m>\d+)m)?\s*(?:(?P<s>\d+)s)?$")


class UnknownLocustfileError(LookupError):
    """No locustfile in ``load/`` has the requested name."""


def available_locustfiles() -> list[str]:
    """The names ``run_load`` accepts (module ``load/month_end.py`` is ``month-end``), sorted."""
    spec = importlib.util.find_spec(LOAD_PACKAGE)
    paths = list(spec.submodule_search_locations or []) if spec else []
    return sorted(
        m.name.replace("_", "-") for m in pkgutil.iter_modules(paths) if not m.ispkg and not m.name.startswith("_")
    )


def locustfile_path(name: str) -> Path:
    """The file of the locustfile called ``name`` (``month-end`` or ``month_end``), without importing it.

    Raises:
        UnknownLocustfileError: there is no such locustfile; the message lists the available ones.
    """
    module = name.strip().replace("-", "_")
    available = available_locustfiles()
    if module.replace("_", "-") not in available:
        listed = ", ".join(available) or "(none)"
        raise UnknownLocustfileError(f"unknown locustfile {name!r}; available: {listed}")
    spec = importlib.util.find_spec(f"{LOAD_PACKAGE}.{module}")  # imports the package, never the locustfile
    if spec is None or spec.origin is None:
        raise UnknownLocustfileError(f"locustfile {name!r} has no source file")
    return Path(spec.origin)


def parse_timespan(text: str) -> float:
    """Seconds in a Locust time span (``90``, ``10s``, ``5m``, ``1h30m``).

    Raises:
        ValueError: not a time span.
    """
    value = text.strip()
    if value.isdigit():
        return float(value)
    found = _TIMESPAN.match(value)
    if not value or found is None:
        raise ValueError(f"not a time span: {text!r} (use e.g. 30s, 5m, 1h30m)")
    return float(int(found["h"] or 0) * 3600 + int(found["m"] or 0) * 60 + int(found["s"] or 0))


def without(view: SystemView, baseline: set[str]) -> SystemView:
    """``view`` without the PSA time entries in ``baseline`` (time the world was seeded with, approved before
    the run began: the run judges what happened during it)."""
    if baseline:
        entries = [e for e in view.psa.get("time_entries", []) if str(e["id"]) not in baseline]
        view.psa = {**view.psa, "time_entries": entries}
    return view


def approved_at_start(ctx: ScenarioContext) -> set[str]:
    """The approved billable PSA entries before the run (a seeded world's earlier weeks)."""
    return set(approved_billable(SystemView(crm={}, psa=ctx.psa.admin.data(), erp={})))


def drain(ctx: ScenarioContext, timeout_s: float, baseline: set[str] | None = None) -> bool:
    """Wait until every approved billable PSA entry has reached the ERP, then until the systems stop writing.

    The second wait is :meth:`ScenarioContext.settle` (reads go on for ever: the orchestrator polls the
    PSA feed), so a late duplicate posting still lands before the invariants look. Returns whether all
    this happened within ``timeout_s``; when not, the invariants say what is missing (waiting longer would
    not change a dead letter).
    """
    end = time.monotonic() + timeout_s

    def all_posted() -> bool:
        view = without(SystemView(crm={}, psa=ctx.psa.admin.data(), erp=ctx.erp.admin.data()), baseline or set())
        posted = postings_by_entry(view.erp.get("timeBill", []))
        held = held_workspaces(view)
        return all(k in posted or str(e["workspace_id"]) in held for k, e in approved_billable(view).items())

    try:
        ctx.eventually(
            all_posted, timeout_s=timeout_s, interval_s=0.5, what="every approved billable entry posted or held"
        )
        ctx.settle(quiet_s=QUIET_S, timeout_s=max(QUIET_S * 2, end - time.monotonic()))
    except ScenarioTimeoutError as exc:
        ctx.note(f"drain: {exc}")
        return False
    return True


def _close(ctx: ScenarioContext) -> None:
    for system in ctx.systems:
        system.close()


def _context(fleet: Fleet, seed: int, profile: str) -> ScenarioContext:
    return ScenarioContext(
        crm=SystemHandle.connect("crm", fleet.url("crm")),
        psa=SystemHandle.connect("psa", fleet.url("psa")),
        erp=SystemHandle.connect("erp", fleet.url("erp")),
        orchestrator=ReferenceOrchestrator(fleet),
        seed=seed,
        profile=profile,
    )


def run_load(
    name: str,
    *,
    users: int = 10,
    spawn_rate: float = 10.0,
    duration: str = "30s",
    workers: int = 0,
    html: Path | None = None,
    csv_prefix: Path | None = None,
    seed: int = 42,
    profile: str = "small",
    settle_timeout_s: float = 120.0,
    run_dir: Path | None = None,
    orchestrator_env: Mapping[str, str] | None = None,
    thresholds: Thresholds | None = None,
    load_profile: str = "month-end",
) -> LoadResult:
    """Start the fleet, run the locustfile ``name`` headless, drain the orchestrator, check the invariants.

    Args:
        name: a locustfile in ``load/`` (``month-end``); see :func:`available_locustfiles`.
        users: peak number of Locust users.
        spawn_rate: users started per second.
        duration: how long Locust runs (``30s``, ``5m``, ``1h30m``).
        workers: Locust worker processes under a master (distributed mode on loopback); 0 runs one process.
        html: write Locust's HTML report here.
        csv_prefix: also write Locust's CSV statistics with this prefix.
        seed: the run seed (simulators, orchestrator, locustfile).
        profile: the world profile the simulators seed.
        settle_timeout_s: the longest wait for the orchestrator to post everything approved.
        run_dir: the report folder: Locust's HTML report (``locust.html`` unless ``html`` says otherwise), the
            Markdown summary ``summary.md``, the statistics and the logs (default: a temporary directory,
            removed afterwards).
        orchestrator_env: extra ``ORCH_*`` settings for the reference orchestrator.
        thresholds: limits the run must stay within (default: no failed request).
        load_profile: the stages of :mod:`scenarios.load_profiles` a shaped locustfile follows.

    Raises:
        UnknownLocustfileError: no such locustfile.
        ValueError: a bad argument (duration, users, spawn rate, workers).
        LoadError: Locust hung or wrote no statistics.
        harness.fleet.FleetError: a server did not start.
    """
    locustfile = locustfile_path(name)
    run_seconds = parse_timespan(duration)
    if users < 1 or spawn_rate <= 0 or workers < 0 or run_seconds <= 0:
        raise ValueError("users >= 1, spawn_rate > 0, workers >= 0 and a positive duration are required")
    limits = thresholds or Thresholds()
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        temporary = run_dir is None
        if run_dir is None:
            run_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="p2c-load-")))
        run_dir.mkdir(parents=True, exist_ok=True)
        if html is None and not temporary:
            html = run_dir / "locust.html"
        fleet = stack.enter_context(
            running_fleet(seed=seed, profile=profile, orchestrator_env=orchestrator_env, run_dir=run_dir)
        )
        ctx = _context(fleet, seed, profile)
        stack.callback(_close, ctx)
        stats_json = run_dir / "locust-stats.json"
        commands = locust_commands(
            locustfile,
            fleet.url("psa"),
            users=users,
            spawn_rate=spawn_rate,
            duration=duration,
            workers=workers,
            stats_json=stats_json,
            csv_prefix=csv_prefix,
            html=html,
        )
        held_before = _held_customers(ctx)
        baseline = approved_at_start(ctx)
        load_started = time.monotonic()
        exit_code, cpu_s = run_locust(
            commands,
            {**locust_env(fleet, seed, profile), "P2C_LOAD_PROFILE": load_profile},
            run_dir,
            run_seconds + STOP_TIMEOUT_S + HARD_TIMEOUT_MARGIN_S,
        )
        load_s = time.monotonic() - load_started
        try:
            endpoints, total = read_stats(stats_json)
            e2e, histogram = read_e2e(stats_json)
        except LoadError as exc:
            raise LoadError(f"{exc}; Locust exited {exit_code}:\n{tail_of(run_dir / 'locust.log')}") from None
        _release_load_holds(ctx, held_before)
        drain_started = time.monotonic()
        drained = drain(ctx, settle_timeout_s, baseline)
        drain_s = time.monotonic() - drain_started
        view = without(ctx.view(), baseline)
        results = [InvariantResult(inv.name, inv.doc, inv(view)) for inv in INVARIANTS]
        eligible = approved_billable(view)
        posted = postings_by_entry(view.erp.get("timeBill", []))
        held = held_workspaces(view)
        result = LoadResult(
            name=name,
            seed=seed,
            profile=profile,
            users=users,
            spawn_rate=spawn_rate,
            duration=duration,
            workers=workers,
            exit_code=exit_code,
            requests=total.requests,
            failures=total.failures,
            rps=total.rps,
            endpoints=endpoints,
            load_s=round(load_s, 3),
            drain_s=round(drain_s, 3),
            drained=drained,
            generator_cpu_s=round(cpu_s, 3),
            approved_billable_entries=len(eligible),
            posted_entries=sum(1 for entry_id in eligible if entry_id in posted),
            held_entries=sum(1 for k, e in eligible.items() if k not in posted and str(e["workspace_id"]) in held),
            invariants=results,
            duration_s=round(time.monotonic() - started, 3),
            run_dir=None if temporary else run_dir,
            total=total,
            e2e=e2e,
            e2e_histogram=histogram,
            thresholds=limits,
            breaches=breaches(limits, total, e2e),
            notes=ctx.notes,
        )
        if not temporary:
            (run_dir / "summary.md").write_text(result.markdown())
        return result


def _held_customers(ctx: ScenarioContext) -> set[str]:
    """ERP customers whose hold is set ``ON`` by hand."""
    return {str(c["id"]) for c in ctx.erp.admin.data().get("customer", []) if c.get("creditHoldOverride") == "ON"}


def _release_load_holds(ctx: ScenarioContext, before: set[str]) -> None:
    """Set back to ``AUTO`` every hold the load's finance users left ``ON`` (a user stopped mid-hold).

    Finance releases its own holds; this only catches a hold whose user was stopped by the end of the run
    before it could, so that the drain is not waiting for billing nobody will ever release.
    """
    for customer in sorted(_held_customers(ctx) - before):
        ctx.erp.api.patch(f"/services/rest/record/v1/customer/{customer}", json={"creditHoldOverride": {"id": "AUTO"}})
        ctx.note(f"released customer {customer}: still on hold after the load run")
