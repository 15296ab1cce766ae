"""The ``q`` filter of record lists: ``field OPERATOR value`` conditions joined by AND / OR and parentheses.

Operators per field type follow NetSuite's "Record Collection Filtering" table
(https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html). Dates are written
as the account's date format, ``M/D/YYYY``; anything else is "Unparseable date". Reference fields are
filtered by internal id; select fields by their key (``approvalStatus ANY_OF [2]``).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Literal

from simulators.erp.exceptions import InvalidParameter
from simulators.erp.models.records import RECORD_CLASSES

FieldKind = Literal["number", "string", "select", "boolean", "date"]
Predicate = Callable[[Any], bool]

ALIASES = {"datecreated": "created", "createddate": "created", "lastmodifieddate": "lastModified"}
ALIASES_BY_TYPE = {"job": {"jobbillingtype": "billingType"}, "invoice": {"customer": "entity"}}
SELECT_KEYS = {"approvalStatus": {"1": "pending", "2": "approved", "3": "rejected"}}
OPERATORS: dict[FieldKind, set[str]] = {
    "boolean": {"IS", "IS_NOT"},
    "number": {
        "ANY_OF",
        "ANY_OF_NOT",
        "BETWEEN",
        "BETWEEN_NOT",
        "EQUAL",
        "EQUAL_NOT",
        "GREATER",
        "GREATER_NOT",
        "GREATER_OR_EQUAL",
        "GREATER_OR_EQUAL_NOT",
        "LESS",
        "LESS_NOT",
        "LESS_OR_EQUAL",
        "LESS_OR_EQUAL_NOT",
        "WITHIN",
        "WITHIN_NOT",
    },
    "select": {"ANY_OF", "ANY_OF_NOT", "IS", "IS_NOT", "EQUAL", "EQUAL_NOT"},
    "string": {"CONTAIN", "CONTAIN_NOT", "IS", "IS_NOT", "START_WITH", "START_WITH_NOT", "END_WITH", "END_WITH_NOT"},
    "date": {
        "AFTER",
        "AFTER_NOT",
        "BEFORE",
        "BEFORE_NOT",
        "ON",
        "ON_NOT",
        "ON_OR_AFTER",
        "ON_OR_AFTER_NOT",
        "ON_OR_BEFORE",
        "ON_OR_BEFORE_NOT",
    },
}
_TOKEN = re.compile(r'\s*(?:(?P<punct>[()\[\],])|"(?P<quoted>[^"]*)"|(?P<word>[^\s()\[\],"]+))')
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _bad(message: str) -> InvalidParameter:
    return InvalidParameter(f"Invalid search query: {message}", query_param="q")


@cache
def _fields(record_type: str) -> dict[str, tuple[str, FieldKind]]:
    """lower-case name -> (attribute, kind) of the filterable fields of a record type."""
    hints = typing.get_type_hints(RECORD_CLASSES[record_type])
    out: dict[str, tuple[str, FieldKind]] = {}
    for name, hint in hints.items():
        args = [a for a in typing.get_args(hint) if a is not type(None)] if _is_union(hint) else [hint]
        kind: FieldKind | None = None
        if args == [bool]:
            kind = "boolean"
        elif any(a in (int, Decimal) for a in args):
            kind = "number"
        elif any(a in (date, datetime) for a in args):
            kind = "date"
        elif args == [str]:
            kind = "string"
        elif all(typing.get_origin(a) is Literal for a in args):
            kind = "select"
        if kind is not None:
            out[name.lower()] = (name, kind)
    return out


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if found is None or found.end() == pos:
            raise _bad(f"unexpected character at position {pos}.")
        pos = found.end()
        if found["punct"]:
            out.append(found["punct"])
        elif found["quoted"] is not None:
            out.append('"' + found["quoted"])
        elif found["word"]:
            out.append(found["word"])
    return out


def _date(raw: str) -> date:
    found = _DATE.match(raw)
    try:
        if found is None:
            raise ValueError(raw)
        return date(int(found[3]), int(found[1]), int(found[2]))
    except ValueError:
        raise InvalidParameter(f'Unparseable date: "{raw}"', query_param="q") from None


def _value(raw: str, kind: FieldKind, attr: str) -> Any:
    text = raw[1:] if raw.startswith('"') else raw
    if kind == "number":
        try:
            return Decimal(text)
        except InvalidOperation:
            raise _bad(f"{text!r} is not a number (field {attr}).") from None
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise _bad(f"{text!r} is not true or false (field {attr}).")
        return text.lower() == "true"
    if kind == "date":
        return _date(text)
    return SELECT_KEYS.get(attr, {}).get(text, text)


def _compare(op: str, have: Any, values: list[Any]) -> bool:
    if isinstance(have, datetime):
        have = have.date()
    if op == "EMPTY":
        return have is None or have == ""
    if have is None:
        return False
    v = values[0] if values else None
    if isinstance(have, str) and isinstance(v, str):
        have, v = have.lower(), v.lower()
        values = [x.lower() if isinstance(x, str) else x for x in values]
    tests: dict[str, Callable[[], bool]] = {
        "ANY_OF": lambda: have in values,
        "BETWEEN": lambda: values[0] <= have <= values[1],
        "WITHIN": lambda: values[0] <= have <= values[1],
        "EQUAL": lambda: have == v,
        "IS": lambda: have == v,
        "ON": lambda: have == v,
        "GREATER": lambda: have > v,
        "AFTER": lambda: have > v,
        "GREATER_OR_EQUAL": lambda: have >= v,
        "ON_OR_AFTER": lambda: have >= v,
        "LESS": lambda: have < v,
        "BEFORE": lambda: have < v,
        "LESS_OR_EQUAL": lambda: have <= v,
        "ON_OR_BEFORE": lambda: have <= v,
        "CONTAIN": lambda: v in have,
        "START_WITH": lambda: have.startswith(v),
        "END_WITH": lambda: have.endswith(v),
    }
    return tests[op]()


class _Parser:
    def __init__(self, record_type: str, text: str) -> None:
        self.record_type = record_type
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _bad("unexpected end of the query.")
        self.pos += 1
        return token

    def parse(self) -> Predicate:
        predicate = self.expr()
        if self.peek() is not None:
            raise _bad(f"unexpected {self.peek()!r}.")
        return predicate

    def expr(self) -> Predicate:
        parts = [self.conjunction()]
        while (self.peek() or "").upper() == "OR":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def conjunction(self) -> Predicate:
        parts = [self.atom()]
        while (self.peek() or "").upper() == "AND":
            self.take()
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def atom(self) -> Predicate:
        if self.peek() == "(":
            self.take()
            inner = self.expr()
            if self.take() != ")":
                raise _bad("missing ')'.")
            return inner
        return self.condition()

    def condition(self) -> Predicate:
        name = self.take()
        key = name.lower()
        key = ALIASES_BY_TYPE.get(self.record_type, {}).get(key, ALIASES.get(key, key))
        known = _fields(self.record_type)
        if key.lower() not in known:
            raise _bad(f"field {name!r} is not available for record {self.record_type}.")
        attr, kind = known[key.lower()]
        op = self.take().upper()
        base = op.removesuffix("_NOT")
        if base == "ENDWITH":
            base = "END_WITH"
        if base == "EMPTY":
            values: list[Any] = []
        else:
            if f"{base}_NOT" not in OPERATORS[kind] and base not in OPERATORS[kind]:
                raise _bad(f"operator {op} is not valid for the {kind} field {attr}.")
            values = self.values(kind, attr)
            if base in ("BETWEEN", "WITHIN") and len(values) != 2:
                raise _bad(f"{op} needs two values.")
            if base not in ("ANY_OF", "BETWEEN", "WITHIN") and len(values) != 1:
                raise _bad(f"{op} takes one value.")
        negate = op.endswith("_NOT")

        def test(record: Any) -> bool:
            return _compare(base, getattr(record, attr), values) != negate

        return test

    def values(self, kind: FieldKind, attr: str) -> list[Any]:
        if self.peek() != "[":
            return [_value(self.take(), kind, attr)]
        self.take()
        out = [_value(self.take(), kind, attr)]
        while self.peek() == ",":
            self.take()
            out.append(_value(self.take(), kind, attr))
        if self.take() != "]":
            raise _bad("missing ']'.")
        return out


def compile_filter(record_type: str, text: str) -> Predicate:
    """A predicate for the records of ``record_type`` that ``text`` selects (INVALID_PARAMETER if malformed)."""
    if not text.strip():
        raise _bad("the query is empty.")
    return _Parser(record_type, text).parse()
