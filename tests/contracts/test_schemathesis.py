"""The bounded Schemathesis pass CI runs: every simulator, base and next version, zero failures.

Per system: generated valid and invalid requests for every operation (the spec's ``examples`` and the
``fuzzing`` phase, positive and negative data) and stateful chains that follow the spec's OpenAPI links
(create, then read, change or delete what was created). Checks: no 5xx, documented status codes and
content types, schema-valid responses and the vendor's error envelope on every 4xx/5xx. The longer pass
adds Schemathesis's ``coverage`` phase (boundary values of every constraint) and more examples:
``p2c contracts fuzz --max-examples 100`` (see the README).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from harness.contracts import available_systems, fuzz, generated_spec, versions_of

SEED = 42
CI_PHASES = ("examples", "fuzzing", "stateful")


def _operations(system: str, version: str | None = None) -> int:
    _, spec = generated_spec(system, version)
    return sum(1 for item in spec["paths"].values() for op in item.values() if isinstance(op, dict))


def _report(summary: object) -> list[str]:
    return [f"{f.operation} {f.check}: {f.message}\n{f.reproduce}" for f in summary.failures]  # type: ignore[attr-defined]


@pytest.mark.parametrize("system", available_systems())
def test_simulator_conforms_to_its_spec(system: str, tmp_path: Path) -> None:
    """Every operation answers as documented, in the vendor's envelope, and the links' chains work."""
    junit = tmp_path / "fuzz.xml"

    summary = fuzz(system, max_examples=3, seed=SEED, junit_path=junit, phases=CI_PHASES)

    assert summary.passed, _report(summary) or summary.errors
    assert len(summary.operations) == _operations(system)
    assert set(summary.operations.values()) == {"success"}
    assert summary.stateful_steps > 0, "the stateful phase followed no link"
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("failures")) == (f"fuzz.{system}", "0")


@pytest.mark.parametrize(("system", "version"), [(s, v) for s in available_systems() for v in versions_of(s)[1:]])
def test_next_version_conforms_to_its_generated_spec(system: str, version: str) -> None:
    """A simulator serving a version profile answers as that version's spec (generated from the same data) says."""
    summary = fuzz(system, max_examples=1, seed=SEED, phases=("fuzzing",), api_version=version)

    assert summary.passed, _report(summary) or summary.errors
    assert len(summary.operations) == _operations(system, version)
