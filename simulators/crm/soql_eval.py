"""Run a bound SOQL query's conditions and ordering over rows (any row type: the store reads the fields)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from simulators.crm.soql import Condition, FieldRef
from simulators.crm.soql_dates import DateRange
from simulators.crm.soql_syntax import BoolOp, Negation

ValueOf = Callable[[FieldRef], Any]
"""Reads one field of one row (the store resolves parent lookups)."""


def _key(ref: FieldRef, value: Any) -> Any:
    if isinstance(value, str) and ref.field.type not in ("id", "reference"):
        return value.lower()
    return value


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def _holds(cond: Condition, actual: Any) -> bool:
    op, values = cond.op, cond.values
    if op in ("IN", "NOT IN"):
        inside = actual is not None and _key(cond.ref, actual) in {_key(cond.ref, v) for v in values}
        return inside if op == "IN" else not inside
    expected = values[0]
    if expected is None:
        return (actual is None) == (op == "=")
    if actual is None:
        return op == "!="
    if op == "LIKE":
        return cond.pattern is not None and cond.pattern.match(str(actual)) is not None
    if isinstance(expected, DateRange):
        day = _day(actual)
        inside = expected.start <= day <= expected.end
        checks = {
            "=": inside,
            "!=": not inside,
            "<": day < expected.start,
            "<=": day <= expected.end,
            ">": day > expected.end,
            ">=": day >= expected.start,
        }
        return checks[op]
    a, e = _key(cond.ref, actual), _key(cond.ref, expected)
    checks = {"=": a == e, "!=": a != e, "<": a < e, "<=": a <= e, ">": a > e, ">=": a >= e}
    return checks[op]


def matches(cond: Any, value_of: ValueOf) -> bool:
    """Whether a row satisfies a bound condition."""
    if isinstance(cond, BoolOp):
        results = (matches(item, value_of) for item in cond.items)
        return all(results) if cond.op == "AND" else any(results)
    if isinstance(cond, Negation):
        return not matches(cond.item, value_of)
    condition: Condition = cond
    return _holds(condition, value_of(condition.ref))


def order(
    rows: Iterable[Any], keys: Sequence[tuple[FieldRef, bool, bool]], reader: Callable[[Any], ValueOf]
) -> list[Any]:
    """Rows sorted by ``ORDER BY`` keys (strings case-insensitively; nulls first on ASC, last on DESC)."""
    out = list(rows)
    for ref, descending, nulls_first in reversed(keys):
        values = [(reader(r)(ref), r) for r in out]
        absent = [r for v, r in values if v is None]
        present = [(_key(ref, v), r) for v, r in values if v is not None]
        present.sort(key=itemgetter(0), reverse=descending)
        ordered = [r for _, r in present]
        out = absent + ordered if nulls_first else ordered + absent
    return out
