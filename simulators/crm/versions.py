"""API versions: the release calendar and the behaviour profile each version carries.

Salesforce ships three releases a year and bumps the API version by one each time (v64.0 = Summer '25); a
client pins a version in its URLs and gets that version's behaviour. A :class:`VersionProfile` is the set of
version-dependent behaviours the simulator models. :func:`profile_for` derives the built-in profile from
the version and applies the overrides in ``CrmSettings.version_profiles``: an override keyed ``"68"``
applies from v68.0 upwards, so an "upgrade check" can open v68.0 (``max_version``) with a changed
behaviour and run the orchestrator against both versions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

_SEASONS = ("Summer", "Winter", "Spring")
_VERSION = re.compile(r"^v(?P<major>\d{1,3})\.0$")

UPSERT_UPDATE_BODY_SINCE = 46
"""From this version an upsert that updates answers 200 with a body; before it, 204 (UNCONFIRMED)."""
COMPOSITE_SINCE = 42
"""``/composite`` and sObject Collections (``/composite/sobjects``) exist from v42.0."""
COLLECTION_UPSERT_SINCE = 46
"""``PATCH /composite/sobjects/{Type}/{ExternalIdField}`` exists from v46.0."""


class VersionProfile(BaseModel):
    """The version-dependent behaviours of one API version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    upsert_update_returns_body: bool = Field(
        description="An upsert that updates answers 200 with {id,success,errors,created} (else 204)."
    )
    composite: bool = Field(description="/composite and /composite/sobjects exist (else 404).")
    collection_upsert: bool = Field(description="PATCH /composite/sobjects/{Type}/{Field} exists (else 404).")
    lenient_json_types: bool = Field(
        default=True, description='Numbers given as JSON strings and "true"/"false" checkboxes are accepted.'
    )
    composite_max_subrequests: int = Field(default=25, ge=1, description="Subrequests allowed in one /composite.")
    collection_max_records: int = Field(default=200, ge=1, description="Records allowed in one collection call.")
    max_batch_size: int = Field(default=2000, ge=200, description="Largest query batch (and the default).")
    notes: str = Field(default="", description="What changed in this version (for reports).")


class VersionProfileOverride(BaseModel):
    """Partial :class:`VersionProfile`: the fields to change from a version upwards."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    upsert_update_returns_body: bool | None = None
    composite: bool | None = None
    collection_upsert: bool | None = None
    lenient_json_types: bool | None = None
    composite_max_subrequests: int | None = Field(default=None, ge=1)
    collection_max_records: int | None = Field(default=None, ge=1)
    max_batch_size: int | None = Field(default=None, ge=200)
    notes: str | None = None


@lru_cache(maxsize=256)  # every REST call parses its path's version segment
def parse_version(segment: str) -> int | None:
    """``"v62.0"`` -> 62; None for anything that is not a version segment."""
    found = _VERSION.match(segment)
    return int(found["major"]) if found else None


def release_label(version: int) -> str:
    """The release an API version shipped in: three a year, v64.0 = Summer '25, v67.0 = Summer '26."""
    step = version - 64
    season = _SEASONS[step % 3]
    year = 25 + (step - step % 3) // 3 + (0 if season == "Summer" else 1)
    return f"{season} '{year:02d}"


@lru_cache(maxsize=256)
def builtin_profile(version: int) -> VersionProfile:
    """The behaviour of ``version`` as the simulator models it without overrides."""
    return VersionProfile(
        upsert_update_returns_body=version >= UPSERT_UPDATE_BODY_SINCE,
        composite=version >= COMPOSITE_SINCE,
        collection_upsert=version >= COLLECTION_UPSERT_SINCE,
    )


def profile_for(version: int, overrides: Mapping[str, VersionProfileOverride]) -> VersionProfile:
    """The profile of ``version``: the built-in one, then every override keyed at or below it, in order."""
    profile = builtin_profile(version)
    if not overrides:
        return profile
    for key in sorted((k for k in overrides if int(k) <= version), key=int):
        changes = overrides[key].model_dump(exclude_none=True)
        if changes:
            profile = profile.model_copy(update=changes)
    return profile
