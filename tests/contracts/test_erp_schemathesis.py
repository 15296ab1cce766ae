"""Schemathesis conformance of the ERP simulator against its own OpenAPI document (in-process, bounded).

Every operation gets up to ``MAX_EXAMPLES`` generated requests per phase (valid and invalid, plus
schemathesis's coverage cases), derandomised, with a bearer token. Checks: no 5xx, documented status
codes and content types, response bodies valid against their schemas, and every 4xx/5xx in NetSuite's
error envelope. Valid cases are steered to existing records by :mod:`contracts.hooks`, so success
responses are checked too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contracts.checks import netsuite_envelope_problems, vendor_error_envelope
from contracts.fuzzing import CONTRACT_TOKEN, suite_config
from contracts.hooks import ErpReferences, ErpSteering
from harness.contracts import create_simulator, fuzz, vendor_caller

MAX_EXAMPLES = 25
SEED = 42
BEARER = {"Authorization": f"Bearer {CONTRACT_TOKEN}"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    vendor_error_envelope,
]

app = create_simulator("erp", seed=SEED)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=suite_config(SEED))
steering = ErpSteering().register(schema)
bounded = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def erp_references() -> ErpReferences:
    """Seeded references (and three timeBills) the steering hook points valid cases at."""
    return steering.prepare(vendor_caller(app))


@schema.parametrize()
@bounded
def test_erp_conforms_to_its_openapi(case: Any, erp_references: ErpReferences) -> None:
    """Generated requests get documented, schema-valid answers; errors come in NetSuite's envelope."""
    case.call_and_validate(headers=BEARER, checks=CHECKS)


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


def test_fuzz_runner_summarises_every_operation(tmp_path: Path) -> None:
    """``harness.contracts.fuzz`` (behind ``p2c contracts fuzz``) tests every ERP operation and writes JUnit."""
    junit = tmp_path / "fuzz.xml"

    summary = fuzz("erp", max_examples=5, seed=SEED, junit_path=junit, phases=("fuzzing",))

    assert summary.passed, [f"{f.operation} {f.check}: {f.message}\n{f.reproduce}" for f in summary.failures]
    operations = len(list(schema.get_all_operations()))
    assert operations > 60  # every record type's operations, SuiteQL, async jobs, the token endpoint
    assert len(summary.operations) == operations
    assert set(summary.operations.values()) == {"success"}
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("fuzz.erp", str(operations), "0")
