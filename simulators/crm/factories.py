"""Seed the CRM from the shared world: users, products, customers as Accounts, opportunities as Opportunities.

Users and products are fixed (the world has no sales team); accounts are owned by the sales reps in turn,
so "alert the account owner" has someone to alert. No RNG draw is needed, so seeding never shifts the data RNG.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.crm.standard import INTEGRATION_USER_ID
from simulators.datagen import World

if TYPE_CHECKING:
    from simulators.crm.models import CrmStore

COUNTRY_NAMES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany"}
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
        body = {**account_fields(index, c.key, c.name, c.currency, c.country), "OwnerId": reps[index % len(reps)]}
        record = store.create("Account", body)
        account_ids[c.key] = record.id
        currencies[c.key] = c.currency
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
