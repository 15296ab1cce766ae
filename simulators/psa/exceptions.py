"""Kantata OX errors, one class per error ``type``, rendered in one place (:func:`render_error`).

The envelope is ``{"errors": [{"type", "message", "field"?}]}``; the types are ``oauth``, ``system`` and
``validation``. See https://developer.kantata.com/kantata/specification/section/errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from simulators._core.errors import RenderedError, VendorError

Detail = tuple[str, str | None]
"""One entry of ``errors``: (message, field)."""


class PsaError(VendorError):
    """Base of Kantata errors; ``code`` is the error ``type``.

    Attributes:
        details: every (message, field) pair to render; a Kantata error body may list several.
    """

    status = 500
    code = "system"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        details: Sequence[Detail] = (),
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message, status=status, fields=[field] if field else (), headers=headers)
        self.details: list[Detail] = list(details) or [(message, field)]


class ValidationError(PsaError):
    """``type: validation``: a business rule or a field value refused.

    The HTTP status (422 here) is UNCONFIRMED: the docs do not say whether it is 422 or 400.
    """

    status = 422
    code = "validation"


class TimeEntryLocked(ValidationError):
    """An approved time entry cannot be edited or deleted."""


class NotParticipant(ValidationError):
    """Time logged by a user who is not a participant of the workspace."""


class SubmissionConflict(ValidationError):
    """A timesheet submission or resolution that the submission's state does not allow."""


class OutsideAssignment(ValidationError):
    """Time dated outside the dates of the user's participation in the workspace."""


class WorkspaceOnHold(ValidationError):
    """New time or expenses on a workspace that finance has put on hold (when the account refuses them)."""


class NotBillable(ValidationError):
    """An invoice line item that is not billing-eligible (unapproved, non-billable or already invoiced)."""


class RecordLocked(ValidationError):
    """A change to a record that its state freezes (an invoiced expense, a sent or cancelled invoice)."""


class RecordNotFound(PsaError):
    """``type: system`` with 404: no such record, or no such route."""

    status = 404
    code = "system"


class OAuthError(PsaError):
    """``type: oauth`` with 401: no or bad bearer token."""

    status = 401
    code = "oauth"


class TooManyRequests(PsaError):
    """A bare 429; Kantata sends no ``Retry-After`` header."""

    status = 429
    code = "system"


class ServerError(PsaError):
    """``type: system`` with 5xx."""

    status = 500
    code = "system"


def render_error(err: VendorError) -> RenderedError:
    """Render any error in Kantata's envelope."""
    details: list[Detail] = getattr(err, "details", None) or [(err.message, err.fields[0] if err.fields else None)]
    errors: list[dict[str, str]] = []
    for message, field in details:
        entry = {"type": err.code, "message": message}
        if field:
            entry["field"] = field
        if entry not in errors:
            errors.append(entry)
    return RenderedError(status=err.status, body={"errors": errors}, headers=err.headers)


def transport_error(status: int, message: str | None) -> VendorError:
    """A vendor-shaped error for an injected (or framework) HTTP status."""
    if status == 401:
        return OAuthError(message or "Invalid OAuth 2 Request")
    if status == 429:
        return TooManyRequests(message or "Too Many Requests")
    if status == 404:
        return RecordNotFound(message or "Not Found")
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    if status >= 500:
        return ServerError(message or phrase, status=status)
    return PsaError(message or phrase, status=status)


_WRAPPERS = {
    "body",
    "query",
    "path",
    "header",
    "time_entry",
    "time_entries",
    "timesheet_submission",
    "workspace",
    "story",
    "stories",
    "participation",
    "expense",
    "invoice",
    "resolution",
    "external_reference",
}


def humanize(field: str) -> str:
    """Rails' ``humanize``: ``time_in_minutes`` -> ``Time in minutes``, ``user_id`` -> ``User``."""
    name = field.removesuffix("_id") if field.endswith("_id") and field != "_id" else field
    return name.replace("_", " ").strip().capitalize() or "Value"


def _field_of(loc: Sequence[Any]) -> str | None:
    names = [str(p) for p in loc if isinstance(p, str) and p not in _WRAPPERS]
    if names:
        return names[-1]
    wrappers = [str(p) for p in loc if isinstance(p, str) and p not in ("body", "query", "path", "header")]
    return wrappers[-1] if wrappers else None


def _message(kind: str, ctx: Mapping[str, Any], field: str | None) -> str:
    label = humanize(field) if field else "Request body"
    if kind == "json_invalid":
        return "The request body is not valid JSON"
    if kind == "missing":
        return f"{label} can't be blank"
    if kind in ("int_parsing", "int_type", "int_from_float", "float_parsing", "decimal_parsing"):
        return f"{label} is not a number" if kind != "int_from_float" else f"{label} must be an integer"
    bounds = {
        "less_than_equal": ("must be less than or equal to", "le"),
        "greater_than_equal": ("must be greater than or equal to", "ge"),
        "less_than": ("must be less than", "lt"),
        "greater_than": ("must be greater than", "gt"),
    }
    if kind in bounds:
        text, key = bounds[kind]
        return f"{label} {text} {ctx.get(key)}"
    if kind.startswith(("date", "datetime")):
        return f"{label} is not a valid date"
    if kind.startswith("bool"):
        return f"{label} must be true or false"
    if kind in ("string_too_long", "too_long"):
        return f"{label} is too long (maximum is {ctx.get('max_length')})"
    if kind == "too_short":
        return f"{label} can't be empty"
    return f"{label} is invalid"


def validation_error(errors: Sequence[Any]) -> VendorError:
    """A request body or parameter that failed validation, as Kantata validation errors (422)."""
    details: list[Detail] = []
    for err in errors or [{}]:
        field = _field_of(err.get("loc", ()))
        details.append((_message(err.get("type", ""), err.get("ctx") or {}, field), field))
    message, field = details[0]
    return ValidationError(message, field=field, details=details)


def not_found(method: str, path: str) -> VendorError:
    """An unknown route."""
    return RecordNotFound(f"No route matches [{method}] {path}")
