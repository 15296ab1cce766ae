"""Bearer-token checks shared by the simulators (token issue and expiry come with the limits engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulators._core.errors import VendorError
from simulators._core.runtime import RequestInfo, SimRuntime

_SCHEMES = (b"bearer", b"oauth")


class BearerTokenPolicy:
    """Refuse vendor requests without ``Authorization: Bearer <token>`` in the vendor's 401 shape."""

    adds_headers = False

    def __init__(self, unauthorized: Callable[[], VendorError], public_paths: tuple[str, ...] = ()) -> None:
        self._unauthorized = unauthorized
        self._public = frozenset(public_paths)

    def admit(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> VendorError | None:
        """401 without a bearer token, with an expired issued one, or (``auth_mode=issued``) an unknown one.

        Runs on every vendor request: the raw header is split as bytes, and only the token is decoded.
        """
        settings = runtime.settings
        if not settings.require_auth or req.path in self._public:
            return None
        endpoint = runtime.spec.token_endpoint
        if endpoint is not None and req.path == endpoint.path:
            return None
        scheme, _, token = req.headers.get(b"authorization", b"").partition(b" ")
        token = token.strip()
        if not token or scheme.lower() not in _SCHEMES:
            return self._unauthorized()
        expires_at = runtime.tokens.expiry(token.decode("latin-1"))
        if expires_at is None:
            return self._unauthorized() if settings.auth_mode == "issued" else None
        return self._unauthorized() if runtime.clock.now() >= expires_at else None

    def response_headers(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> list[tuple[bytes, bytes]]:
        """No extra headers."""
        return []
