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


def env_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """``KEY=VALUE`` arguments as a mapping.

    Raises:
        click.BadParameter: an argument without ``=`` or without a key.
    """
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--orchestrator-env")
        out[key] = value
    return out
