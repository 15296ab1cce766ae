"""``p2c contracts``: committed OpenAPI specs, Pact verification and Schemathesis conformance."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from harness.cli.options import seed_option

console = Console()


@click.group()
def contracts() -> None:
    """Committed OpenAPI specs, Pact verification and Schemathesis conformance."""


@contracts.command("export")
@click.option("--check", is_flag=True, help="Only compare the committed specs with the simulators' (exit 1 on drift).")
def contracts_export(check: bool) -> None:
    """Regenerate contracts/openapi/<system>/<version>.json from the simulators."""
    from harness.contracts import check_drift, export_specs

    if check:
        drift = check_drift()
        for d in drift:
            console.print(d.message(), markup=False, highlight=False)
        sys.exit(0 if all(d.ok for d in drift) else 1)
    for path in export_specs():
        console.print(f"wrote {path}")


@contracts.command("verify")
@click.option(
    "--pact",
    "pact_path",
    type=click.Path(exists=True, path_type=Path),
    help="A pact file or a directory of them (default: the committed pacts for the system).",
)
@click.option("--system", type=click.Choice(["crm", "psa", "erp"]), default="erp", show_default=True)
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Write JUnit XML.")
@seed_option
@click.option(
    "--profile",
    default="empty",
    show_default=True,
    help="World the provider starts from ('empty' lets provider states pin internal ids).",
)
def contracts_verify(pact_path: Path | None, system: str, junit_path: Path | None, seed: int, profile: str) -> None:
    """Verify pact files against a simulator, with provider states served by /__admin/provider-states."""
    from harness.contracts import verify_pacts

    paths = None
    if pact_path is not None:
        paths = sorted(pact_path.glob("*.json")) if pact_path.is_dir() else [pact_path]
    result = verify_pacts(paths, system, seed=seed, profile=profile, junit_path=junit_path)
    for case in result.interactions:
        mark = "[green]OK[/]" if case.passed else "[red]FAILED[/]"
        console.print(f"{mark} {case.name}")
        for message in case.messages:
            console.print(f"    {message}", markup=False, highlight=False)
    if result.error:
        console.print(result.error, markup=False, highlight=False)
    failed = len(result.failures())
    console.print(
        f"pact verification: {len(result.interactions) - failed} passed, {failed} failed", markup=False, highlight=False
    )
    sys.exit(0 if result.passed else 1)


@contracts.command("fuzz")
@click.option(
    "--system", type=click.Choice(["crm", "psa", "erp"]), multiple=True, help="Systems to fuzz (default: all)."
)
@click.option("--max-examples", default=25, show_default=True, help="Hypothesis examples per operation.")
@click.option("--url", help="Fuzz a running simulator at this base URL instead of an in-process one.")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Write JUnit XML (one system).")
@seed_option
def contracts_fuzz(
    system: tuple[str, ...], max_examples: int, url: str | None, junit_path: Path | None, seed: int
) -> None:
    """Schemathesis conformance: no server errors, documented statuses and schemas, vendor error envelopes."""
    from harness.contracts import available_systems, fuzz

    ok = True
    for name in system or available_systems():
        summary = fuzz(name, max_examples, seed=seed, base_url=url, junit_path=junit_path)
        ok = ok and summary.passed
        console.print(
            f"{name}: {len(summary.operations)} operations, {len(summary.failures)} failures, "
            f"{len(summary.errors)} errors in {summary.elapsed_s:.1f}s"
        )
        for failure in summary.failures:
            console.print(
                f"  {failure.operation} {failure.check}: {failure.title}\n  {failure.reproduce}",
                markup=False,
                highlight=False,
            )
        for error in summary.errors:
            console.print(f"  error: {error}", markup=False, highlight=False)
    sys.exit(0 if ok else 1)
