"""The simulated clock: the only source of time for domain code.

Two modes: ``frozen`` (time moves only when advanced through the control plane: deterministic) and
``running`` (time flows from an anchor at ``rate`` times wall speed, for interactive sandboxes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

ClockMode = Literal["frozen", "running"]

DEFAULT_START = datetime(2026, 10, 30, 9, 0, tzinfo=UTC)
"""Default simulated start: the last business days before an October month-end close."""


@dataclass(slots=True)
class SimClock:
    """A settable, advanceable clock returning timezone-aware UTC datetimes."""

    start: datetime = DEFAULT_START
    mode: ClockMode = "frozen"
    rate: float = 1.0
    _initial: tuple[ClockMode, float] = field(init=False)
    _anchor: datetime = field(init=False)
    _anchor_mono: float = field(init=False)
    _monotonic: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start")
        self._initial = (self.mode, self.rate)
        self._anchor = self.start
        self._anchor_mono = self._monotonic()

    def now(self) -> datetime:
        """The current simulated time."""
        if self.mode == "frozen":
            return self._anchor
        elapsed = (self._monotonic() - self._anchor_mono) * self.rate
        return self._anchor + timedelta(seconds=elapsed)

    def set(self, now: datetime | None = None, mode: ClockMode | None = None, rate: float | None = None) -> None:
        """Set the time, the mode or the rate; time keeps flowing from the new anchor in ``running`` mode."""
        current = self.now()
        if now is not None:
            if now.tzinfo is None:
                raise ValueError("simulated time must be timezone-aware")
            current = now.astimezone(UTC)
        if mode is not None:
            self.mode = mode
        if rate is not None:
            if rate <= 0:
                raise ValueError("rate must be positive")
            self.rate = rate
        self._anchor = current
        self._anchor_mono = self._monotonic()

    def advance(self, delta: timedelta) -> datetime:
        """Move simulated time forward by ``delta`` (never backward) and return the new time."""
        if delta < timedelta(0):
            raise ValueError("the simulated clock only moves forward")
        self.set(now=self.now() + delta)
        return self.now()

    def reset(self) -> None:
        """Back to the configured start, mode and rate."""
        self.mode, self.rate = self._initial
        self._anchor = self.start
        self._anchor_mono = self._monotonic()

    def reconfigure(self, start: datetime, mode: ClockMode, rate: float) -> None:
        """New start, mode and rate (for a reset), keeping this object: stores hold a reference to it."""
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start")
        self.start, self.mode, self.rate = start, mode, rate
        self._initial = (mode, rate)
        self.reset()

    def as_dict(self) -> dict[str, object]:
        """The clock's state for the control plane."""
        return {"now": self.now().isoformat(), "mode": self.mode, "rate": self.rate, "start": self.start.isoformat()}
