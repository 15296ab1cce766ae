"""Request context shared by the routes (tenant, version, profile, headers) and domain -> wire records."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from decimal import Decimal
from types import NoneType
from typing import Any, NamedTuple

import orjson
from fastapi import Request

from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER, SimRuntime
from simulators.crm.exceptions import RESOURCE_MISSING, JsonParserError, NotFound
from simulators.crm.fields import FieldDef, ObjectDef, json_token
from simulators.crm.models import CrmStore
from simulators.crm.records import SObject
from simulators.crm.settings import CrmSettings
from simulators.crm.soql import FieldRef
from simulators.crm.transactions import Transaction
from simulators.crm.versions import VersionProfile, parse_version, profile_for

DATA_BASE = "/services/data"
_CLIENT = re.compile(r"(?:^|[,;]\s*)client\s*=\s*(?P<client>[^,;\s]+)", re.IGNORECASE)
_ALLOW_SAVE = re.compile(r"allowSave\s*=\s*true", re.IGNORECASE)


# -- requests ---------------------------------------------------------------------------------------------------
def runtime_of(request: Request) -> SimRuntime[CrmStore, CrmSettings]:
    """The simulator runtime behind a request."""
    # ``state.sim`` fails the ordinary attribute lookup (building an AttributeError) before State.__getattr__
    # finds it; every REST call asks, so ask State.__getattr__ directly.
    runtime: SimRuntime[CrmStore, CrmSettings] = request.app.state.__getattr__("sim")
    return runtime


_TENANT_KEY = TENANT_HEADER.lower().encode("latin-1")


def tenant_of(request: Request) -> str:
    """The tenant a request addresses (the first tenant header, as ``request.headers`` reads it)."""
    raw: list[tuple[bytes, bytes]] = request.scope["headers"]
    for name, value in raw:
        if name == _TENANT_KEY:
            return value.decode("latin-1")
    return DEFAULT_TENANT


def store_of(request: Request, runtime: SimRuntime[CrmStore, CrmSettings] | None = None) -> CrmStore:
    """The tenant's store (``runtime``: the request's, when the caller has it)."""
    return (runtime or runtime_of(request)).tenant(tenant_of(request)).store


def api_version(segment: str) -> int:
    """The major version of a ``vNN.0`` path segment (the request policy has checked the window)."""
    version = parse_version(segment)
    if version is None:
        raise NotFound(RESOURCE_MISSING)
    return version


class Call(NamedTuple):
    """What a REST call carries besides its path and body: version, its profile, and the Sforce headers.

    ``origin`` is the change events' ``changeOrigin`` (``Sforce-Call-Options: client=<id>`` names the
    client); ``allow_save`` is ``Sforce-Duplicate-Rule-Header: allowSave=true``; ``user`` is the session
    token, which stands for the user (query cursors are per user).
    """

    version: int
    profile: VersionProfile
    origin: str
    allow_save: bool
    user: str


_CALL_HEADERS = frozenset({b"sforce-call-options", b"authorization", b"sforce-duplicate-rule-header"})


def call_of(request: Request, segment: str, runtime: SimRuntime[CrmStore, CrmSettings] | None = None) -> Call:
    """The :class:`Call` of a request under ``/services/data/{segment}`` (``runtime``: the request's, if known)."""
    version = api_version(segment)
    settings = (runtime or runtime_of(request)).settings
    sent: dict[bytes, str] = {}
    for name, value in request.scope["headers"]:  # one pass; the first of repeated headers counts
        if name in _CALL_HEADERS and name not in sent:
            sent[name] = value.decode("latin-1")
    options = sent.get(b"sforce-call-options")
    found = _CLIENT.search(options) if options else None
    origin = f"com/salesforce/api/rest/{version}.0" + (f";client={found['client']}" if found else "")
    token = sent.get(b"authorization", "").partition(" ")[2].strip()
    duplicates = sent.get(b"sforce-duplicate-rule-header")
    return Call(
        version=version,
        profile=profile_for(version, settings.version_profiles),
        origin=origin,
        allow_save=duplicates is not None and _ALLOW_SAVE.search(duplicates) is not None,
        user=token,
    )


def writing(store: CrmStore, call: Call) -> AbstractContextManager[Transaction]:
    """The transaction of one REST call."""
    return store.transaction(
        call.origin, allow_save=call.allow_save, lenient=call.profile.lenient_json_types, version=call.version
    )


def _flat_without_floats(doc: Any) -> bool:
    """An object of strings, integers, booleans and nulls: what ``json`` with ``Decimal`` floats reads alike."""
    return isinstance(doc, dict) and all(isinstance(v, str | int | NoneType) for v in doc.values())


def parse_json(raw: bytes) -> Any:
    """A request body as JSON (floats as ``Decimal``), or ``JSON_PARSER_ERROR`` in Salesforce's words."""
    if not raw.strip():
        raise JsonParserError("The HTTP entity body is required, but this request has no entity body.")
    try:  # orjson for the common flat record body; json (Decimal floats, its error positions) for the rest
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    else:
        if _flat_without_floats(doc):
            return doc
    try:
        return json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        char = exc.doc[exc.pos] if exc.pos < len(exc.doc) else "EOF"
        raise JsonParserError(
            f"Unexpected character ('{char}' (code {ord(char[0])})): expected a valid value (number, String, array, "
            f"object, 'true', 'false' or 'null') at [line:{exc.lineno}, column:{exc.colno}]"
        ) from None
    except UnicodeDecodeError:
        raise JsonParserError("Invalid UTF-8 in the request body") from None


def expect_object(doc: Any, type_name: str) -> dict[str, Any]:
    """``doc`` when it is a JSON object, else the deserializer's error."""
    if not isinstance(doc, dict):
        raise JsonParserError(
            f"Cannot deserialize instance of {type_name} from {json_token(doc)} value or request may be missing a "
            "required field at [line:1, column:1]"
        )
    return doc


async def json_object(request: Request, type_name: str) -> dict[str, Any]:
    """The request body as a JSON object, or ``JSON_PARSER_ERROR``."""
    return expect_object(parse_json(await request.body()), type_name)


# -- values and records -----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4096)  # simulated time repeats the same instants (CreatedDate, SystemModstamp...)
def sf_datetime(value: datetime) -> str:
    """Salesforce's dateTime format: ``2026-10-30T09:00:00.000+0000``."""
    utc = value.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+0000"


def wire(value: Any) -> Any:
    """A stored value as JSON: money and percentages as numbers, dates as Salesforce writes them."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return sf_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def version_base(version: int) -> str:
    """``/services/data/vNN.0``."""
    return f"{DATA_BASE}/v{version}.0"


def sobject_url(version: int, type_name: str, record_id: str) -> str:
    """The relative URL of a record, as in ``attributes.url``."""
    return f"{version_base(version)}/sobjects/{type_name}/{record_id}"


def attributes(version: int, record: SObject) -> dict[str, str]:
    """A record's ``attributes``."""
    return {"type": record.type, "url": sobject_url(version, record.type, record.id)}


def record_out(
    version: int, obj: ObjectDef, record: SObject, fields: Iterable[FieldDef] | None = None
) -> dict[str, Any]:
    """A record as ``GET .../sobjects/{Type}/{Id}`` returns it: ``attributes`` then the fields."""
    out: dict[str, Any] = {"attributes": attributes(version, record)}
    for f in fields if fields is not None else obj.fields:
        out[f.name] = wire(record.values.get(f.name, f.empty()))
    return out


def query_row(version: int, store: CrmStore, record: SObject, select: Sequence[FieldRef]) -> dict[str, Any]:
    """A SOQL result row: the selected fields, parent fields nested under each relationship name."""
    out: dict[str, Any] = {"attributes": attributes(version, record)}
    for ref in select:
        node, current = out, record
        for lookup in ref.lookups:
            name = lookup.relationship or lookup.name
            parent_id = current.values.get(lookup.name)
            parent = store.by_id(parent_id) if isinstance(parent_id, str) else None
            if parent is None:
                node.setdefault(name, None)
                break
            child = node.get(name)
            if child is None:
                child = node[name] = {"attributes": attributes(version, parent)}
            node, current = child, parent
        else:
            node[ref.field.name] = wire(current.values.get(ref.field.name))
    return out
