"""``/services/data`` (versions), ``/services/data/vNN.0`` (resources) and ``.../limits``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from simulators.crm.limits import usage
from simulators.crm.routes.render import DATA_BASE, api_version, release_label, runtime_of, tenant_of, version_base
from simulators.crm.schemas import ERRORS, ApiVersion, Limit, Limits

router = APIRouter(tags=["Versions and limits"])


@router.get(DATA_BASE, response_model=list[ApiVersion], operation_id="listVersions")
async def versions(request: Request) -> list[ApiVersion]:
    """The API versions this org serves (no authentication, not counted, no usage header)."""
    settings = runtime_of(request).settings
    return [
        ApiVersion(label=release_label(v), url=version_base(v), version=f"{v}.0")
        for v in range(settings.min_version, settings.max_version + 1)
    ]


@router.get(DATA_BASE + "/{version}", responses=ERRORS, operation_id="listResources")
async def resources(request: Request, version: str) -> dict[str, str]:
    """The resources available in an API version."""
    base = version_base(api_version(version))
    return {name: f"{base}/{name}" for name in ("limits", "query", "queryAll", "sobjects")}


@router.get(DATA_BASE + "/{version}/limits", response_model=Limits, responses=ERRORS, operation_id="limits")
async def limits(request: Request, version: str) -> Limits:
    """The org's allocations and what remains of them (this call included)."""
    api_version(version)
    used, limit = usage(runtime_of(request), tenant_of(request))
    return Limits(DailyApiRequests=Limit(Max=limit, Remaining=max(0, limit - used)))
