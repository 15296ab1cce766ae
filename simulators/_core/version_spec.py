"""A version profile applied to the base version's OpenAPI document: the spec of version B, from the same data.

Field changes edit the component schemas the changed operations use (named in the change, or found by
following the operations' ``$ref``\\s to the schemas that hold the field); error changes add the new status
to the operations' documented responses; limit changes set a ``maximum``; every changed operation gets an
``x-p2c-version-changes`` list naming the changes, for people reading the spec.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from simulators._core.versions import VersionChange, VersionProfile

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation of ``spec``."""
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in METHODS and isinstance(operation, dict):
                yield path, method, operation


def _component(spec: dict[str, Any], ref: str) -> tuple[str, dict[str, Any]] | None:
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        return None
    name = ref[len(prefix) :]
    found = spec.get("components", {}).get("schemas", {}).get(name)
    return (name, found) if isinstance(found, dict) else None


def _reachable(spec: dict[str, Any], schema: Any, seen: set[str]) -> Iterator[str]:
    """Names of the component schemas reachable from ``schema`` (through refs, properties, items, ...)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                found = _component(spec, ref)
                if found is not None and found[0] not in seen:
                    seen.add(found[0])
                    yield found[0]
                    stack.append(found[1])
                continue
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def target_schemas(spec: dict[str, Any], change: VersionChange) -> list[str]:
    """The component schemas a field change edits: those named, else the ones its rewriting reaches.

    The spec follows the runtime: with ``at`` selectors (requests default to ``$`` and ``$[*]``) only the
    schemas at those places; a response change without ``at`` applies wherever the field appears.
    """
    if change.schemas:
        return list(change.schemas)
    head = (change.field or "").split(".")[0]
    names: set[str] = set()
    seen: set[str] = set()
    for _, _, operation in operations(spec):
        if not change.applies_to(str(operation.get("operationId", ""))):
            continue
        for direction in ("request", "response"):
            if change.direction not in (direction, "both"):
                continue
            roots = _roots(operation, direction)
            selectors = change.at or (["$", "$[*]"] if direction == "request" else [])
            if selectors:
                found = {n for root in roots for sel in selectors for n in _schemas_at(spec, root, sel)}
            else:
                found = {n for root in roots for n in _reachable(spec, root, seen)}
            schemas = spec["components"]["schemas"]
            names |= {n for n in found if head in schemas[n].get("properties", {})}
    return sorted(names)


def _roots(operation: dict[str, Any], direction: str) -> list[Any]:
    if direction == "request":
        return [operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")]
    return [
        r.get("content", {}).get("application/json", {}).get("schema")
        for status, r in operation.get("responses", {}).items()
        if str(status).startswith("2")
    ]


def _named(spec: dict[str, Any], schema: Any) -> list[tuple[str | None, dict[str, Any]]]:
    """The (component name, schema) alternatives ``schema`` stands for (refs and anyOf followed)."""
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        found = _component(spec, schema["$ref"])
        return (
            [(found[0], found[1]), *_named(spec, {k: v for k, v in found[1].items() if k == "anyOf"})] if found else []
        )
    variants = [v for v in schema.get("anyOf", []) if isinstance(v, dict) and v.get("type") != "null"]
    return [x for v in variants for x in _named(spec, v)] if variants else [(None, schema)]


def _schemas_at(spec: dict[str, Any], root: Any, selector: str) -> set[str]:
    """Component names of the schemas a selector (``$``, ``.key``, ``.*``, ``[*]``) reaches from ``root``."""
    current = _named(spec, root)
    for raw in selector.removeprefix("$").replace("[*]", ".*").split("."):
        if not raw:
            continue
        nxt: list[tuple[str | None, dict[str, Any]]] = []
        for _, node in current:
            if raw == "*":
                children = [node.get("items"), node.get("additionalProperties"), *node.get("properties", {}).values()]
            else:
                children = [node.get("properties", {}).get(raw)]
            nxt += [x for child in children for x in _named(spec, child)]
        current = nxt
    return {name for name, _ in current if name is not None}


def _resolve(spec: dict[str, Any], schema: Any) -> Any:
    """Follow a ``$ref`` (or the first ``$ref``/object of an ``anyOf``) to the schema it names."""
    for _ in range(8):
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            found = _component(spec, schema["$ref"])
            schema = found[1] if found else schema
            continue
        variants = [v for v in schema.get("anyOf", []) if isinstance(v, dict) and v.get("type") != "null"]
        if variants and "properties" not in schema:
            schema = variants[0]
            continue
        return schema
    return schema


def _holder(spec: dict[str, Any], schema: dict[str, Any], field: str) -> tuple[dict[str, Any], str] | None:
    """(object schema, last key) for a dotted field inside ``schema``."""
    *parents, leaf = field.split(".")
    node: Any = schema
    for key in parents:
        node = _resolve(spec, node.get("properties", {}).get(key)) if isinstance(node, dict) else None
    return (node, leaf) if isinstance(node, dict) else None


def _set_in_typed(schema: Any, key: str, value: Any) -> None:
    """Set ``key`` on the schema itself, or on its non-null ``anyOf`` variants."""
    if not isinstance(schema, dict):
        return
    variants = [v for v in schema.get("anyOf", []) if isinstance(v, dict) and v.get("type") != "null"]
    for target in variants or [schema]:
        target[key] = value


def _replace_enums(spec: dict[str, Any], schema: Any, values: dict[str, str]) -> None:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "$ref" in node:
                found = _component(spec, node["$ref"])
                if found:
                    stack.append(found[1])
            if isinstance(node.get("enum"), list):
                node["enum"] = [values.get(v, v) if isinstance(v, str) else v for v in node["enum"]]
            stack.extend(v for k, v in node.items() if k != "enum")
        elif isinstance(node, list):
            stack.extend(node)


def _apply_field(spec: dict[str, Any], schema: dict[str, Any], change: VersionChange) -> None:
    found = _holder(spec, schema, change.field or "")
    if found is None:
        return
    obj, key = found
    props: dict[str, Any] = obj.setdefault("properties", {})
    required: list[str] = obj.get("required", [])
    if change.kind == "field_added":
        props.setdefault(key, {"type": change.type, "description": change.note or f"Added in {change.kind}."})
    elif change.kind == "field_removed":
        props.pop(key, None)
        if key in required:
            required.remove(key)
    elif change.kind == "field_renamed" and key in props:
        props[change.to or key] = props.pop(key)
        obj["properties"] = dict(sorted(props.items()))
        if key in required:
            required[required.index(key)] = change.to or key
    elif change.kind == "field_required" and key in props and key not in required:
        obj["required"] = [*required, key]
    elif change.kind == "enum_changed" and key in props:
        _replace_enums(spec, props[key], change.values)
    elif change.kind == "limit_changed" and key in props:
        _set_in_typed(props[key], "maximum", change.maximum)


def _apply_operation(operation: dict[str, Any], change: VersionChange) -> None:
    notes = operation.setdefault("x-p2c-version-changes", [])
    notes.append(change.title())
    if change.kind == "error_changed" and change.new_status is not None:
        responses = operation.setdefault("responses", {})
        source = responses.get(str(change.status)) or next(
            (r for s, r in responses.items() if str(s)[0] in "45"), {"description": "Error"}
        )
        responses.setdefault(str(change.new_status), copy.deepcopy(source))
    if change.kind == "limit_changed" and change.parameter is not None:
        for parameter in operation.get("parameters", []):
            if parameter.get("name") == change.parameter and parameter.get("in") == "query":
                _set_in_typed(parameter.get("schema"), "maximum", change.maximum)


def apply_profile(spec: dict[str, Any], profile: VersionProfile) -> dict[str, Any]:
    """A copy of the base version's ``spec`` describing ``profile``'s version."""
    out = copy.deepcopy(spec)
    info = out.setdefault("info", {})
    info["version"] = profile.name
    info["x-p2c-base-version"] = profile.base
    if profile.description:
        info["description"] = profile.description
    schemas = out.setdefault("components", {}).setdefault("schemas", {})
    for change in profile.changes:
        if change.field is not None and change.kind != "error_changed":
            for name in target_schemas(out, change):
                if name in schemas:
                    _apply_field(out, schemas[name], change)
        for _, _, operation in operations(out):
            if change.applies_to(str(operation.get("operationId", ""))):
                _apply_operation(operation, change)
    return out
