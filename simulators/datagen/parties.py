"""The firm (subsidiaries, rate cards), its customers with their contacts, and its consultants.

Faker gives identities and text (names, companies, addresses) with one seeded instance per locale; every
other choice comes from the seeded ``random.Random`` passed in, so the same seed gives the same parties.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import replace
from decimal import Decimal
from typing import Any

from simulators._core.rng import make_faker
from simulators.datagen.entities import Consultant, Contact, Customer, Defect, Subsidiary
from simulators.datagen.profiles import Profile

SUBSIDIARIES = (
    Subsidiary("US", "Honeycomb Holdings Inc.", "US", "USD", "en_US", ("New York", "Chicago", "San Francisco")),
    Subsidiary("GB", "Honeycomb UK Ltd", "GB", "GBP", "en_GB", ("London", "Manchester")),
    Subsidiary("DE", "Honeycomb GmbH", "DE", "EUR", "de_DE", ("Berlin", "Munich", "Frankfurt")),
    Subsidiary("FR", "Honeycomb France SAS", "FR", "EUR", "fr_FR", ("Paris", "Lyon")),
)
"""The firm's legal entities; the first is the parent company."""
COUNTRY_WEIGHTS = (0.45, 0.25, 0.18, 0.12)
"""How customers and consultants spread over the subsidiaries' countries."""

ROLES = ("Consultant", "Senior Consultant", "Architect", "Project Manager")
ROLE_WEIGHTS = (0.4, 0.3, 0.15, 0.15)
RateCards = dict[str, dict[str, Decimal]]
RATE_CARDS: RateCards = {
    "USD": {"Consultant": Decimal(150), "Senior Consultant": Decimal(190), "Architect": Decimal(240),
            "Project Manager": Decimal(210)},
    "GBP": {"Consultant": Decimal(120), "Senior Consultant": Decimal(150), "Architect": Decimal(195),
            "Project Manager": Decimal(170)},
    "EUR": {"Consultant": Decimal(135), "Senior Consultant": Decimal(175), "Architect": Decimal(220),
            "Project Manager": Decimal(190)},
}  # fmt: skip
"""The standard bill rate of each role, per currency (what a project in that currency is billed at)."""
COST_SHARE = Decimal("0.45")
"""A consultant's cost rate as a share of their home bill rate."""
TERMS = ("Net 30", "Net 45", "Net 60")
CREDIT_LIMITS = (50_000, 100_000, 250_000, 500_000)
TITLES = ("CFO", "Controller", "IT Director", "Head of Operations", "Procurement Manager", "VP Engineering")
DEFECTS: tuple[Defect, ...] = ("unmapped", "near_duplicate", "missing_tax")


def subsidiary_of(country: str) -> Subsidiary:
    """The subsidiary of a country (the parent company for a country the firm has no entity in)."""
    return next((s for s in SUBSIDIARIES if s.country == country), SUBSIDIARIES[0])


def fakers(seed: int) -> dict[str, Any]:
    """One seeded Faker per subsidiary country, in its locale."""
    return {s.country: make_faker(seed, "world", s.country, locale=s.locale) for s in SUBSIDIARIES}


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits of ``text`` (accents dropped), words joined by ``sep``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return sep.join(re.findall(r"[a-z0-9]+", plain))


def _tax_id(rng: random.Random, country: str) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(11))
    if country == "US":
        return f"{digits[:2]}-{digits[2:9]}"  # an EIN
    if country == "FR":
        return f"FR{digits}"
    return f"{country}{digits[:9]}"  # GB and DE VAT numbers have nine digits


def customers(
    count: int, size: Profile, rng: random.Random, extra: random.Random, fake: dict[str, Any], seed: int
) -> list[Customer]:
    """Customers in the firm's countries; with ``size.realism`` some are subsidiaries of an earlier one.

    ``rng`` draws the country, name, credit limit and terms; ``extra`` draws everything else (addresses
    come from their own Faker instances), so adding detail never changes the core of a world.
    """
    countries = ("US", "US", "GB", "DE", "FR") if size.realism else ("US", "GB", "DE")
    address = {s.country: make_faker(seed, "world", s.country, "address", locale=s.locale) for s in SUBSIDIARIES}
    out: list[Customer] = []
    for i in range(1, count + 1):
        sub = subsidiary_of(countries[rng.randrange(len(countries))])
        name = fake[sub.country].company()
        limit, terms = Decimal(rng.choice(CREDIT_LIMITS)), rng.choice(TERMS)
        f = address[sub.country]
        parent: Customer | None = None
        if size.realism and i > 3 and extra.random() < 0.15:
            parent = out[extra.randrange(len(out))]
            while parent.parent_key is not None:
                parent = out[int(parent.parent_key.split("-")[1]) - 1]
            name = f"{parent.name} - {f.city()}"
        defect: Defect | None = None
        if extra.random() < size.defect_share:
            defect = DEFECTS[extra.randrange(len(DEFECTS))]
        out.append(
            Customer(
                key=f"CUST-{i:05d}",
                name=name,
                currency=sub.currency,
                country=sub.country,
                credit_limit=limit,
                terms=terms,
                parent_key=parent.key if parent else None,
                street=f.street_address().replace("\n", ", "),
                city=f.city(),
                postcode=f.postcode(),
                tax_id=None if defect == "missing_tax" else _tax_id(extra, sub.country),
                subsidiary=sub.key,
                defect=defect,
                domain=f"{ascii_slug(name, '-')[:40].strip('-') or 'customer'}.example.com",
            )
        )
    return out


def near_duplicate_name(name: str) -> str:
    """A name a person would type for the same company (case and punctuation changed)."""
    plain = name.replace(",", "").replace(".", "")
    return plain.upper() if plain != name else f"{name} Inc"


def contacts(customer_list: list[Customer], rng: random.Random, fake: dict[str, Any]) -> list[Contact]:
    """One to three contacts per customer, named in the customer's locale, at the customer's domain."""
    out: list[Contact] = []
    for c in customer_list:
        f = fake[c.country]
        for _ in range(rng.randint(1, 3)):
            first, last = f.first_name(), f.last_name()
            out.append(
                Contact(
                    key=f"CON-{len(out) + 1:06d}",
                    customer_key=c.key,
                    first_name=first,
                    last_name=last,
                    email=f"{ascii_slug(first)}.{ascii_slug(last)}@{c.domain}",
                    title=rng.choice(TITLES),
                    phone=f.phone_number(),
                )
            )
    return out


LEGACY_LOCATIONS = ("New York", "London", "Berlin", "Chicago", "Toronto")
"""Where consultants of a plain (not ``realism``) world sit, by id."""


def consultants(
    count: int, size: Profile, rng: random.Random, extra: random.Random, fake: dict[str, Any], cards: RateCards
) -> list[Consultant]:
    """Consultants with a role, the bill rate of their home currency's card and a cost rate.

    With ``size.realism`` they work in the subsidiaries' offices and are named in their country's locale;
    otherwise every consultant is with the parent company.
    """
    out: list[Consultant] = []
    for i in range(1, count + 1):
        role = ROLES[rng.randrange(len(ROLES))]
        sub = extra.choices(SUBSIDIARIES, COUNTRY_WEIGHTS)[0] if size.realism else SUBSIDIARIES[0]
        f = fake[sub.country]
        rate = cards[sub.currency][role]
        first, last = f.first_name(), f.last_name()
        out.append(
            Consultant(
                psa_id=1000 + i,
                first_name=first,
                last_name=last,
                email=(
                    f"{ascii_slug(first)}.{ascii_slug(last)}{i}@honeycomb.example.com"
                    if size.realism
                    else f"{first}.{last}{i}@example.com".lower()
                ),
                role=role,
                bill_rate=rate,
                cost_rate=(rate * COST_SHARE).quantize(Decimal("0.01")),
                country=sub.country,
                location=extra.choice(sub.offices) if size.realism else LEGACY_LOCATIONS[(1000 + i) % 5],
                currency=sub.currency,
            )
        )
    return out


def rate_cards(size: Profile) -> RateCards:
    """The rate cards of a world: one per currency, or (plain worlds) the US card's rates in every currency."""
    if size.realism:
        return RATE_CARDS
    return {currency: dict(RATE_CARDS["USD"]) for currency in RATE_CARDS}


def with_credit_limit(customer: Customer, limit: Decimal) -> Customer:
    """The customer with another credit limit."""
    return replace(customer, credit_limit=limit)
