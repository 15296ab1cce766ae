"""The save rules of the CRM, in Salesforce's order of execution.

Approval locks, required fields and lookups (system validation), derived fields (stage mapping, names,
line-item prices), validation rules and duplicate rules as org metadata, then unique values (the database);
after the save, roll-ups (line items -> Opportunity Amount) run the parent's rules in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from simulators.crm import soql_eval
from simulators.crm.exceptions import (
    DuplicatesDetected,
    DuplicateValue,
    EntityIsLocked,
    FieldCustomValidationException,
    FieldIntegrityException,
    InactiveOwnerOrUser,
    InvalidCrossReferenceKey,
    RequiredFieldMissing,
)
from simulators.crm.fields import ObjectDef
from simulators.crm.metadata import DuplicateRuleSpec, ValidationRuleSpec
from simulators.crm.records import SObject
from simulators.crm.standard import STAGES, TASK_CLOSED_STATUSES

if TYPE_CHECKING:
    from simulators.crm.models import CrmStore

LOCKED = "the entity is locked for editing"
LINE_ITEM = "OpportunityLineItem"
_CENT = Decimal("0.01")


def check(
    store: CrmStore,
    obj: ObjectDef,
    values: dict[str, Any],
    changes: Mapping[str, Any],
    own: SObject | None,
    *,
    system: bool = False,
) -> None:
    """Run every save rule on the merged ``values`` (derived fields are written into it)."""
    if not system:
        if own is not None:
            check_not_locked(store, own)
        if obj.name == LINE_ITEM:
            parent = store.by_id(str(values.get("OpportunityId") or ""))
            if parent is not None:
                check_not_locked(store, parent)
    missing = [name for name in obj.required_fields if values.get(name) in (None, "")]
    if missing:
        raise RequiredFieldMissing(f"Required fields are missing: [{', '.join(missing)}]", fields=missing)
    _references(store, obj, changes)
    _derive(store, obj, values, changes)
    schema = store.schema
    _validation_rules(store, obj, values, schema.validation_rules(obj.name))
    if not system:
        _duplicate_rules(store, obj, values, changes, own, schema.duplicate_rules(obj.name))
    _unique(store, obj, changes, own)


def check_not_locked(store: CrmStore, record: SObject) -> None:
    """``ENTITY_IS_LOCKED`` when a pending approval process holds the record."""
    if store.pending_approval(record.id) is not None:
        raise EntityIsLocked(LOCKED, fields=[])


def _references(store: CrmStore, obj: ObjectDef, changes: Mapping[str, Any]) -> None:
    for f in obj.lookups:
        value = changes.get(f.name)
        if value is None:
            continue
        parent = store.by_id(value)
        if parent is None or parent.deleted:
            raise InvalidCrossReferenceKey("invalid cross reference id")
        if parent.type == "User" and not parent.values.get("IsActive"):
            raise InactiveOwnerOrUser(
                f"operation performed with inactive user [{value}] as owner of [{obj.name.lower()}]", fields=[]
            )


def _derive(store: CrmStore, obj: ObjectDef, values: dict[str, Any], changes: Mapping[str, Any]) -> None:
    if obj.name == "Opportunity":
        stage = STAGES.get(values.get("StageName") or "")
        if stage is not None:
            values.update(IsClosed=stage.closed, IsWon=stage.won, ForecastCategoryName=stage.forecast)
            if "StageName" in changes and "Probability" not in changes:
                values["Probability"] = Decimal(stage.probability)
    elif obj.name in ("Contact", "User"):
        values["Name"] = " ".join(p for p in (values.get("FirstName"), values.get("LastName")) if p) or None
    elif obj.name == "Task":
        values["IsClosed"] = values.get("Status") in TASK_CLOSED_STATUSES
    elif obj.name == LINE_ITEM:
        _line_item(store, values, changes)


def _line_item(store: CrmStore, values: dict[str, Any], changes: Mapping[str, Any]) -> None:
    """Prices (UnitPrice x Quantity = TotalPrice, exactly one of them given) and the copied parent fields."""
    unit, total = changes.get("UnitPrice"), changes.get("TotalPrice")
    if unit is not None and total is not None:
        raise FieldIntegrityException(
            "field integrity exception: TotalPrice (cannot specify both unit price and total price)",
            fields=["TotalPrice"],
        )
    quantity: Decimal = values["Quantity"]
    if total is not None:
        if quantity == 0:
            raise FieldIntegrityException("field integrity exception: Quantity (cannot be zero)", fields=["Quantity"])
        values["UnitPrice"] = (total / quantity).quantize(_CENT, rounding=ROUND_HALF_UP)
    elif values.get("UnitPrice") is None:
        raise FieldIntegrityException(
            "field integrity exception: unknown (must specify either unit price or total price)", fields=[]
        )
    else:
        values["TotalPrice"] = (values["UnitPrice"] * quantity).quantize(_CENT, rounding=ROUND_HALF_UP)
    opportunity = store.by_id(str(values.get("OpportunityId") or ""))
    product = store.by_id(str(values.get("Product2Id") or ""))
    product_name = product.values.get("Name") if product is not None else None
    if opportunity is not None:
        values["CurrencyIsoCode"] = opportunity.values.get("CurrencyIsoCode")
        values["Name"] = " ".join(str(p) for p in (opportunity.values.get("Name"), product_name) if p)
    values["ProductCode"] = product.values.get("ProductCode") if product is not None else None


def _validation_rules(
    store: CrmStore, obj: ObjectDef, values: Mapping[str, Any], active: tuple[ValidationRuleSpec, ...]
) -> None:
    for rule in active:
        condition = store.bound_condition(obj, rule.error_condition)
        if soql_eval.matches(condition, lambda ref: store.value_of(values, ref)):
            raise FieldCustomValidationException(rule.message, fields=[rule.error_field] if rule.error_field else [])


def _duplicate_rules(
    store: CrmStore,
    obj: ObjectDef,
    values: Mapping[str, Any],
    changes: Mapping[str, Any],
    own: SObject | None,
    active: tuple[DuplicateRuleSpec, ...],
) -> None:
    for rule in active:
        if own is not None and not any(name in changes for name in rule.fields):
            continue
        matches = _duplicates(store, obj, rule, values, own)
        if not matches:
            continue
        allowed = rule.action == "allow"
        if allowed and store.allow_save():
            continue
        raise DuplicatesDetected(rule.message, _duplicate_result(store, obj, rule, matches, allowed))


def _duplicates(
    store: CrmStore, obj: ObjectDef, rule: DuplicateRuleSpec, values: Mapping[str, Any], own: SObject | None
) -> list[SObject]:
    wanted = [(name, values.get(name)) for name in rule.fields]
    for _, v in wanted:
        if not isinstance(v, str) or not v:
            return []
    first_name, first_value = wanted[0]
    found = []
    for candidate in store.find_by_value(obj.name, first_name, str(first_value)):
        if own is not None and candidate.id == own.id:
            continue
        theirs = candidate.values
        if all(isinstance(theirs.get(n), str) and theirs[n].lower() == str(v).lower() for n, v in wanted):
            found.append(candidate)
    return found


def _duplicate_result(
    store: CrmStore, obj: ObjectDef, rule: DuplicateRuleSpec, matches: list[SObject], allowed: bool
) -> dict[str, Any]:
    """The ``duplicateResult`` of a DUPLICATES_DETECTED error (DuplicateResult/MatchResult objects)."""
    records = []
    for match in matches:
        attributes = {"type": match.type}
        version = store.api_version()
        if version:
            attributes["url"] = f"/services/data/v{version}.0/sobjects/{match.type}/{match.id}"
        record = {"attributes": attributes, "Id": match.id}
        records.append({"additionalInformation": [], "fieldDiffs": [], "matchConfidence": 100.0, "record": record})
    return {
        "allowSave": allowed,
        "duplicateRule": rule.name,
        "duplicateRuleEntityType": obj.name,
        "errorMessage": rule.message,
        "matchResults": [
            {
                "entityType": obj.name,
                "errors": [],
                "matchEngine": "ExactMatchEngine",
                "matchRecords": records,
                "rule": rule.match_rule,
                "size": len(records),
                "success": True,
            }
        ],
    }


def _unique(store: CrmStore, obj: ObjectDef, changes: Mapping[str, Any], own: SObject | None) -> None:
    for f in obj.unique_fields:
        value = changes.get(f.name)
        if not isinstance(value, str):
            continue
        for other in store.find_by_value(obj.name, f.name, value):
            if own is None or other.id != own.id:
                raise DuplicateValue(
                    f"duplicate value found: {f.name} duplicates value on record with id: {other.id[:15]}", fields=[]
                )


def stamp(obj: ObjectDef, values: dict[str, Any], now: datetime, user: str) -> None:
    """The audit fields of a save."""
    if obj.audited:
        values.update(LastModifiedDate=now, LastModifiedById=user, SystemModstamp=now)


def roll_up(store: CrmStore, opportunity_id: str) -> None:
    """Opportunity ``Amount`` = sum of its live line items' ``TotalPrice``; ``HasOpportunityLineItem``."""
    opportunity = store.by_id(opportunity_id)
    if opportunity is None or opportunity.deleted:
        return
    items = [
        r for r in store.table(LINE_ITEM).values() if not r.deleted and r.values.get("OpportunityId") == opportunity_id
    ]
    total = sum((r.values.get("TotalPrice") or Decimal(0) for r in items), Decimal(0)).quantize(_CENT)
    store.system_update(opportunity, {"Amount": total, "HasOpportunityLineItem": bool(items)})
