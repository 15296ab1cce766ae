"""Orchestrator drivers: how the engine resets the system under test between scenarios."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from harness.fleet import Fleet


@dataclass(slots=True)
class ReferenceOrchestrator:
    """The shipped orchestrator, run by the fleet: reset = restart with an empty ledger."""

    fleet: Fleet
    env: Mapping[str, str] = field(default_factory=dict)
    name: str = "reference"

    def reset(self) -> None:
        """Restart the process with a fresh SQLite ledger."""
        self.fleet.restart_orchestrator(fresh=True, env=self.env)


@dataclass(slots=True)
class ExternalOrchestrator:
    """A user's orchestrator at a URL: reset calls its ``reset_path`` if it has one."""

    url: str
    reset_path: str | None = None
    name: str = "external"

    def reset(self) -> None:
        """POST to the reset hook, when configured."""
        if self.reset_path:
            httpx.post(self.url.rstrip("/") + self.reset_path, timeout=30, trust_env=False).raise_for_status()
