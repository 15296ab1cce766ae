"""A SuiteQL subset: read-only SELECTs (joins, WHERE, GROUP BY, ORDER BY, aggregates) over the tenant's records.

Parsed as Oracle-flavoured SQL by sqlglot and run by its Python executor over row views of the records.
Identifiers are case-insensitive; columns are NetSuite's lower-case field ids; booleans are ``'T'``/``'F'``;
dates compare as ISO strings (``TO_DATE('2026-10-01', 'YYYY-MM-DD')`` and ``DATE '2026-10-01'`` work) and
come back in the account's ``M/D/YYYY`` format; every value comes back as a string and a null column is
left out of its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.executor import execute

from simulators.erp.exceptions import InvalidParameter
from simulators.erp.models.suiteql_tables import TABLES, IsoDate

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore


@dataclass(slots=True)
class QueryResult:
    """A page of SuiteQL rows."""

    items: list[dict[str, str]]
    offset: int
    total: int

    @property
    def has_more(self) -> bool:
        """More rows after this page."""
        return self.offset + len(self.items) < self.total


def _bad(message: str) -> InvalidParameter:
    return InvalidParameter(
        f"Invalid search query. Detailed unprocessed description follows. Search error occurred: {message}"
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, IsoDate):
        day = date.fromisoformat(value)
        return f"{day.month}/{day.day}/{day.year}"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _prepare(query: str) -> tuple[exp.Expression, list[str]]:
    """Parse, normalise identifiers, fold date literals; refuse what the subset does not read."""
    try:
        statements = sqlglot.parse(query, read="oracle")
    except SqlglotError as exc:  # ParseError, TokenError (an unterminated quote), ...
        raise _bad(f"the query could not be parsed ({str(exc).splitlines()[0]}).") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Select | exp.Union):
        raise _bad("only one SELECT statement is supported.")
    tree: exp.Expression = statements[0]
    for ident in tree.find_all(exp.Identifier):
        if not ident.quoted:
            ident.set("this", ident.this.lower())
    for node in list(tree.find_all(exp.StrToDate, exp.StrToTime, exp.DateStrToDate)):
        literal = node.this
        if not isinstance(literal, exp.Literal) or not literal.is_string:
            raise _bad("TO_DATE and DATE need a literal string.")
        fmt = node.args.get("format")
        try:
            text = literal.this if fmt is None else datetime.strptime(literal.this, fmt.this).date().isoformat()
            date.fromisoformat(text)
        except ValueError:
            raise _bad(f"the date {literal.this!r} does not match its format.") from None
        node.replace(exp.Literal.string(text))
    tables = sorted({t.name for t in tree.find_all(exp.Table)})
    for name in tables:
        if name not in TABLES:
            raise _bad(f"Record '{name}' was not found.")
    aliases = {a.alias for a in tree.find_all(exp.Alias)}
    known = {c for name in tables for c in TABLES[name][0]} | aliases
    for column in tree.find_all(exp.Column):
        if column.name not in known and not isinstance(column.this, exp.Star):
            raise _bad(f"Field '{column.name}' for record '{tables[0] if tables else '?'}' was not found.")
    return tree, tables


def run_suiteql(store: ErpStore, query: str, limit: int, offset: int) -> QueryResult:
    """Run ``query`` and return the page ``[offset, offset + limit)`` (rows past the row cap are unreachable)."""
    tree, tables = _prepare(query)
    data = {}
    for name in tables:
        columns, build = TABLES[name]
        data[name] = [{c: row.get(c) for c in columns} for row in build(store)]
    try:
        result = execute(tree, tables=data)
    except Exception as exc:  # sqlglot's executor raises plain errors for what it cannot run
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise _bad(f"the query cannot be run ({type(exc).__name__}: {first}).") from None
    cap = store.ctx.settings().suiteql_max_rows
    rows = result.rows[:cap]
    page = rows[offset : offset + limit]
    names = [c.lower() for c in result.columns]
    items = [
        {col: text for col, value in zip(names, row, strict=True) if (text := _text(value)) is not None} for row in page
    ]
    return QueryResult(items, offset, len(rows))
