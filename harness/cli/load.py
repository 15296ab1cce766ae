"""``p2c load``: Locust load runs against a fresh sandbox, judged by invariants and thresholds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from harness.cli.options import env_pairs, orch_env_option, profile_option, seed_option


@click.group()
def load() -> None:
    """Locust load runs against the sandbox, with invariants checked after every run."""


@load.command("run")
@click.argument("name")
@click.option("--users", default=10, show_default=True, help="Peak number of simulated users.")
@click.option("--spawn-rate", default=10.0, show_default=True, help="Users started per second (unshaped runs).")
@click.option("--duration", default="30s", show_default=True, help="Run time, e.g. 10s, 2m.")
@click.option(
    "--workers",
    default=0,
    show_default=True,
    help="Locust distributed mode: one master and N worker processes on this machine.",
)
@click.option("--html", type=click.Path(path_type=Path), help="Locust's HTML report (default: in --report-dir).")
@click.option("--csv", "csv_prefix", type=click.Path(path_type=Path), help="Locust's CSV stats prefix.")
@click.option(
    "--report-dir",
    type=click.Path(path_type=Path),
    help="Report folder: locust.html, summary.md (with the end-to-end latency plot), statistics and logs.",
)
@click.option(
    "--max-failure-ratio", default=0.0, show_default=True, help="Largest share of failed requests that passes."
)
@click.option("--max-p95", "max_p95_ms", type=float, help="Largest HTTP p95 in ms that passes.")
@click.option("--max-e2e-p95", "max_e2e_p95_ms", type=float, help="Largest approval -> posting p95 in ms that passes.")
@click.option("--settle-timeout", default=120.0, show_default=True, help="Longest wait (s) for the drain.")
@seed_option
@profile_option
@orch_env_option
def load_run(
    name: str,
    users: int,
    spawn_rate: float,
    duration: str,
    workers: int,
    html: Path | None,
    csv_prefix: Path | None,
    report_dir: Path | None,
    max_failure_ratio: float,
    max_p95_ms: float | None,
    max_e2e_p95_ms: float | None,
    settle_timeout: float,
    seed: int,
    profile: str,
    orchestrator_env: tuple[str, ...],
) -> None:
    """Run locustfile NAME headless against a fresh sandbox, then check the invariants and thresholds."""
    from harness.load import LoadError, Thresholds, UnknownLocustfileError, run_load

    try:
        result = run_load(
            name,
            users=users,
            spawn_rate=spawn_rate,
            duration=duration,
            workers=workers,
            html=html,
            csv_prefix=csv_prefix,
            seed=seed,
            profile=profile,
            settle_timeout_s=settle_timeout,
            run_dir=report_dir,
            orchestrator_env=env_pairs(orchestrator_env),
            thresholds=Thresholds(max_failure_ratio, max_p95_ms, max_e2e_p95_ms),
        )
    except (UnknownLocustfileError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    except LoadError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(result.summary())
    sys.exit(0 if result.passed else 1)
