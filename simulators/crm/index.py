"""An in-memory index of text values (case-insensitive) -> record ids, for the fields the store looks up by value.

External-id upserts, unique checks and duplicate rules match on field values; without an index each save
would scan every record of its type. Indexed: external-id and unique fields, and the fields of active
duplicate rules. The store reports every change of record values (:meth:`ValueIndex.update`), including
undo and restore; deleted records stay indexed and are filtered by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from simulators.crm.schema import Schema


class ValueIndex:
    """``(sObject type, field) -> lower-cased value -> ids`` for the indexed fields of a schema.

    A value held by one record maps to its id, a value shared by several to the set of their ids: most
    indexed values are unique (external ids, names), and a set per record would double what the index keeps.
    """

    def __init__(self) -> None:
        self._schema: Schema | None = None
        self._fields: dict[str, tuple[str, ...]] = {}
        self._values: dict[tuple[str, str], dict[str, str | set[str]]] = {}

    def indexed(self, type_name: str, field_name: str) -> bool:
        """Whether lookups on this field are served by the index."""
        return (type_name, field_name) in self._values

    def use(self, schema: Schema, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Index the fields ``schema`` needs; rebuilt from ``records`` when the schema changed."""
        if schema is self._schema:
            return
        self._schema = schema
        self._fields = {}
        for obj in schema.objects.values():
            names = [f.name for f in obj.fields if f.external_id or f.unique]
            for rule in schema.metadata.duplicate_rules:
                if rule.object == obj.name and rule.active:
                    names += [n for n in rule.fields if n not in names]
            canonical = [f.name for n in names if (f := obj.field(n)) is not None]
            if canonical:
                self._fields[obj.name] = tuple(dict.fromkeys(canonical))
        self.rebuild(records)

    def rebuild(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Index every record again (after a restore or a schema change)."""
        self._values = {(t, f): {} for t, names in self._fields.items() for f in names}
        for type_name, table in records.items():
            for record_id, record in table.items():
                self.update(type_name, record_id, None, record.values)

    def update(
        self, type_name: str, record_id: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
    ) -> None:
        """Move ``record_id`` from its ``old`` values to its ``new`` ones (None: absent)."""
        for name in self._fields.get(type_name, ()):
            before = old.get(name) if old is not None else None
            after = new.get(name) if new is not None else None
            if before == after:
                continue
            bucket = self._values[(type_name, name)]
            if isinstance(before, str):
                _remove(bucket, before.lower(), record_id)
            if isinstance(after, str):
                _add(bucket, after.lower(), record_id)

    def lookup(self, type_name: str, field_name: str, value: str) -> Iterable[str]:
        """Ids whose field equals ``value`` case-insensitively (deleted records included), in id order."""
        found = self._values.get((type_name, field_name), {}).get(value.lower())
        if found is None:
            return []
        return [found] if isinstance(found, str) else sorted(found)


def _add(bucket: dict[str, str | set[str]], key: str, record_id: str) -> None:
    found = bucket.get(key)
    if found is None:
        bucket[key] = record_id
    elif isinstance(found, str):
        if found != record_id:
            bucket[key] = {found, record_id}
    else:
        found.add(record_id)


def _remove(bucket: dict[str, str | set[str]], key: str, record_id: str) -> None:
    found = bucket.get(key)
    if found is None:
        return
    if isinstance(found, str):
        if found == record_id:
            del bucket[key]
        return
    found.discard(record_id)
    if len(found) == 1:
        bucket[key] = found.pop()
    elif not found:
        del bucket[key]
