"""Salesforce's OAuth 2.0 token endpoint (``/services/oauth2/token``).

Salesforce answers without ``expires_in`` (clients learn of expiry from a 401 ``INVALID_SESSION_ID``) and
hands out a refresh token only in the web-server flow (``authorization_code``), redeemed with
``grant_type=refresh_token``;
the simulator still expires issued tokens after ``token_ttl_s`` simulated seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from simulators._core.tokens import IssuedToken, TokenEndpoint

ORG_ID = "00D000000000001AAA"
USER_ID = "005000000000001AAA"


def render_token(token: IssuedToken, base_url: str) -> Mapping[str, Any]:
    """The token response body."""
    identity = f"{base_url}/id/{ORG_ID}/{USER_ID}"
    issued_at = str(int(token.issued_at.timestamp() * 1000))
    signature = hmac.new(b"p2c-simulator", (identity + issued_at).encode(), hashlib.sha256).digest()
    body = {
        "access_token": token.access_token,
        "instance_url": base_url,
        "id": identity,
        "token_type": "Bearer",
        "issued_at": issued_at,
        "signature": base64.b64encode(signature).decode(),
    }
    if token.grant == "authorization_code":  # only the web-server flow hands out a refresh token
        body["refresh_token"] = token.refresh_token
    return body


TOKEN_ENDPOINT = TokenEndpoint("/services/oauth2/token", render_token)
