"""Salesforce REST wire shapes with a fixed form (records themselves are dynamic JSON objects)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class SaveResult(BaseModel):
    """The body of a create, and of an upsert (``created`` tells which way it went)."""

    id: str = Field(description="The 18-character id of the saved record.")
    success: bool = True
    errors: list[Any] = Field(default_factory=list)
    created: bool


class ApiVersion(BaseModel):
    """One entry of ``GET /services/data``."""

    label: str = Field(description='The release name, e.g. "Summer \'26".')
    url: str
    version: str


class ErrorItem(BaseModel):
    """One element of Salesforce's error array."""

    message: str
    errorCode: str
    fields: list[str] | None = Field(default=None, description="Absent on session, limit and query errors.")


class QueryResult(BaseModel):
    """A SOQL result batch."""

    totalSize: int
    done: bool
    nextRecordsUrl: str | None = Field(default=None, description="Present only when ``done`` is false.")
    records: list[dict[str, Any]]


class Limit(BaseModel):
    """One limit of ``GET .../limits``."""

    Max: int
    Remaining: int


class Limits(BaseModel):
    """``GET .../limits`` (only the allocations the simulator models)."""

    DailyApiRequests: Limit


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": list[ErrorItem], "description": "A save, query or body error, in Salesforce's error array."},
    401: {"model": list[ErrorItem], "description": "Session expired or invalid."},
    403: {"model": list[ErrorItem], "description": "REQUEST_LIMIT_EXCEEDED: the daily API allocation is used up."},
    404: {"model": list[ErrorItem], "description": "Unknown resource, sObject type, record or external-id field."},
    410: {"model": list[ErrorItem], "description": "A retired API version."},
}
