"""``p2c contracts``: committed OpenAPI specs, Pact verification, Schemathesis conformance, the upgrade check."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from harness.cli.options import seed_option

console = Console()
SYSTEM_CHOICE = click.Choice(["crm", "psa", "erp"])


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False)


@click.group()
def contracts() -> None:
    """Committed OpenAPI specs, Pact verification, Schemathesis conformance and the vendor-upgrade check."""


@contracts.command("export")
@click.option("--check", is_flag=True, help="Only compare the committed specs with the simulators' (exit 1 on drift).")
def contracts_export(check: bool) -> None:
    """Regenerate contracts/openapi/<system>/<version>.json (every shipped version) from the simulators."""
    from harness.contracts import check_drift, export_specs

    if check:
        drift = check_drift()
        for d in drift:
            _say(d.message())
        sys.exit(0 if all(d.ok for d in drift) else 1)
    for path in export_specs():
        console.print(f"wrote {path}")


@contracts.command("verify")
@click.option(
    "--pact",
    "pact_path",
    type=click.Path(exists=True, path_type=Path),
    help="A pact file or a directory of them (default: contracts/pacts/).",
)
@click.option("--system", type=SYSTEM_CHOICE, help="Verify against this simulator (default: by each pact's provider).")
@click.option("--version", "api_version", help="Serve this API version profile (a shipped name or a .toml path).")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Write JUnit XML.")
@seed_option
@click.option(
    "--profile",
    default="empty",
    show_default=True,
    help="World the provider starts from ('empty' lets provider states pin internal ids).",
)
@click.option(
    "--publish-version",
    help="With P2C_PACT_BROKER_URL: verify the broker's pacts and publish the results as this provider version.",
)
def contracts_verify(
    pact_path: Path | None,
    system: str | None,
    api_version: str | None,
    junit_path: Path | None,
    seed: int,
    profile: str,
    publish_version: str | None,
) -> None:
    """Verify pact files against the simulators, with provider states served by /__admin/provider-states."""
    from harness.contracts import pact_files, pacts_for, verify_all, verify_pacts
    from harness.contracts.broker import BrokerNotConfigured, broker_options

    if api_version is not None and system is None:
        raise click.UsageError("--version names one system's API version: give --system too")
    if publish_version is not None:
        try:
            options = broker_options(publish_version)
        except BrokerNotConfigured as exc:
            _say(f"skipped: {exc}")
            sys.exit(0)
        results = [
            verify_pacts([], name, seed=seed, profile=profile, api_version=api_version, publish=options)
            for name in ([system] if system else ["crm", "psa", "erp"])
        ]
    else:
        paths = pact_files(pact_path) if pact_path is not None or system is None else pacts_for(system)
        try:
            results = verify_all(
                paths,
                system=system,
                api_version=api_version,
                seed=seed,
                profile=profile,
                junit_path=junit_path,
            )
        except LookupError as exc:
            _say(str(exc))
            sys.exit(2)
    for result in results:
        _say(f"{result.provider} ({result.system} {api_version or 'base version'}):")
        for case in result.interactions:
            mark = "[green]OK[/]" if case.passed else "[red]FAILED[/]"
            console.print(f"  {mark} {case.name}", highlight=False)
            for message in case.messages:
                _say(f"      {message}")
        if result.error:
            _say(result.error)
    cases = [case for result in results for case in result.interactions]
    failed = sum(not case.passed for case in cases)
    _say(f"pact verification: {len(cases) - failed} passed, {failed} failed")
    sys.exit(0 if results and all(r.passed for r in results) else 1)


@contracts.command("fuzz")
@click.option("--system", type=SYSTEM_CHOICE, multiple=True, help="Systems to fuzz (default: all).")
@click.option("--max-examples", default=25, show_default=True, help="Hypothesis examples per operation.")
@click.option("--url", help="Fuzz a running simulator at this base URL instead of an in-process one.")
@click.option("--version", "api_version", help="Fuzz this API version profile (in-process only).")
@click.option("--stateful/--no-stateful", default=True, show_default=True, help="Also follow the spec's links.")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Write JUnit XML (one system).")
@seed_option
def contracts_fuzz(
    system: tuple[str, ...],
    max_examples: int,
    url: str | None,
    api_version: str | None,
    stateful: bool,
    junit_path: Path | None,
    seed: int,
) -> None:
    """Schemathesis conformance: no server errors, documented statuses and schemas, vendor error envelopes."""
    from harness.contracts import available_systems, fuzz

    phases = ("examples", "coverage", "fuzzing", *(("stateful",) if stateful else ()))
    ok = True
    for name in system or available_systems():
        summary = fuzz(
            name, max_examples, seed=seed, base_url=url, junit_path=junit_path, phases=phases, api_version=api_version
        )
        ok = ok and summary.passed
        console.print(
            f"{name}: {len(summary.operations)} operations, {len(summary.failures)} failures, "
            f"{len(summary.errors)} errors in {summary.elapsed_s:.1f}s"
        )
        for failure in summary.failures:
            _say(f"  {failure.operation} {failure.check}: {failure.title}\n  {failure.reproduce}")
        for error in summary.errors:
            _say(f"  error: {error}")
    sys.exit(0 if ok else 1)


@contracts.command("upgrade-check")
@click.option("--system", type=SYSTEM_CHOICE, required=True)
@click.option("--from", "from_version", help="The version in use today (default: the simulator's base version).")
@click.option("--to", "to_version", required=True, help="The next version: a shipped name or a profile .toml path.")
@click.option(
    "--pacts", "pacts_dir", type=click.Path(exists=True, path_type=Path), help="Pact files (a dir or a file)."
)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("upgrade-report"), show_default=True)
@click.option("--scenarios/--no-scenarios", default=True, show_default=True, help="Run the scenario suites at --to.")
@click.option("--scenario", "names", multiple=True, help="Only these scenarios (default: every suite).")
@seed_option
def contracts_upgrade_check(
    system: str,
    from_version: str | None,
    to_version: str,
    pacts_dir: Path | None,
    out_dir: Path,
    scenarios: bool,
    names: tuple[str, ...],
    seed: int,
) -> None:
    """Diff --from and --to, keep what the pacts use, verify them and run the scenarios at --to; exit 1 on a break."""
    from harness.contracts.pact import pact_files
    from harness.contracts.upgrade import upgrade_check

    pacts = None
    if pacts_dir is not None:
        from harness.contracts.pact import group_by_system

        pacts = group_by_system(pact_files(pacts_dir)).get(system, [])
    verdict = upgrade_check(
        system,
        to_version,
        from_version=from_version,
        pacts=pacts,
        scenarios=list(names) or None,
        run_scenarios=scenarios,
        seed=seed,
    )
    md, xml = verdict.write(out_dir)
    _say(verdict.markdown())
    _say(f"wrote {md} and {xml}")
    sys.exit(0 if verdict.passed else 1)


@contracts.command("publish")
@click.option("--pact", "pact_path", type=click.Path(exists=True, path_type=Path), help="A pact file or directory.")
@click.option("--consumer-version", required=True, help="The consumer application version (e.g. the git sha).")
@click.option("--branch", help="The consumer version's branch.")
def contracts_publish(pact_path: Path | None, consumer_version: str, branch: str | None) -> None:
    """Publish pacts to the Pact Broker at P2C_PACT_BROKER_URL (skipped, exit 0, when none is configured)."""
    from harness.contracts.broker import BrokerNotConfigured, publish_pacts
    from harness.contracts.pact import pact_files

    try:
        published = publish_pacts(pact_files(pact_path), consumer_version, branch=branch)
    except BrokerNotConfigured as exc:
        _say(f"skipped: {exc}")
        sys.exit(0)
    for line in published:
        _say(f"published {line}")
