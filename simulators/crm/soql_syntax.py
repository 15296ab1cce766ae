"""The SOQL syntax tree and the lark transformer that builds it (names and values are not checked here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer, v_args

from simulators.crm.exceptions import MalformedQuery


@dataclass(frozen=True, slots=True)
class Name:
    """A dotted field path as written, with the column of its first character."""

    parts: tuple[str, ...]
    column: int


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal as written: its lexical kind (``STRING``, ``NUMBER``, ...) and text."""

    kind: str
    text: str
    column: int


@dataclass(frozen=True, slots=True)
class Compare:
    """``field op value`` (``op`` upper-cased; ``IN``/``NOT IN`` take several values)."""

    field: Name
    op: str
    values: tuple[Lit, ...]


@dataclass(frozen=True, slots=True)
class BoolOp:
    """``AND`` or ``OR`` over two or more conditions."""

    op: str
    items: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Negation:
    """``NOT`` condition."""

    item: Any


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One ``ORDER BY`` key."""

    field: Name
    descending: bool
    nulls_first: bool


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed query, names not yet checked."""

    select: tuple[Name, ...]
    count: bool
    object_name: str
    object_column: int
    where: Any
    order_by: tuple[OrderItem, ...]
    limit: int | None
    offset: int


class ToAst(Transformer[Token, Any]):
    """Turns lark's parse tree (from ``soql.lark``) into the dataclasses above; one method per grammar rule."""

    @v_args(inline=True)
    def field_path(self, *names: Token) -> Name:
        return Name(tuple(str(n) for n in names), names[0].column or 1)

    def count_all(self, _: list[Any]) -> str:
        return "COUNT()"

    def select_list(self, items: list[Any]) -> list[Any]:
        return items

    @v_args(inline=True)
    def value(self, token: Token) -> Lit:
        return Lit(token.type, str(token), token.column or 1)

    def values(self, items: list[Lit]) -> tuple[Lit, ...]:
        return tuple(items)

    @v_args(inline=True)
    def compare(self, name: Name, op: Token, value: Lit | tuple[Lit, ...]) -> Compare:
        values = value if isinstance(value, tuple) else (value,)
        return Compare(name, " ".join(str(op).upper().split()), values)

    def or_cond(self, items: list[Any]) -> BoolOp:
        return BoolOp("OR", tuple(items))

    def and_cond(self, items: list[Any]) -> BoolOp:
        return BoolOp("AND", tuple(items))

    @v_args(inline=True)
    def negation(self, item: Any) -> Negation:
        return Negation(item)

    @v_args(inline=True)
    def where(self, cond: Any) -> tuple[str, Any]:
        return ("where", cond)

    def order_item(self, items: list[Any]) -> OrderItem:
        name, rest = items[0], [str(t).upper() for t in items[1:]]
        descending = "DESC" in rest
        nulls_first = "FIRST" in rest if "NULLS" in rest else not descending
        return OrderItem(name, descending, nulls_first)

    def order_by(self, items: list[OrderItem]) -> tuple[str, Any]:
        return ("order_by", tuple(items))

    @v_args(inline=True)
    def limit(self, token: Token) -> tuple[str, Any]:
        return ("limit", int(token))

    @v_args(inline=True)
    def offset(self, token: Token) -> tuple[str, Any]:
        return ("offset", int(token))

    def start(self, items: list[Any]) -> Parsed:
        select, obj = items[0], items[1]
        clauses = dict(items[2:])
        count = "COUNT()" in select
        if count and len(select) > 1:
            raise MalformedQuery("COUNT() must be the only element in the SELECT list")
        return Parsed(
            select=tuple(s for s in select if isinstance(s, Name)),
            count=count,
            object_name=str(obj),
            object_column=obj.column or 1,
            where=clauses.get("where"),
            order_by=clauses.get("order_by", ()),
            limit=clauses.get("limit"),
            offset=clauses.get("offset", 0),
        )
