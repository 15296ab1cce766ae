"""Pact provider verification: the committed orchestrator-NetSuite pact replayed against the ERP simulator.

The simulator runs under uvicorn on a free loopback port; the verifier sets each interaction's provider
states through ``POST /__admin/provider-states`` (setup before, teardown after).
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from contracts.participants import CONSUMER, ERP_PROVIDER, pact_file_name
from harness.contracts import PACTS_DIR, verify_pacts

PACT = PACTS_DIR / pact_file_name(CONSUMER, ERP_PROVIDER)

KNOWN_SIMULATOR_BUGS: dict[str, str] = {}
"""Interactions the simulator is known to fail, with the failure they must show (none today).

An entry keeps a known break visible without hiding new ones; when the simulator is fixed the test fails
and asks for the entry to be deleted.
"""

pytestmark = pytest.mark.servers_only


def test_erp_simulator_honours_the_orchestrator_pact(tmp_path: Path) -> None:
    """Every interaction of the committed pact verifies against the live ERP simulator."""
    assert PACT.is_file(), f"{PACT} is missing: run tests/contracts/test_erp_consumer.py first"
    junit = tmp_path / "pact.xml"

    result = verify_pacts([PACT], "erp", junit_path=junit)

    names = {case.name.split(" given ")[0]: case for case in result.interactions}
    assert len(names) == 5, result.output
    unexpected = {n: c.messages for n, c in names.items() if not c.passed and n not in KNOWN_SIMULATOR_BUGS}
    assert not unexpected, f"interactions failed verification: {unexpected}\n{result.output}"
    for name, message in KNOWN_SIMULATOR_BUGS.items():
        assert not names[name].passed, f"{name!r} verifies now: remove it from KNOWN_SIMULATOR_BUGS"
        assert names[name].messages == [message]
    assert result.passed is not bool(KNOWN_SIMULATOR_BUGS)

    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == (
        f"pact.{ERP_PROVIDER}",
        "5",
        str(len(KNOWN_SIMULATOR_BUGS)),
    )


def test_verification_reports_a_provider_that_breaks_the_contract(tmp_path: Path) -> None:
    """A pact the simulator does not honour fails, naming the interaction and the mismatching field."""
    pact = json.loads(PACT.read_text(encoding="utf-8"))
    [closed] = [i for i in pact["interactions"] if i["description"].endswith("dated in a closed period")]
    closed["response"]["body"]["content"]["o:errorDetails"][0]["o:errorCode"] = "PERIOD_CLOSED"
    tampered = tmp_path / PACT.name
    tampered.write_text(json.dumps(pact), encoding="utf-8")

    result = verify_pacts([tampered], "erp")

    assert not result.passed
    failed = {c.name.split(" given ")[0]: c.messages for c in result.failures()}
    assert failed.pop("an upsert of a time entry dated in a closed period") == [
        "BodyMismatch at $['o:errorDetails'][0]['o:errorCode']: "
        "Expected 'USER_ERROR' (String) to be equal to 'PERIOD_CLOSED' (String)"
    ]
    assert set(failed) == set(KNOWN_SIMULATOR_BUGS)
