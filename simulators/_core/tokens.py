"""OAuth tokens issued by a simulator's token endpoint, expiring in simulated time."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(slots=True, frozen=True)
class IssuedToken:
    """An access token (and its refresh token) as issued."""

    access_token: str
    refresh_token: str
    client_id: str
    issued_at: datetime
    expires_at: datetime
    grant: str = "client_credentials"

    @property
    def ttl_s(self) -> int:
        """Lifetime in seconds."""
        return int((self.expires_at - self.issued_at).total_seconds())


@dataclass(slots=True, frozen=True)
class TokenEndpoint:
    """Where a vendor issues tokens and how its answer looks."""

    path: str
    render: Callable[[IssuedToken, str], Mapping[str, Any]]
    """(token, base URL) -> the vendor's token response body."""


class TokenStore:
    """Issued tokens; token strings come from a seeded RNG so a run is reproducible."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._access: dict[str, IssuedToken] = {}
        self._refresh: dict[str, str] = {}

    def _new(self, prefix: str) -> str:
        return f"{prefix}{self._rng.getrandbits(160):040x}"

    def issue(self, client_id: str, now: datetime, ttl_s: int, grant: str = "client_credentials") -> IssuedToken:
        """A new access token (and refresh token) valid for ``ttl_s`` simulated seconds."""
        token = IssuedToken(self._new("at-"), self._new("rt-"), client_id, now, now + timedelta(seconds=ttl_s), grant)
        self._access[token.access_token] = token
        self._refresh[token.refresh_token] = client_id
        return token

    def refresh(self, refresh_token: str, now: datetime, ttl_s: int) -> IssuedToken | None:
        """A new access token for a known refresh token, or None."""
        client_id = self._refresh.get(refresh_token)
        if client_id is None:
            return None
        token = IssuedToken(
            self._new("at-"), refresh_token, client_id, now, now + timedelta(seconds=ttl_s), "refresh_token"
        )
        self._access[token.access_token] = token
        return token

    def expiry(self, access_token: str) -> datetime | None:
        """When an issued token expires, or None for a token not issued here."""
        token = self._access.get(access_token)
        return None if token is None else token.expires_at

    def clear(self) -> None:
        """Forget every token."""
        self._access.clear()
        self._refresh.clear()
