"""Seed the CRM from the shared world: customers as Accounts, opportunities as Opportunities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.datagen import World

if TYPE_CHECKING:
    from simulators.crm.models import CrmStore

COUNTRY_NAMES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany"}
INDUSTRIES = ("Technology", "Manufacturing", "Healthcare", "Retail", "Banking", "Energy", "Consulting")


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
    """Insert the world's Accounts and Opportunities through the normal save rules, in world order."""
    account_ids: dict[str, str] = {}
    currencies: dict[str, str] = {}
    for index, c in enumerate(world.customers):
        record = store.create("Account", account_fields(index, c.key, c.name, c.currency, c.country))
        account_ids[c.key] = record.id
        currencies[c.key] = c.currency
    for o in world.opportunities:
        store.create(
            "Opportunity",
            {
                "Name": o.name,
                "AccountId": account_ids[o.customer_key],
                "StageName": o.stage,
                "Amount": o.amount,
                "CloseDate": o.close_date.isoformat(),
                "CurrencyIsoCode": currencies[o.customer_key],
                "External_Id__c": o.key,
            },
        )
