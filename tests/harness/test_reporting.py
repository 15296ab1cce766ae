"""Every report format carries the seed, the profile and the world hash, and names a violation's evidence."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console

from harness.engine import ScenarioResult
from harness.invariants import InvariantResult, Severity, Violation
from harness.reporting import print_table, to_markdown, write_json, write_junit


def _results() -> list[ScenarioResult]:
    violation = Violation(
        "time entry 7 is posted 2 times (ERP timeBills [3, 9])",
        Severity.CRITICAL,
        {"psa_time_entry": "7", "faulted_erp_requests": [41]},
    )
    failed = ScenarioResult(
        "duplicate-submissions",
        "duplicate submissions",
        "Lost responses.",
        7,
        "abc123",
        "failed",
        4.2,
        [InvariantResult("no_duplicate_postings", "No PSA time entry is posted more than once.", [violation])],
        ["a note"],
        facts={"latency_p95_s": 1.5},
        profile="small",
    )
    peak = ScenarioResult(
        "peak", "month-end peak", "Peak.", 7, "def456", "passed", 60.0, [], [], profile="month-end-ci"
    )
    return [failed, peak]


def test_console_table_prints_provenance_facts_and_violations() -> None:
    out = io.StringIO()
    print_table(_results(), Console(file=out, width=200))
    text = out.getvalue()
    assert "seed 7; profile month-end-ci, small; world abc123, def456" in text
    assert "no_duplicate_postings [critical]: time entry 7 is posted 2 times" in text
    assert "latency_p95_s 1.5" in text
    assert "scenarios: 1 passed, 1 failed" in text


def test_json_and_junit_record_seed_profile_world_and_evidence(tmp_path: Path) -> None:
    write_json(_results(), tmp_path / "r.json")
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["provenance"] == "seed 7; profile month-end-ci, small; world abc123, def456"
    first = doc["scenarios"][0]
    assert (first["seed"], first["profile"], first["world_hash"]) == (7, "small", "abc123")
    assert first["invariants"][0]["violations"][0]["evidence"]["faulted_erp_requests"] == [41]

    write_junit(_results(), tmp_path / "r.xml")
    suite = ET.parse(tmp_path / "r.xml").getroot()
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props == {"seed": "7", "profile": "month-end-ci,small", "world": "abc123,def456"}
    failure = suite.find("testcase/failure")
    assert failure is not None
    assert '"faulted_erp_requests": [41]' in (failure.text or "")


def test_markdown_lists_violations_with_evidence_and_provenance() -> None:
    md = to_markdown(_results())
    assert "| duplicate-submissions | duplicate submissions | failed | 1 | 4.2 |" in md
    assert '(evidence: `{"psa_time_entry": "7", "faulted_erp_requests": [41]}`)' in md
    assert "seed 7; profile month-end-ci, small; world abc123, def456" in md
