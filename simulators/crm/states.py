"""Named provider states of the CRM (part of the contract surface: names are stable)."""

from __future__ import annotations

from typing import Any

from simulators._core.states import Action, ProviderStates
from simulators.crm.exceptions import DuplicateValue, MalformedId
from simulators.crm.ids import normalize_id
from simulators.crm.models import CrmStore
from simulators.crm.records import SObject

states: ProviderStates[CrmStore] = ProviderStates()

PACT_ACCOUNT_KEY = "CUST-PACT"


def _pinned(store: CrmStore, type_name: str, wanted: str | None) -> str | None:
    """The canonical id a pact asked for with ``params.id``, checked to be free and of the right type."""
    if not wanted:
        return None
    record_id = normalize_id(wanted)
    prefix = store.describe(type_name).key_prefix
    if record_id is None or record_id[:3] != prefix:
        raise MalformedId(f"{type_name} ID: id value of incorrect type: {wanted}")
    if record_id in store.records[type_name]:
        raise DuplicateValue(f"duplicate value found: Id duplicates value on record with id: {record_id[:15]}")
    return record_id


def _ensure(store: CrmStore, type_name: str, field: str, key: str, body: dict[str, Any], pin: str | None) -> SObject:
    found = store.find_external(type_name, field, key)
    if found:
        return found[0]
    return store.create(type_name, {field: key, **body}, record_id=_pinned(store, type_name, pin))


@states.register("account {externalId} exists")
def account_exists(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """An Account with ``ERP_Customer_Id__c = externalId``; ``params.id`` pins its id, ``params.name`` names it."""
    key = params["externalId"]
    if action == "teardown":
        found = store.find_external("Account", "ERP_Customer_Id__c", key)
        return {"id": found[0].id} if found else {}
    body = {"Name": params.get("name", f"Account {key}"), "CurrencyIsoCode": params.get("currency", "USD")}
    return {"id": _ensure(store, "Account", "ERP_Customer_Id__c", key, body, params.get("id")).id}


@states.register("account {externalId} is on credit hold")
def account_on_credit_hold(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """The Account exists with ``Credit_Hold__c`` set (cleared again on teardown)."""
    result = account_exists(store, params, "setup")
    store.update("Account", result["id"], {"Credit_Hold__c": action == "setup"})
    return result


@states.register("opportunity {externalId} is closed won")
def opportunity_closed_won(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """An Opportunity with ``External_Id__c = externalId`` at stage Closed Won with a positive Amount.

    ``params.accountExternalId`` names its Account (created if needed), ``params.amount`` its Amount and
    ``params.id`` pins its id.
    """
    key = params["externalId"]
    if action == "teardown":
        found = store.find_external("Opportunity", "External_Id__c", key)
        return {"id": found[0].id} if found else {}
    account = account_exists(store, {"externalId": params.get("accountExternalId", PACT_ACCOUNT_KEY)}, "setup")
    amount = params.get("amount", "100000")
    body = {
        "Name": params.get("name", f"Opportunity {key}"),
        "AccountId": account["id"],
        "CloseDate": params.get("closeDate", store.ctx.clock.now().date().isoformat()),
        "StageName": "Closed Won",
        "Amount": amount,
    }
    record = _ensure(store, "Opportunity", "External_Id__c", key, body, params.get("id"))
    changes: dict[str, Any] = {"StageName": "Closed Won"}
    current = record.values.get("Amount")
    if "amount" in params or current is None or current <= 0:
        changes["Amount"] = amount
    store.update("Opportunity", record.id, changes)
    return {"id": record.id, "accountId": account["id"]}
