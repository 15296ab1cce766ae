"""Run scenario suites against a fleet or against systems already running (the CLI and tests use this)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.drivers import ExternalOrchestrator, ReferenceOrchestrator
from harness.engine import OrchestratorDriver, ScenarioContext, ScenarioResult, SystemHandle, run_scenarios, select
from harness.fleet import running_fleet


@dataclass(frozen=True, slots=True)
class Target:
    """Where the systems are."""

    crm: str
    psa: str
    erp: str


def _load_suites() -> None:
    import scenarios  # noqa: F401  (registers every suite)


@contextlib.contextmanager
def _contexts(target: Target, driver: OrchestratorDriver, seed: int, profile: str) -> Iterator[list[ScenarioContext]]:
    made: list[ScenarioContext] = []
    try:
        yield made
    finally:
        for ctx in made:
            for system in ctx.systems:
                system.close()


def run_against(
    target: Target,
    driver: OrchestratorDriver,
    *,
    names: Sequence[str] | None,
    seed: int,
    profile: str,
    sized: bool = True,
    full: bool = False,
) -> list[ScenarioResult]:
    """Run scenarios against systems at ``target`` with ``driver`` resetting the orchestrator.

    A scenario that names a world profile (the month-end peak) runs on it unless ``sized`` is false;
    ``full`` picks its full-size profile.
    """
    _load_suites()
    chosen = select(names)
    with _contexts(target, driver, seed, profile) as made:

        def make() -> ScenarioContext:
            ctx = ScenarioContext(
                crm=SystemHandle.connect("crm", target.crm),
                psa=SystemHandle.connect("psa", target.psa),
                erp=SystemHandle.connect("erp", target.erp),
                orchestrator=driver,
                seed=seed,
                profile=profile,
            )
            made.append(ctx)
            return ctx

        return list(run_scenarios(chosen, make, sized=sized, full=full))


def run_with_fleet(
    *,
    names: Sequence[str] | None = None,
    seed: int = 42,
    profile: str = "small",
    orchestrator_env: Mapping[str, str] | None = None,
    run_dir: Path | None = None,
    versions: Mapping[str, str] | None = None,
    sized: bool = True,
    full: bool = False,
) -> list[ScenarioResult]:
    """Start the simulators and the reference orchestrator on free ports, run scenarios, stop everything.

    ``versions`` runs systems at vendor API version profiles (``{"erp": "2026.2"}``).
    """
    with running_fleet(
        seed=seed, profile=profile, orchestrator_env=orchestrator_env, run_dir=run_dir, versions=versions
    ) as fleet:
        driver = ReferenceOrchestrator(fleet, dict(orchestrator_env or {}))
        target = Target(fleet.url("crm"), fleet.url("psa"), fleet.url("erp"))
        return run_against(target, driver, names=names, seed=seed, profile=profile, sized=sized, full=full)


def external_driver(url: str, reset_path: str | None) -> ExternalOrchestrator:
    """A driver for a user's orchestrator."""
    return ExternalOrchestrator(url, reset_path)
