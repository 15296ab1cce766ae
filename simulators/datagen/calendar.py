"""Dates: monthly accounting periods, the closing month, and working days per country (public holidays)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
import numpy as np
import numpy.typing as npt

from simulators.datagen.entities import Period, PeriodState

EPOCH = date(1970, 1, 1)


def month_start(d: date, offset: int = 0) -> date:
    """The first day of the month ``offset`` months from the month of ``d``."""
    month = d.month - 1 + offset
    return date(d.year + month // 12, month % 12 + 1, 1)


def month_end(d: date, offset: int = 0) -> date:
    """The last day of the month ``offset`` months from the month of ``d``."""
    return month_start(d, offset + 1) - timedelta(days=1)


def periods(today: date) -> tuple[Period, ...]:
    """Twelve months back and three ahead; months before the closing one (the month of ``today``) are closed."""
    out = []
    current = month_start(today)
    for offset in range(-12, 4):
        start = month_start(today, offset)
        state: PeriodState = "closed" if start < current else "open"
        out.append(Period(f"{start:%Y-%m}", start, month_end(today, offset), state))
    return tuple(out)


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the integer form of dates in the timesheet columns)."""
    return (d - EPOCH).days


def from_day_number(n: int) -> date:
    """The date of a day number."""
    return EPOCH + timedelta(days=n)


def week_start_number(days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The day number of the Monday of each day's week (1970-01-01 was a Thursday)."""
    return days - (days + 3) % 7


@lru_cache(maxsize=64)
def public_holidays(country: str, first: date, last: date) -> frozenset[date]:
    """The country's public holidays between two dates (the ``holidays`` package's national calendar)."""
    calendar = holidays.country_holidays(country, years=range(first.year, last.year + 1))
    return frozenset(d for d in calendar if first <= d <= last)


def working_days(country: str, first: date, last: date) -> npt.NDArray[np.bool_]:
    """For each day from ``first`` to ``last``: a weekday that is not a public holiday in ``country``."""
    n = (last - first).days + 1
    days = np.arange(day_number(first), day_number(first) + n, dtype=np.int64)
    mask: npt.NDArray[np.bool_] = (days + 3) % 7 < 5
    for d in public_holidays(country, first, last):
        mask[(d - first).days] = False
    return mask
