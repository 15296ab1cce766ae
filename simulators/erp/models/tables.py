"""A tenant's tables: records by internal id, id counters per id space, external-id and ``tranId`` indexes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulators.erp.exceptions import InvalidContent, NonexistentId, UserError
from simulators.erp.models.records import ID_SPACES, RECORD_CLASSES

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Hours and rates as NetSuite keeps them: rounded half up to the hundredth."""
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(slots=True)
class Page:
    """A page of a record list."""

    items: list[Any]
    offset: int
    total: int

    @property
    def has_more(self) -> bool:
        """More records after this page."""
        return self.offset + len(self.items) < self.total


def record_type_of(record: Any) -> str:
    """The table name of a record instance."""
    for name, cls in RECORD_CLASSES.items():
        if isinstance(record, cls):
            return name
    raise TypeError(f"not an ERP record: {type(record).__name__}")


class Tables:
    """Every table of one tenant; the only place that inserts, re-keys and removes records."""

    def __init__(self) -> None:
        self.data: dict[str, dict[int, Any]] = {name: {} for name in RECORD_CLASSES}
        self._next: dict[str, int] = {}
        self._external: dict[str, dict[str, int]] = {name: {} for name in RECORD_CLASSES}
        self.tran_ids: dict[str, int] = {}
        """Invoice ``tranId`` -> invoice id (NetSuite enforces document-number uniqueness on invoices)."""

    # -- ids ------------------------------------------------------------------------------------------------
    @staticmethod
    def _space_types(record_type: str) -> list[str]:
        space = ID_SPACES.get(record_type, record_type)
        return [t for t in RECORD_CLASSES if ID_SPACES.get(t, t) == space]

    def next_id(self, record_type: str) -> int:
        """A fresh internal id in the record type's id space."""
        space = ID_SPACES.get(record_type, record_type)
        nxt = self._next.get(space)
        if nxt is None:
            nxt = max((max(self.data[t], default=0) for t in self._space_types(record_type)), default=0) + 1
        self._next[space] = nxt + 1
        return nxt

    def id_taken(self, record_type: str, record_id: int) -> bool:
        """Whether any record of the id space holds ``record_id``."""
        return any(record_id in self.data[t] for t in self._space_types(record_type))

    # -- writes ---------------------------------------------------------------------------------------------
    def insert(self, record_type: str, record: Any) -> Any:
        """Store a record under its id (assigning a fresh one when the id is 0)."""
        if not record.id:
            record.id = self.next_id(record_type)
        elif self.id_taken(record_type, record.id):
            raise UserError(f"Internal id {record.id} is taken for {record_type}.")
        else:
            space = ID_SPACES.get(record_type, record_type)
            if space in self._next:
                self._next[space] = max(self._next[space], record.id + 1)
        ext = getattr(record, "externalId", None)
        if ext is not None:
            self._external[record_type][ext] = record.id
        if record_type == "invoice":
            self.tran_ids[record.tranId] = record.id
        self.data[record_type][record.id] = record
        return record

    def set_external_id(self, record_type: str, record: Any, external_id: str | None) -> None:
        """Change a record's external id, keeping it unique within its type."""
        if external_id == record.externalId:
            return
        if external_id is not None and external_id in self._external[record_type]:
            raise UserError(f"A record with the external ID {external_id} already exists.", error_path="externalId")
        if record.externalId is not None:
            self._external[record_type].pop(record.externalId, None)
        record.externalId = external_id
        if external_id is not None:
            self._external[record_type][external_id] = record.id

    def set_tran_id(self, record: Any, tran_id: str) -> None:
        """Change an invoice's ``tranId`` (unique among invoices)."""
        if tran_id == record.tranId:
            return
        self.tran_ids.pop(record.tranId, None)
        record.tranId = tran_id
        self.tran_ids[tran_id] = record.id

    def remove(self, record_type: str, record: Any) -> None:
        """Delete a record and its index entries."""
        ext = getattr(record, "externalId", None)
        if ext is not None:
            self._external[record_type].pop(ext, None)
        if record_type == "invoice":
            self.tran_ids.pop(record.tranId, None)
        del self.data[record_type][record.id]

    def replace_all(self, data: dict[str, dict[int, Any]]) -> None:
        """Swap in restored tables and rebuild every index."""
        self.data = data
        self._next.clear()
        self._external = {name: {} for name in RECORD_CLASSES}
        self.tran_ids = {}
        for name, table in data.items():
            for rec in table.values():
                ext = getattr(rec, "externalId", None)
                if ext is not None:
                    self._external[name][ext] = rec.id
                if name == "invoice":
                    self.tran_ids[rec.tranId] = rec.id

    # -- reads ----------------------------------------------------------------------------------------------
    def get(self, record_type: str, ref: str) -> Any:
        """A record by internal id (``"647"``) or external id (``"eid:CID001"``)."""
        table = self.data[record_type]
        if ref.startswith("eid:"):
            found = self._external[record_type].get(ref[4:])
            if found is not None:
                return table[found]
        elif ref.isdigit() and int(ref) in table:
            return table[int(ref)]
        raise NonexistentId(
            f"The record instance does not exist. Provide a valid record instance ID. ({record_type} {ref})"
        )

    def find_external(self, record_type: str, external_id: str) -> Any | None:
        """The record with this external id, if any."""
        found = self._external[record_type].get(external_id)
        return None if found is None else self.data[record_type][found]

    def ref(self, record_type: str, record_id: int, field: str, label: str | None = None) -> Any:
        """The record a reference field names, or ``INVALID_CONTENT`` naming the field."""
        rec = self.data[record_type].get(record_id)
        if rec is None:
            raise InvalidContent(
                f"Invalid value for field {field}: no {label or record_type} with internal id {record_id}.",
                error_path=field,
            )
        return rec

    def rows(self, record_type: str) -> Iterator[Any]:
        """The records of a type in internal-id order."""
        table = self.data[record_type]
        return (table[i] for i in sorted(table))

    def page(self, record_type: str, limit: int, offset: int, where: Callable[[Any], bool] | None = None) -> Page:
        """A page of records in internal-id order, optionally filtered."""
        table = self.data[record_type]
        if where is None:
            ids = sorted(table)
            return Page([table[i] for i in ids[offset : offset + limit]], offset, len(ids))
        matched = [r for r in self.rows(record_type) if where(r)]
        return Page(matched[offset : offset + limit], offset, len(matched))
