"""The PSA domain without HTTP: seeding from the world, rates, the approval and billing rules, snapshots."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simulators._core.app import SimulatorApp
from simulators.datagen import build_world
from simulators.psa.entities import Participation
from simulators.psa.exceptions import (
    NotBillable,
    NotParticipant,
    OutsideAssignment,
    RecordLocked,
    SubmissionConflict,
    TimeEntryLocked,
    ValidationError,
    WorkspaceOnHold,
)
from simulators.psa.models import PsaStore, TimeEntryInput, entry_amount, entry_eligible
from simulators.psa.records import ListQuery


@pytest.fixture
def store(app: SimulatorApp) -> PsaStore:
    """The default tenant's store."""
    s: PsaStore = app.state.sim.tenant().store
    return s


def _staffed(store: PsaStore, part_id: int = 5001) -> TimeEntryInput:
    part = store.tables["participations"][part_id]
    return TimeEntryInput(part.workspace_id, part.user_id, date(2026, 10, 28), 120)


def test_the_world_is_loaded_with_its_psa_ids(store: PsaStore) -> None:
    world = build_world(42, "small")
    assert sorted(store.tables["users"]) == [c.psa_id for c in world.consultants]
    assert sorted(store.tables["workspaces"]) == [p.psa_id for p in world.projects]
    assert sorted(store.tables["participations"]) == [a.psa_id for a in world.assignments]
    project = world.projects[0]
    ws = store.tables["workspaces"][project.psa_id]
    assert (ws.client_ref, ws.billing_model, ws.budget) == (project.customer_key, project.billing_model, project.budget)
    assert store.tables["rate_cards"][ws.rate_card_id].currency == ws.currency
    assignment = world.assignments[0]
    part = store.tables["participations"][assignment.psa_id]
    assert (part.workspace_id, part.user_id, store.bill_rate(part)) == (
        assignment.project_psa_id,
        assignment.consultant_psa_id,
        assignment.bill_rate,
    )
    assert part.start_date == project.start_date
    assert part.end_date is None
    assert {r.name for r in store.tables["roles"].values()} == {c.role for c in world.consultants}


def test_bill_rate_is_the_participations_then_the_rate_cards_then_the_users(store: PsaStore) -> None:
    part: Participation = store.tables["participations"][5001]
    user = store.tables["users"][part.user_id]
    card_rate = next(
        r.rate
        for r in store.tables["rate_card_roles"].values()
        if r.role_id == user.role_id and r.rate_card_id == store.tables["workspaces"][part.workspace_id].rate_card_id
    )
    assert part.rate is None
    assert store.bill_rate(part) == card_rate
    store.update_participation(part.id, {"rate": Decimal("99")})
    assert store.bill_rate(part) == Decimal("99")
    store.update_participation(part.id, {"rate": None})
    store.update_workspace(part.workspace_id, {"rate_card_id": None})
    assert store.bill_rate(part) == user.default_bill_rate


def test_approval_locks_and_a_lock_refuses_edits(store: PsaStore) -> None:
    (entry,) = store.create_time_entries([_staffed(store)])
    sub = store.submit_timesheet(entry.user_id, [entry.id])
    with pytest.raises(TimeEntryLocked, match="submitted for approval"):
        store.update_time_entry(entry.id, {"time_in_minutes": 10})
    store.approve_submission(sub.id)
    assert entry.approved
    assert entry_eligible(entry)
    with pytest.raises(TimeEntryLocked, match="locked because it has been approved"):
        store.update_time_entry(entry.id, {"time_in_minutes": 10})
    with pytest.raises(TimeEntryLocked):
        store.delete_time_entry(entry.id)
    with pytest.raises(SubmissionConflict, match="only new submissions can be cancelled"):
        store.cancel_submission(sub.id)


def test_staffing_rules(store: PsaStore) -> None:
    data = _staffed(store)
    staffed = {p.user_id for p in store.tables["participations"].values() if p.workspace_id == data.workspace_id}
    outsider = next(u for u in store.tables["users"] if u not in staffed)
    with pytest.raises(NotParticipant) as caught:
        store.create_time_entries([TimeEntryInput(data.workspace_id, outsider, data.date_performed, 60)])
    assert caught.value.fields == ["user_id"]
    with pytest.raises(OutsideAssignment):
        store.create_time_entries([TimeEntryInput(data.workspace_id, data.user_id, date(2001, 1, 1), 60)])
    store.update_workspace(data.workspace_id, {"status": "on_hold"})
    with pytest.raises(WorkspaceOnHold):
        store.create_time_entries([data])


def test_a_submitted_entry_cannot_change_hands(store: PsaStore) -> None:
    store.ctx.settings().lock_submitted_entries = False
    (entry,) = store.create_time_entries([_staffed(store)])
    store.submit_timesheet(entry.user_id, [entry.id])
    other = next(p for p in store.tables["participations"].values() if p.user_id != entry.user_id)
    with pytest.raises(ValidationError, match="its user cannot change"):
        store.update_time_entry(entry.id, {"user_id": other.user_id, "workspace_id": other.workspace_id})


def test_deleting_an_entry_of_an_unlocked_submission_leaves_the_submission(store: PsaStore) -> None:
    store.ctx.settings().lock_submitted_entries = False
    a, b = store.create_time_entries([_staffed(store), _staffed(store)])
    sub = store.submit_timesheet(a.user_id, [a.id, b.id])
    store.delete_time_entry(a.id)
    assert sub.time_entry_ids == [b.id]


def test_invoicing_takes_only_eligible_items_and_cancel_releases_them(store: PsaStore) -> None:
    a, b = store.create_time_entries([_staffed(store), _staffed(store)])
    workspace_id = a.workspace_id
    with pytest.raises(NotBillable, match=f"Time entry {a.id} is not approved"):
        store.create_invoice({"workspace_ids": [workspace_id], "time_entry_ids": [a.id]})
    store.approve_submission(store.submit_timesheet(a.user_id, [a.id, b.id]).id)
    invoice = store.create_invoice({"workspace_ids": [workspace_id], "time_entry_ids": [a.id, b.id]})
    assert invoice.amount == entry_amount(a) + entry_amount(b) == Decimal(4) * a.rate
    assert (a.invoice_id, entry_eligible(a)) == (invoice.id, False)
    with pytest.raises(NotBillable, match="already on invoice"):
        store.create_invoice({"workspace_ids": [workspace_id], "time_entry_ids": [a.id]})
    store.update_invoice(invoice.id, {"draft": False})
    with pytest.raises(RecordLocked, match="cancel it instead"):
        store.delete_invoice(invoice.id)
    store.cancel_invoice(invoice.id)
    assert (invoice.status, a.invoice_id, entry_eligible(a)) == ("cancelled", None, True)
    store.delete_invoice(invoice.id)
    assert invoice.id not in store.tables["invoices"]


def test_snapshot_and_restore_round_trip(store: PsaStore) -> None:
    (entry,) = store.create_time_entries([_staffed(store)])
    store.approve_submission(store.submit_timesheet(entry.user_id, [entry.id]).id)
    snap = store.snapshot()
    assert {"users", "workspaces", "participations", "time_entries", "timesheet_submissions", "invoices"} <= set(snap)
    assert snap["time_entries"][0]["rate"] == str(entry.rate)
    assert snap["time_entries"][0]["approved"] is True
    store.create_time_entries([_staffed(store)])
    store.restore(snap)
    assert store.snapshot() == snap
    assert store.tables["time_entries"][1].rate == entry.rate
    (again,) = store.create_time_entries([_staffed(store)])
    assert again.id == 2


def test_restore_refuses_unknown_tables(store: PsaStore) -> None:
    with pytest.raises(ValidationError, match="Unknown record type in snapshot: spaceships"):
        store.restore({"spaceships": []})


def test_rates_may_be_given_in_decimal(store: PsaStore) -> None:
    data = _staffed(store)
    data.rate = Decimal("99.99")
    (entry,) = store.create_time_entries([data])
    assert entry.rate == Decimal("99.99")


def test_listing_sorts_by_cents_fields(store: PsaStore) -> None:
    page = store.list_users(ListQuery(limit=200, order=(("default_bill_rate_in_cents", True), ("id", False))))
    rates = [u.default_bill_rate for u in page.items]
    assert rates == sorted(rates, reverse=True)
    assert page.total == len(store.tables["users"])


def test_records_added_out_of_id_order_list_in_id_order(store: PsaStore) -> None:
    store.add(Participation(4000, 2001, 1016, None, "Consultant"))
    assert [p.id for p in store.rows("participations")][:2] == [4000, 5001]
