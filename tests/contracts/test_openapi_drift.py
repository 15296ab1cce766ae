"""The committed OpenAPI specs are what the simulators serve: a changed route or schema fails here first."""

from __future__ import annotations

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
)


@pytest.mark.parametrize("system", available_systems())
def test_committed_spec_matches_the_simulator(system: str) -> None:
    """``contracts/openapi/<system>/<api_version>.json`` equals the simulator's generated spec, byte for byte."""
    [drift] = check_drift(OPENAPI_DIR, [system])
    assert drift.ok, drift.message()


def test_export_writes_sorted_json_per_system_and_version(tmp_path: Path) -> None:
    """``export_specs`` writes one deterministic file per available system, and drift is clean against it."""
    written = export_specs(tmp_path)
    assert sorted(p.relative_to(tmp_path).parts[0] for p in written) == sorted(available_systems())
    version, document = generated_spec("erp")
    erp = spec_path("erp", version, tmp_path)
    assert erp in written
    assert erp.read_text(encoding="utf-8") == render_spec(document)
    assert erp.read_text(encoding="utf-8").endswith("}\n")
    assert all(d.ok for d in check_drift(tmp_path))


def test_drift_names_the_change_and_the_fix(tmp_path: Path) -> None:
    """A stale committed spec is reported with a diff and the command that fixes it; a missing one too."""
    export_specs(tmp_path, ["erp"])
    version, _ = generated_spec("erp")
    path = spec_path("erp", version, tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('"getTimeBill"', '"readTimeBill"'), encoding="utf-8")

    [changed] = check_drift(tmp_path, ["erp"])
    assert changed.status == "changed"
    removed = [line for line in changed.diff.splitlines() if line.startswith("-") and "readTimeBill" in line]
    added = [line for line in changed.diff.splitlines() if line.startswith("+") and '"getTimeBill"' in line]
    assert len(removed) == len(added) == 1, changed.diff
    assert "p2c contracts export" in changed.message()

    path.unlink()
    [missing] = check_drift(tmp_path, ["erp"])
    assert missing.status == "missing"
    assert "p2c contracts export" in missing.message()
