"""PSA entities (users, workspaces, participations, time entries, timesheet submissions) and list queries.

Plain slotted dataclasses with no rules: the rules live on :class:`simulators.psa.models.PsaStore`.
Money is ``Decimal`` in currency units; the wire renders it in cents, as Kantata does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from simulators.psa.exceptions import ValidationError

BillingModel = Literal["time_and_materials", "fixed_fee", "milestone"]
WorkspaceStatus = Literal["not_started", "active", "on_hold", "completed", "cancelled"]
SubmissionStatus = Literal["pending", "approved", "rejected", "canceled"]

STATUS_MESSAGES: dict[str, str] = {
    "not_started": "Not Started",
    "active": "Active",
    "on_hold": "On Hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
}


@dataclass(slots=True)
class User:
    """A Kantata user (a consultant who logs time)."""

    id: int
    first_name: str
    last_name: str
    email_address: str
    headline: str
    default_bill_rate: Decimal = Decimal("0")
    cost_rate: Decimal = Decimal("0")

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class Workspace:
    """A project (``workspace``) for a client."""

    id: int
    title: str
    description: str
    currency: str
    budget: Decimal
    billing_model: BillingModel
    client_ref: str
    start_date: date | None
    created_at: datetime
    updated_at: datetime
    status: WorkspaceStatus = "active"


@dataclass(slots=True)
class Participation:
    """A user's membership of a workspace, at a bill rate."""

    id: int
    workspace_id: int
    user_id: int
    rate: Decimal
    role: str


@dataclass(slots=True)
class TimeEntry:
    """Time a user logged on a workspace; locked once its timesheet is approved."""

    id: int
    workspace_id: int
    user_id: int
    date_performed: date
    time_in_minutes: int
    rate: Decimal
    created_at: datetime
    updated_at: datetime
    billable: bool = True
    notes: str | None = None
    story_id: int | None = None
    approved: bool = False
    timesheet_submission_id: int | None = None


@dataclass(slots=True)
class TimesheetSubmission:
    """A user's time entries submitted for approval: pending, then approved, rejected or canceled."""

    id: int
    user_id: int
    time_entry_ids: list[int]
    submitted_at: datetime
    status: SubmissionStatus = "pending"
    resolved_at: datetime | None = None
    comment: str | None = None


T = TypeVar("T")


@dataclass(slots=True, frozen=True)
class ListQuery:
    """Which slice of a list to return, in which order (already translated from the wire).

    Attributes:
        offset: records to skip.
        limit: records to return at most.
        only: the ids to restrict to (``only=``), or None for all.
        order: ``(field, descending)`` sort keys, most significant first; empty for id order.
    """

    offset: int = 0
    limit: int = 20
    only: frozenset[int] | None = None
    order: tuple[tuple[str, bool], ...] = ()


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a list and the number of records that matched."""

    items: list[T]
    total: int
    query: ListQuery = field(default_factory=ListQuery)


def _sort_key(attr: str) -> Callable[[Any], tuple[bool, Any]]:
    def key(record: Any) -> tuple[bool, Any]:
        value = getattr(record, attr)
        return (value is None, value)

    return key


def sortable_fields(kind: type[Any]) -> frozenset[str]:
    """Attribute names of a record type that ``order=`` may name (fields and properties)."""
    props = {name for name, value in vars(kind).items() if isinstance(value, property)}
    return frozenset({f.name for f in fields(kind)} | props)


def select(
    rows: Iterable[T],
    query: ListQuery,
    *,
    kind: type[T],
    id_of: Callable[[T], int],
    aliases: Mapping[str, str] | None = None,
    sortable: bool = True,
) -> Page[T]:
    """Filter ``rows`` by ``only``, sort them by ``order`` and cut the page.

    Args:
        rows: the records that passed the endpoint's filters, in default order.
        query: paging, ``only`` and ``order``.
        kind: the record type (to check ``order`` fields).
        id_of: a record's id.
        aliases: wire field names that differ from attribute names (``rate_in_cents`` -> ``rate``).
        sortable: whether ``order`` is accepted at all.

    Raises:
        ValidationError: ``order`` names a field the records do not have.
    """
    if query.order and not sortable:
        raise ValidationError("This endpoint does not support ordering", field="order")
    keys = []
    for name, descending in query.order:
        attr = (aliases or {}).get(name, name)
        if attr not in sortable_fields(kind):
            raise ValidationError(f"Invalid order field: {name}", field="order")
        keys.append((attr, descending))
    items = [r for r in rows if query.only is None or id_of(r) in query.only]
    for attr, descending in reversed(keys):
        items.sort(key=_sort_key(attr), reverse=descending)
    return Page(items[query.offset : query.offset + query.limit], len(items), query)
