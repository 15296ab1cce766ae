"""Schemathesis checks of our own: every vendor error comes back in that vendor's error envelope.

Importing this module registers :func:`vendor_error_envelope` with schemathesis (``schemathesis.check``
registers globally). The envelope rules are plain functions, so they can be tested without schemathesis.

Envelopes, one per vendor (the shapes the orchestrator's ``clients/http.py`` parses):

- NetSuite REST: ``{"type", "title", "status", "o:errorDetails": [{"detail", "o:errorCode", "o:errorPath"?}]}``
  (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html).
- Salesforce REST: ``[{"message", "errorCode", "fields"?}]``
  (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
- Kantata OX: ``{"errors": [{"type", "message"}]}``
  (https://developer.kantata.com/kantata/specification/rest-api-reference#errors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import schemathesis

EnvelopeRule = Callable[[int, Any], list[str]]
"""``(status, decoded JSON body) -> problems``; an empty list means the body is the vendor's envelope."""


def _str_fields(where: str, obj: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [f"{where}: {name!r} must be a string" for name in names if not isinstance(obj.get(name), str)]


def netsuite_envelope_problems(status: int, body: Any) -> list[str]:
    """What makes ``body`` differ from NetSuite's REST error envelope (empty when it matches)."""
    if not isinstance(body, dict):
        return [f"body must be a JSON object, got {type(body).__name__}"]
    problems = _str_fields("body", body, ("type", "title"))
    if body.get("status") != status or isinstance(body.get("status"), bool):
        problems.append(f"body: 'status' must be the integer HTTP status {status}, got {body.get('status')!r}")
    details = body.get("o:errorDetails")
    if not isinstance(details, list) or not details:
        return [*problems, "body: 'o:errorDetails' must be a non-empty list"]
    for i, detail in enumerate(details):
        where = f"o:errorDetails[{i}]"
        if not isinstance(detail, dict):
            problems.append(f"{where} must be an object")
            continue
        problems += _str_fields(where, detail, ("detail", "o:errorCode"))
        if "o:errorPath" in detail and not isinstance(detail["o:errorPath"], str):
            problems.append(f"{where}: 'o:errorPath' must be a string when present")
        if isinstance(detail.get("o:errorCode"), str) and not detail["o:errorCode"]:
            problems.append(f"{where}: 'o:errorCode' must not be empty")
    return problems


def salesforce_envelope_problems(status: int, body: Any) -> list[str]:
    """What makes ``body`` differ from Salesforce's REST error list (empty when it matches)."""
    if not isinstance(body, list) or not body:
        return ["body must be a non-empty JSON list of errors"]
    problems: list[str] = []
    for i, err in enumerate(body):
        if not isinstance(err, dict):
            problems.append(f"[{i}] must be an object")
            continue
        problems += _str_fields(f"[{i}]", err, ("message", "errorCode"))
    return problems


def kantata_envelope_problems(status: int, body: Any) -> list[str]:
    """What makes ``body`` differ from Kantata OX's ``{"errors": [...]}`` envelope (empty when it matches)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        return ["body must be an object with a non-empty 'errors' list"]
    problems: list[str] = []
    for i, err in enumerate(errors):
        if not isinstance(err, dict):
            problems.append(f"errors[{i}] must be an object")
            continue
        problems += _str_fields(f"errors[{i}]", err, ("type", "message"))
    return problems


def oauth_error_problems(status: int, body: Any) -> list[str]:
    """What makes ``body`` differ from an OAuth 2.0 token error (RFC 6749 5.2), as the token endpoints answer."""
    if not isinstance(body, dict):
        return [f"body must be a JSON object, got {type(body).__name__}"]
    return _str_fields("body", body, ("error", "error_description"))


ENVELOPES: dict[str, tuple[str, EnvelopeRule]] = {
    # Token endpoints answer in OAuth's shape, not the REST API's: listed first, they win over the prefixes below.
    "/services/rest/auth/oauth2": ("OAuth", oauth_error_problems),
    "/services/oauth2": ("OAuth", oauth_error_problems),
    "/oauth": ("OAuth", oauth_error_problems),
    "/services/rest": ("NetSuite", netsuite_envelope_problems),
    "/services/data": ("Salesforce", salesforce_envelope_problems),
    "/api/v1": ("Kantata", kantata_envelope_problems),
}
"""Envelope rule per vendor API path prefix (the prefixes are the vendors' own, so they cannot collide)."""


def envelope_rule_for(path: str) -> tuple[str, EnvelopeRule] | None:
    """The (vendor, rule) for an operation path, or None for a path no vendor envelope covers."""
    for prefix, entry in ENVELOPES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return entry
    return None


@schemathesis.check
def vendor_error_envelope(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Any) -> bool | None:
    """Every 4xx/5xx answer of a vendor operation is a JSON body in that vendor's error envelope."""
    if response.status_code < 400:
        return None
    found = envelope_rule_for(case.path)
    if found is None:
        return None
    vendor, rule = found
    content_type = response.headers.get("content-type", [""])[0]
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{vendor} error {response.status_code} is not JSON (Content-Type {content_type!r})")
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(f"{vendor} error {response.status_code} body is not valid JSON: {exc}") from exc
    problems = rule(response.status_code, body)
    if problems:
        raise AssertionError(
            f"{vendor} error {response.status_code} is not in {vendor}'s error envelope: " + "; ".join(problems)
        )
    return True
