"""Committed OpenAPI specs: export per system and version, and drift against what the simulators generate.

Every system has its base version's spec and one per shipped version profile
(``simulators/<system>/versions/*.toml``), all under ``contracts/openapi/<system>/<version>.json``.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.contracts.sims import OPENAPI_DIR, SYSTEMS, available_systems, base_version, create_simulator
from simulators._core.versions import shipped_versions

EXPORT_HINT = "run `p2c contracts export` and commit the result"


def versions_of(system: str) -> list[str]:
    """The base version and every shipped version profile of ``system``."""
    return [base_version(system), *shipped_versions(system)]


def generated_spec(system: str, version: str | None = None) -> tuple[str, dict[str, Any]]:
    """``(api_version, OpenAPI document)`` as the simulator generates it now (``version`` default: the base)."""
    name = version or base_version(system)
    if name.endswith(".toml"):  # a user's file may change between calls: never cached
        return name, create_simulator(system, api_version=name).openapi()
    return name, copy.deepcopy(_generated(system, name))


@functools.lru_cache(maxsize=32)
def _generated(system: str, version: str) -> dict[str, Any]:
    """A shipped version's spec (code and shipped profiles do not change within a process)."""
    document: dict[str, Any] = create_simulator(system, api_version=version).openapi()
    return document


def render_spec(document: Mapping[str, Any]) -> str:
    """The committed form of a spec: sorted keys, two-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def spec_path(system: str, version: str, root: Path = OPENAPI_DIR) -> Path:
    """Where the spec of ``system`` at ``version`` is committed."""
    return root / system / f"{version}.json"


def load_spec(system: str, version: str, root: Path = OPENAPI_DIR) -> dict[str, Any]:
    """A committed spec, or the generated one when ``version`` names a profile file (``.toml``)."""
    if version.endswith(".toml"):
        return generated_spec(system, version)[1]
    path = spec_path(system, version, root)
    if not path.is_file():
        raise FileNotFoundError(f"no committed spec for {system} {version} at {path}; {EXPORT_HINT}")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def export_specs(
    out_dir: Path = OPENAPI_DIR, systems: Sequence[str] = SYSTEMS, *, all_versions: bool = True
) -> list[Path]:
    """Write ``<out_dir>/<system>/<version>.json`` for every available system (and version); returns the paths."""
    written = []
    for system in available_systems(systems):
        for version in versions_of(system) if all_versions else [base_version(system)]:
            name, document = generated_spec(system, version)
            path = spec_path(system, name, out_dir)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render_spec(document), encoding="utf-8")
            written.append(path)
    return written


@dataclass(slots=True)
class SpecDrift:
    """How one committed spec compares with the generated one."""

    system: str
    version: str
    path: Path
    status: Literal["same", "missing", "changed"]
    diff: str = ""

    @property
    def ok(self) -> bool:
        """True when the committed spec equals the generated one."""
        return self.status == "same"

    def message(self) -> str:
        """One paragraph for a report or an assertion."""
        if self.status == "same":
            return f"{self.system} {self.version}: committed spec is current"
        if self.status == "missing":
            return f"{self.system} {self.version}: no committed spec at {self.path}; {EXPORT_HINT}"
        return (
            f"{self.system} {self.version}: {self.path} differs from the simulator's spec; {EXPORT_HINT}\n{self.diff}"
        )


def check_drift(
    root: Path = OPENAPI_DIR,
    systems: Sequence[str] = SYSTEMS,
    max_diff_lines: int = 80,
    *,
    versions: Sequence[str] | None = None,
) -> list[SpecDrift]:
    """Compare each committed spec (every version, or ``versions``) with the one its simulator generates."""
    results = []
    for system in available_systems(systems):
        for wanted in versions if versions is not None else versions_of(system):
            version, document = generated_spec(system, wanted)
            results.append(
                _compare(system, version, render_spec(document), spec_path(system, version, root), max_diff_lines)
            )
    return results


def _compare(system: str, version: str, generated: str, path: Path, max_diff_lines: int) -> SpecDrift:
    if not path.is_file():
        return SpecDrift(system, version, path, "missing")
    committed = path.read_text(encoding="utf-8")
    if committed == generated:
        return SpecDrift(system, version, path, "same")
    lines = list(
        difflib.unified_diff(committed.splitlines(), generated.splitlines(), "committed", "generated", lineterm="", n=2)
    )
    if len(lines) > max_diff_lines:
        lines = [*lines[:max_diff_lines], f"... {len(lines) - max_diff_lines} more diff lines"]
    return SpecDrift(system, version, path, "changed", "\n".join(lines))
