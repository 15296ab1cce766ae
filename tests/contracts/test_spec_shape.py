"""The committed specs are complete enough to test against: ids, error schemas and links on every chain."""

from __future__ import annotations

import re
from typing import Any

import pytest

from harness.contracts import OPENAPI_DIR, available_systems, load_spec, versions_of

SPECS = [(system, version) for system in available_systems() for version in versions_of(system)]
METHODS = ("get", "put", "post", "delete", "patch")
NO_ERRORS = {"listVersions"}
"""Salesforce's versions list answers every caller: no token, no quota, no error."""


@pytest.mark.parametrize(("system", "version"), SPECS)
def test_every_operation_has_an_id_and_a_documented_error_schema(system: str, version: str) -> None:
    """Each operation has a unique operationId and at least one 4xx answer with a JSON schema."""
    spec = load_spec(system, version, OPENAPI_DIR)
    ids = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            assert op.get("operationId"), f"{method.upper()} {path} has no operationId"
            ids.append(op["operationId"])
            errors = [
                r
                for s, r in op["responses"].items()
                if s.startswith("4") and "application/json" in r.get("content", {})
            ]
            assert errors or op["operationId"] in NO_ERRORS, f"{op['operationId']} documents no 4xx error schema"
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("system", "version"), SPECS)
def test_every_create_links_to_the_record_it_created(system: str, version: str) -> None:
    """A create that reports the new record's id links to reading that record (Schemathesis's stateful phase).

    The id comes in NetSuite's ``Location`` header, Salesforce's ``id`` or Kantata's ``results``.
    """
    spec = load_spec(system, version, OPENAPI_DIR)
    paths = spec["paths"]
    chains = 0
    for path, item in paths.items():
        if "post" not in item:
            continue
        stem, suffix = (path[:-5], ".json") if path.endswith(".json") else (path, "")
        readers = [
            p
            for p in paths
            if re.fullmatch(re.escape(stem) + r"/\{[^}/]+\}" + re.escape(suffix), p) and "get" in paths[p]
        ]
        if not readers or not _reports_an_id(spec, item["post"]):
            continue
        chains += 1
        links = {name for r in item["post"]["responses"].values() for name in r.get("links", {})}
        assert paths[readers[0]]["get"]["operationId"] in links, f"POST {path} does not link to GET {readers[0]}"
    assert chains > 0


def _reports_an_id(spec: dict[str, Any], op: dict[str, Any]) -> bool:
    for status, response in op["responses"].items():
        if not status.startswith("2"):
            continue
        if "Location" in response.get("headers", {}):
            return True
        ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        properties = spec["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
        if "id" in properties or "results" in properties:
            return True
    return False
