"""``p2c data``: generate the seeded world as files."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from harness.cli.options import seed_option

console = Console()


@click.group()
def data() -> None:
    """The seeded world that seeds the simulators."""


@data.command("generate")
@click.option("--profile", default="standard", show_default=True, help="small, standard, month-end-ci, month-end.")
@seed_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Directory to write to.")
def generate(profile: str, seed: int, out_dir: Path) -> None:
    """Write the world of SEED and PROFILE as JSON Lines, one file per system and object, plus world.json."""
    from simulators.datagen import PROFILES, build_world
    from simulators.datagen.export import FILES, write_world

    if profile not in PROFILES:
        raise click.BadParameter(f"unknown profile {profile!r} (one of {', '.join(PROFILES)})", param_hint="--profile")
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        building = progress.add_task(f"building world (seed {seed}, profile {profile})", total=1)
        started = time.perf_counter()
        world = build_world(seed, profile)
        built = time.perf_counter() - started
        progress.update(building, completed=1)
        writing = progress.add_task(f"writing {out_dir}", total=len(FILES) + 1)
        counts = write_world(world, out_dir, lambda name, n: progress.update(writing, advance=1, description=name))
    console.print(
        f"world {world.content_hash}: {sum(counts.values()):,} records in {len(counts)} files "
        f"(built in {built:.1f} s) -> {out_dir}"
    )
