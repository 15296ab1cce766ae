"""The CRM's request policy: API version window, bearer token, and the daily API request allocation.

Salesforce counts every REST call against an org-wide allocation, reports usage in ``Sforce-Limit-Info:
api-usage=n/N`` on every counted response, and refuses calls beyond it with 403 ``REQUEST_LIMIT_EXCEEDED``
(no ``Retry-After``). The versions list ``/services/data`` is neither authenticated nor counted, and has no
usage header (reference/vendor-apis.md 1.1, 1.4). The count is a simple per-tenant counter that resets with
the tenant's data; a rolling 24-hour window is not modelled yet.
"""

from __future__ import annotations

import re
from typing import Any

from simulators._core.auth import BearerTokenPolicy
from simulators._core.errors import VendorError
from simulators._core.runtime import RequestInfo, SimRuntime
from simulators.crm.exceptions import RESOURCE_MISSING, Gone, InvalidSessionId, NotFound, RequestLimitExceeded

VERSIONS_PATH = "/services/data"
API_REQUESTS = "api_requests"
"""Key of the per-tenant API call counter in ``runtime.tenant(t).counters``."""
LIMIT_HEADER = "Sforce-Limit-Info"
_VERSIONED = re.compile(r"^/services/data/(?P<segment>[^/]+)")
_VERSION = re.compile(r"^v(?P<major>\d{1,3})\.0$")


def parse_version(segment: str) -> int | None:
    """``"v62.0"`` -> 62; None for anything that is not a version segment."""
    found = _VERSION.match(segment)
    return int(found["major"]) if found else None


def usage(runtime: SimRuntime[Any, Any], tenant: str) -> tuple[int, int]:
    """(calls counted so far, daily allocation) of a tenant."""
    return runtime.tenant(tenant).counters.get(API_REQUESTS, 0), int(runtime.settings.daily_api_limit)


def limit_info(used: int, limit: int) -> str:
    """The ``Sforce-Limit-Info`` value."""
    return f"api-usage={used}/{limit}"


class CrmRequestPolicy:
    """Version window (410 below, 404 above), then bearer token (401), then the daily allocation (403)."""

    def __init__(self) -> None:
        self._auth = BearerTokenPolicy(
            lambda: InvalidSessionId("Session expired or invalid"), public_paths=(VERSIONS_PATH,)
        )

    @staticmethod
    def _counted(path: str) -> bool:
        return _VERSIONED.match(path) is not None

    def admit(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> VendorError | None:
        """Refuse a request outside the version window, without a token, or over the allocation; count it."""
        found = _VERSIONED.match(req.path)
        if found is None:
            return self._auth.admit(runtime, req)
        version = parse_version(found["segment"])
        settings = runtime.settings
        if version is None or version > settings.max_version:
            return NotFound(RESOURCE_MISSING)
        if version < settings.min_version:
            return Gone(
                f"API version {version}.0 is retired. Use a version between "
                f"{settings.min_version}.0 and {settings.max_version}.0."
            )
        refused = self._auth.admit(runtime, req)
        if refused is not None:
            return refused
        used, limit = usage(runtime, req.tenant)
        if used >= limit:
            return RequestLimitExceeded(
                "TotalRequests Limit exceeded.", headers={LIMIT_HEADER: limit_info(used, limit)}
            )
        runtime.tenant(req.tenant).counters[API_REQUESTS] = used + 1
        return None

    def response_headers(self, runtime: SimRuntime[Any, Any], req: RequestInfo) -> list[tuple[bytes, bytes]]:
        """``Sforce-Limit-Info`` on every counted response."""
        if not self._counted(req.path):
            return []
        return [(LIMIT_HEADER.lower().encode(), limit_info(*usage(runtime, req.tenant)).encode())]
