"""The vendor-upgrade check: what changes from version A to B, what of it the integration uses, and one verdict.

1. Diff the two specs (:func:`harness.contracts.diff.diff_specs`).
2. Keep the changes the pacts touch: a change is *breaking* when an interaction sends or reads what changed
   (a removed or renamed field, a newly required one it does not send, an enum value or a limit it exceeds,
   a status it expects); every other change is listed as non-breaking.
3. Verify the pacts against the simulator running version B; an interaction that fails there is broken
   even where the spec diff saw nothing (behaviour the spec does not describe).
4. Run the scenario suites against a fleet with the system at version B, one scenario at a time, reading the
   simulator's journal after each, so a failing scenario is tied to the changed operations it called; a change
   no pact uses becomes breaking when a failing scenario called it (a call the pacts do not cover yet).
5. Write the verdict as Markdown and JUnit; it passes when nothing breaks.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.results import ContractCase, write_junit_suites
from harness.contracts.diff import Interaction, SpecChange, diff_specs, operation_index, pact_usage
from harness.contracts.pact import VerifyResult, pacts_for, verify_pacts
from harness.contracts.sims import PACTS_DIR, base_version
from harness.contracts.specs import load_spec


@dataclass(slots=True)
class ScenarioOutcome:
    """One scenario run against version B, with the operations of the upgraded system it called."""

    name: str
    status: str
    operations: set[str]
    message: str = ""


@dataclass(slots=True)
class Finding:
    """One spec change with what it breaks."""

    change: SpecChange
    interactions: list[str] = field(default_factory=list)
    failed_interactions: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        """A change is breaking when a pact interaction uses it or a scenario that calls it fails at the new version."""
        return bool(self.interactions or self.scenarios)


@dataclass(slots=True)
class UpgradeVerdict:
    """The outcome of one upgrade check."""

    system: str
    from_version: str
    to_version: str
    findings: list[Finding]
    verification: VerifyResult | None
    scenarios: list[ScenarioOutcome]
    unexplained: list[str]
    """Interactions that fail at B although no spec change they use explains it."""
    elapsed_s: float

    @property
    def breaking(self) -> list[Finding]:
        """The findings that break the integration."""
        return [f for f in self.findings if f.breaking]

    @property
    def failed_scenarios(self) -> list[ScenarioOutcome]:
        """Scenarios that did not pass at version B."""
        return [s for s in self.scenarios if s.status != "passed"]

    @property
    def passed(self) -> bool:
        """No breaking change, every interaction verified at B, every scenario passed."""
        verified = self.verification is None or self.verification.passed
        return not self.breaking and verified and not self.failed_scenarios and not self.unexplained

    def markdown(self) -> str:
        """The verdict as a Markdown report."""
        verdict = "PASS: safe to upgrade" if self.passed else "FAIL: the upgrade breaks the integration"
        lines = [
            f"# Upgrade check: {self.system} {self.from_version} -> {self.to_version}",
            "",
            f"**{verdict}**",
            "",
            f"- spec changes: {len(self.findings)} ({len(self.breaking)} breaking for this integration)",
        ]
        if self.verification is not None:
            failed = len(self.verification.failures())
            lines.append(
                f"- pact interactions at {self.to_version}: {len(self.verification.interactions) - failed} verified, "
                f"{failed} failed"
            )
        if self.scenarios:
            lines.append(
                f"- scenarios at {self.to_version}: {len(self.scenarios) - len(self.failed_scenarios)} "
                f"passed, {len(self.failed_scenarios)} failed"
            )
        lines += ["", "## Breaking changes", ""]
        for finding in self.breaking:
            lines.append(f"- **{finding.change.title()}**")
            if not finding.interactions:
                lines.append("  - no pact interaction uses it: a scenario found it (add the call to the pacts)")
            lines += [f"  - interaction: {name}" for name in finding.interactions]
            lines += [f"  - fails verification: {name}" for name in finding.failed_interactions]
            lines += [f"  - scenario: {name}" for name in finding.scenarios]
        if not self.breaking:
            lines.append("None.")
        if self.unexplained:
            lines += ["", "## Interactions failing at the new version without a spec change", ""]
            lines += [f"- {name}" for name in self.unexplained]
        if self.failed_scenarios:
            lines += ["", "## Scenarios failing at the new version", ""]
            lines += [f"- {s.name} ({s.status}) {s.message}".rstrip() for s in self.failed_scenarios]
        lines += ["", "## Non-breaking changes (not used by the pacts)", ""]
        lines += _grouped([f.change for f in self.findings if not f.breaking]) or ["None."]
        return "\n".join(lines) + "\n"

    def cases(self) -> list[tuple[str, list[ContractCase], float]]:
        """JUnit suites: the changes, the pact verification at B and the scenarios at B."""
        changes = [
            ContractCase(
                f.change.title(),
                not f.breaking,
                [*[f"used by: {i}" for i in f.interactions], *[f"scenario: {s}" for s in f.scenarios]],
            )
            for f in self.findings
        ]
        changes += [
            ContractCase(f"unexplained: {name}", False, ["fails at the new version"]) for name in self.unexplained
        ]
        suites: list[tuple[str, list[ContractCase], float]] = [(f"upgrade.{self.system}.changes", changes, 0.0)]
        if self.verification is not None:
            suites.append((f"upgrade.{self.system}.pact", self.verification.interactions, self.verification.elapsed_s))
        if self.scenarios:
            suites.append(
                (
                    f"upgrade.{self.system}.scenarios",
                    [
                        ContractCase(s.name, s.status == "passed", [s.message] if s.message else [])
                        for s in self.scenarios
                    ],
                    0.0,
                )
            )
        return suites

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        """Write ``upgrade-<system>.md`` and ``upgrade-<system>.xml`` into ``out_dir``."""
        out_dir.mkdir(parents=True, exist_ok=True)
        md, xml = out_dir / f"upgrade-{self.system}.md", out_dir / f"upgrade-{self.system}.xml"
        md.write_text(self.markdown(), encoding="utf-8")
        write_junit_suites(self.cases(), xml)
        return md, xml


def _grouped(changes: Sequence[SpecChange]) -> list[str]:
    """One line per change, the same change on many operations folded into one line."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for change in changes:
        groups.setdefault((change.kind, change.field_name, change.where, change.detail), []).append(change.operation)
    lines = []
    for (kind, name, where, detail), ops in groups.items():
        if len(ops) == 1:
            lines.append(f"- {ops[0]}: {kind}{f' {name}' if name else ''} ({where}){f' {detail}' if detail else ''}")
        else:
            shown = ", ".join(ops[:6]) + (f" and {len(ops) - 6} more" if len(ops) > 6 else "")
            lines.append(f"- {kind}{f' {name}' if name else ''} ({where}){f' {detail}' if detail else ''} in {shown}")
    return lines


def classify(changes: Sequence[SpecChange], interactions: Sequence[Interaction]) -> list[Finding]:
    """Each change with the interactions that use it."""
    return [Finding(change, [i.description for i in interactions if i.uses(change)]) for change in changes]


def attribute_scenarios(findings: Sequence[Finding], outcomes: Sequence[ScenarioOutcome]) -> None:
    """Tie each failed scenario to the changes on operations it called at the new version.

    Changes the pacts use come first; a scenario that fails without touching one of those is tied to every
    change on its operations that could break a caller (the pacts do not cover that call: a gap to close).
    """
    for outcome in outcomes:
        if outcome.status == "passed":
            continue
        called = [f for f in findings if f.change.operation in outcome.operations]
        suspects = [f for f in called if f.interactions] or [f for f in called if f.change.can_break_a_caller]
        for finding in suspects:
            finding.scenarios.append(outcome.name)


def upgrade_check(
    system: str,
    to_version: str,
    *,
    from_version: str | None = None,
    pacts: Sequence[Path] | None = None,
    pacts_dir: Path = PACTS_DIR,
    scenarios: Sequence[str] | None = None,
    run_scenarios: bool = True,
    seed: int = 42,
) -> UpgradeVerdict:
    """Check an upgrade of ``system`` from ``from_version`` (default: the base) to ``to_version``.

    Args:
        system: ``crm``, ``psa`` or ``erp``.
        to_version: a shipped version name or a version profile ``.toml`` path.
        from_version: the version the integration runs against today (default: the simulator's base).
        pacts: pact files to check (default: those in ``pacts_dir`` naming ``system``'s provider).
        pacts_dir: where to find pacts when ``pacts`` is not given.
        scenarios: scenario names to run (default: every suite).
        run_scenarios: False skips the scenario suites (spec diff and pact verification only).
        seed: the run seed for the simulators and scenarios.
    """
    started = time.monotonic()
    from_version = from_version or base_version(system)
    to_version = str(Path(to_version).resolve()) if to_version.endswith(".toml") else to_version
    old, new = load_spec(system, from_version), load_spec(system, to_version)
    paths = list(pacts) if pacts is not None else pacts_for(system, pacts_dir)
    interactions = pact_usage(paths, old)
    findings = classify(diff_specs(old, new), interactions)
    verification = verify_pacts(paths, system, seed=seed, api_version=to_version) if paths else None
    unexplained: list[str] = []
    if verification is not None:
        for case in verification.failures():
            name = case.name.split(" given ")[0]
            hits = [f for f in findings if name in f.interactions]
            for finding in hits:
                finding.failed_interactions.append(name)
            if not hits:
                unexplained.append(case.name)
    outcomes = scenario_outcomes(system, to_version, new, scenarios, seed) if run_scenarios else []
    attribute_scenarios(findings, outcomes)
    label = Path(to_version).stem if to_version.endswith(".toml") else to_version
    return UpgradeVerdict(
        system, from_version, label, findings, verification, outcomes, unexplained, time.monotonic() - started
    )


def scenario_outcomes(
    system: str, version: str, spec: dict[str, Any], names: Sequence[str] | None, seed: int
) -> list[ScenarioOutcome]:
    """Run each scenario against a fleet with ``system`` at ``version``; note the operations it called there."""
    from harness.admin_client import AdminClient
    from harness.drivers import ReferenceOrchestrator
    from harness.engine import select
    from harness.fleet import running_fleet
    from harness.runner import Target, _load_suites, run_against

    _load_suites()
    index = operation_index(spec)
    outcomes: list[ScenarioOutcome] = []
    with running_fleet(seed=seed, versions={system: version}) as fleet:
        driver = ReferenceOrchestrator(fleet, {})
        target = Target(fleet.url("crm"), fleet.url("psa"), fleet.url("erp"))
        admin = AdminClient(fleet.url(system))
        try:
            for scenario in select(names):
                [result] = run_against(target, driver, names=[scenario.name], seed=seed, profile="small")
                called: set[str] = set()
                for entry in admin.requests().get("requests", []):
                    method, path = str(entry.get("method", "")).lower(), str(entry.get("path", ""))
                    called.update(op for m, pattern, op in index if m == method and pattern.fullmatch(path))
                message = result.error or "; ".join(
                    f"{inv.name}: {len(inv.violations)} violation(s)" for inv in result.invariants if not inv.passed
                )
                outcomes.append(ScenarioOutcome(result.name, result.status, called, message[:300]))
        finally:
            admin.close()
    return outcomes
