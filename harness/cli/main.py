"""``p2c``: the sandbox, the scenario suites, load runs and contract checks."""

from __future__ import annotations

import signal
import ssl
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from harness.cli.contracts import contracts
from harness.cli.data import data
from harness.cli.load import load
from harness.cli.options import env_pairs, json_option, junit_option, orch_env_option, profile_option, seed_option
from harness.cli.orchestrator import dlq, reconcile
from harness.engine import SCENARIOS, ScenarioResult
from harness.fleet import SANDBOX_PORTS, local_ca_context, running_fleet
from harness.reporting import print_table, write_json, write_junit
from harness.runner import Target, _load_suites, external_driver, run_against, run_with_fleet

console = Console()


_env_pairs = env_pairs


def apply_fault_profile(name: str, urls: dict[str, str], verify: ssl.SSLContext | bool = True) -> dict[str, int]:
    """Install a fault profile on every simulator of a fleet."""
    from harness.admin_client import AdminClient, AdminError

    installed = {}
    for system in ("crm", "psa", "erp"):
        client = AdminClient(urls[system], verify=verify)
        try:
            installed[system] = len(client.apply_profile(name)["faults"])
        except AdminError as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            client.close()
    return installed


def _report(results: list[ScenarioResult], json_path: Path | None, junit_path: Path | None) -> None:
    print_table(results, console)
    if json_path:
        write_json(results, json_path)
        console.print(f"JSON report: {json_path}")
    if junit_path:
        write_junit(results, junit_path)
        console.print(f"JUnit report: {junit_path}")
    if any(r.status != "passed" for r in results):
        sys.exit(1)


@click.group()
@click.version_option(package_name="p2c-harness")
def main() -> None:
    """p2c-harness: simulators, scenarios, contracts and load for project-to-cash integrations."""


@main.command()
@seed_option
@profile_option
@json_option
@junit_option
@orch_env_option
@click.option("--full", is_flag=True, help="Volume suites on their full worlds (month-end: ~1,000,000 entries).")
def run(
    seed: int,
    profile: str,
    json_path: Path | None,
    junit_path: Path | None,
    orchestrator_env: tuple[str, ...],
    full: bool = False,
) -> None:
    """The main job: start the sandbox on free ports, run every scenario suite, print the table.

    Exits 1 when any invariant is violated.
    """
    console.print(f"starting simulators and the reference orchestrator (seed {seed}, profile {profile})")
    results = run_with_fleet(seed=seed, profile=profile, orchestrator_env=_env_pairs(orchestrator_env), full=full)
    _report(results, json_path, junit_path)


@main.group()
def sandbox() -> None:
    """A local sandbox of the three simulators and the reference orchestrator."""


@sandbox.command("up")
@seed_option
@click.option("--profile", default="small", show_default=True, help="World profile (small, standard, month-end).")
@click.option("--no-orchestrator", is_flag=True, help="Start only the simulators (bring your own middleware).")
@click.option("--tls", is_flag=True, help="Serve the simulators over HTTPS with a local CA.")
@click.option("--faults", "fault_profile", help="A named fault profile (flaky-erp, month-end-storm, ...).")
@orch_env_option
def sandbox_up(
    seed: int,
    profile: str,
    no_orchestrator: bool,
    tls: bool,
    fault_profile: str | None,
    orchestrator_env: tuple[str, ...],
) -> None:
    """Serve CRM :8101, PSA :8102, ERP :8103 and the orchestrator :8100 until Ctrl-C."""
    run_dir = Path(".p2c/sandbox")
    env = _env_pairs(orchestrator_env)
    ca = None
    if tls:
        from simulators._core.tls import ensure_local_ca

        ca = ensure_local_ca().ca_cert
        env.setdefault("SSL_CERT_FILE", str(ca))
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    try:
        with running_fleet(
            seed=seed,
            profile=profile,
            orchestrator=not no_orchestrator,
            orchestrator_env=env,
            ports=SANDBOX_PORTS,
            run_dir=run_dir,
            tls=tls,
        ) as fleet:
            table = Table(title=f"p2c sandbox (seed {seed}, profile {profile})")
            for col in ("service", "url", "control plane / status"):
                table.add_column(col)
            for name, url in fleet.urls.items():
                table.add_row(name, url, f"{url}/status" if name == "orchestrator" else f"{url}/__admin/health")
            console.print(table)
            if fault_profile:
                installed = apply_fault_profile(fault_profile, fleet.urls, local_ca_context() if ca else True)
                console.print(
                    f"fault profile {fault_profile}: " + ", ".join(f"{k} {v} rules" for k, v in installed.items())
                )
            if ca is not None:
                console.print(f"trust this CA: {ca}")
            console.print(f"logs in {run_dir}; Ctrl-C stops everything")
            while not stop:
                time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    console.print("sandbox stopped")


@main.command()
@click.argument("system", type=click.Choice(["crm", "psa", "erp"]))
@click.option("--port", type=int, help="Port (default 8101/8102/8103).")
@click.option("--seed", type=int, help="Run seed.")
@click.option("--profile", help="World profile.")
@click.option("--tls", is_flag=True, help="Serve HTTPS with the local CA's certificate.")
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(system: str, port: int | None, seed: int | None, profile: str | None, tls: bool, host: str) -> None:
    """Serve one simulator in the foreground."""
    from simulators.__main__ import main as serve_main

    argv = [system, "--host", host]
    if port:
        argv += ["--port", str(port)]
    if seed is not None:
        argv += ["--seed", str(seed)]
    if profile:
        argv += ["--profile", profile]
    if tls:
        argv.append("--tls")
    sys.exit(serve_main(argv))


@main.group()
def scenario() -> None:
    """List and run scenario suites."""


@scenario.command("list")
def scenario_list() -> None:
    """Every registered scenario with its suite and description."""
    _load_suites()
    table = Table(title="p2c scenarios")
    for col in ("name", "suite", "what it proves"):
        table.add_column(col)
    for sc in SCENARIOS.values():
        table.add_row(sc.name, sc.suite, sc.doc)
    console.print(table)


@scenario.command("run")
@click.argument("names", nargs=-1)
@click.option(
    "--orchestrator",
    default="reference",
    show_default=True,
    help="'reference' (started on free ports with the simulators) or the URL of your orchestrator.",
)
@click.option("--orchestrator-reset", help="With a URL: a path to POST to before each scenario.")
@click.option("--crm", default=f"http://127.0.0.1:{SANDBOX_PORTS['crm']}", show_default=True)
@click.option("--psa", default=f"http://127.0.0.1:{SANDBOX_PORTS['psa']}", show_default=True)
@click.option("--erp", default=f"http://127.0.0.1:{SANDBOX_PORTS['erp']}", show_default=True)
@seed_option
@profile_option
@json_option
@junit_option
@orch_env_option
def scenario_run(
    names: tuple[str, ...],
    orchestrator: str,
    orchestrator_reset: str | None,
    crm: str,
    psa: str,
    erp: str,
    seed: int,
    profile: str,
    json_path: Path | None,
    junit_path: Path | None,
    orchestrator_env: tuple[str, ...],
) -> None:
    """Run scenarios (all when none are named)."""
    try:
        if orchestrator == "reference":
            results = run_with_fleet(
                names=names or None, seed=seed, profile=profile, orchestrator_env=_env_pairs(orchestrator_env)
            )
        else:
            results = run_against(
                Target(crm, psa, erp),
                external_driver(orchestrator, orchestrator_reset),
                names=names or None,
                seed=seed,
                profile=profile,
            )
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from exc
    _report(results, json_path, junit_path)


@main.group()
def orchestrator() -> None:
    """The reference orchestrator."""


@orchestrator.command("run")
def orchestrator_run() -> None:
    """Run the reference orchestrator in the foreground (settings from ORCH_* variables)."""
    from harness.orchestrator.__main__ import main as orch_main

    orch_main()


main.add_command(contracts)
main.add_command(load)
main.add_command(data)
main.add_command(reconcile)
orchestrator.add_command(dlq)

if __name__ == "__main__":
    main()
