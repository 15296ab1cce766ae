"""A SOQL subset: parse with lark, bind names to sObject metadata, evaluate against records.

Supported: ``SELECT`` fields (and parent relationship paths up to five levels, ``Account.Owner.Email``) or
``COUNT()``,
``FROM`` one sObject, ``WHERE`` with ``= != <> < <= > >= LIKE IN NOT IN`` joined by ``AND``/``OR``/``NOT``
and parentheses, ``ORDER BY`` (``ASC|DESC``, ``NULLS FIRST|LAST``), ``LIMIT`` and ``OFFSET`` (at most
2,000). Errors carry Salesforce's position banner (the query line, a caret, ``ERROR at Row:r:Column:c``).
The grammar is ``soql.lark``; the syntax tree is in ``soql_syntax``; evaluation over rows in ``soql_eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from simulators.crm.exceptions import (
    CrmError,
    InvalidQueryField,
    InvalidQueryFilterOperator,
    InvalidType,
    MalformedQuery,
    NumberOutsideValidRange,
)
from simulators.crm.fields import NUMBER_TYPES, TEXT_TYPES, FieldDef, ObjectDef
from simulators.crm.ids import normalize_id
from simulators.crm.soql_dates import date_range
from simulators.crm.soql_syntax import BoolOp, Compare, Lit, Name, Negation, Parsed, ToAst

if TYPE_CHECKING:
    from simulators.crm.schema import Schema

MAX_OFFSET = 2000
_UNKNOWN_FIELD = (
    "No such column '{name}' on entity '{entity}'. If you are attempting to use a custom field, be sure to "
    "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
    "appropriate names."
)
_UNKNOWN_RELATIONSHIP = (
    "Didn't understand relationship '{name}' in field path. If you are attempting to use a custom relationship, "
    "be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe "
    "call for the appropriate names."
)
_UNKNOWN_TYPE = (
    "sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to append the "
    "'__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
)


@cache
def _parser() -> Lark:
    return Lark.open("soql.lark", rel_to=__file__, parser="lalr")


def _banner(text: str, line: int, column: int, message: str) -> str:
    """Salesforce's query error text: the query line, a caret under the column, the position, the message."""
    lines = text.splitlines() or [""]
    shown = lines[min(max(line, 1), len(lines)) - 1]
    return f"\n{shown}\n{' ' * (column - 1)}^\nERROR at Row:{line}:Column:{column}\n{message}"


@lru_cache(maxsize=512)
def parse(text: str) -> Parsed:
    """Parse SOQL text (cached: the tree is immutable), or raise ``MALFORMED_QUERY`` at the offending token."""
    if not text.strip():
        raise MalformedQuery("A query string has to be specified")
    try:
        tree = _parser().parse(text)
        result: Parsed = ToAst().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, CrmError):
            raise exc.orig_exc from None
        raise
    except UnexpectedInput as exc:
        raise MalformedQuery(_syntax_message(text, exc)) from None
    return result


def _syntax_message(text: str, exc: UnexpectedInput) -> str:
    line, column = exc.line if exc.line > 0 else 1, exc.column if exc.column > 0 else 1
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            last = text.rstrip().splitlines() or [""]
            return _banner(text, len(last), len(last[-1]) + 1, "unexpected token: <EOF>")
        return _banner(text, line, column, f"unexpected token: {exc.token}")
    if isinstance(exc, UnexpectedCharacters):
        return _banner(text, line, column, f"unexpected token: {exc.char}")
    return _banner(text, line, column, "unexpected token")


# -- binding ----------------------------------------------------------------------------------------------------
MAX_RELATIONSHIP_DEPTH = 5


@dataclass(frozen=True, slots=True)
class FieldRef:
    """A checked field path: a field of the queried object, or of a parent reached through lookups.

    ``lookups`` are the lookup fields walked from the queried object (``Opportunity.Account.Owner.Email``
    walks ``AccountId`` then ``OwnerId``); a polymorphic lookup (``What``) may only be the last hop, and its
    field must exist on every type it can point to.
    """

    field: FieldDef
    lookups: tuple[FieldDef, ...] = ()

    @property
    def path(self) -> tuple[str, ...]:
        """``("Name",)`` or ``("Account", "Name")``, as rendered in records."""
        return (*(lookup.relationship or lookup.name for lookup in self.lookups), self.field.name)


@dataclass(frozen=True, slots=True)
class Condition:
    """A checked comparison with typed values (and a compiled pattern for LIKE)."""

    ref: FieldRef
    op: str
    values: tuple[Any, ...]
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """A checked query, ready to run."""

    obj: ObjectDef
    select: tuple[FieldRef, ...]
    count: bool
    where: Any
    order_by: tuple[tuple[FieldRef, bool, bool], ...]
    limit: int | None
    offset: int


def bind(text: str, schema: Schema, today: date) -> Query:
    """Parse ``text`` and check every name and value against the org's schema."""
    parsed = parse(text)
    obj = schema.get(parsed.object_name)
    if obj is None:
        message = _UNKNOWN_TYPE.format(name=parsed.object_name)
        raise InvalidType(_banner(text, 1, parsed.object_column, message))
    if parsed.offset > MAX_OFFSET:
        raise NumberOutsideValidRange(f"Maximum SOQL offset allowed is {MAX_OFFSET}")
    binder = _Binder(text, obj, schema, today)
    select = tuple(binder.ref(n) for n in parsed.select) if not parsed.count else ()
    seen: set[tuple[str, ...]] = set()
    for ref in select:
        if ref.path in seen:
            raise MalformedQuery(f"duplicate field selected: {'.'.join(ref.path)}")
        seen.add(ref.path)
    return Query(
        obj=obj,
        select=select,
        count=parsed.count,
        where=binder.condition(parsed.where) if parsed.where is not None else None,
        order_by=tuple((binder.ref(o.field), o.descending, o.nulls_first) for o in parsed.order_by),
        limit=parsed.limit,
        offset=parsed.offset,
    )


def bind_condition(condition: str, obj: ObjectDef, schema: Schema, today: date) -> Any:
    """A WHERE condition over ``obj`` (validation rules use SOQL's filter syntax), checked and typed."""
    text = f"SELECT Id FROM {obj.name} WHERE {condition}"
    parsed = parse(text)
    return _Binder(text, obj, schema, today).condition(parsed.where)


class _Binder:
    def __init__(self, text: str, obj: ObjectDef, schema: Schema, today: date) -> None:
        self.text, self.obj, self.schema, self.today = text, obj, schema, today

    def _fail(self, column: int, message: str, error: type[CrmError] = InvalidQueryField) -> CrmError:
        return error(_banner(self.text, 1, column, message))

    def ref(self, name: Name) -> FieldRef:
        *hops, last = name.parts
        if len(hops) > MAX_RELATIONSHIP_DEPTH:
            raise self._fail(name.column, f"Relationship depth exceeds {MAX_RELATIONSHIP_DEPTH} levels")
        current: tuple[ObjectDef, ...] = (self.obj,)
        lookups: list[FieldDef] = []
        for hop in hops:
            lookup = current[0].relationship(hop) if len(current) == 1 else None
            targets = self.schema.targets(lookup) if lookup is not None else ()
            if lookup is None or not targets:
                raise self._fail(name.column, _UNKNOWN_RELATIONSHIP.format(name=hop))
            lookups.append(lookup)
            current = targets
        found = [obj.field(last) for obj in current]
        for obj, f in zip(current, found, strict=True):
            if f is None:
                raise self._fail(name.column, _UNKNOWN_FIELD.format(name=last, entity=obj.name))
        first = found[0]
        assert first is not None
        return FieldRef(first, tuple(lookups))

    def condition(self, node: Any) -> Any:
        if isinstance(node, BoolOp):
            return BoolOp(node.op, tuple(self.condition(i) for i in node.items))
        if isinstance(node, Negation):
            return Negation(self.condition(node.item))
        cmp: Compare = node
        ref = self.ref(cmp.field)
        values = tuple(self.value(ref, v) for v in cmp.values)
        op = "!=" if cmp.op == "<>" else cmp.op
        if any(v is None for v in values) and op not in ("=", "!=", "IN", "NOT IN"):
            raise self._fail(cmp.values[0].column, "invalid operator for null value", InvalidQueryFilterOperator)
        pattern = None
        if op == "LIKE":
            if ref.field.type not in TEXT_TYPES or ref.field.type in ("id", "reference"):
                message = f"invalid operator on {ref.field.type} field: {ref.field.name}"
                raise self._fail(cmp.field.column, message, InvalidQueryFilterOperator)
            pattern = _like(str(values[0] or ""))
        return Condition(ref, op, values, pattern)

    def value(self, ref: FieldRef, lit: Lit) -> Any:
        f, kind = ref.field, lit.kind
        if kind == "NULL":
            return None
        expected = {"boolean": "boolean", "date": "date", "datetime": "dateTime"}.get(f.type, "string")
        if f.type in NUMBER_TYPES:
            expected = "double"
        wants_quotes = expected == "string"
        if f.type in TEXT_TYPES and kind == "STRING":
            text = _unquote(lit.text)
            if f.type in ("id", "reference"):
                record_id = normalize_id(text)
                if record_id is None:
                    raise self._fail(lit.column, f"invalid ID field: {text}", InvalidQueryFilterOperator)
                return record_id
            return text
        if f.type in NUMBER_TYPES and kind == "NUMBER":
            return Decimal(lit.text)
        if f.type == "boolean" and kind in ("TRUE", "FALSE"):
            return kind == "TRUE"
        if f.type == "date" and kind == "DATE":
            return _parse_date(lit.text)
        if f.type == "datetime" and kind == "DATETIME":
            return datetime.fromisoformat(lit.text.replace("Z", "+00:00"))
        if f.type in ("date", "datetime") and kind == "DATE_LITERAL":
            return date_range(lit.text, self.today)
        enclosed = "be enclosed in quotes" if wants_quotes else "not be enclosed in quotes"
        message = f"value of filter criterion for field '{f.name}' must be of type {expected} and should {enclosed}"
        raise self._fail(lit.column, message, InvalidQueryFilterOperator)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise MalformedQuery(f"invalid date: {text}") from None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    """The value of a quoted literal; ``\\%`` and ``\\_`` keep their backslash for LIKE."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text[1:-1], flags=re.DOTALL)


def _like(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.IGNORECASE | re.DOTALL)
