"""Org metadata as data: custom fields, custom objects, validation rules and duplicate rules.

Salesforce admins declare these in Setup (or deploy them with the Metadata API); here they are part of the
CRM settings (``PUT /__admin/settings {"metadata": ...}`` or ``SIM_CRM_METADATA``), so a scenario can add an
external-id field or a validation rule without code. :func:`default_metadata` is the org the seeded world
expects: ``Account.ERP_Customer_Id__c`` (external id, unique), ``Opportunity.External_Id__c``, a
``Project__c`` object, the "Closed Won needs an Amount" rule and a standard Account duplicate rule.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CustomFieldType = Literal[
    "string",
    "textarea",
    "email",
    "picklist",
    "boolean",
    "currency",
    "double",
    "percent",
    "date",
    "datetime",
    "reference",
]
CUSTOM_NAME = r"^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__c$"

CLOSED_WON_NEEDS_AMOUNT = "Opportunity amount must be greater than zero when stage is Closed Won"
DUPLICATE_ALERT = "Use one of these records?"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CustomFieldSpec(_Spec):
    """A custom field (Setup > Object Manager > Fields & Relationships)."""

    name: str = Field(pattern=CUSTOM_NAME, description="API name, ending in __c.")
    label: str | None = Field(default=None, description="Defaults to the name without __c, underscores as spaces.")
    type: CustomFieldType
    length: int = Field(default=255, ge=1, le=131072, description="Text length.")
    precision: int = Field(default=18, ge=1, le=18, description="Digits of a number, currency or percent.")
    scale: int = Field(default=2, ge=0, le=17, description="Decimal places of a number, currency or percent.")
    required: bool = False
    external_id: bool = Field(default=False, description="Usable for upserts (PATCH .../{Field}/{value}).")
    unique: bool = Field(default=False, description="Values must be unique (case-insensitively): DUPLICATE_VALUE.")
    reference_to: str | None = Field(default=None, description="The sObject a lookup (type reference) points to.")
    relationship_name: str | None = Field(default=None, description="Defaults to the name with __r for __c.")
    master_detail: bool = Field(default=False, description="Deleting the parent deletes the record.")
    picklist: tuple[str, ...] = ()
    restricted: bool = Field(default=False, description="Only picklist values are accepted.")
    default: str | bool | float | None = None


class CustomObjectSpec(_Spec):
    """A custom object with its standard fields (Id, Name, OwnerId, audit fields) and custom fields."""

    name: str = Field(pattern=CUSTOM_NAME)
    label: str
    label_plural: str
    key_prefix: str = Field(pattern=r"^a[0-9A-Za-z]{2}$", description="Three characters, starting with a.")
    name_field_label: str = "Name"
    allow_activities: bool = Field(default=True, description="Tasks can relate to it (Task.WhatId).")
    fields: tuple[CustomFieldSpec, ...] = ()


class ValidationRuleSpec(_Spec):
    """A validation rule: when ``error_condition`` holds for the record being saved, the save fails.

    The condition uses SOQL WHERE syntax over the merged record (parent fields such as
    ``Account.Credit_Hold__c`` included), standing in for Salesforce's formula language.
    """

    object: str
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    active: bool = True
    error_condition: str
    message: str
    error_field: str | None = Field(default=None, description="Field the error is shown on (its ``fields``).")


class DuplicateRuleSpec(_Spec):
    """A duplicate rule with an exact, case-insensitive matching rule over ``fields`` (all must match)."""

    object: str
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    match_rule: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    fields: tuple[str, ...] = Field(min_length=1)
    action: Literal["block", "allow"] = Field(
        default="allow",
        description="block: always refused; allow: refused unless Sforce-Duplicate-Rule-Header: allowSave=true.",
    )
    message: str = DUPLICATE_ALERT
    active: bool = True


class OrgMetadata(_Spec):
    """Everything an admin declares: custom fields per sObject, custom objects, rules."""

    custom_fields: dict[str, tuple[CustomFieldSpec, ...]] = Field(default_factory=dict)
    custom_objects: tuple[CustomObjectSpec, ...] = ()
    validation_rules: tuple[ValidationRuleSpec, ...] = ()
    duplicate_rules: tuple[DuplicateRuleSpec, ...] = ()


def _text(name: str, *, external_id: bool = False, unique: bool = False) -> CustomFieldSpec:
    return CustomFieldSpec(name=name, type="string", length=50, external_id=external_id, unique=unique)


def default_metadata() -> OrgMetadata:
    """The org the seeded world lives in."""
    project = CustomObjectSpec(
        name="Project__c",
        label="Project",
        label_plural="Projects",
        key_prefix="a01",
        name_field_label="Project Name",
        fields=(
            CustomFieldSpec(name="Account__c", type="reference", reference_to="Account"),
            CustomFieldSpec(name="Opportunity__c", type="reference", reference_to="Opportunity"),
            _text("PSA_Project_Id__c", external_id=True, unique=True),
            _text("ERP_Job_Id__c", external_id=True),
            CustomFieldSpec(
                name="Status__c",
                type="picklist",
                picklist=("Planned", "Active", "On Hold", "Closed"),
                restricted=True,
                default="Planned",
            ),
            CustomFieldSpec(
                name="Billing_Model__c",
                type="picklist",
                picklist=("Time and Materials", "Fixed Fee", "Milestone"),
            ),
            CustomFieldSpec(name="Start_Date__c", type="date"),
            CustomFieldSpec(name="Budget__c", type="currency", precision=16, scale=2),
        ),
    )
    return OrgMetadata(
        custom_fields={
            "Account": (
                _text("ERP_Customer_Id__c", external_id=True, unique=True),
                CustomFieldSpec(name="Credit_Hold__c", type="boolean"),
            ),
            "Opportunity": (
                _text("PSA_Project_Id__c"),
                _text("ERP_Job_Id__c"),
                _text("External_Id__c", external_id=True),
            ),
        },
        custom_objects=(project,),
        validation_rules=(
            ValidationRuleSpec(
                object="Opportunity",
                name="Closed_Won_Needs_Amount",
                error_condition="StageName = 'Closed Won' AND (Amount = null OR Amount <= 0)",
                message=CLOSED_WON_NEEDS_AMOUNT,
            ),
        ),
        duplicate_rules=(
            DuplicateRuleSpec(
                object="Account",
                name="Standard_Account_Duplicate_Rule",
                match_rule="Standard_Account_Match_Rule_v1_0",
                fields=("Name",),
            ),
        ),
    )
