"""Seed the CRM from the shared world: users, products, customers as Accounts with their Contacts,
opportunities as Opportunities.

Users and products are fixed (the world has no sales team); accounts are owned by the sales reps in turn,
so "alert the account owner" has someone to alert. No RNG draw is needed, so seeding never shifts the data RNG.
The world's data-quality defects show here: an ``unmapped`` customer's Account has no ``ERP_Customer_Id__c``,
a ``near_duplicate`` customer has a second Account with a near-identical name and no ERP id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.crm.standard import INTEGRATION_USER_ID
from simulators.datagen import World
from simulators.datagen.parties import near_duplicate_name

if TYPE_CHECKING:
    from simulators.crm.models import CrmStore

COUNTRY_NAMES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France"}
INDUSTRIES = ("Technology", "Manufacturing", "Healthcare", "Retail", "Banking", "Energy", "Consulting")
USERS: tuple[dict[str, Any], ...] = (
    {"FirstName": "Integration", "LastName": "User", "Alias": "integ", "Title": "API Integration"},
    {"FirstName": "Avery", "LastName": "Lindqvist", "Alias": "alind", "Title": "Account Executive"},
    {"FirstName": "Jordan", "LastName": "Okafor", "Alias": "jokaf", "Title": "Account Executive"},
    {"FirstName": "Morgan", "LastName": "Reyes", "Alias": "mreye", "Title": "Sales Director"},
)
"""The org's users: the integration user (``005000000000001AAA``) first, then the sales team."""
PRODUCTS: tuple[dict[str, Any], ...] = (
    {"Name": "Professional Services (T&M)", "ProductCode": "PS-TM", "Family": "Services"},
    {"Name": "Fixed-Fee Implementation", "ProductCode": "PS-FF", "Family": "Services"},
    {"Name": "Training Day", "ProductCode": "TRN-DAY", "Family": "Training"},
    {"Name": "Premium Support", "ProductCode": "SUP-PREM", "Family": "Support"},
)
ORG_DOMAIN = "p2c-sim.example.com"


def user_fields(index: int) -> dict[str, Any]:
    """The body of seeded user ``index`` (0 is the integration user)."""
    user = USERS[index]
    login = f"{user['FirstName']}.{user['LastName']}".lower()
    return {**user, "Username": f"{login}@{ORG_DOMAIN}", "Email": f"{login}@{ORG_DOMAIN}"}


def account_fields(index: int, key: str, name: str, currency: str, country: str) -> dict[str, Any]:
    """The body of a seeded Account (industry picked by position, so no RNG draw is needed)."""
    return {
        "Name": name,
        "Type": "Customer - Direct",
        "Industry": INDUSTRIES[index % len(INDUSTRIES)],
        "BillingCountry": COUNTRY_NAMES.get(country, country),
        "CurrencyIsoCode": currency,
        "ERP_Customer_Id__c": key,
        "Credit_Hold__c": False,
    }


def load_world(store: CrmStore, world: World) -> None:
    """Insert users, products, the world's Accounts and Opportunities through the normal save rules."""
    reps: list[str] = []
    for index in range(len(USERS)):
        user = store.create("User", user_fields(index), record_id=INTEGRATION_USER_ID if index == 0 else None)
        if index:
            reps.append(user.id)
    for product in PRODUCTS:
        store.create("Product2", {**product, "IsActive": True})
    account_ids: dict[str, str] = {}
    currencies: dict[str, str] = {}
    for index, c in enumerate(world.customers):
        body = {
            **account_fields(index, c.key, c.name, c.currency, c.country),
            "OwnerId": reps[index % len(reps)],
            "BillingStreet": c.street or None,
            "BillingCity": c.city[:40] or None,
            "BillingPostalCode": c.postcode or None,
            "Website": f"https://{c.domain}" if c.domain else None,
        }
        if c.defect == "unmapped":
            body["ERP_Customer_Id__c"] = None
        record = store.create("Account", {k: v for k, v in body.items() if v is not None})
        account_ids[c.key] = record.id
        currencies[c.key] = c.currency
        if c.defect == "near_duplicate":
            twin = {**body, "Name": near_duplicate_name(c.name), "Type": "Prospect"}
            store.create("Account", {k: v for k, v in twin.items() if v is not None and k != "ERP_Customer_Id__c"})
    for contact in world.contacts:
        account = store.get("Account", account_ids[contact.customer_key])
        store.create(
            "Contact",
            {
                "AccountId": account.id,
                "OwnerId": account.values["OwnerId"],
                "FirstName": contact.first_name,
                "LastName": contact.last_name,
                "Email": contact.email,
                "Title": contact.title,
                "Phone": contact.phone[:40],
                "CurrencyIsoCode": currencies[contact.customer_key],
            },
        )
    for o in world.opportunities:
        account = store.get("Account", account_ids[o.customer_key])
        store.create(
            "Opportunity",
            {
                "Name": o.name,
                "AccountId": account.id,
                "OwnerId": account.values["OwnerId"],
                "StageName": o.stage,
                "Amount": o.amount,
                "CloseDate": o.close_date.isoformat(),
                "CurrencyIsoCode": currencies[o.customer_key],
                "External_Id__c": o.key,
            },
        )
