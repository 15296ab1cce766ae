"""Kantata OX's OAuth 2.0 token endpoint (``/oauth/token``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulators._core.tokens import IssuedToken, TokenEndpoint


def render_token(token: IssuedToken, base_url: str) -> Mapping[str, Any]:
    """The token response body."""
    return {
        "access_token": token.access_token,
        "token_type": "bearer",
        "refresh_token": token.refresh_token,
        "expires_in": token.ttl_s,
        "created_at": int(token.issued_at.timestamp()),
    }


TOKEN_ENDPOINT = TokenEndpoint("/oauth/token", render_token)
