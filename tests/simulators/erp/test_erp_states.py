"""Provider states added for the contract surface (the older ones are covered with the rules they set up)."""

from __future__ import annotations

from erp_wire import RECORD, Erp, error


def test_invoice_exists_state_creates_an_open_invoice_with_that_number(erp: Erp) -> None:
    created = erp.state_change("invoice INV-PACT-1 exists", customerExternalId="CUST-00002", amount="250.00")
    invoice = erp.get("invoice", created["id"])
    assert (invoice["tranId"], invoice["entity"]["id"], invoice["total"], invoice["status"]["id"]) == (
        "INV-PACT-1",
        "10",
        250.0,
        "A",
    )
    assert erp.get("customer", "10")["balance"] == 250.0
    # Idempotent: the same state again reports the same invoice.
    assert erp.state_change("invoice INV-PACT-1 exists") == {"id": created["id"]}
    body = {"entity": {"id": "10"}, "tranId": "INV-PACT-1", "item": {"items": [{"item": {"id": "1"}}]}}
    assert error(erp.client.post(f"{RECORD}/invoice", json=body))["o:errorPath"] == "tranId"


def test_invoice_exists_state_pins_the_internal_id(erp: Erp) -> None:
    assert erp.state_change("invoice INV-77 exists", id="77")["id"] == "77"
    assert erp.get("invoice", "77")["tranId"] == "INV-77"


def test_new_state_names_are_listed(erp: Erp) -> None:
    names = erp.client.get("/__admin/provider-states").json()["states"]
    for name in (
        "accounting period {period} is locked for AR",
        "customer {externalId} is over its credit limit",
        "invoice {tranId} exists",
        "accounting period {period} is closed",
        "customer {externalId} is on credit hold",
    ):
        assert name in names
