"""Named provider states of the CRM (part of the contract surface: names are stable).

State changes run as a user working in the UI would: through the save rules, publishing change events
with an empty ``changeOrigin`` (so an orchestrator that skips its own API changes still sees them).
Where a state names a record, the value may be its external id or its Salesforce id.
"""

from __future__ import annotations

from typing import Any

from simulators._core.states import Action, ProviderStates
from simulators.crm import approvals
from simulators.crm.exceptions import DuplicateValue, MalformedId
from simulators.crm.ids import normalize_id
from simulators.crm.models import ORG, CrmStore
from simulators.crm.records import SObject

states: ProviderStates[CrmStore] = ProviderStates()

PACT_ACCOUNT_KEY = "CUST-PACT"
ACCOUNT_KEY = "ERP_Customer_Id__c"
OPPORTUNITY_KEY = "External_Id__c"


def _pinned(store: CrmStore, type_name: str, wanted: str | None) -> str | None:
    """The canonical id a pact asked for with ``params.id``, checked to be free and of the right type."""
    if not wanted:
        return None
    record_id = normalize_id(wanted)
    prefix = store.describe(type_name).key_prefix
    if record_id is None or record_id[:3] != prefix:
        raise MalformedId(f"{type_name} ID: id value of incorrect type: {wanted}")
    if record_id in store.table(type_name):
        raise DuplicateValue(f"duplicate value found: Id duplicates value on record with id: {record_id[:15]}")
    return record_id


def _find(store: CrmStore, type_name: str, field: str, key: str) -> SObject | None:
    """The live record whose external id (or Salesforce id) is ``key``."""
    record_id = normalize_id(key)
    if record_id is not None and record_id[:3] == store.describe(type_name).key_prefix:
        found = store.table(type_name).get(record_id)
        return found if found is not None and not found.deleted else None
    matches = store.find_external(type_name, field, key)
    return matches[0] if matches else None


def _ensure(store: CrmStore, type_name: str, field: str, key: str, body: dict[str, Any], pin: str | None) -> SObject:
    found = _find(store, type_name, field, key)
    if found is not None:
        return found
    with store.transaction(allow_save=True):
        return store.create(type_name, {field: key, **body}, record_id=_pinned(store, type_name, pin))


@states.register("account {externalId} exists")
def account_exists(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """An Account with ``ERP_Customer_Id__c = externalId``; ``params.id`` pins its id, ``params.name`` names it."""
    key = params["externalId"]
    if action == "teardown":
        found = _find(store, "Account", ACCOUNT_KEY, key)
        return {"id": found.id} if found else {}
    body = {"Name": params.get("name", f"Account {key}"), "CurrencyIsoCode": params.get("currency", "USD")}
    return {"id": _ensure(store, "Account", ACCOUNT_KEY, key, body, params.get("id")).id}


@states.register("account {id} has external id {value}")
def account_has_external_id(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """The Account with Salesforce id ``id`` (created with that id if missing) has ``ERP_Customer_Id__c = value``.

    Another live Account holding the value loses it first (the field is unique); teardown clears it.
    """
    record_id = normalize_id(params["id"])
    if record_id is None or record_id[:3] != store.describe("Account").key_prefix:
        raise MalformedId(f"Account ID: id value of incorrect type: {params['id']}")
    value = params["value"]
    with store.transaction(allow_save=True):
        record = store.table("Account").get(record_id)
        if action == "teardown":
            if record is not None and not record.deleted:
                store.update("Account", record.id, {ACCOUNT_KEY: None})
            return {"id": record_id}
        for other in store.find_external("Account", ACCOUNT_KEY, value):
            if other.id != record_id:
                store.update("Account", other.id, {ACCOUNT_KEY: None})
        if record is None:
            name = params.get("name", f"Account {value}")
            store.create("Account", {"Name": name, ACCOUNT_KEY: value}, record_id=_pinned(store, "Account", record_id))
        else:
            store.update("Account", record.id, {ACCOUNT_KEY: value})
    return {"id": record_id, "externalId": value}


@states.register("account {externalId} is on credit hold")
def account_on_credit_hold(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """The Account exists with ``Credit_Hold__c`` set (cleared again on teardown)."""
    result = account_exists(store, params, "setup")
    with store.transaction(allow_save=True):
        store.update("Account", result["id"], {"Credit_Hold__c": action == "setup"})
    return result


@states.register("account {externalId} has no tasks")
def account_has_no_tasks(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """The Account exists (as in ``account {externalId} exists``) and no Task is attached to it."""
    result = account_exists(store, params, "setup")
    if action == "setup":
        tasks = [t.id for t in store.table("Task").values() if not t.deleted and t.values.get("WhatId") == result["id"]]
        with store.transaction(allow_save=True):
            for task_id in tasks:
                store.delete("Task", task_id)
    return result


@states.register("opportunity {externalId} is closed won")
def opportunity_closed_won(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """An Opportunity (by ``External_Id__c`` or id) at stage Closed Won with a positive Amount.

    ``params.accountExternalId`` names its Account (created if needed), ``params.amount`` its Amount and
    ``params.id`` pins its id.
    """
    key = params["externalId"]
    if action == "teardown":
        found = _find(store, "Opportunity", OPPORTUNITY_KEY, key)
        return {"id": found.id} if found else {}
    account = account_exists(store, {"externalId": params.get("accountExternalId", PACT_ACCOUNT_KEY)}, "setup")
    amount = params.get("amount", "100000")
    body = {
        "Name": params.get("name", f"Opportunity {key}"),
        "AccountId": account["id"],
        "CloseDate": params.get("closeDate", store.ctx.clock.now().date().isoformat()),
        "StageName": "Closed Won",
        "Amount": amount,
    }
    record = _ensure(store, "Opportunity", OPPORTUNITY_KEY, key, body, params.get("id"))
    changes: dict[str, Any] = {"StageName": "Closed Won"}
    current = record.values.get("Amount")
    if "amount" in params or current is None or current <= 0:
        changes["Amount"] = amount
    with store.transaction(allow_save=True):
        store.update("Opportunity", record.id, changes)
    return {"id": record.id, "accountId": record.values.get("AccountId") or account["id"]}


@states.register("opportunity {externalId} is locked for approval")
def opportunity_locked(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """The Opportunity (by ``External_Id__c`` or id) is in a pending approval: writes get ENTITY_IS_LOCKED.

    Created (Prospecting, with an Account) if missing; teardown recalls the approval.
    """
    key = params["externalId"]
    found = _find(store, "Opportunity", OPPORTUNITY_KEY, key)
    with store.transaction(allow_save=True):
        pending = store.pending_approval(found.id) if found is not None else None
        if action == "teardown":
            if pending is not None:
                approvals.decide(store, pending.id, "Removed")
            return {"id": found.id} if found else {}
        if found is None:
            account = account_exists(store, {"externalId": params.get("accountExternalId", PACT_ACCOUNT_KEY)}, "setup")
            body = {
                "Name": params.get("name", f"Opportunity {key}"),
                "AccountId": account["id"],
                "CloseDate": store.ctx.clock.now().date().isoformat(),
                "StageName": "Negotiation/Review",
            }
            found = _ensure(store, "Opportunity", OPPORTUNITY_KEY, key, body, params.get("id"))
        if pending is None:
            pending = approvals.submit(store, found.id)
    return {"id": found.id, "processInstanceId": pending.id}


@states.register("the daily API quota is spent")
def daily_quota_spent(store: CrmStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Every later REST call of the tenant gets 403 ``REQUEST_LIMIT_EXCEEDED`` (teardown: back to zero used)."""
    limit = store.ctx.settings().daily_api_limit
    if action == "setup":
        store.quota.spend_all(ORG, limit, store.ctx.clock.now())
    else:
        store.quota.reset()
    return {"used": store.api_requests, "max": limit}
