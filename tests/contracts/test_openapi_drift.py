"""The committed OpenAPI specs are what the simulators serve: a changed route or schema fails here first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.contracts import (
    OPENAPI_DIR,
    available_systems,
    check_drift,
    export_specs,
    generated_spec,
    render_spec,
    spec_path,
    versions_of,
)

VERSIONS = [(system, version) for system in available_systems() for version in versions_of(system)]


@pytest.mark.parametrize(("system", "version"), VERSIONS)
def test_committed_spec_matches_the_simulator(system: str, version: str) -> None:
    """``contracts/openapi/<system>/<version>.json`` equals the simulator's generated spec, byte for byte.

    Every system has its base version's spec and one per shipped version profile.
    """
    [drift] = check_drift(OPENAPI_DIR, [system], versions=[version])
    assert drift.ok, drift.message()


def test_every_system_ships_a_next_version() -> None:
    """CRM, PSA and ERP each have at least one version profile beyond their base version, with a spec."""
    for system in available_systems():
        assert len(versions_of(system)) >= 2, system
        for version in versions_of(system):
            assert spec_path(system, version).is_file(), (system, version)


def test_export_writes_sorted_json_per_version(tmp_path: Path) -> None:
    """``export_specs`` writes one deterministic file per version of a system, and drift is clean against it."""
    written = export_specs(tmp_path, ["erp"])
    assert written == [spec_path("erp", version, tmp_path) for version in versions_of("erp")]
    version, document = generated_spec("erp")
    erp = spec_path("erp", version, tmp_path)
    assert erp.read_text(encoding="utf-8") == render_spec(document)
    assert erp.read_text(encoding="utf-8").endswith("}\n")
    assert all(d.ok for d in check_drift(tmp_path, ["erp"]))


def test_drift_names_the_change_and_the_fix(tmp_path: Path) -> None:
    """A stale committed spec is reported with a diff and the command that fixes it; a missing one too."""
    export_specs(tmp_path, ["erp"], all_versions=False)
    version, _ = generated_spec("erp")
    path = spec_path("erp", version, tmp_path)
    stale = json.loads(path.read_text(encoding="utf-8"))
    stale["paths"]["/services/rest/record/v1/timeBill/{ref}"]["get"]["operationId"] = "readTimeBill"
    path.write_text(render_spec(stale), encoding="utf-8")

    [changed] = check_drift(tmp_path, ["erp"], versions=[version])
    assert changed.status == "changed"
    removed = [line for line in changed.diff.splitlines() if line.startswith("-") and "readTimeBill" in line]
    added = [line for line in changed.diff.splitlines() if line.startswith("+") and '"getTimeBill"' in line]
    assert len(removed) == len(added) == 1, changed.diff
    assert "p2c contracts export" in changed.message()

    path.unlink()
    [missing] = check_drift(tmp_path, ["erp"], versions=[version])
    assert missing.status == "missing"
    assert "p2c contracts export" in missing.message()
