"""A save transaction: the undo log that rolls writes back, and the changes it publishes on commit.

Every write runs inside a transaction: one REST call is one transaction; a composite or collection call
is one transaction with a savepoint per subrequest or record, so ``allOrNone`` can roll back everything
and a failed record can be undone alone. Change events are built from ``changes`` only when the
transaction commits (Salesforce publishes them after commit, with the transaction's ``transactionKey``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from simulators.crm.records import SObject

ChangeType = Literal["CREATE", "UPDATE", "DELETE", "UNDELETE"]


@dataclass(slots=True)
class Change:
    """One committed row change, as Change Data Capture sees it."""

    type: str
    record_id: str
    kind: ChangeType
    values: dict[str, Any]
    """CREATE: every non-null field; UPDATE: the changed fields' new values; DELETE: nothing."""
    user: str


@dataclass(slots=True)
class Transaction:
    """The writes of one request.

    Attributes:
        origin: ``changeOrigin`` of the change events (``com/salesforce/api/rest/67.0;client=...``; empty for
            changes made in the UI, which is how provider states and seeding count).
        allow_save: ``Sforce-Duplicate-Rule-Header: allowSave=true`` (alert-only duplicate rules let it save).
        lenient: the version profile's ``lenient_json_types``.
        version: the API version of the request (0 outside the REST API), used in record URLs.
        user: the user the request runs as.
    """

    origin: str = ""
    allow_save: bool = False
    lenient: bool = True
    version: int = 0
    user: str = ""
    undo: list[tuple[SObject, dict[str, Any] | None]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def mark(self) -> tuple[int, int]:
        """A savepoint: the lengths of the undo log and the change list."""
        return len(self.undo), len(self.changes)

    def remember(self, record: SObject, previous: dict[str, Any] | None) -> None:
        """Log a write: ``previous`` values of an updated record, or None for an inserted one."""
        self.undo.append((record, previous))

    def record(self, change: Change) -> None:
        """Log a change for the change events of the commit."""
        self.changes.append(change)
