"""``/services/data`` (versions), ``/services/data/vNN.0`` (resources) and ``.../limits``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from simulators.crm.limits import usage
from simulators.crm.routes.render import DATA_BASE, call_of, runtime_of, store_of, tenant_of, version_base
from simulators.crm.schemas import ERRORS, ApiVersion, Limit, Limits
from simulators.crm.versions import release_label

router = APIRouter(tags=["Versions and limits"])
RESOURCES = ("composite", "limits", "process", "query", "queryAll", "sobjects")
STATIC_LIMITS = {
    "DailyBulkApiBatches": 15_000,
    "DailyBulkV2QueryJobs": 10_000,
    "DailyDeliveredPlatformEvents": 10_000,
    "HourlyPublishedPlatformEvents": 250_000,
    "FileStorageMB": 10_240,
}
"""Allocations the simulator reports but does not consume (Enterprise Edition defaults)."""
DATA_STORAGE_MB = 5_120
RECORD_SIZE_KB = 2
"""Salesforce counts most records as 2 KB of data storage."""


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
    call = call_of(request, version)
    base = version_base(call.version)
    shown = [name for name in RESOURCES if name != "composite" or call.profile.composite]
    return {name: f"{base}/{name}" for name in shown}


@router.get(DATA_BASE + "/{version}/limits", response_model=Limits, responses=ERRORS, operation_id="limits")
async def limits(request: Request, version: str) -> Limits:
    """The org's allocations and what remains of them (this call included)."""
    call_of(request, version)
    used, limit = usage(runtime_of(request), tenant_of(request))
    records = sum(1 for table in store_of(request).records.values() for r in table.values() if not r.deleted)
    storage_used = records * RECORD_SIZE_KB // 1024
    return Limits(
        DailyApiRequests=Limit(Max=limit, Remaining=max(0, limit - used)),
        DataStorageMB=Limit(Max=DATA_STORAGE_MB, Remaining=max(0, DATA_STORAGE_MB - storage_used)),
        DailyBulkApiBatches=_static("DailyBulkApiBatches"),
        DailyBulkV2QueryJobs=_static("DailyBulkV2QueryJobs"),
        DailyDeliveredPlatformEvents=_static("DailyDeliveredPlatformEvents"),
        HourlyPublishedPlatformEvents=_static("HourlyPublishedPlatformEvents"),
        FileStorageMB=_static("FileStorageMB"),
    )


def _static(name: str) -> Limit:
    return Limit(Max=STATIC_LIMITS[name], Remaining=STATIC_LIMITS[name])
