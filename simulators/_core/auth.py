"""Bearer-token checks shared by the simulators (token issue and expiry come with the limits engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulators._core.errors import VendorError
from simulators._core.runtime import RequestInfo, SimRuntime

_SCHEMES = (b"bearer", b"oauth")
_PARSED_LIMIT = 4096
"""At most this many distinct ``Authorization`` values are remembered (then the memory starts afresh)."""


class BearerTokenPolicy:
    """Refuse vendor requests without ``Authorization: Bearer <token>`` in the vendor's 401 shape."""

    adds_headers = False

    def __init__(self, unauthorized: Callable[[], VendorError], public_paths: tuple[str, ...] = ()) -> None:
        self._unauthorized = unauthorized
        self._public = frozenset(public_paths)
        self._tokens: dict[bytes, str] = {}
        """Raw ``Authorization`` values already parsed, to their token ("" for none): clients resend the same."""
        self._open: frozenset[str] | None = None
        """The public paths and the spec's token endpoint (known at the first request)."""

    def _parse(self, raw: bytes) -> str:
        """The bearer token in a raw ``Authorization`` value ("" when there is none), remembered."""
        scheme, _, value = raw.partition(b" ")
        value = value.strip()
        token = value.decode("latin-1") if value and scheme.lower() in _SCHEMES else ""
        if len(self._tokens) >= _PARSED_LIMIT:
            self._tokens.clear()
        self._tokens[raw] = token
        return token

    def admit(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> VendorError | None:
        """401 without a bearer token, with an expired issued one, or (``auth_mode=issued``) an unknown one.

        Runs on every vendor request: a raw header value seen before is not parsed again.
        """
        settings = runtime.settings
        if not settings.require_auth:
            return None
        open_paths = self._open
        if open_paths is None:
            endpoint = runtime.spec.token_endpoint
            open_paths = self._open = self._public | ({endpoint.path} if endpoint is not None else set())
        if req.path in open_paths:
            return None
        raw = req.headers.get(b"authorization", b"")
        token = self._tokens.get(raw)
        if token is None:
            token = self._parse(raw)
        if not token:
            return self._unauthorized()
        expires_at = runtime.tokens.expiry(token)
        if expires_at is None:
            return self._unauthorized() if settings.auth_mode == "issued" else None
        return self._unauthorized() if runtime.clock.now() >= expires_at else None

    def response_headers(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> list[tuple[bytes, bytes]]:
        """No extra headers."""
        return []
