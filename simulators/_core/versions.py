"""Vendor API versions as behaviour profiles: the differences from the base version, declared as data.

A :class:`VersionProfile` (a TOML file, ``simulators/<system>/versions/<name>.toml`` or any path) lists
changes from the simulator's base version, each limited to a set of operations (OpenAPI operationIds,
globs allowed):

- ``field_added``: responses carry a new field (``default`` value); requests may send it.
- ``field_removed``: responses lose the field; a request that sends it is refused (unknown field).
- ``field_renamed``: ``field`` is called ``to``; requests must use the new name.
- ``field_required``: a request without the field is refused.
- ``enum_changed``: ``values`` maps old to new values; requests must send the new ones.
- ``error_changed``: an error with ``code`` (and/or ``status``) answers ``new_code`` / ``new_status``.
- ``limit_changed``: a body field or a query ``parameter`` may be at most ``maximum``.

The same profile drives the request/response rewriting layer (:mod:`simulators._core.version_layer`) and
the version's OpenAPI document (:mod:`simulators._core.version_spec`), so the served behaviour and the
committed spec of a version cannot disagree. Refusals are the vendor's own validation errors.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SIMULATORS_DIR = Path(__file__).resolve().parent.parent
ChangeKind = Literal[
    "field_added",
    "field_removed",
    "field_renamed",
    "field_required",
    "enum_changed",
    "error_changed",
    "limit_changed",
]
Direction = Literal["request", "response", "both"]
Problem = dict[str, Any]
"""A validation problem in pydantic's shape (``type``, ``loc``, ``msg``), as the vendors' renderers take."""

_NEEDS_FIELD = {"field_added", "field_removed", "field_renamed", "field_required", "enum_changed"}


class UnknownVersionError(LookupError):
    """No profile of that name for the system, and no such file."""


class VersionChange(BaseModel):
    """One declared difference from the base version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ChangeKind
    operations: list[str] = Field(min_length=1, description="operationIds (fnmatch globs) the change applies to.")
    field: str | None = Field(default=None, description="Dotted body field path, e.g. 'hours' or 'employee.id'.")
    to: str | None = Field(default=None, description="field_renamed: the new name (last segment only).")
    direction: Direction = "both"
    schemas: list[str] = Field(default_factory=list, description="Spec components to change (default: derived).")
    at: list[str] = Field(
        default_factory=list, description="Selectors of the objects the field lives in ('$', '$.items[*]', ...)."
    )
    default: Any = None
    type: str = Field(default="string", description="field_added: its JSON Schema type in the spec.")
    values: dict[str, str] = Field(default_factory=dict, description="enum_changed: old value -> new value.")
    code: str | None = None
    status: int | None = None
    new_code: str | None = None
    new_status: int | None = None
    parameter: str | None = Field(default=None, description="limit_changed: a query parameter instead of a field.")
    maximum: float | None = None
    note: str = Field(default="", description="The release note this change comes from.")

    @model_validator(mode="after")
    def _complete(self) -> VersionChange:
        if self.kind in _NEEDS_FIELD and not self.field:
            raise ValueError(f"{self.kind} needs 'field'")
        if self.kind == "field_renamed" and not self.to:
            raise ValueError("field_renamed needs 'to'")
        if self.kind == "field_added" and self.direction != "request" and not self.schemas:
            raise ValueError("field_added needs 'schemas' (the spec components that gain the field)")
        if self.kind == "enum_changed" and not self.values:
            raise ValueError("enum_changed needs 'values' (old -> new)")
        if self.kind == "error_changed" and (self.code is None and self.status is None):
            raise ValueError("error_changed needs 'code' and/or 'status'")
        if self.kind == "limit_changed" and (self.maximum is None or not (self.field or self.parameter)):
            raise ValueError("limit_changed needs 'maximum' and a 'field' or a 'parameter'")
        return self

    def applies_to(self, operation_id: str) -> bool:
        """Whether ``operation_id`` matches one of :attr:`operations`."""
        return any(fnmatch.fnmatchcase(operation_id, pattern) for pattern in self.operations)

    def on_requests(self) -> bool:
        """Whether the change rewrites or checks requests."""
        return self.direction in ("request", "both") and self.kind != "error_changed"

    def on_responses(self) -> bool:
        """Whether the change rewrites responses."""
        return self.kind == "error_changed" or (
            self.direction in ("response", "both") and self.kind not in ("field_required", "limit_changed")
        )

    def title(self) -> str:
        """A one-line name for reports, e.g. ``field_renamed hours -> duration``."""
        if self.kind == "field_renamed":
            return f"field_renamed {self.field} -> {self.to}"
        if self.kind == "enum_changed":
            return f"enum_changed {self.field}: " + ", ".join(f"{a} -> {b}" for a, b in self.values.items())
        if self.kind == "error_changed":
            old = " ".join(str(x) for x in (self.status, self.code) if x is not None)
            new = " ".join(str(x) for x in (self.new_status, self.new_code) if x is not None)
            return f"error_changed {old} -> {new}"
        if self.kind == "limit_changed":
            return f"limit_changed {self.parameter or self.field} <= {self.maximum:g}"
        return f"{self.kind} {self.field}"


class VersionProfile(BaseModel):
    """A named API version of one system, as a list of changes from its base version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    system: str
    base: str = Field(description="The version the changes are relative to (the simulator's built-in one).")
    released: str = ""
    description: str = ""
    settings: dict[str, Any] = Field(default_factory=dict, description="Simulator settings this version implies.")
    changes: list[VersionChange] = Field(default_factory=list)

    def for_operation(self, operation_id: str | None) -> list[VersionChange]:
        """The changes that apply to one operation (none for an unknown operation)."""
        return [] if operation_id is None else [c for c in self.changes if c.applies_to(operation_id)]


def versions_dir(system: str) -> Path:
    """Where a system's shipped profiles live."""
    return SIMULATORS_DIR / system / "versions"


def shipped_versions(system: str) -> list[str]:
    """The names of the profiles shipped for ``system`` (sorted)."""
    folder = versions_dir(system)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


@lru_cache(maxsize=64)
def _load(path: Path, mtime_ns: int) -> VersionProfile:
    with path.open("rb") as handle:
        return VersionProfile.model_validate(tomllib.load(handle))


def load_version(system: str, name_or_path: str) -> VersionProfile:
    """A shipped profile by name (``2026.2``) or a user's TOML file by path; checks it is for ``system``."""
    path = versions_dir(system) / f"{name_or_path}.toml"
    if not path.is_file():
        candidate = Path(name_or_path).expanduser()
        if not (candidate.suffix == ".toml" and candidate.is_file()):
            known = ", ".join(shipped_versions(system)) or "none"
            raise UnknownVersionError(f"no {system} API version {name_or_path!r} (shipped: {known}; or a .toml path)")
        path = candidate.resolve()
    profile = _load(path, path.stat().st_mtime_ns)
    if profile.system != system:
        raise ValueError(f"{path} is a profile for {profile.system!r}, not {system!r}")
    return profile


# -- JSON rewriting ---------------------------------------------------------------------------------------------
def select(doc: Any, selector: str) -> Iterator[Any]:
    """Values at a tiny JSONPath subset: ``$``, ``.key``, ``.*`` (every value) and ``[*]`` (every item)."""
    current = [doc]
    for raw in selector.removeprefix("$").replace("[*]", ".[*]").split("."):
        if not raw:
            continue
        nxt: list[Any] = []
        for node in current:
            if raw == "[*]":  # the items of an array only: an object's values are not items
                nxt += list(node) if isinstance(node, list) else []
            elif raw == "*":
                nxt += list(node.values()) if isinstance(node, dict) else list(node) if isinstance(node, list) else []
            elif isinstance(node, dict) and raw in node:
                nxt.append(node[raw])
        current = nxt
    yield from current


def _walk(doc: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON document, depth first."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _holders(doc: Any, change: VersionChange, default_at: tuple[str, ...]) -> Iterator[tuple[dict[str, Any], str]]:
    """(parent object, last key) for each place ``change.field`` lives (or would live) in ``doc``."""
    *parents, leaf = (change.field or "").split(".")
    roots: Iterator[Any]
    if change.at or default_at:
        roots = (obj for sel in (change.at or default_at) for obj in select(doc, sel))
    else:
        roots = _walk(doc)
    for root in roots:
        node = root
        for key in parents:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            yield node, leaf


def rewrite_request(body: Any, changes: list[VersionChange], query: dict[str, str]) -> list[Problem]:
    """Turn a version-B request body into the base version's (in place); problems refuse the request."""
    problems: list[Problem] = []
    for change in changes:
        if not change.on_requests():
            continue
        if change.kind == "limit_changed" and change.parameter is not None:
            value = query.get(change.parameter)
            if value is not None and _over(value, change.maximum):
                problems.append(_problem("less_than_equal", ("query", change.parameter), change))
            continue
        for obj, key in _holders(body, change, ("$", "$[*]")):
            problems += _rewrite_request_field(obj, key, change)
    return problems


def _rewrite_request_field(obj: dict[str, Any], key: str, change: VersionChange) -> list[Problem]:
    loc = ("body", *(change.field or "").split("."))
    kind = change.kind
    if kind == "field_renamed":
        if key in obj:
            return [_problem("extra_forbidden", loc, change)]
        if change.to in obj:
            obj[key] = obj.pop(change.to or "")
    elif kind == "field_removed" and key in obj:
        return [_problem("extra_forbidden", loc, change)]
    elif kind == "field_added":
        obj.pop(key, None)
    elif kind == "field_required" and obj.get(key) is None:
        return [_problem("missing", loc, change)]
    elif kind == "enum_changed" and key in obj:
        value, back = obj[key], {new: old for old, new in change.values.items()}
        if isinstance(value, str) and value in change.values and value not in back:
            return [_problem("enum", loc, change)]
        if isinstance(value, str) and value in back:
            obj[key] = back[value]
    elif kind == "limit_changed" and key in obj and _over(obj[key], change.maximum):
        return [_problem("less_than_equal", loc, change)]
    return []


def rewrite_response(status: int, body: Any, changes: list[VersionChange]) -> int:
    """Turn a base-version response into version B's (body in place); returns the status to send."""
    for change in changes:
        if not change.on_responses():
            continue
        if change.kind == "error_changed":
            status = _rewrite_error(status, body, change)
            continue
        if status >= 400:
            continue
        default_at = tuple(change.at) if change.kind == "field_added" and change.at else ()
        if change.kind == "field_added" and not default_at:
            default_at = ("$", "$.items[*]", "$.records[*]")
        for obj, key in list(_holders(body, change, default_at)):
            if change.kind == "field_added":
                obj.setdefault(key, change.default)
            elif key not in obj:
                continue
            elif change.kind == "field_removed":
                del obj[key]
            elif change.kind == "field_renamed":
                obj[change.to or key] = obj.pop(key)
            elif change.kind == "enum_changed" and isinstance(obj[key], str):
                obj[key] = change.values.get(obj[key], obj[key])
    return status


ERROR_CODE_KEYS = ("o:errorCode", "errorCode", "type")
"""Where the vendors put an error's code: NetSuite, Salesforce, Kantata."""


def _rewrite_error(status: int, body: Any, change: VersionChange) -> int:
    if status < 400 or (change.status is not None and status != change.status):
        return status
    holders = [obj for obj in _walk(body) for key in ERROR_CODE_KEYS if obj.get(key) == change.code]
    if change.code is not None and not holders:
        return status
    for obj in holders:
        for key in ERROR_CODE_KEYS:
            if obj.get(key) == change.code and change.new_code is not None:
                obj[key] = change.new_code
    if change.new_status is None:
        return status
    if isinstance(body, dict) and body.get("status") == status:  # NetSuite repeats the status in the body
        body["status"] = change.new_status
    return change.new_status


def _over(value: Any, maximum: float | None) -> bool:
    try:
        return maximum is not None and float(value) > maximum
    except (TypeError, ValueError):
        return False


_MESSAGES = {
    "extra_forbidden": "Extra inputs are not permitted",
    "missing": "Field required",
    "enum": "Input should be one of the values of this version",
    "less_than_equal": "Input should be less than or equal to {maximum:g}",
}


def _problem(kind: str, loc: tuple[str, ...], change: VersionChange) -> Problem:
    message = _MESSAGES[kind].format(maximum=change.maximum or 0)
    if kind == "enum":
        message = f"Input should be one of: {', '.join(change.values.values())}"
    return {"type": kind, "loc": loc, "msg": message}
