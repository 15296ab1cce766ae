"""The one typed client of the simulators' control plane (``/__admin``)."""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpx


class AdminError(RuntimeError):
    """The control plane refused a call."""


class AdminClient:
    """Synchronous client of one simulator's ``/__admin`` API."""

    def __init__(
        self, base_url: str, *, timeout_s: float = 30.0, tenant: str | None = None, verify: ssl.SSLContext | bool = True
    ) -> None:
        headers = {"X-P2C-Tenant": tenant} if tenant else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url + "/__admin", timeout=timeout_s, headers=headers, trust_env=False, verify=verify
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self._http.request(method, path, **kwargs)
        if resp.status_code >= 400:
            raise AdminError(f"{method} /__admin{path} -> {resp.status_code}: {resp.text[:500]}")
        return resp.json() if resp.content else None

    def health(self) -> dict[str, Any]:
        """``GET /__admin/health``."""
        result: dict[str, Any] = self._call("GET", "/health")
        return result

    def reset(self, scopes: Iterable[str] | None = None) -> None:
        """``POST /__admin/reset`` (all scopes by default)."""
        params = {"scope": ",".join(scopes)} if scopes else None
        self._call("POST", "/reset", params=params)

    def seed(self, seed: int, profile: str | None = None) -> dict[str, Any]:
        """``POST /__admin/seed``; returns the world's seed, profile and content hash."""
        result: dict[str, Any] = self._call("POST", "/seed", json={"seed": seed, "profile": profile})
        return result

    def state(self) -> dict[str, Any]:
        """``GET /__admin/state``."""
        result: dict[str, Any] = self._call("GET", "/state")
        return result

    def data(self, tenant: str = "default") -> dict[str, Any]:
        """The records of one tenant from ``/__admin/state``."""
        tenants: dict[str, Any] = self.state()["tenants"]
        data: dict[str, Any] = tenants.get(tenant, {}).get("data", {})
        return data

    def restore(self, snapshot: dict[str, Any]) -> None:
        """``POST /__admin/state``."""
        self._call("POST", "/state", json=snapshot)

    def provider_state(self, state: str, params: dict[str, Any] | None = None, action: str = "setup") -> dict[str, Any]:
        """``POST /__admin/provider-states``."""
        result: dict[str, Any] = self._call(
            "POST", "/provider-states", json={"state": state, "params": params or {}, "action": action}
        )
        return result

    def add_fault(self, rule: dict[str, Any]) -> dict[str, Any]:
        """``POST /__admin/faults``; returns the stored rule with its id."""
        result: dict[str, Any] = self._call("POST", "/faults", json=rule)
        return result

    def apply_profile(self, name: str) -> dict[str, Any]:
        """``POST /__admin/faults/profiles/{name}``: install this system's share of a fault profile."""
        result: dict[str, Any] = self._call("POST", f"/faults/profiles/{name}")
        return result

    def profiles(self) -> list[dict[str, Any]]:
        """``GET /__admin/faults/profiles``."""
        result: list[dict[str, Any]] = self._call("GET", "/faults/profiles")["profiles"]
        return result

    def faults(self) -> list[dict[str, Any]]:
        """``GET /__admin/faults``."""
        result: list[dict[str, Any]] = self._call("GET", "/faults")["faults"]
        return result

    def clear_faults(self) -> None:
        """``DELETE /__admin/faults``."""
        self._call("DELETE", "/faults")

    def requests(self, since_id: int = 0, **filters: Any) -> dict[str, Any]:
        """``GET /__admin/requests``: ``{"total": n, "requests": [...]}``."""
        params = {"since_id": since_id, **{k: v for k, v in filters.items() if v is not None}}
        result: dict[str, Any] = self._call("GET", "/requests", params=params)
        return result

    def clock(self) -> dict[str, Any]:
        """``GET /__admin/clock``."""
        result: dict[str, Any] = self._call("GET", "/clock")
        return result

    def set_clock(self, **body: Any) -> dict[str, Any]:
        """``POST /__admin/clock`` with ``now``, ``mode`` or ``rate``."""
        result: dict[str, Any] = self._call("POST", "/clock", json=body)
        return result

    def advance_clock(self, **delta: float) -> dict[str, Any]:
        """``POST /__admin/clock/advance`` with ``days``, ``hours``, ``minutes`` or ``seconds``."""
        result: dict[str, Any] = self._call("POST", "/clock/advance", json=delta)
        return result

    def settings(self) -> dict[str, Any]:
        """``GET /__admin/settings``."""
        result: dict[str, Any] = self._call("GET", "/settings")
        return result

    def update_settings(self, patch: dict[str, Any]) -> dict[str, Any]:
        """``PUT /__admin/settings`` (deep-merged)."""
        result: dict[str, Any] = self._call("PUT", "/settings", json=patch)
        return result

    def events(self, tenant: str = "default") -> list[dict[str, Any]]:
        """``GET /__admin/events``."""
        result: list[dict[str, Any]] = self._call("GET", "/events", params={"tenant": tenant})["events"]
        return result
