"""Options shared by the ``p2c`` commands."""

from __future__ import annotations

from pathlib import Path

import click

seed_option = click.option("--seed", default=42, show_default=True, help="One seed for data, faults and clock.")
profile_option = click.option("--profile", default="small", show_default=True, help="World profile.")
json_option = click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write a JSON report.")
junit_option = click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Write JUnit XML.")
orch_env_option = click.option(
    "--orchestrator-env",
    multiple=True,
    metavar="KEY=VALUE",
    help="Extra environment for the reference orchestrator (e.g. ORCH_POSTING_MODE=create).",
)
