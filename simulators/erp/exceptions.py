"""NetSuite errors, one class per ``o:errorCode``, rendered in one place (:func:`render_error`)."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from simulators._core.errors import RenderedError, VendorError

_TYPES = {
    400: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
    401: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
    403: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.4",
    404: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5",
    405: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.6",
    409: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.10",
    429: "https://www.rfc-editor.org/rfc/rfc6585.html#section-4",
    500: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1",
}


class ErpError(VendorError):
    """Base of NetSuite REST errors."""

    status = 400
    code = "USER_ERROR"
    title: str | None = None
    """The envelope's ``title`` when it is not the status phrase (the idempotency conflict says "Conflict")."""
    type_url: str | None = None

    def __init__(
        self, message: str, *, error_path: str | None = None, query_param: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.error_path = error_path
        self.query_param = query_param


class UserError(ErpError):
    """``USER_ERROR``: the generic business-rule refusal."""


class InvalidParameter(ErpError):
    """``INVALID_PARAMETER``: a bad query parameter or path value."""

    code = "INVALID_PARAMETER"


class NonexistentField(ErpError):
    """``NONEXISTENT_FIELD``: the body names a field the record does not have."""

    code = "NONEXISTENT_FIELD"


class InvalidContent(ErpError):
    """``INVALID_CONTENT``: a field value of the wrong type or out of range."""

    code = "INVALID_CONTENT"


class NonexistentId(ErpError):
    """``NONEXISTENT_ID``: no record with that internal or external id."""

    status = 404
    code = "NONEXISTENT_ID"


class InvalidLogin(ErpError):
    """``INVALID_LOGIN``: no or bad credentials (code UNCONFIRMED, see FIDELITY.md)."""

    status = 401
    code = "INVALID_LOGIN"


class PeriodClosed(UserError):
    """A posting dated in a closed accounting period under the ``reject`` policy (code UNCONFIRMED)."""


class PeriodLocked(UserError):
    """A receivables posting dated in an AR-locked period under the ``reject`` policy (code UNCONFIRMED)."""


class CreditHold(UserError):
    """A sales transaction for a customer on credit hold under "Enforce Holds" (code and text UNCONFIRMED)."""


class DuplicateTranId(UserError):
    """A transaction number (``tranId``) already used by another invoice (code and text UNCONFIRMED)."""


class DependentRecords(UserError):
    """A delete refused because other records refer to this one."""


class IdempotencyConflict(ErpError):
    """``IDEMPOTENCY_ERROR``: an async request repeats an idempotency key; ``Location`` names the original job.

    NetSuite documents this as HTTP 400 with the title "Conflict" and the RFC 2616 409 type URL.
    """

    code = "IDEMPOTENCY_ERROR"
    title = "Conflict"
    type_url = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.10"


class ServerError(ErpError):
    """A system error (5xx)."""

    status = 500
    code = "UNEXPECTED_ERROR"


def render_error(err: VendorError) -> RenderedError:
    """Render any error in NetSuite's envelope: ``{type, title, status, o:errorDetails[]}``."""
    status = err.status
    detail: dict[str, Any] = {"detail": err.message, "o:errorCode": err.code}
    error_path = getattr(err, "error_path", None)
    if error_path:
        detail["o:errorPath"] = error_path
    query_param = getattr(err, "query_param", None)
    if query_param:
        detail["o:errorQueryParam"] = query_param
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body = {
        "type": getattr(err, "type_url", None) or _TYPES.get(status, _TYPES[400] if status < 500 else _TYPES[500]),
        "title": getattr(err, "title", None) or phrase,
        "status": status,
        "o:errorDetails": [detail],
    }
    return RenderedError(status=status, body=body, headers=err.headers)


def transport_error(status: int, message: str | None) -> VendorError:
    """A vendor-shaped error for an injected HTTP status."""
    if status == 429:
        return ErpError(
            message or "Too many concurrent requests. Try again later.", status=429, code="CONCURRENCY_LIMIT_EXCEEDED"
        )
    if status == 401:
        return InvalidLogin(message or "Invalid login attempt.")
    if status >= 500:
        return ServerError(message or "An unexpected error occurred. Error ID: sim-injected", status=status)
    return ErpError(message or HTTPStatus(status).phrase, status=status)


def validation_error(errors: Sequence[Any]) -> VendorError:
    """A request body or parameter that failed validation."""
    first = errors[0] if errors else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    path = ".".join(loc) or None
    kind = first.get("type", "")
    if kind == "extra_forbidden":
        return NonexistentField(f"Invalid field name: {path}. The record has no such field.", error_path=path)
    where = first.get("loc", ("",))[0]
    if where in ("query", "path"):
        return InvalidParameter(f"Invalid {where} parameter {path}: {first.get('msg', 'invalid value')}.")
    if kind == "json_invalid":
        return InvalidContent("The request body is not valid JSON.")
    if path is None:
        return InvalidContent(f"Invalid request body: {first.get('msg', 'invalid value')}.")
    return InvalidContent(f"Invalid value for field {path}: {first.get('msg', 'invalid value')}.", error_path=path)


def not_found(method: str, path: str) -> VendorError:
    """An unknown resource path."""
    return NonexistentId(f"The requested resource {path} does not exist.", status=404, code="INVALID_URL")
