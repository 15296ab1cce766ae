"""Same seed, same world, byte for byte; another seed, another world."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from harness.cli.main import main
from simulators.datagen import World, build_world
from simulators.datagen.export import write_world
from simulators.datagen.world import _build


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_writes_byte_identical_files_even_when_built_afresh(tmp_path: Path) -> None:
    first = build_world(7, "month-end-ci")
    write_world(first, tmp_path / "a")
    _build.cache_clear()  # build it again from nothing, not from the cache
    second = build_world(7, "month-end-ci")
    assert second is not first
    write_world(second, tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a == b
    assert second.content_hash == first.content_hash
    assert len(a["psa/time_entries.jsonl"].splitlines()) == len(first.timesheets) > 40_000


def test_different_seeds_give_different_worlds(month_end_ci: World) -> None:
    other = build_world(8, "month-end-ci")
    assert other.content_hash != month_end_ci.content_hash
    assert [c.name for c in other.customers] != [c.name for c in month_end_ci.customers]
    assert other.timesheets.minutes.tolist() != month_end_ci.timesheets.minutes.tolist()


def test_the_clock_start_is_today_and_changes_the_world() -> None:
    later = build_world(42, "small", start=datetime(2026, 11, 30, 9, tzinfo=UTC))
    assert later.today.isoformat() == "2026-11-30"
    assert later.periods[-4].key == "2026-11"
    assert later.content_hash != build_world(42, "small").content_hash


def test_cli_writes_every_system_and_prints_the_hash(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["data", "generate", "--profile", "small", "--seed", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    world = build_world(3, "small")
    assert f"world {world.content_hash}" in result.output
    files = _files(tmp_path)
    assert {"crm/accounts.jsonl", "psa/time_entries.jsonl", "erp/customers.jsonl", "world.json"} <= set(files)
    assert len(files["crm/accounts.jsonl"].splitlines()) == len(world.customers)


def test_cli_refuses_an_unknown_profile(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["data", "generate", "--profile", "huge", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown profile 'huge'" in result.output


def test_every_process_builds_the_same_world_whatever_its_hash_seed(month_end_ci: World) -> None:
    code = "from simulators.datagen import build_world; print(build_world(42, 'month-end-ci').content_hash)"
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == month_end_ci.content_hash
