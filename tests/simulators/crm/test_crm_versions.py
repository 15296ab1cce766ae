"""API versions: the window, and the behaviour profile each version carries (the upgrade-check hook)."""

from __future__ import annotations

from crm_wire import SOBJECTS, assert_error
from fastapi.testclient import TestClient

from simulators.crm.versions import VersionProfileOverride, builtin_profile, profile_for

NEXT = "/services/data/v68.0"


def test_builtin_profiles_follow_the_release_history() -> None:
    old, mid, new = builtin_profile(41), builtin_profile(45), builtin_profile(67)
    assert (old.composite, old.collection_upsert, old.upsert_update_returns_body) == (False, False, False)
    assert (mid.composite, mid.collection_upsert, mid.upsert_update_returns_body) == (True, False, False)
    assert (new.composite, new.collection_upsert, new.upsert_update_returns_body) == (True, True, True)
    assert (new.composite_max_subrequests, new.collection_max_records, new.max_batch_size) == (25, 200, 2000)


def test_overrides_apply_from_their_version_upwards() -> None:
    overrides = {"68": VersionProfileOverride(lenient_json_types=False, notes="strict JSON")}
    assert profile_for(67, overrides).lenient_json_types is True
    assert profile_for(68, overrides).lenient_json_types is False
    assert profile_for(69, overrides).notes == "strict JSON"


def test_the_upgrade_version_opens_with_its_own_behaviour(crm: TestClient) -> None:
    assert crm.get(f"{NEXT}/limits").status_code == 404
    settings = {"max_version": 68, "version_profiles": {"68": {"lenient_json_types": False, "notes": "Winter '27"}}}
    assert crm.put("/__admin/settings", json=settings).status_code == 200
    versions = crm.get("/services/data").json()
    assert versions[-1] == {"label": "Winter '27", "url": NEXT, "version": "68.0"}

    body = {"Name": "Strict", "StageName": "Prospecting", "CloseDate": "2026-12-01", "Amount": "100"}
    assert crm.post(f"{SOBJECTS}/Opportunity", json=body).status_code == 201  # v67.0 still lenient
    strict = crm.post(f"{NEXT}/sobjects/Opportunity", json=body)
    assert_error(
        strict,
        400,
        "JSON_PARSER_ERROR",
        "Cannot deserialize instance of currency from VALUE_STRING value 100 or request may be missing a required "
        "field",
    )


def test_profiles_can_shrink_limits(crm: TestClient) -> None:
    crm.put("/__admin/settings", json={"version_profiles": {"60": {"collection_max_records": 2}}})
    records = [{"attributes": {"type": "Account"}, "Name": f"Small {n}"} for n in range(3)]
    response = crm.post("/services/data/v67.0/composite/sobjects", json={"records": records})
    assert_error(
        response, 400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 2 records into this call"
    )
    assert crm.post("/services/data/v59.0/composite/sobjects", json={"records": records}).status_code == 200


def test_profile_keys_must_be_major_versions(crm: TestClient) -> None:
    response = crm.put("/__admin/settings", json={"version_profiles": {"v68.0": {"composite": False}}})
    assert response.status_code == 400
