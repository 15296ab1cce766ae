"""Named fault profiles: TOML bundles of fault rules and settings per system (``profiles/*.toml``).

A profile has a ``description`` and, per system (``crm``, ``psa``, ``erp``), a list of ``faults`` (the
rule JSON of ``POST /__admin/faults``) and a ``settings`` patch. Each simulator loads its own section
(``POST /__admin/faults/profiles/{name}``); the harness applies a profile to every system at once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulators._core.faults import FaultRuleIn

PROFILE_DIR = Path(__file__).with_name("profiles")


class UnknownProfileError(LookupError):
    """No profile of that name."""


@dataclass(slots=True, frozen=True)
class SystemProfile:
    """One system's share of a profile."""

    faults: list[FaultRuleIn] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, frozen=True)
class FaultProfile:
    """A named bundle of faults and settings."""

    name: str
    description: str
    systems: dict[str, SystemProfile]

    def for_system(self, system: str) -> SystemProfile:
        """This system's rules and settings (empty when the profile does not touch it)."""
        return self.systems.get(system, SystemProfile())


def profile_names(directory: Path = PROFILE_DIR) -> list[str]:
    """Every shipped profile."""
    return sorted(p.stem for p in directory.glob("*.toml"))


def load_profile(name: str, directory: Path = PROFILE_DIR) -> FaultProfile:
    """Read and validate a profile.

    Raises:
        UnknownProfileError: no such profile.
        ValueError: a rule or section is invalid.
    """
    path = directory / f"{name}.toml"
    if not path.is_file() or path.parent != directory:
        raise UnknownProfileError(f"unknown fault profile {name!r}; known: {', '.join(profile_names(directory))}")
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    systems = {}
    for system in ("crm", "psa", "erp"):
        section = doc.get(system, {})
        unknown = set(section) - {"faults", "settings"}
        if unknown:
            raise ValueError(f"profile {name}: unknown keys in [{system}]: {sorted(unknown)}")
        systems[system] = SystemProfile(
            [FaultRuleIn.model_validate(rule) for rule in section.get("faults", [])], dict(section.get("settings", {}))
        )
    return FaultProfile(name, str(doc.get("description", "")), systems)
