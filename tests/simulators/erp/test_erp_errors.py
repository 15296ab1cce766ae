"""NetSuite error envelopes: status, ``o:errorCode`` and the detail text of every refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

RECORD = "/services/rest/record/v1"
TIME_BILL = f"{RECORD}/timeBill"
RFC_400 = "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1"

Records = Callable[[str], list[dict[str, Any]]]
Body = Callable[..., dict[str, Any]]


def _error(response: Any, status: int) -> dict[str, Any]:
    """The single error detail of a NetSuite error response, after checking the envelope."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    doc = response.json()
    assert set(doc) == {"type", "title", "status", "o:errorDetails"}
    assert doc["status"] == status
    (detail,) = doc["o:errorDetails"]
    assert isinstance(detail["detail"], str)
    assert detail["detail"]
    result: dict[str, Any] = detail
    return result


def test_missing_token_is_401_invalid_login(erp_app: Any) -> None:
    with TestClient(erp_app) as anonymous:
        response = anonymous.get(f"{TIME_BILL}/1")
    doc = response.json()
    assert (doc["type"], doc["title"]) == ("https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2", "Unauthorized")
    assert _error(response, 401) == {
        "detail": "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
        "Setup > Users/Roles > User Management > View Login Audit Trail.",
        "o:errorCode": "INVALID_LOGIN",
    }


@pytest.mark.parametrize("authorization", ["", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "token"])
def test_malformed_authorization_is_401(erp_client: TestClient, authorization: str) -> None:
    response = erp_client.get(f"{TIME_BILL}/1", headers={"Authorization": authorization})
    assert _error(response, 401)["o:errorCode"] == "INVALID_LOGIN"


def test_unauthenticated_create_commits_nothing(erp_app: Any, erp_records: Records, time_bill_body: Body) -> None:
    with TestClient(erp_app) as anonymous:
        assert anonymous.post(TIME_BILL, json=time_bill_body()).status_code == 401
    assert erp_records("timeBill") == []


def test_auth_can_be_switched_off(erp_client: TestClient, erp_app: Any) -> None:
    erp_client.put("/__admin/settings", json={"require_auth": False})
    with TestClient(erp_app) as anonymous:
        assert anonymous.get(f"{RECORD}/customer/9").status_code == 200


def test_nonexistent_id_is_404(erp_client: TestClient) -> None:
    response = erp_client.get(f"{TIME_BILL}/999")
    doc = response.json()
    assert (doc["type"], doc["title"]) == ("https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5", "Not Found")
    assert _error(response, 404) == {
        "detail": "The record instance does not exist. Provide a valid record instance ID. (timeBill 999)",
        "o:errorCode": "NONEXISTENT_ID",
    }


def test_nonexistent_external_id_is_404(erp_client: TestClient) -> None:
    detail = _error(erp_client.get(f"{RECORD}/customer/eid:NOPE"), 404)
    assert detail["o:errorCode"] == "NONEXISTENT_ID"
    assert detail["detail"].endswith("(customer eid:NOPE)")


def test_unknown_resource_is_404_invalid_url(erp_client: TestClient) -> None:
    detail = _error(erp_client.get(f"{RECORD}/salesOrder/1"), 404)
    assert detail == {
        "detail": f"The requested resource {RECORD}/salesOrder/1 does not exist.",
        "o:errorCode": "INVALID_URL",
    }


def test_malformed_record_reference_is_invalid_parameter(erp_client: TestClient) -> None:
    # A bad path value is INVALID_PARAMETER ("a bad query parameter or path value", exceptions.py), not a
    # body field error with an o:errorPath.
    detail = _error(erp_client.get(f"{TIME_BILL}/abc"), 400)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert "parameter ref" in detail["detail"]
    assert "o:errorPath" not in detail


def test_post_with_an_existing_external_id_is_refused(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    assert erp_client.post(TIME_BILL, json=time_bill_body(externalId="TB-DUP")).status_code == 204
    response = erp_client.post(TIME_BILL, json=time_bill_body(externalId="TB-DUP", hours="9"))
    assert response.json()["type"] == RFC_400
    assert _error(response, 400) == {
        "detail": "A record with the external ID TB-DUP already exists.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "externalId",
    }
    assert [(r["externalId"], r["hours"]) for r in erp_records("timeBill")] == [("TB-DUP", "2.50")]


def test_upsert_with_a_different_external_id_in_the_body_is_refused(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    response = erp_client.put(f"{TIME_BILL}/eid:TB-A", json=time_bill_body(externalId="TB-B"))
    assert _error(response, 400) == {
        "detail": "The externalId in the body does not match the one in the URL.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "externalId",
    }
    assert erp_records("timeBill") == []


def test_upsert_by_internal_id_is_refused(erp_client: TestClient, time_bill_body: Body) -> None:
    detail = _error(erp_client.put(f"{TIME_BILL}/1", json=time_bill_body()), 400)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert "parameter ref" in detail["detail"]


@pytest.mark.parametrize("limit", [1001, 5000])
def test_limit_above_1000_is_refused(erp_client: TestClient, limit: int) -> None:
    assert _error(erp_client.get(TIME_BILL, params={"limit": limit}), 400) == {
        "detail": "Invalid query parameter limit: Input should be less than or equal to 1000.",
        "o:errorCode": "INVALID_PARAMETER",
    }


@pytest.mark.parametrize(
    ("params", "name"), [({"limit": 0}, "limit"), ({"offset": -1}, "offset"), ({"limit": "ten"}, "limit")]
)
def test_invalid_paging_parameters_are_refused(erp_client: TestClient, params: dict[str, Any], name: str) -> None:
    detail = _error(erp_client.get(TIME_BILL, params=params), 400)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["detail"].startswith(f"Invalid query parameter {name}: ")


def test_limit_above_the_configured_page_maximum_is_refused(erp_client: TestClient) -> None:
    erp_client.put("/__admin/settings", json={"list_page_max": 50})
    assert _error(erp_client.get(TIME_BILL, params={"limit": 51}), 400) == {
        "detail": "Invalid query parameter limit: the maximum is 50.",
        "o:errorCode": "INVALID_PARAMETER",
    }
    assert erp_client.get(TIME_BILL, params={"limit": 50}).status_code == 200


def test_unknown_field_is_nonexistent_field_with_its_path(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    response = erp_client.post(TIME_BILL, json=time_bill_body(department={"id": "3"}))
    assert _error(response, 400) == {
        "detail": "Invalid field name: department. The record has no such field.",
        "o:errorCode": "NONEXISTENT_FIELD",
        "o:errorPath": "department",
    }
    assert erp_records("timeBill") == []


def test_unknown_nested_field_has_a_dotted_path(erp_client: TestClient, time_bill_body: Body) -> None:
    response = erp_client.post(TIME_BILL, json=time_bill_body(employee={"id": "1", "refName": "Pat"}))
    assert _error(response, 400) == {
        "detail": "Invalid field name: employee.refName. The record has no such field.",
        "o:errorCode": "NONEXISTENT_FIELD",
        "o:errorPath": "employee.refName",
    }


@pytest.mark.parametrize(
    ("field", "ref", "detail"),
    [
        ("employee", "99999", "Invalid value for field employee: no employee with internal id 99999."),
        ("customer", "4242", "Invalid value for field customer: no customer or project with internal id 4242."),
    ],
)
def test_bad_reference_id_is_invalid_content(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body, field: str, ref: str, detail: str
) -> None:
    response = erp_client.post(TIME_BILL, json=time_bill_body(**{field: {"id": ref}}))
    assert _error(response, 400) == {"detail": detail, "o:errorCode": "INVALID_CONTENT", "o:errorPath": field}
    assert erp_records("timeBill") == []


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"hours": "0"}, "hours", "Input should be greater than 0"),
        ({"hours": "24.5"}, "hours", "Input should be less than or equal to 24"),
        ({"hours": "NaN"}, "hours", "Input should be a finite number"),
        ({"tranDate": "2026-13-45"}, "tranDate", "Input should be a valid date or datetime"),
        ({"employee": {"id": 1}}, "employee.id", "Input should be a valid string"),
        ({"externalId": "bad id!"}, "externalId", "String should match pattern"),
        ({"rate": "-1"}, "rate", "Input should be greater than or equal to 0"),
    ],
)
def test_invalid_values_are_invalid_content(
    erp_client: TestClient, time_bill_body: Body, overrides: dict[str, Any], path: str, message: str
) -> None:
    detail = _error(erp_client.post(TIME_BILL, json=time_bill_body(**overrides)), 400)
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert detail["o:errorPath"] == path
    assert detail["detail"].startswith(f"Invalid value for field {path}: {message}")


def test_missing_required_field_is_invalid_content(erp_client: TestClient, time_bill_body: Body) -> None:
    body = time_bill_body()
    del body["hours"]
    assert _error(erp_client.post(TIME_BILL, json=body), 400) == {
        "detail": "Invalid value for field hours: Field required.",
        "o:errorCode": "INVALID_CONTENT",
        "o:errorPath": "hours",
    }


def test_unknown_approval_status_is_a_user_error(erp_client: TestClient, time_bill_body: Body) -> None:
    assert _error(erp_client.post(TIME_BILL, json=time_bill_body(approvalStatus={"id": "9"})), 400) == {
        "detail": "Invalid approvalStatus reference key 9.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "approvalStatus",
    }


def test_date_outside_every_period_is_a_user_error(erp_client: TestClient, time_bill_body: Body) -> None:
    assert _error(erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2030-01-01")), 400) == {
        "detail": "No accounting period covers the transaction date 2030-01-01.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "tranDate",
    }


GARBAGE = [
    pytest.param(b"{garbage", id="broken-json"),
    pytest.param(b'{"hours": ', id="truncated"),
    pytest.param(b"\xff\xfe\x00", id="not-utf8"),
    pytest.param(b"", id="empty"),
    pytest.param(b"null", id="null"),
    pytest.param(b"[1, 2]", id="array"),
    pytest.param(b'"text"', id="string"),
    pytest.param(b"1e999999", id="huge-number"),
    pytest.param(b"NaN", id="nan"),
    pytest.param(b"[" * 5000 + b"]" * 5000, id="deeply-nested"),
    pytest.param(b'{"employee": 5, "customer": [], "hours": {}, "tranDate": null}', id="wrong-types"),
]


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_bodies_are_a_400_never_a_500(erp_app: Any, erp_records: Records, method: str, raw: bytes) -> None:
    url = TIME_BILL if method == "POST" else f"{TIME_BILL}/eid:G-1"
    with TestClient(erp_app, headers={"Authorization": "Bearer t"}, raise_server_exceptions=False) as client:
        response = client.request(method, url, content=raw, headers={"Content-Type": "application/json"})
    detail = _error(response, 400)
    assert detail["o:errorCode"] in {"INVALID_CONTENT", "USER_ERROR"}
    assert erp_records("timeBill") == []


@pytest.mark.parametrize("raw", [b"null", b"[1, 2]", b'"text"', b""])
def test_non_object_body_names_the_body_not_a_field_called_none(erp_client: TestClient, raw: bytes) -> None:
    response = erp_client.post(TIME_BILL, content=raw, headers={"Content-Type": "application/json"})
    detail = _error(response, 400)
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert "field None" not in detail["detail"]
    assert "o:errorPath" not in detail


def test_broken_json_detail(erp_client: TestClient) -> None:
    response = erp_client.post(TIME_BILL, content=b"{garbage", headers={"Content-Type": "application/json"})
    assert _error(response, 400) == {"detail": "The request body is not valid JSON.", "o:errorCode": "INVALID_CONTENT"}


def test_hours_and_rate_are_rounded_to_the_hundredth(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    response = erp_client.put(f"{TIME_BILL}/eid:TB-ROUND", json=time_bill_body(hours=2.555, rate=150.125))
    assert response.status_code == 204
    [bill] = erp_records("timeBill")
    assert (bill["hours"], bill["rate"]) == ("2.56", "150.13")
