"""Schemathesis over the ERP spec without a token: every operation refuses in NetSuite's own way.

The full conformance pass (generated valid and invalid requests, stateful links, every check) is
``test_schemathesis.py``; this one sends one generated request per operation with the token removed.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contracts.checks import netsuite_envelope_problems, vendor_error_envelope
from contracts.fuzzing import suite_config
from harness.contracts import create_simulator

SEED = 42
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    vendor_error_envelope,
]

app = create_simulator("erp", seed=SEED)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=suite_config(SEED))


@schema.exclude(operation_id="issueToken").parametrize()
@settings(max_examples=1, derandomize=True, database=None, deadline=None)
def test_erp_refuses_calls_without_a_token(case: Any) -> None:
    """Without a bearer token every operation (but the token endpoint) answers 401 ``INVALID_LOGIN``."""
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 401, response.text
    body = response.json()
    assert netsuite_envelope_problems(401, body) == []
    assert body["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    assert body["o:errorDetails"][0]["detail"].startswith("Invalid login attempt.")
