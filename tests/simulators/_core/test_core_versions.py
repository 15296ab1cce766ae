"""Vendor API versions as behaviour profiles: one TOML drives the served behaviour and the version's spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from harness.contracts import serving
from simulators._core.versions import (
    UnknownVersionError,
    VersionChange,
    VersionProfile,
    load_version,
    rewrite_request,
    rewrite_response,
    select,
    shipped_versions,
)
from simulators.erp.app import create_app as create_erp
from simulators.erp.settings import ErpSettings
from simulators.psa.app import create_app as create_psa
from simulators.psa.settings import PsaSettings

H = {"Authorization": "Bearer t"}
RECORD = "/services/rest/record/v1"


def _change(**fields: Any) -> VersionChange:
    return VersionChange.model_validate({"operations": ["*"], **fields})


def test_every_system_ships_a_valid_next_version() -> None:
    """Each simulator ships at least one profile; each loads, names its system and declares changes."""
    for system, expected in (("crm", "v68.0"), ("psa", "2026-11-30"), ("erp", "2026.2")):
        assert expected in shipped_versions(system)
        profile = load_version(system, expected)
        assert (profile.system, profile.name) == (system, expected)
        assert profile.changes


def test_profile_validation_names_what_is_missing() -> None:
    """A rename without ``to`` or a limit without ``maximum`` is refused when the profile loads."""
    with pytest.raises(ValueError, match="field_renamed needs 'to'"):
        _change(kind="field_renamed", field="hours")
    with pytest.raises(ValueError, match="limit_changed needs 'maximum'"):
        _change(kind="limit_changed", parameter="limit")


def test_unknown_version_lists_the_shipped_ones(tmp_path: Path) -> None:
    """An unknown name is refused with the shipped names; a profile for another system is refused too."""
    with pytest.raises(UnknownVersionError, match=r"shipped: 2026\.2"):
        load_version("erp", "2099.1")
    other = tmp_path / "psa.toml"
    other.write_text('name = "x"\nsystem = "psa"\nbase = "v1"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="for 'psa', not 'erp'"):
        load_version("erp", str(other))


def test_select_reads_the_vendor_envelopes() -> None:
    """``$.items[*]`` reaches NetSuite list items, ``$.time_entries.*`` Kantata's side-loaded records."""
    assert list(select({"items": [{"id": 1}, {"id": 2}]}, "$.items[*]")) == [{"id": 1}, {"id": 2}]
    assert list(select({"time_entries": {"7": {"id": "7"}}}, "$.time_entries.*")) == [{"id": "7"}]
    assert list(select([{"a": 1}], "$[*]")) == [{"a": 1}]


def test_request_rewriting_maps_new_names_and_refuses_old_ones() -> None:
    """Version-B names are mapped back for the base handlers; base names, missing and over-limit fields refused."""
    renamed = _change(kind="field_renamed", field="rejectionNote", to="rejectionReason")
    body = {"rejectionReason": "late"}
    assert rewrite_request(body, [renamed], {}) == []
    assert body == {"rejectionNote": "late"}
    [problem] = rewrite_request({"rejectionNote": "late"}, [renamed], {})
    assert (problem["type"], problem["loc"]) == ("extra_forbidden", ("body", "rejectionNote"))
    required = _change(kind="field_required", field="subsidiary", direction="request")
    assert rewrite_request({}, [required], {})[0]["type"] == "missing"
    limit = _change(kind="limit_changed", parameter="limit", maximum=500)
    assert rewrite_request(None, [limit], {"limit": "501"})[0]["loc"] == ("query", "limit")
    assert rewrite_request(None, [limit], {"limit": "500"}) == []


def test_response_rewriting_renames_adds_and_changes_errors() -> None:
    """Responses get the new names, new fields and the new error code and status (NetSuite's body status too)."""
    body: dict[str, Any] = {"items": [{"id": "1", "progress": "succeeded"}]}
    changes = [
        _change(kind="enum_changed", field="progress", values={"succeeded": "completed"}, direction="response"),
        _change(kind="field_added", field="paidExternally", default=False, schemas=["X"], at=["$.items[*]"]),
    ]
    assert rewrite_response(200, body, changes) == 200
    assert body == {"items": [{"id": "1", "progress": "completed", "paidExternally": False}]}
    error = {"status": 400, "o:errorDetails": [{"o:errorCode": "USER_ERROR", "detail": "x"}]}
    changed = _change(kind="error_changed", status=400, new_status=409, code="USER_ERROR", new_code="CONFLICT")
    assert rewrite_response(400, error, [changed]) == 409
    assert error == {"status": 409, "o:errorDetails": [{"o:errorCode": "CONFLICT", "detail": "x"}]}


def test_erp_at_2026_2_serves_the_changes_in_netsuites_envelope() -> None:
    """The ERP at 2026.2 requires a customer's subsidiary and caps invoice pages, answering NetSuite errors."""
    with serving(create_erp(ErpSettings(api_version="2026.2"))) as url, httpx.Client(base_url=url) as client:
        _check_erp_2026_2(client)


def _check_erp_2026_2(client: httpx.Client) -> None:
    missing = client.post(f"{RECORD}/customer", headers=H, json={"companyName": "Acme"})
    assert missing.status_code == 400
    assert missing.json()["o:errorDetails"][0] == {
        "detail": "Invalid value for field subsidiary: Field required.",
        "o:errorCode": "INVALID_CONTENT",
        "o:errorPath": "subsidiary",
    }
    capped = client.get(f"{RECORD}/invoice?limit=501", headers=H)
    assert capped.status_code == 400
    assert capped.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_PARAMETER"
    assert client.get(f"{RECORD}/invoice?limit=500", headers=H).status_code == 200
    health = client.get("/__admin/health").json()
    assert (health["api_version"], health["base_version"]) == ("2026.2", "2026.1")


def test_version_is_switched_through_admin_settings_and_reset_restores_it() -> None:
    """``PUT /__admin/settings {"api_version": ...}`` switches the behaviour and the spec; a bad name is a 400."""
    with serving(create_erp(ErpSettings())) as url, httpx.Client(base_url=url) as client:
        _check_switching(client)


def _check_switching(client: httpx.Client) -> None:
    assert client.get(f"{RECORD}/invoice?limit=600", headers=H).status_code == 200
    assert (
        "paidExternally" not in client.get("/openapi.json").json()["components"]["schemas"]["TimeBillOut"]["properties"]
    )

    assert client.put("/__admin/settings", json={"api_version": "2026.2"}).status_code == 200
    assert client.get(f"{RECORD}/invoice?limit=600", headers=H).status_code == 400
    spec = client.get("/openapi.json").json()
    assert spec["info"]["version"] == "2026.2"
    assert "paidExternally" in spec["components"]["schemas"]["TimeBillOut"]["properties"]

    refused = client.put("/__admin/settings", json={"api_version": "2099.1"})
    assert refused.status_code == 400
    assert "no erp API version '2099.1'" in refused.json()["error"]
    assert client.get("/__admin/health").json()["api_version"] == "2026.2"

    assert client.post("/__admin/reset?scope=settings").status_code == 200
    assert client.get("/__admin/health").json()["api_version"] == "2026.1"
    assert client.get(f"{RECORD}/invoice?limit=600", headers=H).status_code == 200


def test_base_version_installs_no_layer() -> None:
    """Without a profile the middleware stack has no version layer at all (zero cost on the hot path)."""
    app = create_psa(PsaSettings())
    TestClient(app).get("/__admin/health")
    assert "VersionLayer" not in _stack(app.middleware_stack)
    versioned = create_psa(PsaSettings(api_version="2026-11-30"))
    TestClient(versioned).get("/__admin/health")
    assert "VersionLayer" in _stack(versioned.middleware_stack)


def test_user_profile_from_a_toml_path(tmp_path: Path) -> None:
    """A profile written from release notes is served by path: here a renamed PSA field."""
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "mine"\nsystem = "psa"\nbase = "v1"\n\n[[changes]]\nkind = "field_renamed"\n'
        'operations = ["listUsers"]\nfield = "headline"\nto = "title"\n',
        encoding="utf-8",
    )
    profile: VersionProfile = load_version("psa", str(path))
    client = TestClient(create_psa(PsaSettings(api_version=str(path))))

    users = client.get("/api/v1/users.json", headers=H).json()["users"]

    assert profile.name == "mine"
    assert users
    assert all("title" in u and "headline" not in u for u in users.values())


def _stack(app: Any) -> list[str]:
    names = []
    while app is not None and len(names) < 30:
        names.append(type(app).__name__)
        app = getattr(app, "app", None)
    return names


def test_crm_v68_opens_the_next_release_with_its_changes() -> None:
    """At v68.0 the CRM serves /services/data/v68.0 (404 before), answers bad SOQL with the new code, renames limits."""
    from simulators.crm.app import create_app as create_crm
    from simulators.crm.settings import CrmSettings

    bad_soql = {"q": "SELEC Id FROM Account"}
    with serving(create_crm(CrmSettings())) as url, httpx.Client(base_url=url, headers=H) as base:
        assert base.get("/services/data/v68.0/query", params=bad_soql).status_code == 404
        assert base.get("/services/data/v67.0/query", params=bad_soql).json()[0]["errorCode"] == "MALFORMED_QUERY"
    with serving(create_crm(CrmSettings(api_version="v68.0"))) as url, httpx.Client(base_url=url, headers=H) as nxt:
        refused = nxt.get("/services/data/v68.0/query", params=bad_soql)
        limits = nxt.get("/services/data/v68.0/limits").json()

    assert refused.status_code == 400
    assert refused.json()[0]["errorCode"] == "INVALID_QUERY"
    assert set(limits["DailyApiRequests"]) == {"Limit", "Remaining"}


def test_array_items_are_not_an_objects_values() -> None:
    """``[*]`` selects the items of an array; on an object it selects nothing (``.*`` is its values)."""
    body = {"companyName": "X", "subsidiary": {"id": "1"}}

    assert list(select(body, "$[*]")) == []
    assert list(select([body], "$[*]")) == [body]
    assert list(select(body, "$.*")) == ["X", {"id": "1"}]


def test_a_field_made_required_is_accepted_when_present_and_refused_when_missing() -> None:
    with TestClient(create_erp(ErpSettings(api_version="2026.2"))) as erp:
        given = erp.put(f"{RECORD}/customer/eid:C-1", json={"companyName": "X", "subsidiary": {"id": "1"}}, headers=H)
        missing = erp.put(f"{RECORD}/customer/eid:C-2", json={"companyName": "Y"}, headers=H)

    assert given.status_code == 204
    assert missing.status_code == 400
    assert missing.json()["o:errorDetails"] == [
        {
            "detail": "Invalid value for field subsidiary: Field required.",
            "o:errorCode": "INVALID_CONTENT",
            "o:errorPath": "subsidiary",
        }
    ]
