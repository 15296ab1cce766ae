"""The world hangs together across the three simulators, once loaded into their stores."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from simulators.datagen import World
from simulators.datagen.calendar import from_day_number, public_holidays
from simulators.datagen.parties import near_duplicate_name
from simulators.psa.models import entry_amount


def test_every_erp_customer_maps_to_a_crm_account_and_a_psa_client_except_the_defects(
    standard: World, standard_stores: dict[str, Any]
) -> None:
    crm, psa, erp = standard_stores["crm"], standard_stores["psa"], standard_stores["erp"]
    accounts = [r.values for r in crm.records["Account"].values()]
    by_erp_id = defaultdict(list)
    for acc in accounts:
        if acc.get("ERP_Customer_Id__c"):
            by_erp_id[acc["ERP_Customer_Id__c"]].append(acc)
    clients = {w.client_ref for w in psa.tables["workspaces"].values()}
    defects = {c.key: c.defect for c in standard.customers}
    unmapped = set()
    for cust in erp.db.data["customer"].values():
        key = cust.externalId
        if len(by_erp_id.get(key, [])) != 1 or key not in clients:
            unmapped.add(key)
    assert unmapped == {k for k, d in defects.items() if d == "unmapped"}
    assert unmapped, "the standard profile carries unmapped customers"
    names = {a["Name"] for a in accounts if not a.get("ERP_Customer_Id__c")}
    twins = [c for c in standard.customers if c.defect == "near_duplicate"]
    assert twins
    for c in twins:  # a second Account, without the ERP id, whose name differs only in case and punctuation
        assert near_duplicate_name(c.name) in names
        assert near_duplicate_name(c.name).lower().replace(" inc", "") == c.name.lower().replace(",", "").replace(
            ".", ""
        )
    assert all(c.tax_id is None for c in standard.customers if c.defect == "missing_tax")
    assert all(c.tax_id for c in standard.customers if c.defect != "missing_tax")


def test_every_time_entry_belongs_to_an_assignment_of_its_consultant_on_an_active_project_in_its_dates(
    standard_stores: dict[str, Any],
) -> None:
    psa = standard_stores["psa"]
    entries = list(psa.tables["time_entries"].values())
    assert len(entries) > 20_000
    for e in entries:
        part = psa.participation_for(e.workspace_id, e.user_id)
        assert part is not None, e
        assert part.start_date is None or part.start_date <= e.date_performed, (e, part)
        assert part.end_date is None or e.date_performed <= part.end_date, (e, part)
        assert psa.tables["workspaces"][e.workspace_id].status == "active"
        if e.story_id is not None:
            assert psa.tables["stories"][e.story_id].workspace_id == e.workspace_id


def test_time_is_booked_on_working_days_of_the_consultants_country(standard: World) -> None:
    t = standard.timesheets
    country = {c.psa_id: c.country for c in standard.consultants}
    first, last = standard.closing_month, standard.today
    days = [from_day_number(d) for d in t.day.tolist()]
    assert all(d.weekday() < 5 for d in days)
    for user, d in zip(t.user.tolist(), days, strict=True):
        assert d not in public_holidays(country[user], first, last)
    assert first <= min(days)
    assert max(days) < standard.today


def test_approved_hours_times_rate_reconcile_to_the_expected_billable_amount_per_project(
    standard: World, standard_stores: dict[str, Any]
) -> None:
    psa = standard_stores["psa"]
    billed: dict[int, Decimal] = defaultdict(Decimal)
    for e in psa.tables["time_entries"].values():
        if e.approved and e.billable:
            billed[e.workspace_id] += entry_amount(e)
    expected = standard.expected_billable()
    assert expected
    assert dict(billed) == expected
    # Each entry carries the rate its participation gives (its own rate, or the rate card's for the role).
    for e in list(psa.tables["time_entries"].values())[:2000]:
        assert e.rate == psa.bill_rate(psa.participation_for(e.workspace_id, e.user_id))


def test_erp_history_ages_receivables_and_puts_customers_near_and_over_their_limit(
    standard: World, standard_stores: dict[str, Any]
) -> None:
    erp = standard_stores["erp"]
    customers = list(erp.db.data["customer"].values())
    assert len(erp.db.data["invoice"]) == len(standard.invoices) > 1000
    assert len(erp.db.data["customerPayment"]) == len(standard.payments)
    over = [c for c in customers if c.creditLimit is not None and c.balance > c.creditLimit]
    near = [c for c in customers if c.creditLimit and Decimal("0.8") * c.creditLimit <= c.balance <= c.creditLimit]
    assert over
    assert near
    assert all(c.onCreditHold for c in over)
    overdue = [i for i in erp.db.data["invoice"].values() if i.amountRemaining > 0 and i.dueDate < standard.today]
    assert overdue
    assert any(i.status == "paidInFull" for i in erp.db.data["invoice"].values())
