"""Every committed pact, verified against the simulator of the provider it names (CI runs all of them).

``verify_all`` groups ``contracts/pacts/*.json`` by ``provider.name`` (mapped to a system through
``contracts.participants``), serves that simulator under uvicorn on loopback and replays the pact with
provider states set through ``/__admin/provider-states``. A pact added by a new consumer test is verified
here without changing this file.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from contracts.participants import CONSUMER, PROVIDERS, PSA_PROVIDER, pact_file_name
from harness.contracts import PACTS_DIR, pact_files, verify_all, verify_pacts
from harness.contracts.pact import SYSTEM_OF_PROVIDER, group_by_system, pact_parties

pytestmark = pytest.mark.servers_only

PSA_PACT = PACTS_DIR / pact_file_name(CONSUMER, PSA_PROVIDER)


@pytest.mark.parametrize("path", pact_files(), ids=lambda p: p.stem)
def test_committed_pact_verifies_against_its_provider(path: Path) -> None:
    """Each pact in contracts/pacts/ verifies, interaction by interaction, against its simulator."""
    provider = pact_parties(path)[1]
    known = sorted(PROVIDERS.values())
    assert provider in SYSTEM_OF_PROVIDER, f"{path.name}: provider {provider!r} is not one of {known}"

    [result] = verify_all([path])

    assert result.system == SYSTEM_OF_PROVIDER[provider]
    interactions = len(json.loads(path.read_text(encoding="utf-8"))["interactions"])
    assert len(result.interactions) == interactions, result.output
    assert result.passed, [(c.name, c.messages) for c in result.failures()]


def test_verify_all_writes_one_junit_suite_per_provider(tmp_path: Path) -> None:
    """``p2c contracts verify`` (no arguments) covers every provider with a pact, each in its own JUnit suite."""
    junit = tmp_path / "pact.xml"
    paths = pact_files()

    results = verify_all(paths, junit_path=junit)

    assert {r.system for r in results} == set(group_by_system(paths))
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert sorted(s.get("name") or "" for s in suites) == sorted(f"pact.{r.provider}" for r in results)
    assert all(s.get("failures") == "0" for s in suites)


def test_psa_pact_breaks_when_the_provider_changes_a_field_the_client_reads(tmp_path: Path) -> None:
    """A PSA version without ``time_in_minutes`` on time entries fails the interaction that reads it."""
    profile = tmp_path / "no-minutes.toml"
    profile.write_text(
        'name = "no-minutes"\nsystem = "psa"\nbase = "v1"\n\n[[changes]]\nkind = "field_renamed"\n'
        'operations = ["listTimeEntries"]\nfield = "time_in_minutes"\nto = "minutes"\n',
        encoding="utf-8",
    )

    result = verify_pacts([PSA_PACT], "psa", api_version=str(profile))

    failed = {c.name.split(" given ")[0]: c.messages for c in result.failures()}
    assert list(failed) == ["a read of the time entries of an approved timesheet"], result.output
    assert any("time_in_minutes" in m for m in failed["a read of the time entries of an approved timesheet"])


def test_unknown_provider_is_refused_with_the_known_names(tmp_path: Path) -> None:
    """A pact naming a provider no simulator stands in for is refused unless a system is given."""
    pact = json.loads(PSA_PACT.read_text(encoding="utf-8"))
    pact["provider"]["name"] = "some-other-api"
    path = tmp_path / "mine-some-other-api.json"
    path.write_text(json.dumps(pact), encoding="utf-8")

    with pytest.raises(LookupError, match=r"some-other-api.*kantata-psa"):
        group_by_system([path])
    assert group_by_system([path], "psa") == {"psa": [path]}
