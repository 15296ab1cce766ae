"""Salesforce REST errors, one class per ``errorCode``, rendered in one place (:func:`render_error`).

The envelope is always a JSON array ``[{"message", "errorCode", "fields"}]``; session, limit, routing and
query errors carry no ``fields`` key, as Salesforce sends them (see reference/vendor-apis.md section 1.3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from simulators._core.errors import RenderedError, VendorError

RESOURCE_MISSING = "The requested resource does not exist"
INTERNAL_ERROR = (
    "An unexpected error occurred. Please include this ErrorId if you contact support: 1732145697-49021 (-1218823542)"
)


class CrmError(VendorError):
    """Base of Salesforce REST errors; ``extra`` holds keys some codes add (``duplicateResult``)."""

    status = 400
    code = "UNKNOWN_EXCEPTION"
    has_fields: ClassVar[bool] = True
    extra: Mapping[str, Any] = {}


class InvalidSessionId(CrmError):
    """``INVALID_SESSION_ID``: no, empty or expired bearer token."""

    status = 401
    code = "INVALID_SESSION_ID"
    has_fields = False


class RequestLimitExceeded(CrmError):
    """``REQUEST_LIMIT_EXCEEDED``: the org's daily API allocation is used up (HTTP 403, no Retry-After)."""

    status = 403
    code = "REQUEST_LIMIT_EXCEEDED"
    has_fields = False


class NotFound(CrmError):
    """``NOT_FOUND``: unknown resource, sObject type, record or external-id field."""

    status = 404
    code = "NOT_FOUND"
    has_fields = False


class EntityIsDeleted(CrmError):
    """``ENTITY_IS_DELETED``: the record is in the recycle bin."""

    status = 404
    code = "ENTITY_IS_DELETED"


class MethodNotAllowed(CrmError):
    """``METHOD_NOT_ALLOWED``: the resource exists but not for this HTTP method."""

    status = 405
    code = "METHOD_NOT_ALLOWED"
    has_fields = False


class Gone(CrmError):
    """``GONE``: an API version below the supported window (retired versions answer 410)."""

    status = 410
    code = "GONE"
    has_fields = False


class MultipleMatches(CrmError):
    """Several records match an external id: HTTP 300 with the matching records' URLs (not an error array).

    Routes catch it and answer with the URLs, which need the request's API version.
    """

    status = 300
    code = "MULTIPLE_CHOICES"
    has_fields = False

    def __init__(self, record_type: str, ids: Sequence[str]) -> None:
        super().__init__(f"More than one record found for {record_type}: {', '.join(ids)}")
        self.record_type = record_type
        self.ids = list(ids)


class JsonParserError(CrmError):
    """``JSON_PARSER_ERROR``: the body is not JSON, not an object, or a value has the wrong JSON type."""

    code = "JSON_PARSER_ERROR"
    has_fields = False


class InvalidField(CrmError):
    """``INVALID_FIELD``: a field that does not exist on the sObject (in a body or in a query)."""

    code = "INVALID_FIELD"


class InvalidFieldForInsertUpdate(CrmError):
    """``INVALID_FIELD_FOR_INSERT_UPDATE``: the body writes a read-only field."""

    code = "INVALID_FIELD_FOR_INSERT_UPDATE"


class RequiredFieldMissing(CrmError):
    """``REQUIRED_FIELD_MISSING``: a required field is absent or null."""

    code = "REQUIRED_FIELD_MISSING"


class DuplicateValue(CrmError):
    """``DUPLICATE_VALUE``: a unique (external-id) field value is already taken by another record."""

    code = "DUPLICATE_VALUE"


class FieldCustomValidationException(CrmError):
    """``FIELD_CUSTOM_VALIDATION_EXCEPTION``: a validation rule refused the save; the message is the rule's."""

    code = "FIELD_CUSTOM_VALIDATION_EXCEPTION"


class StringTooLong(CrmError):
    """``STRING_TOO_LONG``: a text value longer than the field's length."""

    code = "STRING_TOO_LONG"


class InvalidEmailAddress(CrmError):
    """``INVALID_EMAIL_ADDRESS``: an email field with a value that is not an address."""

    code = "INVALID_EMAIL_ADDRESS"


class InvalidOrNullForRestrictedPicklist(CrmError):
    """``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST``: a value outside a restricted picklist."""

    code = "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


class NumberOutsideValidRange(CrmError):
    """``NUMBER_OUTSIDE_VALID_RANGE``: a number too large for the field, or an OFFSET above 2,000."""

    code = "NUMBER_OUTSIDE_VALID_RANGE"


class MalformedId(CrmError):
    """``MALFORMED_ID``: a lookup value that is not a Salesforce id."""

    code = "MALFORMED_ID"


class FieldIntegrityException(CrmError):
    """``FIELD_INTEGRITY_EXCEPTION``: a lookup id of the wrong sObject type."""

    code = "FIELD_INTEGRITY_EXCEPTION"


class InvalidCrossReferenceKey(CrmError):
    """``INVALID_CROSS_REFERENCE_KEY``: a lookup id of the right type that matches no live record."""

    code = "INVALID_CROSS_REFERENCE_KEY"


class MalformedQuery(CrmError):
    """``MALFORMED_QUERY``: SOQL that does not parse."""

    code = "MALFORMED_QUERY"
    has_fields = False


class InvalidType(CrmError):
    """``INVALID_TYPE``: SOQL naming an sObject type that does not exist."""

    code = "INVALID_TYPE"
    has_fields = False


class InvalidQueryField(InvalidField):
    """``INVALID_FIELD`` raised by SOQL (Salesforce sends it without ``fields``)."""

    has_fields = False


class InvalidQueryFilterOperator(CrmError):
    """``INVALID_QUERY_FILTER_OPERATOR``: a filter value of the wrong type for its field."""

    code = "INVALID_QUERY_FILTER_OPERATOR"
    has_fields = False


class InvalidQueryLocator(CrmError):
    """``INVALID_QUERY_LOCATOR``: a ``nextRecordsUrl`` that expired or never existed."""

    code = "INVALID_QUERY_LOCATOR"
    has_fields = False


class EntityIsLocked(CrmError):
    """``ENTITY_IS_LOCKED``: the record (or its master) is locked by an approval process."""

    code = "ENTITY_IS_LOCKED"


class DuplicatesDetected(CrmError):
    """``DUPLICATES_DETECTED``: a duplicate rule refused the save; carries ``duplicateResult``."""

    code = "DUPLICATES_DETECTED"

    def __init__(self, message: str, duplicate_result: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.extra = {"duplicateResult": dict(duplicate_result)}


class AlreadyInProcess(CrmError):
    """``ALREADY_IN_PROCESS``: the record is already in a pending approval process."""

    code = "ALREADY_IN_PROCESS"


class DuplicateExternalId(CrmError):
    """``DUPLICATE_EXTERNAL_ID``: a collection upsert whose external id matches several records."""

    code = "DUPLICATE_EXTERNAL_ID"


class InvalidInput(CrmError):
    """``INVALID_INPUT``: a composite request that repeats a ``referenceId``."""

    code = "INVALID_INPUT"


class InactiveOwnerOrUser(CrmError):
    """``INACTIVE_OWNER_OR_USER``: the owner (or another user lookup) is an inactive user."""

    code = "INACTIVE_OWNER_OR_USER"


class MissingArgument(CrmError):
    """``MISSING_ARGUMENT``: a collection update record without an id."""

    code = "MISSING_ARGUMENT"


class ProcessingHalted(CrmError):
    """``PROCESSING_HALTED``: a composite subrequest not run (rolled back, or its reference failed)."""

    code = "PROCESSING_HALTED"
    has_fields = False


class AllOrNoneRolledBack(CrmError):
    """``ALL_OR_NONE_OPERATION_ROLLED_BACK``: a collection record undone because another one failed."""

    code = "ALL_OR_NONE_OPERATION_ROLLED_BACK"


class LimitExceeded(CrmError):
    """``LIMIT_EXCEEDED``: more composite subrequests than allowed."""

    code = "LIMIT_EXCEEDED"
    has_fields = False


class ExceededIdLimit(CrmError):
    """``EXCEEDED_ID_LIMIT``: more records than a collection call takes."""

    code = "EXCEEDED_ID_LIMIT"
    has_fields = False


class QueryTimeout(CrmError):
    """``QUERY_TIMEOUT``: a query that scanned too many rows."""

    code = "QUERY_TIMEOUT"
    has_fields = False


class InvalidReplayId(CrmError):
    """``INVALID_REPLAY_ID``: a change-event replay id that was never issued or is past retention."""

    code = "INVALID_REPLAY_ID"
    has_fields = False


class ServerUnavailable(CrmError):
    """``SERVER_UNAVAILABLE`` (503)."""

    status = 503
    code = "SERVER_UNAVAILABLE"
    has_fields = False


class UnknownException(CrmError):
    """``UNKNOWN_EXCEPTION`` (500)."""

    status = 500
    code = "UNKNOWN_EXCEPTION"
    has_fields = False


def error_item(err: VendorError) -> dict[str, Any]:
    """One element of Salesforce's error array: ``{message, errorCode, fields?}`` plus any extra keys."""
    item: dict[str, Any] = {"message": err.message, "errorCode": err.code}
    if not isinstance(err, CrmError) or err.has_fields:
        item["fields"] = list(err.fields)
    if isinstance(err, CrmError):
        item.update(err.extra)
    return item


def record_error(err: VendorError) -> dict[str, Any]:
    """A per-record error of an sObject Collections result: ``{statusCode, message, fields}``."""
    item: dict[str, Any] = {"statusCode": err.code, "message": err.message, "fields": list(err.fields)}
    if isinstance(err, CrmError):
        item.update(err.extra)
    return item


def render_error(err: VendorError) -> RenderedError:
    """Render any error in Salesforce's envelope: a JSON array with one ``{message, errorCode, fields}``."""
    return RenderedError(status=err.status, body=[error_item(err)], headers=err.headers)


_CODED_MESSAGE = re.compile(r"^(?P<code>[A-Z][A-Z0-9_]+[A-Z0-9]): (?P<message>.+)$", re.DOTALL)


def transport_error(status: int, message: str | None) -> VendorError:
    """A vendor-shaped error for an injected or framework-level HTTP status.

    Salesforce throttles with 403; an injected 429 keeps its status (so a fault rule can test a client's
    handling of either) but carries the same ``REQUEST_LIMIT_EXCEEDED`` body. A message written
    ``"CODE: text"`` (``"UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record"``) sets the
    ``errorCode`` of any status.
    """
    coded = _CODED_MESSAGE.match(message or "")
    if coded is not None:
        return CrmError(coded["message"], status=status, code=coded["code"])
    if status == 401:
        return InvalidSessionId(message or "Session expired or invalid")
    if status in (403, 429):
        return RequestLimitExceeded(message or "TotalRequests Limit exceeded.", status=status)
    if status == 404:
        return NotFound(message or RESOURCE_MISSING)
    if status == 405:
        return MethodNotAllowed(message or "HTTP Method not allowed for this resource")
    if status == 410:
        return Gone(message or "The requested API version is retired")
    if status == 503:
        return ServerUnavailable(message or "server too busy")
    if status >= 500:
        return UnknownException(message or INTERNAL_ERROR, status=status)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    code = HTTPStatus(status).name if status in HTTPStatus._value2member_map_ else "UNKNOWN_EXCEPTION"
    return CrmError(message or phrase, status=status, code=code)


def validation_error(errors: Sequence[Any]) -> VendorError:
    """A request parameter or body that failed framework validation."""
    first = errors[0] if errors else {}
    where = first.get("loc", ("body",))[0] if first else "body"
    loc = ".".join(str(p) for p in first.get("loc", ())[1:]) if first else ""
    detail = first.get("msg", "invalid value") if first else "invalid value"
    if where == "query":
        return MalformedQuery(f"Invalid query parameter {loc}: {detail}")
    return JsonParserError(f"Cannot deserialize the request: {loc} {detail}".replace("  ", " "))


def not_found(method: str, path: str) -> VendorError:
    """An unknown resource path."""
    return NotFound(RESOURCE_MISSING)
