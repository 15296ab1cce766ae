"""The simulated clock: frozen and running modes, set and advance, and its guards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from simulators._core.clock import DEFAULT_START, SimClock

START = datetime(2026, 10, 30, 9, 0, tzinfo=UTC)


class FakeMonotonic:
    """A monotonic source the test moves by hand."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def mono() -> FakeMonotonic:
    return FakeMonotonic()


def test_default_start_is_timezone_aware_and_frozen() -> None:
    clock = SimClock()
    assert clock.now() == DEFAULT_START
    assert clock.now().tzinfo is not None
    assert clock.mode == "frozen"


def test_frozen_clock_ignores_wall_time(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    mono.value += 3600
    assert clock.now() == START


def test_running_clock_follows_monotonic_time_at_rate(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, mode="running", rate=60.0, _monotonic=mono)
    mono.value += 2.5
    assert clock.now() == START + timedelta(minutes=2.5)


def test_switching_to_running_anchors_at_the_current_time(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    mono.value += 100  # ignored while frozen
    clock.set(mode="running")
    assert clock.now() == START
    mono.value += 10
    assert clock.now() == START + timedelta(seconds=10)


def test_freezing_a_running_clock_keeps_the_time_reached(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, mode="running", _monotonic=mono)
    mono.value += 30
    clock.set(mode="frozen")
    mono.value += 1000
    assert clock.now() == START + timedelta(seconds=30)


def test_changing_rate_keeps_time_continuous(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, mode="running", _monotonic=mono)
    mono.value += 10
    clock.set(rate=2.0)
    assert clock.now() == START + timedelta(seconds=10)
    mono.value += 10
    assert clock.now() == START + timedelta(seconds=30)


def test_set_converts_to_utc(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    clock.set(now=datetime(2026, 11, 2, 10, 0, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)


def test_set_may_move_backwards_explicitly(mono: FakeMonotonic) -> None:
    # Setting is an explicit jump (the control plane's "restore a moment"); only advance is forward-only.
    clock = SimClock(start=START, _monotonic=mono)
    clock.set(now=START - timedelta(days=1))
    assert clock.now() == START - timedelta(days=1)


def test_advance_moves_forward_and_returns_new_time(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    assert clock.advance(timedelta(hours=5)) == START + timedelta(hours=5)
    assert clock.now() == START + timedelta(hours=5)


def test_advance_in_running_mode_adds_to_flowing_time(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, mode="running", _monotonic=mono)
    mono.value += 60
    clock.advance(timedelta(days=1))
    mono.value += 1
    assert clock.now() == START + timedelta(days=1, seconds=61)


def test_advance_refuses_to_go_backwards(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == START


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware start"):
        SimClock(start=datetime(2026, 10, 30, 9, 0))


def test_naive_set_is_refused_and_time_is_unchanged(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(now=datetime(2026, 11, 1))
    assert clock.now() == START


@pytest.mark.parametrize("rate", [0.0, -1.0])
def test_non_positive_rate_is_refused(mono: FakeMonotonic, rate: float) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    with pytest.raises(ValueError, match="rate must be positive"):
        clock.set(rate=rate)
    assert clock.rate == 1.0


def test_reset_returns_to_start(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    clock.advance(timedelta(days=3))
    clock.reset()
    assert clock.now() == START


def test_as_dict_reports_state(mono: FakeMonotonic) -> None:
    clock = SimClock(start=START, _monotonic=mono)
    clock.advance(timedelta(minutes=1))
    assert clock.as_dict() == {
        "now": "2026-10-30T09:01:00+00:00",
        "mode": "frozen",
        "rate": 1.0,
        "start": "2026-10-30T09:00:00+00:00",
    }
