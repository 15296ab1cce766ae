"""Salesforce REST wire shapes with a fixed form (records themselves are dynamic JSON objects)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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

    model_config = ConfigDict(extra="allow")

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
    """``GET .../limits``: the daily API allocation and data storage are live; the others are reported only."""

    DailyApiRequests: Limit
    DataStorageMB: Limit
    DailyBulkApiBatches: Limit
    DailyBulkV2QueryJobs: Limit
    DailyDeliveredPlatformEvents: Limit
    HourlyPublishedPlatformEvents: Limit
    FileStorageMB: Limit


class CompositeSubrequest(BaseModel):
    """One subrequest of ``POST .../composite``."""

    method: Literal["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"]
    url: str = Field(description="A /services/data/vNN.0/... path; may contain @{referenceId.path} references.")
    referenceId: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_]*$")
    body: Any = None
    httpHeaders: dict[str, str] | None = None


class CompositeRequest(BaseModel):
    """The body of ``POST .../composite``."""

    allOrNone: bool = Field(default=False, description="Roll everything back when a subrequest fails.")
    collateSubrequests: bool = False
    compositeRequest: list[CompositeSubrequest]


class CompositeSubresponse(BaseModel):
    """The answer to one subrequest."""

    body: Any
    httpHeaders: dict[str, str]
    httpStatusCode: int
    referenceId: str | None


class CompositeResponse(BaseModel):
    """The body of a composite answer (HTTP 200 even when subrequests failed)."""

    compositeResponse: list[CompositeSubresponse]


class CollectionRequest(BaseModel):
    """The body of a create, update or upsert with sObject Collections."""

    allOrNone: bool = Field(default=False, description="Roll back every record when one fails.")
    records: list[dict[str, Any]] = Field(description="Up to 200 records, each with attributes.type.")


class RecordError(BaseModel):
    """A per-record error of a collection result."""

    model_config = ConfigDict(extra="allow")

    statusCode: str
    message: str
    fields: list[str]


class CollectionResult(BaseModel):
    """One record's result of a collection call (``created`` only on upserts)."""

    id: str | None = None
    success: bool
    errors: list[RecordError]
    created: bool | None = None


class ChangeEventMessage(BaseModel):
    """One change event as a CometD message: ``data.payload`` has the ChangeEventHeader and the fields."""

    channel: str
    data: dict[str, Any]


class ChangeEventFeed(BaseModel):
    """A page of the change-event replay feed."""

    channel: str
    latestReplayId: int = Field(description="Resume after this replay id.")
    done: bool = Field(description="No more retained events after this page.")
    events: list[ChangeEventMessage]


class ApprovalRequest(BaseModel):
    """One action of ``POST .../process/approvals``."""

    actionType: Literal["Submit", "Approve", "Reject", "Removed"]
    contextId: str = Field(description="Submit: the record; otherwise the pending ProcessInstance.")
    comments: str | None = None
    nextApproverIds: list[str] | None = None


class ApprovalRequests(BaseModel):
    """The body of ``POST .../process/approvals``."""

    requests: list[ApprovalRequest] = Field(min_length=1)


class ApprovalResult(BaseModel):
    """The result of one approval action."""

    actorIds: list[str]
    entityId: str
    errors: Any = None
    instanceId: str
    instanceStatus: str
    newWorkitemIds: list[str]
    success: bool


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": list[ErrorItem], "description": "A save, query or body error, in Salesforce's error array."},
    401: {"model": list[ErrorItem], "description": "Session expired or invalid."},
    403: {"model": list[ErrorItem], "description": "REQUEST_LIMIT_EXCEEDED: the daily API allocation is used up."},
    404: {"model": list[ErrorItem], "description": "Unknown resource, sObject type, record or external-id field."},
    405: {"model": list[ErrorItem], "description": "The sObject type does not allow this operation."},
    410: {"model": list[ErrorItem], "description": "A retired API version."},
}
