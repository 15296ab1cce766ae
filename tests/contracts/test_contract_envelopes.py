"""The vendor error-envelope rules behind the ``vendor_error_envelope`` schemathesis check."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.checks import (
    envelope_rule_for,
    kantata_envelope_problems,
    netsuite_envelope_problems,
    salesforce_envelope_problems,
)

NETSUITE_400: dict[str, Any] = {
    "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
    "title": "Bad Request",
    "status": 400,
    "o:errorDetails": [{"detail": "Invalid field.", "o:errorCode": "USER_ERROR", "o:errorPath": "tranDate"}],
}


def test_netsuite_envelope_accepts_netsuites_shape() -> None:
    """The envelope NetSuite documents has no problems."""
    assert netsuite_envelope_problems(400, NETSUITE_400) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"detail": [{"loc": ["body"], "msg": "x"}]}, "'type' must be a string"),
        ({**NETSUITE_400, "status": "400"}, "'status' must be the integer HTTP status 400"),
        ({**NETSUITE_400, "status": 404}, "'status' must be the integer HTTP status 400"),
        ({**NETSUITE_400, "o:errorDetails": []}, "'o:errorDetails' must be a non-empty list"),
        ({**NETSUITE_400, "o:errorDetails": [{"detail": "x"}]}, "o:errorDetails[0]: 'o:errorCode' must be a string"),
        ({**NETSUITE_400, "o:errorDetails": [{"detail": "x", "o:errorCode": ""}]}, "'o:errorCode' must not be empty"),
        ([{"message": "x", "errorCode": "E"}], "body must be a JSON object, got list"),
    ],
)
def test_netsuite_envelope_names_what_is_wrong(body: Any, problem: str) -> None:
    """FastAPI's default error body, wrong status types and missing codes are each reported."""
    assert any(problem in p for p in netsuite_envelope_problems(400, body)), netsuite_envelope_problems(400, body)


def test_other_vendors_envelopes() -> None:
    """Salesforce answers a list of errors; Kantata an object with an ``errors`` list."""
    assert salesforce_envelope_problems(400, [{"message": "m", "errorCode": "INVALID_FIELD", "fields": []}]) == []
    assert salesforce_envelope_problems(400, {"message": "m"}) == ["body must be a non-empty JSON list of errors"]
    assert kantata_envelope_problems(422, {"errors": [{"type": "validation", "message": "m"}]}) == []
    assert kantata_envelope_problems(422, [{"type": "validation"}]) == [
        "body must be an object with a non-empty 'errors' list"
    ]


@pytest.mark.parametrize(
    ("path", "vendor"),
    [
        ("/services/rest/record/v1/timeBill/{ref}", "NetSuite"),
        ("/services/data/v62.0/sobjects/Account", "Salesforce"),
        ("/services/data", "Salesforce"),
        ("/api/v1/time_entries", "Kantata"),
        ("/api/v10/x", None),
        ("/__admin/health", None),
    ],
)
def test_envelope_rule_is_chosen_by_the_vendors_path_prefix(path: str, vendor: str | None) -> None:
    """Each vendor's API prefix selects its envelope; paths outside every vendor API have none."""
    found = envelope_rule_for(path)
    assert (found[0] if found else None) == vendor
