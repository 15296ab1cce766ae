"""The CRM's request policy: API version window, bearer token, and the daily API request allocation.

Salesforce counts every REST call against an org-wide allocation, reports usage in ``Sforce-Limit-Info:
api-usage=n/N`` on every counted response, and refuses calls beyond it with 403 ``REQUEST_LIMIT_EXCEEDED``
(no ``Retry-After``). The versions list ``/services/data`` is neither authenticated nor counted, and has no
usage header (reference/vendor-apis.md 1.1, 1.4). The allocation is a rolling 24-hour window in simulated
time kept by the tenant's store (one store is one org): it resets with the tenant's data, the provider
state "the daily API quota is spent" spends it, and advancing the clock gives calls back. The change-event replay feed
(``.../p2c/changeEvents``) stands in for the Streaming API, which has its own allocations: it is
authenticated but neither counted nor refused by the daily allocation.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from simulators._core.auth import BearerTokenPolicy
from simulators._core.errors import VendorError
from simulators._core.runtime import RequestInfo, SimRuntime
from simulators.crm.exceptions import RESOURCE_MISSING, Gone, InvalidSessionId, NotFound, RequestLimitExceeded
from simulators.crm.models import ORG
from simulators.crm.versions import parse_version

VERSIONS_PATH = "/services/data"
LIMIT_HEADER = "Sforce-Limit-Info"
FEED_SEGMENT = "/p2c/"
_LIMIT_KEY = LIMIT_HEADER.lower().encode()
_VERSIONED = re.compile(r"^/services/data/(?P<segment>[^/]+)(?P<rest>/.*)?$")


def usage(runtime: SimRuntime[Any, Any], tenant: str) -> tuple[int, int]:
    """(calls counted so far, daily allocation) of a tenant."""
    return int(runtime.tenant(tenant).store.api_requests), int(runtime.settings.daily_api_limit)


def limit_info(used: int, limit: int) -> str:
    """The ``Sforce-Limit-Info`` value."""
    return f"api-usage={used}/{limit}"


@functools.lru_cache(maxsize=4096)  # every request is classified twice (admit, response headers)
def _route(path: str) -> tuple[int | None, bool] | None:
    """(API version or None, counted) of a path under ``/services/data/{segment}``; None for other paths."""
    found = _VERSIONED.match(path)
    if found is None:
        return None
    return parse_version(found["segment"]), not (found["rest"] or "").startswith(FEED_SEGMENT)


class CrmRequestPolicy:
    """Version window (410 below, 404 above), then bearer token (401), then the daily allocation (403)."""

    adds_headers = True  # Sforce-Limit-Info

    def __init__(self) -> None:
        self._auth = BearerTokenPolicy(
            lambda: InvalidSessionId("Session expired or invalid"), public_paths=(VERSIONS_PATH,)
        )

    @staticmethod
    def _counted(path: str) -> bool:
        route = _route(path)
        return route is not None and route[1]

    def admit(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> VendorError | None:
        """Refuse a request outside the version window, without a token, or over the allocation; count it."""
        route = _route(req.path)
        if route is None:
            return self._auth.admit(runtime, req)
        version, counted = route
        settings = runtime.settings
        if version is None or version > settings.max_version:
            return NotFound(RESOURCE_MISSING)
        if version < settings.min_version:
            return Gone(
                f"API version {version}.0 is retired. Use a version between "
                f"{settings.min_version}.0 and {settings.max_version}.0."
            )
        refused = self._auth.admit(runtime, req)
        if refused is not None or not counted:
            return refused
        store = runtime.tenant(req.tenant).store
        limit = int(runtime.settings.daily_api_limit)
        if not store.quota.consume(ORG, limit, runtime.clock.now()):
            return RequestLimitExceeded(
                "TotalRequests Limit exceeded.", headers={LIMIT_HEADER: limit_info(store.api_requests, limit)}
            )
        return None

    def response_headers(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> list[tuple[bytes, bytes]]:
        """``Sforce-Limit-Info`` on every counted response."""
        if not self._counted(req.path):
            return []
        return [(_LIMIT_KEY, limit_info(*usage(runtime, req.tenant)).encode())]
