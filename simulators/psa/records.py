"""List queries: which slice of a table to return (``only``, ``order``, paging), applied in one place.

The entities themselves are in :mod:`simulators.psa.entities`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

from simulators.psa.exceptions import ValidationError

T = TypeVar("T")


@dataclass(slots=True, frozen=True)
class ListQuery:
    """Which slice of a list to return, in which order (already translated from the wire).

    Attributes:
        offset: records to skip.
        limit: records to return at most.
        only: the ids to restrict to (``only=``), or None for all.
        order: ``(field, descending)`` sort keys, most significant first; empty for id order.
    """

    offset: int = 0
    limit: int = 20
    only: frozenset[int] | None = None
    order: tuple[tuple[str, bool], ...] = ()


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a list and the number of records that matched."""

    items: list[T]
    total: int
    query: ListQuery = field(default_factory=ListQuery)


def _sort_key(attr: str) -> Callable[[Any], tuple[bool, Any]]:
    def key(record: Any) -> tuple[bool, Any]:
        value = getattr(record, attr)
        return (value is None, value)

    return key


def sortable_fields(kind: type[Any]) -> frozenset[str]:
    """Attribute names of a record type that ``order=`` may name (fields and properties)."""
    props = {name for name, value in vars(kind).items() if isinstance(value, property)}
    return frozenset({f.name for f in fields(kind)} | props)


def select(
    rows: Iterable[T],
    query: ListQuery,
    *,
    kind: type[T],
    id_of: Callable[[T], int],
    aliases: Mapping[str, str] | None = None,
    sortable: bool = True,
) -> Page[T]:
    """Filter ``rows`` by ``only``, sort them by ``order`` and cut the page.

    Args:
        rows: the records that passed the endpoint's filters, in default order.
        query: paging, ``only`` and ``order``.
        kind: the record type (to check ``order`` fields).
        id_of: a record's id.
        aliases: wire field names that differ from attribute names (``*_in_cents`` -> ``*`` is implied).
        sortable: whether ``order`` is accepted at all.

    Raises:
        ValidationError: ``order`` names a field the records do not have.
    """
    if query.order and not sortable:
        raise ValidationError("This endpoint does not support ordering", field="order")
    keys = []
    for name, descending in query.order:
        attr = (aliases or {}).get(name, name.removesuffix("_in_cents"))
        if attr not in sortable_fields(kind):
            raise ValidationError(f"Invalid order field: {name}", field="order")
        keys.append((attr, descending))
    if query.only is None:
        items = rows if isinstance(rows, list) else list(rows)
    else:
        items = [r for r in rows if id_of(r) in query.only]
    if keys:
        items = list(items)
    for attr, descending in reversed(keys):
        items.sort(key=_sort_key(attr), reverse=descending)
    return Page(items[query.offset : query.offset + query.limit], len(items), query)
