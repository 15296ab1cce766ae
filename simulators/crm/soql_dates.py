"""SOQL date literals (``TODAY``, ``LAST_N_DAYS:30``, ``THIS_QUARTER``...) as inclusive ranges of days.

Ranges follow Salesforce's definitions with the default locale (weeks start on Sunday) and a fiscal year
equal to the calendar year: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DateRange:
    """A relative date literal as an inclusive range of days."""

    start: date
    end: date


def _month_start(day: date, months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)  # Sunday


def _quarter_start(day: date, quarters: int = 0) -> date:
    return _month_start(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), 3 * quarters)


def date_range(text: str, today: date) -> DateRange:
    """The days a date literal covers relative to ``today``."""
    word, _, arg = text.upper().partition(":")
    n = int(arg) if arg else 0
    week, month, quarter = _week_start(today), _month_start(today), _quarter_start(today)
    fixed: dict[str, tuple[date, date]] = {
        "TODAY": (today, today),
        "YESTERDAY": (today - ONE_DAY, today - ONE_DAY),
        "TOMORROW": (today + ONE_DAY, today + ONE_DAY),
        "THIS_WEEK": (week, week + 6 * ONE_DAY),
        "LAST_WEEK": (week - 7 * ONE_DAY, week - ONE_DAY),
        "NEXT_WEEK": (week + 7 * ONE_DAY, week + 13 * ONE_DAY),
        "THIS_MONTH": (month, _month_start(today, 1) - ONE_DAY),
        "LAST_MONTH": (_month_start(today, -1), month - ONE_DAY),
        "NEXT_MONTH": (_month_start(today, 1), _month_start(today, 2) - ONE_DAY),
        "THIS_QUARTER": (quarter, _quarter_start(today, 1) - ONE_DAY),
        "LAST_QUARTER": (_quarter_start(today, -1), quarter - ONE_DAY),
        "NEXT_QUARTER": (_quarter_start(today, 1), _quarter_start(today, 2) - ONE_DAY),
        "THIS_YEAR": (date(today.year, 1, 1), date(today.year, 12, 31)),
        "LAST_YEAR": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        "NEXT_YEAR": (date(today.year + 1, 1, 1), date(today.year + 1, 12, 31)),
        "LAST_90_DAYS": (today - 90 * ONE_DAY, today),
        "NEXT_90_DAYS": (today + ONE_DAY, today + 90 * ONE_DAY),
        "LAST_N_DAYS": (today - n * ONE_DAY, today),
        "NEXT_N_DAYS": (today + ONE_DAY, today + n * ONE_DAY),
        "N_DAYS_AGO": (today - n * ONE_DAY, today - n * ONE_DAY),
        "LAST_N_WEEKS": (week - 7 * n * ONE_DAY, week - ONE_DAY),
        "NEXT_N_WEEKS": (week + 7 * ONE_DAY, week + 7 * (n + 1) * ONE_DAY - ONE_DAY),
        "LAST_N_MONTHS": (_month_start(today, -n), month - ONE_DAY),
        "NEXT_N_MONTHS": (_month_start(today, 1), _month_start(today, n + 1) - ONE_DAY),
    }
    start, end = fixed[word]
    return DateRange(start, end)
