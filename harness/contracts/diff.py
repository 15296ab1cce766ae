"""What changed between two OpenAPI documents, and which of it a set of pacts uses.

:func:`diff_specs` flattens each operation's request body, query parameters and JSON responses into
fields (``items[].id``, ``time_entries.*.hours``) with their required-ness, enum values, maximum and type,
and lists the differences per operation. A field removed and another added at the same place with the
same type are reported as one rename. :func:`pact_usage` reads pact files into what each operation's
interactions send and read, so the upgrade check can keep only the changes an integration touches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Field = tuple[str, ...]
"""A flattened field: object keys, ``[]`` for array items and ``*`` for any key of a map."""

METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """What a spec says about one flattened field."""

    type: str
    required: bool
    enum: tuple[str, ...] = ()
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class SpecChange:
    """One difference between two specs, on one operation."""

    kind: str
    operation: str
    where: str
    """``request``, ``query`` or ``response <status>``."""
    field: Field = ()
    detail: str = ""
    values: tuple[str, ...] = ()
    """The enum values or status codes the change concerns."""

    @property
    def can_break_a_caller(self) -> bool:
        """Whether some caller could break on it (an added optional field or a new enum value it sends cannot)."""
        if self.kind in ("field_added", "operation_added"):
            return False
        return not (self.kind == "enum_value_added" and self.where in ("request", "query"))

    @property
    def field_name(self) -> str:
        """The field as text (``items[].id``)."""
        return render_field(self.field)

    def title(self) -> str:
        """One line naming the change."""
        name = f" {self.field_name}" if self.field else ""
        return f"{self.operation}: {self.kind}{name} ({self.where}){f' {self.detail}' if self.detail else ''}"


def render_field(path: Field) -> str:
    """``("items", "[]", "id")`` -> ``items[].id``."""
    return ".".join(path).replace(".[]", "[]")


# -- flattening --------------------------------------------------------------------------------------------------
def _resolve(spec: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    while isinstance(schema, dict) and "$ref" in schema and depth < 20:
        schema = spec.get("components", {}).get("schemas", {}).get(schema["$ref"].rsplit("/", 1)[-1], {})
        depth += 1
    return schema


def _variants(spec: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    schema = _resolve(spec, schema)
    if not isinstance(schema, dict):
        return []
    parts = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if parts:
        out = [v for p in parts for v in _variants(spec, p) if v.get("type") != "null"]
        return out or [schema]
    return [schema]


def flatten_schema(
    spec: dict[str, Any], schema: Any, prefix: Field = (), required: bool = True
) -> dict[Field, FieldInfo]:
    """Every field of ``schema`` (following refs, arrays and maps), at most eight levels deep."""
    out: dict[Field, FieldInfo] = {}
    if len(prefix) > 8:
        return out
    for variant in _variants(spec, schema):
        kind = str(variant.get("type", "object" if "properties" in variant else "any"))
        if prefix:
            enum = tuple(str(v) for v in variant.get("enum", ()))
            old = out.get(prefix)
            out[prefix] = FieldInfo(
                kind if old is None else old.type,
                required,
                tuple(sorted({*enum, *(old.enum if old else ())})),
                variant.get("maximum", old.maximum if old else None),
            )
        needed = set(variant.get("required", ()))
        for name, sub in variant.get("properties", {}).items():
            out.update(flatten_schema(spec, sub, (*prefix, name), name in needed))
        if isinstance(variant.get("items"), dict):
            out.update(flatten_schema(spec, variant["items"], (*prefix, "[]"), True))
        if isinstance(variant.get("additionalProperties"), dict):
            out.update(flatten_schema(spec, variant["additionalProperties"], (*prefix, "*"), True))
    return out


@dataclass(slots=True)
class OperationShape:
    """One operation, flattened."""

    operation: str
    method: str
    path: str
    request: dict[Field, FieldInfo] = field(default_factory=dict)
    query: dict[Field, FieldInfo] = field(default_factory=dict)
    responses: dict[str, dict[Field, FieldInfo]] = field(default_factory=dict)


def shapes(spec: dict[str, Any]) -> dict[str, OperationShape]:
    """Every operation of ``spec`` by operationId."""
    out: dict[str, OperationShape] = {}
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method not in METHODS or not isinstance(op, dict) or "operationId" not in op:
                continue
            shape = OperationShape(str(op["operationId"]), method, path)
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is not None:
                shape.request = flatten_schema(spec, body)
            for parameter in op.get("parameters", []):
                if parameter.get("in") == "query":
                    flat = flatten_schema(spec, parameter.get("schema", {}), (parameter["name"],))
                    info = flat.get((parameter["name"],), FieldInfo("any", False))
                    shape.query[(parameter["name"],)] = FieldInfo(
                        info.type, bool(parameter.get("required")), info.enum, info.maximum
                    )
            for status, response in op.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                shape.responses[str(status)] = flatten_schema(spec, schema) if schema is not None else {}
            out[shape.operation] = shape
    return out


# -- diffing -----------------------------------------------------------------------------------------------------
def _diff_fields(op: str, where: str, old: dict[Field, FieldInfo], new: dict[Field, FieldInfo]) -> Iterator[SpecChange]:
    removed = [f for f in old if f not in new]
    added = [f for f in new if f not in old]
    renamed: dict[Field, Field] = {}
    for gone in removed:
        twins = [
            f for f in added if f[:-1] == gone[:-1] and new[f].type == old[gone].type and f not in renamed.values()
        ]
        if len(twins) == 1 and not any(f[: len(gone)] == gone for f in removed if f != gone):
            renamed[gone] = twins[0]
    for gone in removed:
        if gone in renamed:
            yield SpecChange("field_renamed", op, where, gone, f"-> {render_field(renamed[gone])}")
        elif not any(gone[: len(p)] == p for p in removed if len(p) < len(gone)):
            yield SpecChange("field_removed", op, where, gone)
    for new_field in added:
        if new_field in renamed.values() or any(new_field[: len(p)] == p for p in added if len(p) < len(new_field)):
            continue
        required = where != "query" and not where.startswith("response") and new[new_field].required
        yield SpecChange("field_added_required" if required else "field_added", op, where, new_field)
    for name in old.keys() & new.keys():
        a, b = old[name], new[name]
        if a.type != b.type and "any" not in (a.type, b.type):
            yield SpecChange("type_changed", op, where, name, f"{a.type} -> {b.type}")
        if b.required and not a.required and not where.startswith("response"):
            yield SpecChange("field_became_required", op, where, name)
        if set(a.enum) - set(b.enum):
            gone_values = tuple(sorted(set(a.enum) - set(b.enum)))
            yield SpecChange("enum_value_removed", op, where, name, ", ".join(gone_values), gone_values)
        if a.enum and set(b.enum) - set(a.enum):
            new_values = tuple(sorted(set(b.enum) - set(a.enum)))
            yield SpecChange("enum_value_added", op, where, name, ", ".join(new_values), new_values)
        if b.maximum is not None and (a.maximum is None or b.maximum < a.maximum):
            yield SpecChange("limit_lowered", op, where, name, f"maximum {a.maximum} -> {b.maximum:g}")


def diff_specs(old: dict[str, Any], new: dict[str, Any]) -> list[SpecChange]:
    """Every difference between two specs, per operation, in a stable order."""
    a, b = shapes(old), shapes(new)
    changes: list[SpecChange] = []
    for op in sorted(a.keys() - b.keys()):
        changes.append(SpecChange("operation_removed", op, "operation", detail=f"{a[op].method.upper()} {a[op].path}"))
    for op in sorted(b.keys() - a.keys()):
        changes.append(SpecChange("operation_added", op, "operation", detail=f"{b[op].method.upper()} {b[op].path}"))
    for op in sorted(a.keys() & b.keys()):
        x, y = a[op], b[op]
        changes += _diff_fields(op, "request", x.request, y.request)
        changes += _diff_fields(op, "query", x.query, y.query)
        for status in sorted(x.responses.keys() & y.responses.keys()):
            changes += _diff_fields(op, f"response {status}", x.responses[status], y.responses[status])
        for status in sorted(x.responses.keys() - y.responses.keys()):
            changes.append(SpecChange("status_removed", op, "responses", detail=status, values=(status,)))
        for status in sorted(y.responses.keys() - x.responses.keys()):
            changes.append(SpecChange("status_added", op, "responses", detail=status, values=(status,)))
    return changes


# -- pact usage --------------------------------------------------------------------------------------------------
def _json_fields(doc: Any, prefix: Field = ()) -> Iterator[tuple[Field, Any]]:
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield (*prefix, str(key)), value
            yield from _json_fields(value, (*prefix, str(key)))
    elif isinstance(doc, list):
        for item in doc:
            yield (*prefix, "[]"), item
            yield from _json_fields(item, (*prefix, "[]"))


def field_matches(spec_field: Field, used: Field) -> bool:
    """Whether a flattened spec field names a used field (``*`` matches any key)."""
    return len(spec_field) == len(used) and all(s in ("*", u) for s, u in zip(spec_field, used, strict=True))


@dataclass(slots=True)
class Interaction:
    """What one pact interaction sends and expects."""

    description: str
    pact: str
    operation: str | None
    status: str
    request: dict[Field, Any]
    query: dict[Field, Any]
    response: dict[Field, Any]

    def uses(self, change: SpecChange) -> bool:
        """Whether this interaction touches ``change``."""
        if change.operation != self.operation:
            return False
        if change.kind == "operation_removed":
            return True
        if change.kind in ("status_added", "status_removed"):
            return change.kind == "status_added" or self.status in change.values
        if change.where == "request":
            return _touches(change, self.request, sends=True)
        if change.where == "query":
            return _touches(change, self.query, sends=True)
        if change.where == f"response {self.status}":
            return _touches(change, self.response, sends=False)
        return False


def _touches(change: SpecChange, used: dict[Field, Any], *, sends: bool) -> bool:
    hits = [value for name, value in used.items() if field_matches(change.field, name)]
    if change.kind in ("field_added_required", "field_became_required"):
        return sends and not hits
    if change.kind == "field_added":
        return False
    if not hits:
        return False
    if change.kind == "enum_value_removed":
        return any(str(v) in change.values for v in hits)
    if change.kind == "limit_lowered":
        limit = float(change.detail.rsplit(" ", 1)[-1])
        return any(_number(v) is not None and (_number(v) or 0) > limit for v in hits)
    return change.kind != "enum_value_added" or not sends


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _body(part: dict[str, Any]) -> Any:
    body = part.get("body")
    return body.get("content") if isinstance(body, dict) and "content" in body else body


def _operation_of(index: list[tuple[str, re.Pattern[str], str]], method: str, path: str) -> str | None:
    for op_method, pattern, op in index:
        if op_method == method.lower() and pattern.fullmatch(path):
            return op
    return None


def operation_index(spec: dict[str, Any]) -> list[tuple[str, re.Pattern[str], str]]:
    """(method, path regex, operationId), literal paths before templated ones."""
    rows = []
    for template, item in spec.get("paths", {}).items():
        regex = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId"):
                rows.append((template.count("{"), method, regex, str(op["operationId"])))
    return [(m, r, o) for _, m, r, o in sorted(rows, key=lambda row: row[0])]


def pact_usage(paths: Sequence[Path], spec: dict[str, Any]) -> list[Interaction]:
    """Every HTTP interaction of the pacts, mapped to the operations of ``spec``."""
    index = operation_index(spec)
    out: list[Interaction] = []
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for item in doc.get("interactions", []):
            request, response = item.get("request", {}), item.get("response", {})
            if not request:
                continue
            query = request.get("query") or {}
            out.append(
                Interaction(
                    description=str(item.get("description", "?")),
                    pact=path.name,
                    operation=_operation_of(index, str(request.get("method", "GET")), str(request.get("path", ""))),
                    status=str(response.get("status", 200)),
                    request=dict(_json_fields(_body(request))),
                    query={(k,): (v[0] if isinstance(v, list) and v else v) for k, v in query.items()},
                    response=dict(_json_fields(_body(response))),
                )
            )
    return out
