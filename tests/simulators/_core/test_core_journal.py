"""The request journal: ids, filters, bounds and clearing."""

from __future__ import annotations

from datetime import UTC, datetime

from simulators._core.journal import FaultFiring, Journal, JournalEntry


def _entry(journal: Journal, method: str = "GET", path: str = "/x", fault: FaultFiring | None = None) -> JournalEntry:
    entry = JournalEntry(
        id=next(journal.ids),
        at=datetime(2026, 10, 30, 9, tzinfo=UTC),
        method=method,
        path=path,
        query=b"a=1",
        status=200,
        tenant="default",
        correlation_id=None,
        duration_s=0.0012345,
        fault=fault,
    )
    journal.record(entry)
    return entry


def test_entries_are_numbered_from_one_in_order() -> None:
    journal = Journal()
    ids = [_entry(journal).id for _ in range(3)]
    assert ids == [1, 2, 3]
    assert [e.id for e in journal.entries()] == [1, 2, 3]
    assert journal.total == 3


def test_filters_combine() -> None:
    journal = Journal()
    _entry(journal, "GET", "/services/a")
    _entry(journal, "POST", "/services/a", FaultFiring("fault-1", "HTTP_ERROR", "before"))
    _entry(journal, "POST", "/other")
    _entry(journal, "POST", "/services/b")
    assert [e.id for e in journal.entries(since_id=2)] == [3, 4]
    assert [e.id for e in journal.entries(method="post")] == [2, 3, 4]
    assert [e.id for e in journal.entries(path_prefix="/services")] == [1, 2, 4]
    assert [e.id for e in journal.entries(faulted=True)] == [2]
    assert [e.id for e in journal.entries(faulted=False)] == [1, 3, 4]
    assert [e.id for e in journal.entries(method="POST", path_prefix="/services", faulted=False)] == [4]
    assert [e.id for e in journal.entries(limit=2)] == [3, 4]


def test_journal_is_bounded_but_counts_everything() -> None:
    journal = Journal(limit=2)
    for _ in range(5):
        _entry(journal)
    assert [e.id for e in journal.entries()] == [4, 5]
    assert journal.total == 5


def test_clear_keeps_ids_increasing() -> None:
    journal = Journal()
    _entry(journal)
    _entry(journal)
    journal.clear()
    assert journal.entries() == []
    assert journal.total == 0
    assert _entry(journal).id == 3


def test_as_dict_nests_the_fault() -> None:
    journal = Journal()
    entry = _entry(journal, fault=FaultFiring("r1", "DELAY", "after"))
    assert entry.as_dict()["fault"] == {"rule_id": "r1", "kind": "DELAY", "phase": "after"}


def test_entries_are_formatted_when_read() -> None:
    journal = Journal()
    doc = _entry(journal, fault=FaultFiring("fault-1", "DELAY", "after")).as_dict()
    assert doc == {
        "id": 1,
        "at": "2026-10-30T09:00:00+00:00",
        "method": "GET",
        "path": "/x",
        "query": "a=1",
        "status": 200,
        "tenant": "default",
        "correlation_id": None,
        "duration_ms": 1.234,
        "fault": {"rule_id": "fault-1", "kind": "DELAY", "phase": "after"},
    }
