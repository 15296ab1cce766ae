"""The standard sObjects of a new org (Account, Contact, Opportunity, OpportunityLineItem, Product2, Task, User).

Custom fields (``ERP_Customer_Id__c``...) and custom objects (``Project__c``) are not here: they are org
metadata (:mod:`simulators.crm.metadata`), merged in by :mod:`simulators.crm.schema`.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulators.crm.fields import FieldDef, ObjectDef
from simulators.crm.ids import make_id

INTEGRATION_USER_ID = make_id("005", 1)
"""The user every simulated API call runs as (owner and creator of new records)."""


@dataclass(frozen=True, slots=True)
class Stage:
    """An OpportunityStage: what a StageName implies."""

    probability: int
    closed: bool
    won: bool
    forecast: str


STAGES: dict[str, Stage] = {
    "Prospecting": Stage(10, False, False, "Pipeline"),
    "Qualification": Stage(10, False, False, "Pipeline"),
    "Needs Analysis": Stage(20, False, False, "Pipeline"),
    "Value Proposition": Stage(50, False, False, "Pipeline"),
    "Id. Decision Makers": Stage(60, False, False, "Pipeline"),
    "Perception Analysis": Stage(70, False, False, "Pipeline"),
    "Proposal/Price Quote": Stage(75, False, False, "Pipeline"),
    "Negotiation/Review": Stage(90, False, False, "Pipeline"),
    "Closed Won": Stage(100, True, True, "Closed"),
    "Closed Lost": Stage(0, True, False, "Omitted"),
}
"""The default sales process of a new org (Setup > Opportunity Stages)."""

TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
TASK_CLOSED_STATUSES = frozenset({"Completed"})
APPROVAL_STATUSES = ("Pending", "Approved", "Rejected", "Removed")
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY")


def system_fields(label: str, *, deletable: bool = True) -> tuple[FieldDef, ...]:
    """``Id`` and (for objects with a recycle bin) ``IsDeleted``."""
    out = [FieldDef("Id", f"{label} ID", "id", length=18, writable=False)]
    if deletable:
        out.append(FieldDef("IsDeleted", "Deleted", "boolean", writable=False))
    return tuple(out)


def _user_ref(name: str, label: str, relationship: str, *, writable: bool = False) -> FieldDef:
    return FieldDef(
        name, label, "reference", length=18, writable=writable, reference_to=("User",), relationship=relationship
    )


AUDIT_FIELDS = (
    FieldDef("CreatedDate", "Created Date", "datetime", writable=False),
    _user_ref("CreatedById", "Created By ID", "CreatedBy"),
    FieldDef("LastModifiedDate", "Last Modified Date", "datetime", writable=False),
    _user_ref("LastModifiedById", "Last Modified By ID", "LastModifiedBy"),
    FieldDef("SystemModstamp", "System Modstamp", "datetime", writable=False),
)
OWNER = _user_ref("OwnerId", "Owner ID", "Owner", writable=True)
CURRENCY = FieldDef("CurrencyIsoCode", "Currency ISO Code", "picklist", length=3, picklist=CURRENCIES, restricted=True)
_ACCOUNT_ID = FieldDef(
    "AccountId",
    "Account ID",
    "reference",
    length=18,
    reference_to=("Account",),
    relationship="Account",
    cascade_delete=True,
)


def _picklist(
    name: str,
    label: str,
    values: tuple[str, ...],
    *,
    required: bool = False,
    restricted: bool = False,
    writable: bool = True,
    default: str | None = None,
) -> FieldDef:
    return FieldDef(
        name,
        label,
        "picklist",
        length=255,
        picklist=values,
        required=required,
        restricted=restricted,
        writable=writable,
        default=default,
    )


ACCOUNT = ObjectDef(
    "Account",
    "Account",
    "Accounts",
    "001",
    (
        *system_fields("Account"),
        FieldDef("Name", "Account Name", "string", length=255, required=True),
        _picklist(
            "Type",
            "Account Type",
            ("Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller", "Other"),
        ),
        _picklist(
            "Industry",
            "Industry",
            ("Banking", "Consulting", "Energy", "Healthcare", "Manufacturing", "Retail", "Technology"),
        ),
        FieldDef("BillingStreet", "Billing Street", "textarea", length=255),
        FieldDef("BillingCity", "Billing City", "string", length=40),
        FieldDef("BillingPostalCode", "Billing Zip/Postal Code", "string", length=20),
        FieldDef("BillingCountry", "Billing Country", "string", length=80),
        FieldDef("Phone", "Account Phone", "string", length=40),
        FieldDef("Website", "Website", "string", length=255),
        CURRENCY,
        OWNER,
        *AUDIT_FIELDS,
    ),
)
CONTACT = ObjectDef(
    "Contact",
    "Contact",
    "Contacts",
    "003",
    (
        *system_fields("Contact"),
        _ACCOUNT_ID,
        FieldDef("LastName", "Last Name", "string", length=80, required=True),
        FieldDef("FirstName", "First Name", "string", length=40),
        FieldDef("Name", "Full Name", "string", length=121, writable=False),
        FieldDef("Email", "Email", "email", length=80),
        FieldDef("Phone", "Business Phone", "string", length=40),
        FieldDef("Title", "Title", "string", length=128),
        CURRENCY,
        OWNER,
        *AUDIT_FIELDS,
    ),
)
OPPORTUNITY = ObjectDef(
    "Opportunity",
    "Opportunity",
    "Opportunities",
    "006",
    (
        *system_fields("Opportunity"),
        _ACCOUNT_ID,
        FieldDef("Name", "Name", "string", length=120, required=True),
        _picklist("StageName", "Stage", tuple(STAGES), required=True, restricted=True),
        FieldDef("Amount", "Amount", "currency", precision=18, scale=2),
        FieldDef("Probability", "Probability (%)", "percent", precision=3, scale=0),
        FieldDef("CloseDate", "Close Date", "date", required=True),
        _picklist("Type", "Opportunity Type", ("New Business", "Existing Business")),
        _picklist("LeadSource", "Lead Source", ("Web", "Phone Inquiry", "Partner Referral", "Other")),
        FieldDef("Description", "Description", "textarea", length=32000),
        FieldDef("IsClosed", "Closed", "boolean", writable=False),
        FieldDef("IsWon", "Won", "boolean", writable=False),
        _picklist(
            "ForecastCategoryName",
            "Forecast Category",
            ("Pipeline", "Best Case", "Commit", "Omitted", "Closed"),
            writable=False,
        ),
        FieldDef("HasOpportunityLineItem", "Has Line Item", "boolean", writable=False),
        CURRENCY,
        OWNER,
        *AUDIT_FIELDS,
    ),
)
PRODUCT = ObjectDef(
    "Product2",
    "Product",
    "Products",
    "01t",
    (
        *system_fields("Product"),
        FieldDef("Name", "Product Name", "string", length=255, required=True),
        FieldDef("ProductCode", "Product Code", "string", length=255),
        _picklist("Family", "Product Family", ("Services", "Licenses", "Support", "Training")),
        FieldDef("IsActive", "Active", "boolean"),
        FieldDef("Description", "Product Description", "textarea", length=4000),
        CURRENCY,
        *AUDIT_FIELDS,
    ),
)
LINE_ITEM = ObjectDef(
    "OpportunityLineItem",
    "Opportunity Product",
    "Opportunity Product",
    "00k",
    (
        *system_fields("Line Item"),
        FieldDef(
            "OpportunityId",
            "Opportunity ID",
            "reference",
            length=18,
            required=True,
            create_only=True,
            reference_to=("Opportunity",),
            relationship="Opportunity",
            cascade_delete=True,
        ),
        FieldDef(
            "Product2Id",
            "Product ID",
            "reference",
            length=18,
            create_only=True,
            reference_to=("Product2",),
            relationship="Product2",
        ),
        FieldDef("Name", "Opportunity Product Name", "string", length=376, writable=False),
        FieldDef("ProductCode", "Product Code", "string", length=255, writable=False),
        FieldDef("Quantity", "Quantity", "double", precision=12, scale=2, required=True),
        FieldDef("UnitPrice", "Sales Price", "currency", precision=18, scale=2),
        FieldDef("TotalPrice", "Total Price", "currency", precision=18, scale=2),
        FieldDef("ServiceDate", "Date", "date"),
        FieldDef("Description", "Line Description", "string", length=255),
        FieldDef("CurrencyIsoCode", "Currency ISO Code", "picklist", length=3, writable=False, picklist=CURRENCIES),
        *AUDIT_FIELDS,
    ),
)
TASK = ObjectDef(
    "Task",
    "Task",
    "Tasks",
    "00T",
    (
        *system_fields("Activity"),
        FieldDef(
            "WhoId",
            "Name ID",
            "reference",
            length=18,
            reference_to=("Contact",),
            relationship="Who",
            cascade_delete=True,
        ),
        FieldDef(
            "WhatId",
            "Related To ID",
            "reference",
            length=18,
            reference_to=("Account", "Opportunity"),
            relationship="What",
            cascade_delete=True,
        ),
        FieldDef("Subject", "Subject", "string", length=255),
        FieldDef("ActivityDate", "Due Date Only", "date"),
        _picklist("Status", "Status", TASK_STATUSES, required=True, restricted=True, default="Not Started"),
        _picklist("Priority", "Priority", ("High", "Normal", "Low"), required=True, restricted=True, default="Normal"),
        _picklist("Type", "Type", ("Call", "Email", "Meeting", "Other")),
        FieldDef("Description", "Description", "textarea", length=32000),
        FieldDef("IsClosed", "Closed", "boolean", writable=False),
        CURRENCY,
        OWNER,
        *AUDIT_FIELDS,
    ),
)
USER = ObjectDef(
    "User",
    "User",
    "Users",
    "005",
    (
        *system_fields("User", deletable=False),
        FieldDef("Username", "Username", "string", length=80, required=True, unique=True),
        FieldDef("LastName", "Last Name", "string", length=80, required=True),
        FieldDef("FirstName", "First Name", "string", length=40),
        FieldDef("Name", "Full Name", "string", length=121, writable=False),
        FieldDef("Email", "Email", "email", length=128, required=True),
        FieldDef("Alias", "Alias", "string", length=8, required=True),
        FieldDef("Title", "Title", "string", length=80),
        FieldDef("Department", "Department", "string", length=80),
        FieldDef("IsActive", "Active", "boolean", default=True),
        _user_ref("ManagerId", "Manager ID", "Manager", writable=True),
        _picklist(
            "TimeZoneSidKey",
            "Time Zone",
            ("America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin"),
            restricted=True,
            default="America/Los_Angeles",
        ),
        *AUDIT_FIELDS,
    ),
    deletable=False,
)

PROCESS_INSTANCE = ObjectDef(
    "ProcessInstance",
    "Approval Process Instance",
    "Approval Process Instances",
    "04g",
    (
        FieldDef("Id", "Process Instance ID", "id", length=18, writable=False),
        FieldDef(
            "TargetObjectId",
            "Target Object ID",
            "reference",
            length=18,
            writable=False,
            reference_to=("Account", "Opportunity"),
            relationship="TargetObject",
        ),
        _picklist("Status", "Status", APPROVAL_STATUSES, writable=False),
        FieldDef("CompletedDate", "Completed Date", "datetime", writable=False),
        *AUDIT_FIELDS,
    ),
    createable=False,
    updateable=False,
    deletable=False,
)
"""An approval process run; a ``Pending`` one locks its target record (created by ``/process/approvals``)."""

STANDARD_OBJECTS: tuple[ObjectDef, ...] = (
    ACCOUNT,
    CONTACT,
    OPPORTUNITY,
    LINE_ITEM,
    PRODUCT,
    TASK,
    USER,
    PROCESS_INSTANCE,
)
ACTIVITY_TARGETS = (("Task", "WhatId"), ("ProcessInstance", "TargetObjectId"))
"""Polymorphic lookups that also point to every custom object that allows activities."""
