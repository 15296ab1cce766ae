"""Master records: create (204 + Location), read by id and ``eid:``, PATCH, upsert, DELETE and list for currency,
subsidiary, customer, employee, job, projectTask and serviceItem; references, selects and dependents."""

from __future__ import annotations

from typing import Any

import pytest
from erp_wire import RECORD, Erp, error

BODIES: dict[str, dict[str, Any]] = {
    "currency": {"symbol": "CHF", "name": "Swiss Franc", "currencyPrecision": 2, "exchangeRate": "1.1"},
    "subsidiary": {"name": "Honeycomb AG", "country": "CH", "currency": {"id": "1"}},
    "customer": {"companyName": "Globex", "creditLimit": "5000", "terms": {"id": "4"}, "email": "ap@globex.test"},
    "employee": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "laborCost": "80"},
    "job": {"companyName": "Globex rollout", "parent": {"id": "9"}, "jobBillingType": {"id": "milestone"}},
    "projectTask": {"title": "Blueprint", "company": {"id": "1"}, "isMilestone": True, "amount": "1500"},
    "serviceItem": {"itemId": "Training", "displayName": "Training day", "rate": "1200"},
}
PATCHES: dict[str, tuple[dict[str, Any], str, Any]] = {
    "currency": ({"name": "Franc"}, "name", "Franc"),
    "subsidiary": ({"name": "Honeycomb Schweiz AG"}, "name", "Honeycomb Schweiz AG"),
    "customer": ({"companyName": "Globex Corp"}, "companyName", "Globex Corp"),
    "employee": ({"title": "Architect"}, "title", "Architect"),
    "job": ({"companyName": "Globex phase 2"}, "companyName", "Globex phase 2"),
    "projectTask": (
        {"status": {"id": "PROGRESS"}},
        "status",
        {"id": "PROGRESS", "refName": "In Progress", "links": []},
    ),
    "serviceItem": ({"rate": "1300"}, "rate", 1300.0),
}


@pytest.mark.parametrize("record_type", sorted(BODIES))
def test_master_record_lifecycle(erp: Erp, record_type: str) -> None:
    body = {**BODIES[record_type], "externalId": f"EXT-{record_type}"}
    record_id = erp.create(record_type, body)
    by_id = erp.get(record_type, record_id)
    assert by_id == erp.get(record_type, f"eid:EXT-{record_type}")
    assert by_id["links"] == [{"rel": "self", "href": f"http://testserver{RECORD}/{record_type}/{record_id}"}]

    patch, field, value = PATCHES[record_type]
    assert erp.patch(record_type, record_id, patch).status_code == 204
    assert erp.get(record_type, record_id)[field] == value

    upserted = erp.client.put(f"{RECORD}/{record_type}/eid:EXT-{record_type}", json=BODIES[record_type])
    assert upserted.status_code == 204
    assert upserted.headers["location"].endswith(f"/{record_type}/{record_id}")

    listed = erp.client.get(f"{RECORD}/{record_type}", params={"q": f'externalId IS "EXT-{record_type}"'}).json()
    assert [item["id"] for item in listed["items"]] == [record_id]

    assert erp.client.delete(f"{RECORD}/{record_type}/eid:EXT-{record_type}").status_code == 204
    assert error(erp.client.get(f"{RECORD}/{record_type}/{record_id}"), 404)["o:errorCode"] == "NONEXISTENT_ID"


def test_customer_defaults_and_wire_shape(erp: Erp) -> None:
    customer = erp.get("customer", erp.create("customer", {"companyName": "Initech", "subsidiary": {"id": "2"}}))
    assert customer["currency"]["refName"] == "GBP"  # the subsidiary's currency
    assert customer["subsidiary"]["refName"] == "Honeycomb UK Ltd"
    assert (customer["creditLimit"], customer["onCreditHold"], customer["terms"]) == (None, False, None)
    seeded = erp.get("customer", "9")
    assert seeded["terms"] == {"id": "2", "refName": "Net 30", "links": []}
    assert (seeded["entityId"], seeded["currency"]["id"], seeded["daysOverdue"]) == ("CUST-00001", "3", 0)


def test_upsert_creates_a_new_master_by_external_id(erp: Erp) -> None:
    response = erp.client.put(f"{RECORD}/serviceItem/eid:ITEM-NEW", json={"itemId": "Support"})
    assert response.status_code == 204
    assert erp.get("serviceItem", "eid:ITEM-NEW")["itemId"] == "Support"


def test_duplicate_external_id_on_create_is_refused(erp: Erp) -> None:
    erp.create("employee", {**BODIES["employee"], "externalId": "E-1"})
    response = erp.client.post(f"{RECORD}/employee", json={**BODIES["employee"], "externalId": "E-1"})
    assert error(response) == {
        "detail": "A record with the external ID E-1 already exists.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "externalId",
    }


def test_patch_to_an_external_id_in_use_is_refused(erp: Erp) -> None:
    erp.create("serviceItem", {"itemId": "A", "externalId": "ITEM-A"})
    second = erp.create("serviceItem", {"itemId": "B"})
    assert error(erp.patch("serviceItem", second, {"externalId": "ITEM-A"}))["detail"] == (
        "A record with the external ID ITEM-A already exists."
    )


@pytest.mark.parametrize(
    ("record_type", "body", "detail", "path"),
    [
        (
            "job",
            {"companyName": "X", "parent": {"id": "1"}},
            "Invalid value for field parent: no customer with internal id 1.",
            "parent",
        ),
        (
            "projectTask",
            {"title": "T", "company": {"id": "9"}},
            "Invalid value for field company: no project with internal id 9.",
            "company",
        ),
        (
            "subsidiary",
            {"name": "S", "country": "FR", "currency": {"id": "77"}},
            "Invalid value for field currency: no currency with internal id 77.",
            "currency",
        ),
        (
            "customer",
            {"companyName": "C", "subsidiary": {"id": "8"}},
            "Invalid value for field subsidiary: no subsidiary with internal id 8.",
            "subsidiary",
        ),
    ],
)
def test_bad_references_are_invalid_content(
    erp: Erp, record_type: str, body: dict[str, Any], detail: str, path: str
) -> None:
    response = erp.client.post(f"{RECORD}/{record_type}", json=body)
    assert error(response) == {"detail": detail, "o:errorCode": "INVALID_CONTENT", "o:errorPath": path}


@pytest.mark.parametrize(
    ("record_type", "body", "field", "key"),
    [
        ("customer", {"companyName": "C", "terms": {"id": "9"}}, "terms", "9"),
        ("customer", {"companyName": "C", "creditHoldOverride": {"id": "MAYBE"}}, "creditHoldOverride", "MAYBE"),
        (
            "job",
            {"companyName": "J", "parent": {"id": "9"}, "jobBillingType": {"id": "retainer"}},
            "jobBillingType",
            "retainer",
        ),
        ("projectTask", {"title": "T", "company": {"id": "1"}, "status": {"id": "DONE"}}, "status", "DONE"),
    ],
)
def test_unknown_select_keys_are_user_errors(
    erp: Erp, record_type: str, body: dict[str, Any], field: str, key: str
) -> None:
    response = erp.client.post(f"{RECORD}/{record_type}", json=body)
    assert error(response) == {
        "detail": f"Invalid {field} reference key {key}.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": field,
    }


def test_duplicate_currency_symbol_is_refused(erp: Erp) -> None:
    response = erp.client.post(f"{RECORD}/currency", json={"symbol": "USD", "name": "Dollar again"})
    assert error(response) == {
        "detail": "A currency with the symbol USD already exists.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "symbol",
    }


@pytest.mark.parametrize(
    ("record_type", "ref"),
    [("customer", "9"), ("job", "1"), ("currency", "1"), ("subsidiary", "1"), ("employee", "1")],
)
def test_records_in_use_cannot_be_deleted(erp: Erp, record_type: str, ref: str) -> None:
    erp.time()  # employee 1 on project 1 (customer 9)
    assert error(erp.client.delete(f"{RECORD}/{record_type}/{ref}")) == {
        "detail": "This record cannot be deleted because it has dependent records.",
        "o:errorCode": "USER_ERROR",
    }
    assert erp.get(record_type, ref)["id"] == ref


def test_patch_cannot_empty_a_required_field(erp: Erp) -> None:
    assert error(erp.patch("customer", "9", {"companyName": None})) == {
        "detail": "Invalid value for field companyName: the field cannot be empty.",
        "o:errorCode": "INVALID_CONTENT",
        "o:errorPath": "companyName",
    }


def test_patch_of_an_unknown_field_is_nonexistent_field(erp: Erp) -> None:
    assert error(erp.patch("employee", "1", {"department": {"id": "1"}}))["o:errorCode"] == "NONEXISTENT_FIELD"


def test_accounting_periods_are_read_only(erp: Erp) -> None:
    assert error(erp.client.delete(f"{RECORD}/accountingPeriod/13"), 405)["o:errorCode"] == "USER_ERROR"
    assert error(erp.patch("accountingPeriod", "13", {"closed": True}), 405)["o:errorCode"] == "USER_ERROR"


def test_customers_and_projects_share_the_entity_id_space(erp: Erp) -> None:
    customer = erp.create("customer", {"companyName": "Next"})
    job = erp.create("job", {"companyName": "Next job", "parent": {"id": customer}})
    assert (int(customer), int(job)) == (15, 16)
    bill = erp.get("timeBill", erp.time(customer={"id": customer}))
    assert bill["customer"]["links"][0]["href"].endswith(f"/customer/{customer}")
