"""The vendor-upgrade check: a spec diff limited to what the pacts use, pact verification at the new version.

A planted version profile renames a field the orchestrator reads (``id`` of an employee or project looked up
by external id) and removes a field nothing reads; the check must fail naming the first, with the
interactions it breaks, and list the second as non-breaking.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from harness.cli.contracts import contracts
from harness.contracts import base_version, load_spec, pacts_for, versions_of
from harness.contracts.diff import SpecChange, diff_specs
from harness.contracts.upgrade import Finding, ScenarioOutcome, UpgradeVerdict, attribute_scenarios, upgrade_check

pytestmark = pytest.mark.servers_only

PLANTED = """
name = "2026.2-planted"
system = "erp"
base = "2026.1"

[[changes]]
kind = "field_renamed"
operations = ["getEmployee", "getJob"]
direction = "response"
field = "id"
to = "internalId"
at = ["$"]
note = "Planted: the internal id of a record read by external id is called internalId."

[[changes]]
kind = "field_removed"
operations = ["getTimeBill"]
direction = "response"
field = "supervisorApproval"
schemas = ["TimeBillOut"]
note = "Planted: a field no pact reads."
"""
LOOKUPS = {
    "a lookup of the employee with external id psa-user-1001",
    "a lookup of the job with external id psa-ws-2001",
}


def test_diff_of_the_shipped_erp_release_names_every_kind_of_change() -> None:
    """2026.1 -> 2026.2: added, renamed and newly required fields, enum values, a status and a lower limit."""
    changes = {
        (c.kind, c.operation, c.field_name) for c in diff_specs(load_spec("erp", "2026.1"), load_spec("erp", "2026.2"))
    }

    assert ("field_added", "getTimeBill", "paidExternally") in changes
    assert ("field_renamed", "getTimeBill", "rejectionNote") in changes
    assert ("field_became_required", "createCustomer", "subsidiary") in changes
    assert ("enum_value_removed", "getAsyncJob", "progress") in changes
    assert ("enum_value_added", "getAsyncJob", "progress") in changes
    assert ("limit_lowered", "listInvoice", "limit") in changes
    assert ("status_added", "deleteInvoice", "") in changes
    assert not any(op == "getEmployee" for _, op, _ in changes)


def test_planted_breaking_change_fails_the_check_and_names_what_it_breaks(tmp_path: Path) -> None:
    """The renamed ``id`` is breaking (both look-ups use it, both fail at the new version); the rest is not."""
    profile = tmp_path / "planted.toml"
    profile.write_text(PLANTED, encoding="utf-8")
    out = tmp_path / "report"

    args = ["upgrade-check", "--system", "erp", "--from", "2026.1", "--to", str(profile), "--no-scenarios"]

    run = CliRunner().invoke(contracts, [*args, "--out", str(out)])

    assert run.exit_code == 1, run.output
    report = (out / "upgrade-erp.md").read_text(encoding="utf-8")
    assert "FAIL: the upgrade breaks the integration" in report
    breaking = report.split("## Breaking changes")[1].split("## Non-breaking")[0]
    assert "getEmployee: field_renamed id (response 200) -> internalId" in breaking
    assert "getJob: field_renamed id (response 200) -> internalId" in breaking
    for name in LOOKUPS:
        assert f"interaction: {name}" in breaking
        assert f"fails verification: {name}" in breaking
    assert "supervisorApproval" not in breaking
    non_breaking = report.split("## Non-breaking changes (not used by the pacts)")[1]
    assert "getTimeBill: field_removed supervisorApproval (response 200)" in non_breaking
    suites = {s.get("name"): s for s in ET.parse(out / "upgrade-erp.xml").getroot().findall("testsuite")}
    assert suites["upgrade.erp.changes"].get("failures") == "2"
    assert suites["upgrade.erp.pact"].get("failures") == "2"


@pytest.mark.parametrize(("system", "version"), [(s, versions_of(s)[1]) for s in ("crm", "psa", "erp")])
def test_shipped_next_version_keeps_the_orchestrators_pacts(system: str, version: str) -> None:
    """The shipped next versions change only what the orchestrator does not use: the check passes."""
    if not pacts_for(system):
        pytest.skip(f"no pact for {system} yet")

    verdict = upgrade_check(system, version, run_scenarios=False)

    assert verdict.passed, verdict.markdown()
    assert verdict.from_version == base_version(system)
    assert verdict.findings, "the shipped version changes nothing"
    assert verdict.verification is not None
    assert verdict.verification.interactions


def test_a_failed_scenario_is_tied_to_the_changes_it_called() -> None:
    """A failing scenario names the pact-used changes on the operations it called, else those that can break a caller.

    The second case is a gap in the pacts: the scenario found a break no interaction covers.
    """
    renamed = SpecChange("field_renamed", "getJob", "response 200", ("id",), "-> internalId")
    removed = SpecChange("field_removed", "getTimeBill", "response 200", ("supervisorApproval",))
    added = SpecChange("field_added", "getTimeBill", "response 200", ("paidExternally",))
    findings = [
        Finding(renamed, ["a lookup of the job with external id psa-ws-2001"]),
        Finding(removed),
        Finding(added),
    ]
    outcomes = [
        ScenarioOutcome("duplicate-submissions", "failed", {"getJob", "getTimeBill"}),
        ScenarioOutcome("a-timesheet-approved-twice-is-posted-once", "passed", {"getJob"}),
        ScenarioOutcome("month-end", "failed", {"getTimeBill"}),
    ]

    attribute_scenarios(findings, outcomes)

    assert [f.scenarios for f in findings] == [["duplicate-submissions"], ["month-end"], []]
    verdict = UpgradeVerdict("erp", "2026.1", "planted", findings, None, outcomes, [], 0.0)
    assert not verdict.passed
    assert [f.change for f in verdict.breaking] == [renamed, removed]
    report = verdict.markdown()
    assert "  - scenario: duplicate-submissions" in report
    assert "no pact interaction uses it: a scenario found it" in report
    assert [s.name for s in verdict.failed_scenarios] == ["duplicate-submissions", "month-end"]
