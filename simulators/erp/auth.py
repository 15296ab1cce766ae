"""NetSuite's OAuth 2.0 token endpoint (``/services/rest/auth/oauth2/v1/token``); access tokens last 1 h."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulators._core.tokens import IssuedToken, TokenEndpoint


def render_token(token: IssuedToken, base_url: str) -> Mapping[str, Any]:
    """The token response body (``expires_in`` as a string, as NetSuite sends it: UNCONFIRMED)."""
    return {
        "access_token": token.access_token,
        "refresh_token": token.refresh_token,
        "expires_in": str(token.ttl_s),
        "token_type": "bearer",
    }


TOKEN_ENDPOINT = TokenEndpoint("/services/rest/auth/oauth2/v1/token", render_token)
