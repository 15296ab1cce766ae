"""The PSA domain without HTTP: seeding from the world, the approval rules, snapshot and restore."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simulators._core.app import SimulatorApp
from simulators.datagen import build_world
from simulators.psa.exceptions import NotParticipant, SubmissionConflict, TimeEntryLocked, ValidationError
from simulators.psa.models import PsaStore, TimeEntryInput
from simulators.psa.records import ListQuery


@pytest.fixture
def store(app: SimulatorApp) -> PsaStore:
    """The default tenant's store."""
    s: PsaStore = app.state.sim.tenant().store
    return s


def _staffed(store: PsaStore) -> TimeEntryInput:
    part = store.tables["participations"][5001]
    return TimeEntryInput(part.workspace_id, part.user_id, date(2026, 10, 28), 120)


def test_the_world_is_loaded_with_its_psa_ids(store: PsaStore) -> None:
    world = build_world(42, "small")
    assert sorted(store.tables["users"]) == [c.psa_id for c in world.consultants]
    assert sorted(store.tables["workspaces"]) == [p.psa_id for p in world.projects]
    assert sorted(store.tables["participations"]) == [a.psa_id for a in world.assignments]
    project = world.projects[0]
    ws = store.tables["workspaces"][project.psa_id]
    assert (ws.client_ref, ws.billing_model, ws.budget) == (project.customer_key, project.billing_model, project.budget)
    assignment = world.assignments[0]
    part = store.tables["participations"][assignment.psa_id]
    assert (part.workspace_id, part.user_id, part.rate) == (
        assignment.project_psa_id,
        assignment.consultant_psa_id,
        assignment.bill_rate,
    )


def test_approval_locks_and_a_lock_refuses_edits(store: PsaStore) -> None:
    (entry,) = store.create_time_entries([_staffed(store)])
    sub = store.submit_timesheet(entry.user_id, [entry.id])
    store.approve_submission(sub.id)
    assert entry.approved
    with pytest.raises(TimeEntryLocked, match="locked because it has been approved"):
        store.update_time_entry(entry.id, {"time_in_minutes": 10})
    with pytest.raises(TimeEntryLocked):
        store.delete_time_entry(entry.id)
    with pytest.raises(SubmissionConflict, match="only pending submissions can be rejected"):
        store.reject_submission(sub.id)


def test_participation_is_required(store: PsaStore) -> None:
    data = _staffed(store)
    staffed = {p.user_id for p in store.tables["participations"].values() if p.workspace_id == data.workspace_id}
    data.user_id = next(u for u in store.tables["users"] if u not in staffed)
    with pytest.raises(NotParticipant) as caught:
        store.create_time_entries([data])
    assert caught.value.fields == ["user_id"]


def test_deleting_a_pending_entry_leaves_its_submission(store: PsaStore) -> None:
    a, b = store.create_time_entries([_staffed(store), _staffed(store)])
    sub = store.submit_timesheet(a.user_id, [a.id, b.id])
    store.delete_time_entry(a.id)
    assert sub.time_entry_ids == [b.id]


def test_a_submitted_entry_cannot_change_hands(store: PsaStore) -> None:
    (entry,) = store.create_time_entries([_staffed(store)])
    store.submit_timesheet(entry.user_id, [entry.id])
    other = next(p for p in store.tables["participations"].values() if p.user_id != entry.user_id)
    with pytest.raises(SubmissionConflict, match="its user cannot change"):
        store.update_time_entry(entry.id, {"user_id": other.user_id, "workspace_id": other.workspace_id})


def test_snapshot_and_restore_round_trip(store: PsaStore) -> None:
    (entry,) = store.create_time_entries([_staffed(store)])
    store.approve_submission(store.submit_timesheet(entry.user_id, [entry.id]).id)
    snap = store.snapshot()
    assert set(snap) == {"users", "workspaces", "participations", "time_entries", "timesheet_submissions"}
    assert snap["time_entries"][0]["rate"] == str(entry.rate)
    store.create_time_entries([_staffed(store)])
    store.restore(snap)
    assert store.snapshot() == snap
    assert store.tables["time_entries"][1].rate == entry.rate
    (again,) = store.create_time_entries([_staffed(store)])
    assert again.id == 2


def test_restore_refuses_unknown_tables(store: PsaStore) -> None:
    with pytest.raises(ValidationError, match="Unknown record type in snapshot: invoices"):
        store.restore({"invoices": []})


def test_rates_may_be_given_in_decimal(store: PsaStore) -> None:
    data = _staffed(store)
    data.rate = Decimal("99.99")
    (entry,) = store.create_time_entries([data])
    assert entry.rate == Decimal("99.99")


def test_listing_sorts_by_aliased_fields(store: PsaStore) -> None:
    page = store.list_participations(ListQuery(limit=200, order=(("rate_in_cents", True), ("id", False))))
    rates = [p.rate for p in page.items]
    assert rates == sorted(rates, reverse=True)
    assert page.total == len(store.tables["participations"])
