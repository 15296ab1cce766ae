"""OpenAPI links for the stateful chains every vendor API has: create a record, then read, change or delete it.

A create is a ``POST`` on a collection path (``/record/v1/timeBill``, ``/sobjects/{sobject}``,
``/api/v1/time_entries.json``); its records live under the item path (``.../{ref}``, ``.../{record_id}``,
``/api/v1/time_entries/{entry_id}.json``). The new record's id comes from where the vendor puts it:

- NetSuite answers ``204`` with a ``Location`` header (the id is its last segment; Schemathesis reads a
  ``#regex:`` suffix on a runtime expression);
- Salesforce answers ``201`` with ``{"id": ...}``;
- Kantata answers ``200`` with a side-loaded envelope whose ``results[0].id`` names the record.

Path parameters the two paths share (``version``, ``sobject``) are passed on from the request.
"""

from __future__ import annotations

import re
from typing import Any

ITEM_METHODS = ("get", "patch", "put", "delete")
_PARAM = re.compile(r"\{([^}]+)\}")


def _item_template(collection: str, paths: dict[str, Any]) -> str | None:
    suffix = ".json" if collection.endswith(".json") else ""
    stem = collection.removesuffix(suffix)
    for template in paths:
        if template.startswith(stem + "/{") and template.endswith(suffix):
            rest = template[len(stem) + 1 : len(template) - len(suffix)]
            if _PARAM.fullmatch(rest):
                return template
    return None


def _schema_properties(spec: dict[str, Any], response: dict[str, Any]) -> set[str]:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return set(schema.get("properties", {}))


def _id_expression(spec: dict[str, Any], responses: dict[str, Any]) -> tuple[str, str] | None:
    """(status, runtime expression of the created record's id) for a create operation."""
    for status in ("201", "200", "204"):
        response = responses.get(status)
        if not isinstance(response, dict):
            continue
        if "Location" in response.get("headers", {}):
            return status, "$response.header.Location#regex:/([^/?]+)$"
        properties = _schema_properties(spec, response)
        if "id" in properties:
            return status, "$response.body#/id"
        if "results" in properties:
            return status, "$response.body#/results/0/id"
    return None


SAMPLE_IDS = ("1", "001000000000001AAA")
"""Ids as the vendors issue them (NetSuite and Kantata numbers, an 18-character Salesforce id)."""


def _constrained(operation: dict[str, Any], name: str) -> bool:
    """Whether the operation's ``name`` parameter has a pattern no issued id matches (``^eid:...`` only)."""
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == name and parameter.get("in") == "path":
            pattern = parameter.get("schema", {}).get("pattern")
            return pattern is not None and not any(re.search(pattern, sample) for sample in SAMPLE_IDS)
    return False


def add_links(spec: dict[str, Any]) -> dict[str, Any]:
    """Add ``links`` from every create operation to the operations on the record it created (in place)."""
    paths: dict[str, Any] = spec.get("paths", {})
    for collection, item in paths.items():
        create = item.get("post")
        if not isinstance(create, dict):
            continue
        template = _item_template(collection, paths)
        found = _id_expression(spec, create.get("responses", {}))
        if template is None or found is None:
            continue
        status, expression = found
        shared = set(_PARAM.findall(collection))
        item_param = next(p for p in _PARAM.findall(template) if p not in shared)
        links: dict[str, Any] = {}
        for method in ITEM_METHODS:
            target = paths[template].get(method)
            if not isinstance(target, dict) or "operationId" not in target or _constrained(target, item_param):
                continue
            parameters = {name: f"$request.path.{name}" for name in sorted(shared)}
            parameters[item_param] = expression
            links[target["operationId"]] = {"operationId": target["operationId"], "parameters": parameters}
        if links:
            create["responses"][status]["links"] = links
    return spec
