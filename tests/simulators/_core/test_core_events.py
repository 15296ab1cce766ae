"""The event log: ordered emission, seeded duplicates and reordering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from simulators._core.clock import SimClock
from simulators._core.events import EventLog, EventSettings
from simulators._core.rng import make_rng

START = datetime(2026, 10, 30, 9, 0, tzinfo=UTC)


def _log(settings: EventSettings, seed: int = 42, clock: SimClock | None = None) -> EventLog:
    clock = clock or SimClock(start=START)
    return EventLog(clock.now, lambda: settings, make_rng(seed, "erp", "default", "events"))


def _emit_many(log: EventLog, n: int) -> list[tuple[int, str, int | None]]:
    for i in range(n):
        log.emit("invoice.posted", "invoice", str(i), {"n": i})
    return [(e.id, e.subject_id, e.duplicate_of) for e in log.all()]


def test_events_are_appended_in_order_with_clock_time() -> None:
    clock = SimClock(start=START)
    log = _log(EventSettings(), clock=clock)
    log.emit("a", "invoice", "1", {"x": 1})
    clock.advance(timedelta(minutes=5))
    added = log.emit("b", "invoice", "2", {"x": 2})
    assert [e.id for e in added] == [2]
    assert [(e.id, e.type, e.created_at) for e in log.all()] == [
        (1, "a", START),
        (2, "b", START + timedelta(minutes=5)),
    ]


def test_duplicate_rate_one_duplicates_every_event() -> None:
    log = _log(EventSettings(duplicate_rate=1.0))
    added = log.emit("invoice.posted", "invoice", "7", {"amount": "10.00"})
    assert len(added) == 2
    original, dup = added
    assert dup.duplicate_of == original.id
    assert dup.id != original.id
    assert (dup.type, dup.subject_id, dup.payload) == (original.type, original.subject_id, original.payload)
    assert dup.payload is not original.payload


def test_reorder_rate_one_places_each_event_before_the_previous() -> None:
    log = _log(EventSettings(reorder_rate=1.0))
    _emit_many(log, 3)
    # 1; 2 goes before 1; 3 goes before the last (1).
    assert [e.id for e in log.all()] == [2, 3, 1]


def test_without_rates_nothing_is_duplicated_or_reordered() -> None:
    log = _log(EventSettings())
    assert _emit_many(log, 20) == [(i + 1, str(i), None) for i in range(20)]


def test_delivery_quirks_are_deterministic_per_seed() -> None:
    settings = EventSettings(duplicate_rate=0.3, reorder_rate=0.3)
    first = _emit_many(_log(settings, seed=3), 50)
    assert first == _emit_many(_log(settings, seed=3), 50)
    assert first != _emit_many(_log(settings, seed=4), 50)
    assert any(dup is not None for _, _, dup in first)


def test_snapshot_is_json_ready() -> None:
    log = _log(EventSettings())
    log.emit("credit_hold.changed", "customer", "3", {"hold": "ON"})
    assert log.snapshot() == [
        {
            "id": 1,
            "type": "credit_hold.changed",
            "subject_type": "customer",
            "subject_id": "3",
            "payload": {"hold": "ON"},
            "created_at": "2026-10-30T09:00:00+00:00",
            "duplicate_of": None,
            "reads": 0,
            "deliveries": [],
        }
    ]
