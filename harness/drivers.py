"""Orchestrator drivers: how the engine resets, reconfigures, crashes and asks the system under test.

The reference driver can do everything (restart with other settings, SIGKILL, read the dead-letter queue);
an external orchestrator offers what its URL offers (a reset hook, and ``/dlq`` if it has one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.fleet import Fleet


class UnsupportedByDriverError(RuntimeError):
    """A scenario asked the orchestrator driver for something this system under test does not offer."""


def _dead_letters(url: str) -> list[dict[str, Any]] | None:
    """``GET <url>/dlq``'s dead letters, or None when the orchestrator has no such endpoint."""
    try:
        resp = httpx.get(url.rstrip("/") + "/dlq", timeout=30, trust_env=False)
    except httpx.HTTPError:
        return None
    if resp.status_code != 200:
        return None
    letters: list[dict[str, Any]] = resp.json().get("dead_letters", [])
    return letters


@dataclass(slots=True)
class ReferenceOrchestrator:
    """The shipped orchestrator, run by the fleet: reset = restart with an empty ledger."""

    fleet: Fleet
    env: Mapping[str, str] = field(default_factory=dict)
    name: str = "reference"
    _overrides: set[str] = field(default_factory=set)

    @property
    def url(self) -> str:
        """The orchestrator's base URL."""
        return self.fleet.url("orchestrator")

    def reset(self) -> None:
        """Restart the process with a fresh SQLite ledger and the run's own settings."""
        svc_env = self.fleet.services["orchestrator"].env
        for key in self._overrides:
            svc_env.pop(key, None)
        self._overrides.clear()
        self.fleet.restart_orchestrator(fresh=True, env=self.env)

    def configure(self, env: Mapping[str, str]) -> None:
        """Restart with a fresh ledger and these ``ORCH_*`` settings on top (until the next reset)."""
        self._overrides.update(k for k in env if k not in self.env)
        self.fleet.restart_orchestrator(fresh=True, env={**self.env, **env})

    def kill(self) -> None:
        """SIGKILL the orchestrator process (the crash case: no shutdown code runs)."""
        self.fleet.services["orchestrator"].kill()

    def restart(self) -> None:
        """Start the orchestrator again on the ledger it left behind."""
        svc = self.fleet.services["orchestrator"]
        svc.start()
        svc.wait_healthy()

    def dead_letters(self) -> list[dict[str, Any]] | None:
        """The orchestrator's open dead letters."""
        return _dead_letters(self.url)

    def replay(self, reason: str | None = None) -> int:
        """Replay dead letters (of one reason); returns how many."""
        resp = httpx.post(
            self.url + "/dlq/replay", params={"reason": reason} if reason else None, timeout=30, trust_env=False
        )
        resp.raise_for_status()
        return int(resp.json()["replayed"])


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

    def configure(self, env: Mapping[str, str]) -> None:
        """An external orchestrator's settings are its own business."""
        raise UnsupportedByDriverError(f"cannot set {sorted(env)} on an external orchestrator")

    def kill(self) -> None:
        """The harness does not own an external orchestrator's process."""
        raise UnsupportedByDriverError("cannot kill an external orchestrator")

    def restart(self) -> None:
        """See :meth:`kill`."""
        raise UnsupportedByDriverError("cannot restart an external orchestrator")

    def dead_letters(self) -> list[dict[str, Any]] | None:
        """``GET <url>/dlq`` when the orchestrator offers it."""
        return _dead_letters(self.url)

    def replay(self, reason: str | None = None) -> int:
        """``POST <url>/dlq/replay`` when the orchestrator offers it."""
        resp = httpx.post(
            self.url.rstrip("/") + "/dlq/replay",
            params={"reason": reason} if reason else None,
            timeout=30,
            trust_env=False,
        )
        if resp.status_code != 200:
            raise UnsupportedByDriverError(f"{self.url} has no /dlq/replay ({resp.status_code})")
        return int(resp.json().get("replayed", 0))
