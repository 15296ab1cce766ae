"""Change Data Capture: ``<Object>ChangeEvent`` messages built on commit, and the replay feed over them.

On commit, the transaction's changes of selected entities become change events (reference/vendor-apis.md
1.6): identical changes of one transaction are merged into one event listing every ``recordIds``; each event
carries the full ``ChangeEventHeader`` (``changeType``, ``changedFields``, ``nulledFields``, ``diffFields``,
``changeOrigin``, ``transactionKey``, ``sequenceNumber``, ``commitTimestamp``, ``commitNumber``,
``commitUser``); a seeded share becomes ``GAP_*`` events without field data, and changes beyond
``overflow_threshold`` in one transaction collapse into one ``GAP_OVERFLOW`` per entity. Events go to the
tenant's :class:`~simulators._core.events.EventLog` (``GET /__admin/events``), whose delivery settings add
duplicates and reordering; :meth:`ChangeCapture.replay` reads them back by replay id, like a CometD or
Pub/Sub client resuming from a stored id, for ``retention_hours`` of simulated time.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import NoneType
from typing import Any

from simulators._core.events import Event
from simulators._core.rng import make_rng
from simulators._core.runtime import StoreContext
from simulators.crm.exceptions import InvalidReplayId, NotFound
from simulators.crm.schema import Schema
from simulators.crm.settings import ChangeEventSettings, CrmSettings
from simulators.crm.transactions import Change, Transaction

ALL_CHANNEL = "/data/ChangeEvents"
REPLAY_ALL = -2
REPLAY_NEW = -1
_FIRST_REPLAY_ID = 1000
_FIRST_COMMIT_NUMBER = 10_000_000_000
_UPDATE_STAMP = "LastModifiedDate"


@dataclass(slots=True)
class FeedPage:
    """Change events after a replay id, in delivery order."""

    channel: str
    events: list[dict[str, Any]]
    latest_replay_id: int
    done: bool


@dataclass(slots=True)
class _Group:
    change: Change
    record_ids: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)  # simulated time repeats the same instants
def _cdc_datetime(value: datetime) -> str:
    utc = value.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


_AS_IS = frozenset({str, bool, int, NoneType})
"""Value types a change event carries unchanged."""


def _cdc_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return _cdc_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@functools.cache
def _schema_id(event_name: str) -> str:
    """A stable, opaque Avro schema id per event type (22 URL-safe characters, like Salesforce's)."""
    digest = hashlib.blake2b(event_name.encode(), digest_size=16).digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


def _uuid4(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without building the object (two per published event)."""
    bits = (bits & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 4 << 76
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def replay_id_of(event: Event) -> int:
    """The replay id stored in an emitted change event."""
    return int(event.payload["event"]["replayId"])


class ChangeCapture:
    """Builds and publishes one tenant's change events and serves its replay feed."""

    def __init__(self, ctx: StoreContext[CrmSettings]) -> None:
        self._ctx = ctx
        self._rng = make_rng(ctx.settings().seed, "crm", ctx.tenant, "cdc")
        self._replay = _FIRST_REPLAY_ID + self._rng.randrange(1000)
        self._commit_number = _FIRST_COMMIT_NUMBER + self._rng.randrange(1_000_000)

    # -- publishing -------------------------------------------------------------------------------------------
    def publish(self, tx: Transaction, schema: Schema) -> int:
        """Emit the change events of a committed transaction; returns how many were emitted."""
        cfg = self._ctx.settings().change_events
        if len(tx.changes) == 1:  # one saved record (most REST calls): nothing to merge, no overflow
            change = tx.changes[0]
            if change.type not in cfg.entities:
                return 0
            headers: list[tuple[Change | None, list[str], str | None]] = [(change, [change.record_id], None)]
            fresh = True  # the record id list is this event's own
        else:
            headers = self._grouped(tx.changes, cfg)
            if not headers:
                return 0
            fresh = False
        commit_timestamp = int(self._ctx.clock.now().timestamp() * 1000)
        self._commit_number += 1 + self._rng.randrange(50)
        transaction_key = _uuid4(self._rng.getrandbits(128))
        for sequence, (item, record_ids, overflowed) in enumerate(headers, start=1):
            header = {
                "entityName": item.type if item is not None else str(overflowed),
                "recordIds": record_ids if fresh else list(record_ids),
                "changeType": "GAP_OVERFLOW",
                "changeOrigin": tx.origin,
                "transactionKey": transaction_key,
                "sequenceNumber": sequence,
                "commitTimestamp": commit_timestamp,
                "commitNumber": self._commit_number,
                "commitUser": item.user if item is not None else tx.user,
                "nulledFields": [],
                "diffFields": [],
                "changedFields": [],
            }
            body: dict[str, Any] = {"ChangeEventHeader": header}
            if item is not None:
                gap = cfg.gap_rate > 0 and self._rng.random() < cfg.gap_rate
                header["changeType"] = f"GAP_{item.kind}" if gap else item.kind
                if not gap:
                    if item.kind == "UPDATE":
                        header["changedFields"] = list(item.values)
                        header["nulledFields"] = [k for k, v in item.values.items() if v is None]
                    for k, v in item.values.items():
                        body[k] = v if type(v) in _AS_IS else _cdc_value(v)
            self._emit(schema, str(header["entityName"]), record_ids, body)
        return len(headers)

    @staticmethod
    def _grouped(changes: list[Change], cfg: ChangeEventSettings) -> list[tuple[Change | None, list[str], str | None]]:
        """(change, its records, None) per event, identical changes merged, then (None, [], entity) per overflow."""
        groups: dict[Hashable, _Group] = {}
        counts: dict[str, int] = {}
        overflow: list[str] = []
        for n, change in enumerate(changes):
            if change.type not in cfg.entities:
                continue
            counts[change.type] = counts.get(change.type, 0) + 1
            if counts[change.type] > cfg.overflow_threshold:
                if change.type not in overflow:
                    overflow.append(change.type)
                continue
            key: Hashable = (change.type, change.kind, frozenset(change.values.items())) if cfg.merge else n
            groups.setdefault(key, _Group(change)).record_ids.append(change.record_id)
        headers: list[tuple[Change | None, list[str], str | None]] = [
            (g.change, g.record_ids, None) for g in groups.values()
        ]
        return headers + [(None, [], name) for name in overflow]

    def _emit(self, schema: Schema, entity: str, record_ids: list[str], body: dict[str, Any]) -> None:
        obj = schema.objects.get(entity)
        event_name = obj.event_name if obj is not None else f"{entity}ChangeEvent"
        self._replay += 1 + self._rng.randrange(7)
        payload = {
            "schema": _schema_id(event_name),
            "payload": body,
            "event": {"replayId": self._replay, "EventUuid": _uuid4(self._rng.getrandbits(128))},
        }
        self._ctx.events.emit(event_name, entity, record_ids[0] if record_ids else "", payload)

    # -- replay -----------------------------------------------------------------------------------------------
    def replay(self, channel: str, replay_id: int, limit: int, schema: Schema) -> FeedPage:
        """Change events of ``channel`` delivered after ``replay_id`` (-2: all retained, -1: only new ones).

        Raises:
            NotFound: the channel is neither ``/data/ChangeEvents`` nor ``/data/<Entity>ChangeEvent``.
            InvalidReplayId: the id was never issued here or its event is past the retention window.
        """
        wanted = self._event_type(channel, schema)
        cfg = self._ctx.settings().change_events
        horizon = self._ctx.clock.now() - timedelta(hours=cfg.retention_hours)
        retained = [e for e in self._ctx.events.all() if e.type.endswith("ChangeEvent") and e.created_at >= horizon]
        if replay_id == REPLAY_ALL:
            start = 0
        elif replay_id == REPLAY_NEW:
            start = len(retained)
        else:
            start = next((i + 1 for i, e in enumerate(retained) if replay_id_of(e) == replay_id), -1)
            if start < 0:
                raise InvalidReplayId(
                    f"The replayId {{{replay_id}}} you provided was invalid. Please provide a valid ID, -2 to replay "
                    "all events, or -1 to replay only new events."
                )
        after = [e for e in retained[start:] if wanted is None or e.type == wanted]
        page = after[:limit]
        latest = replay_id_of(page[-1]) if page else (replay_id if replay_id >= 0 else self._latest(retained))
        events = [{"channel": f"/data/{e.type}", "data": e.payload} for e in page]
        return FeedPage(channel, events, latest, len(after) <= limit)

    @staticmethod
    def _latest(retained: list[Event]) -> int:
        return max((replay_id_of(e) for e in retained), default=REPLAY_NEW)

    @staticmethod
    def _event_type(channel: str, schema: Schema) -> str | None:
        if channel == ALL_CHANNEL:
            return None
        names = {obj.event_name for obj in schema.objects.values()}
        name = channel.removeprefix("/data/")
        if not channel.startswith("/data/") or name not in names:
            raise NotFound(f"Unknown channel: {channel}")
        return name
