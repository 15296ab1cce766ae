"""Vendor limits kept per tenant (an org or account), shared by every client of that tenant.

- :class:`ConcurrencyPool`: NetSuite's account-wide concurrency limit (the request over it is refused).
- :class:`RateWindow`: a per-minute request rate (Kantata), over wall-clock time: a rate is a transport
  property, and a frozen simulated clock must not freeze it.
- :class:`RollingQuota`: Salesforce's rolling 24 h allocation, over simulated time, so a scenario can
  spend it and advance the clock to get it back.
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import datetime, timedelta


class ConcurrencyPool:
    """In-flight requests per tenant against a limit."""

    def __init__(self) -> None:
        self._in_flight: dict[str, int] = defaultdict(int)

    def try_acquire(self, tenant: str, limit: int) -> bool:
        """Take a slot, or False when ``limit`` requests are already in flight."""
        if self._in_flight[tenant] >= limit:
            return False
        self._in_flight[tenant] += 1
        return True

    def release(self, tenant: str) -> None:
        """Give a slot back."""
        self._in_flight[tenant] = max(0, self._in_flight[tenant] - 1)

    def in_flight(self, tenant: str) -> int:
        """Requests in flight for ``tenant``."""
        return self._in_flight[tenant]


class RateWindow:
    """At most ``limit`` requests per tenant in any sliding 60 s of monotonic time."""

    def __init__(self, window_s: float = 60.0) -> None:
        self._window_s = window_s
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, tenant: str, limit: int, now: float) -> bool:
        """Count a request, or False (uncounted) when the window is full."""
        seen = self._seen[tenant]
        while seen and seen[0] <= now - self._window_s:
            seen.popleft()
        if len(seen) >= limit:
            return False
        seen.append(now)
        return True


class RollingQuota:
    """A rolling allocation over simulated time (Salesforce: 24 h), per tenant."""

    def __init__(self, window: timedelta = timedelta(hours=24)) -> None:
        self._window = window
        self._used: dict[str, deque[datetime]] = defaultdict(deque)

    def _expire(self, tenant: str, now: datetime) -> deque[datetime]:
        used = self._used[tenant]
        while used and used[0] <= now - self._window:
            used.popleft()
        return used

    def consume(self, tenant: str, limit: int, now: datetime) -> bool:
        """Spend one call, or False (unspent) when ``limit`` calls were made in the window."""
        used = self._expire(tenant, now)
        if len(used) >= limit:
            return False
        used.append(now)
        return True

    def used(self, tenant: str, now: datetime) -> int:
        """Calls spent in the window ending ``now``."""
        return len(self._expire(tenant, now))

    def spend_all(self, tenant: str, limit: int, now: datetime) -> None:
        """Use up the allocation (the provider state "the daily API quota is spent")."""
        used = self._expire(tenant, now)
        used.extend([now] * max(0, limit - len(used)))

    def reset(self) -> None:
        """Forget every call."""
        self._used.clear()


class Limits:
    """Every limit's state for one simulator."""

    def __init__(self) -> None:
        self.pool = ConcurrencyPool()
        self.rate = RateWindow()
