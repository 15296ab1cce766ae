"""Bearer-token checks shared by the simulators (token issue and expiry come with the limits engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulators._core.errors import VendorError
from simulators._core.runtime import RequestInfo, SimRuntime


class BearerTokenPolicy:
    """Refuse vendor requests without ``Authorization: Bearer <token>`` in the vendor's 401 shape."""

    def __init__(self, unauthorized: Callable[[], VendorError], public_paths: tuple[str, ...] = ()) -> None:
        self._unauthorized = unauthorized
        self._public = public_paths

    def admit(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> VendorError | None:
        """401 without a bearer token, with an expired issued one, or (``auth_mode=issued``) an unknown one."""
        endpoint = runtime.spec.token_endpoint
        if not runtime.settings.require_auth or req.path in self._public or (endpoint and req.path == endpoint.path):
            return None
        value = req.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() not in ("bearer", "oauth") or not token.strip():
            return self._unauthorized()
        status = runtime.tokens.status(token.strip(), runtime.clock.now())
        if status == "expired" or (status == "unknown" and runtime.settings.auth_mode == "issued"):
            return self._unauthorized()
        return None

    def response_headers(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> list[tuple[bytes, bytes]]:
        """No extra headers."""
        return []
