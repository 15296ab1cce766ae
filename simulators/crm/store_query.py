"""SOQL over one tenant's records, and the query cursors behind ``nextRecordsUrl``.

A query answers its first batch; when more rows remain a cursor is kept and its locator (``01g...-2000``)
names the next batch. Cursors belong to the user who opened them (the session token stands for the user),
at most ``max_open_cursors`` per user (opening another drops that user's oldest), and expire after
``query_locator_ttl_hours`` of simulated time: both answer ``INVALID_QUERY_LOCATOR``
(reference/vendor-apis.md 1.4, FM-18).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from simulators.crm import soql, soql_eval
from simulators.crm.exceptions import InvalidQueryLocator, QueryTimeout
from simulators.crm.records import SObject
from simulators.crm.soql_syntax import BoolOp

if TYPE_CHECKING:
    from simulators.crm.models import CrmStore

LOCATOR_PREFIX = "01g"
QUERY_TIMEOUT_MESSAGE = "Your query request was running too long"


@dataclass(slots=True)
class QueryPage:
    """One batch of a query result."""

    query: soql.Query
    records: list[SObject]
    total: int
    locator: str | None
    """``01g...-N`` for the next batch, or None when this batch is the last."""


@dataclass(slots=True)
class _Cursor:
    query: soql.Query
    rows: list[SObject]
    batch: int
    owner: str
    opened: datetime


def _candidates(store: CrmStore, q: soql.Query, table: dict[str, SObject]) -> list[SObject]:
    """The rows a query must look at: with ``Field = 'x'`` (or ``IN``) on an indexed field at the top of the
    WHERE clause only the rows holding those values (in table order), else every row."""
    where = q.where
    conjuncts = where.items if isinstance(where, BoolOp) and where.op == "AND" else (where,)
    for cond in conjuncts:
        if (
            isinstance(cond, soql.Condition)
            and not cond.ref.lookups
            and cond.op in ("=", "IN")
            and all(isinstance(v, str) for v in cond.values)
        ):
            ids = store.indexed_ids(q.obj.name, cond.ref.field.name, cond.values)
            if ids is not None:
                return [r for r in table.values() if r.id in ids] if ids else []
    return list(table.values())


class QueryEngine:
    """Runs SOQL for a store and keeps its open cursors."""

    def __init__(self) -> None:
        self._cursors: OrderedDict[str, _Cursor] = OrderedDict()

    def clear(self) -> None:
        """Drop every open cursor."""
        self._cursors.clear()

    def run(self, store: CrmStore, text: str, *, include_deleted: bool, batch_size: int, owner: str) -> QueryPage:
        """The first batch of a query (``GET .../query`` or ``.../queryAll``)."""
        now = store.ctx.clock.now()
        q = soql.bind(text, store.schema, now.date())
        candidates = _candidates(store, q, store.table(q.obj.name))
        limit = store.ctx.settings().query_timeout_rows
        if limit is not None and len(candidates) > limit:
            raise QueryTimeout(QUERY_TIMEOUT_MESSAGE)

        def reader(row: SObject) -> soql_eval.ValueOf:
            return lambda ref: store.value(row, ref)

        rows = [r for r in candidates if include_deleted or not r.deleted]
        if q.where is not None:
            rows = [r for r in rows if soql_eval.matches(q.where, reader(r))]
        rows = soql_eval.order(rows, q.order_by, reader)
        rows = rows[q.offset :]
        if q.limit is not None:
            rows = rows[: q.limit]
        if q.count:
            return QueryPage(q, [], len(rows), None)
        return self._batch(store, _Cursor(q, rows, batch_size, owner, now), 0, None)

    def more(self, store: CrmStore, locator: str, owner: str) -> QueryPage:
        """The batch a ``nextRecordsUrl`` locator (``01g...-2000``) points to."""
        locator_id, _, position = locator.partition("-")
        cursor = self._cursors.get(locator_id)
        settings = store.ctx.settings()
        if cursor is not None and store.ctx.clock.now() - cursor.opened > timedelta(
            hours=settings.query_locator_ttl_hours
        ):
            del self._cursors[locator_id]
            cursor = None
        if cursor is None or cursor.owner != owner or not position.isdigit():
            raise InvalidQueryLocator("invalid query locator")
        return self._batch(store, cursor, int(position), locator_id)

    def _batch(self, store: CrmStore, cursor: _Cursor, position: int, locator_id: str | None) -> QueryPage:
        end = position + cursor.batch
        locator = None
        if end < len(cursor.rows):
            if locator_id is None:
                locator_id = store.new_id(LOCATOR_PREFIX)
                self._cursors[locator_id] = cursor
                self._evict(cursor.owner, store.ctx.settings().max_open_cursors)
            locator = f"{locator_id}-{end}"
        return QueryPage(cursor.query, cursor.rows[position:end], len(cursor.rows), locator)

    def _evict(self, owner: str, keep: int) -> None:
        mine = [key for key, c in self._cursors.items() if c.owner == owner]
        for key in mine[: max(0, len(mine) - keep)]:
            del self._cursors[key]
