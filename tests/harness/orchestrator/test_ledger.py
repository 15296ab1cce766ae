"""The orchestrator's durable ledger: de-duplication, atomic completion, retries, dead letters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.orchestrator.ledger import Ledger, NewWork


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    db = Ledger(tmp_path / "orch.sqlite")
    yield db
    db.close()


def _approval(event_id: int, submission: str) -> dict[str, object]:
    return {
        "id": str(event_id),
        "event_type": "timesheet_submission:approved",
        "subject_id": submission,
        "created_at": "2026-10-30T09:00:00+00:00",
    }


def _work(submission: str) -> NewWork:
    return NewWork(
        "psa.submission.approved", f"psa:submission:{submission}", {"submission_id": submission}, f"corr-{submission}"
    )


def test_same_event_id_is_accepted_once(ledger: Ledger) -> None:
    assert ledger.accept_event("psa", _approval(1, "77"), _work("77")) is True
    assert ledger.accept_event("psa", _approval(1, "77"), _work("77")) is False
    assert ledger.counts()["events"] == 1
    assert len(ledger.due(10)) == 1


def test_duplicate_event_with_new_id_adds_no_work(ledger: Ledger) -> None:
    ledger.accept_event("psa", _approval(1, "77"), _work("77"))
    ledger.accept_event("psa", _approval(2, "77"), _work("77"))
    assert ledger.counts()["events"] == 2
    assert [w.key for w in ledger.due(10)] == ["psa:submission:77"]


def test_complete_enqueues_children_and_records_posting_atomically(ledger: Ledger) -> None:
    ledger.accept_event("psa", _approval(1, "77"), _work("77"))
    (parent,) = ledger.due(10)
    child = NewWork("erp.time_bill", "psa:time_entry:5", {"entry": {"id": "5"}}, "corr-77-te-5")
    ledger.complete(parent, [child, child])
    (item,) = ledger.due(10)
    assert item.key == "psa:time_entry:5"
    ledger.complete(item, posting=("erp.timeBill", "12", "7.50"))
    assert ledger.counts() == {
        "pending": 0,
        "done": 2,
        "dead": 0,
        "held": 0,
        "postings": 1,
        "events": 1,
        "dead_letters_open": 0,
    }


def test_retry_later_hides_item_until_due(ledger: Ledger) -> None:
    ledger.accept_event("psa", _approval(1, "77"), _work("77"))
    (item,) = ledger.due(10)
    ledger.retry_later(item, 3600, "503 from ERP")
    assert ledger.due(10) == []
    assert ledger.counts()["pending"] == 1


def test_dead_letter_and_replay_by_reason(ledger: Ledger) -> None:
    for sub in ("1", "2"):
        ledger.accept_event("psa", _approval(int(sub), sub), _work(sub))
    first, second = ledger.due(10)
    ledger.dead_letter(first, "PERIOD_CLOSED", "closed accounting period Sep 2026")
    ledger.dead_letter(second, "CREDIT_HOLD", "customer on hold")
    assert [d["reason"] for d in ledger.dead_letters()] == ["PERIOD_CLOSED", "CREDIT_HOLD"]
    assert ledger.replay("PERIOD_CLOSED") == 1
    assert [w.key for w in ledger.due(10)] == [first.key]
    assert [d["reason"] for d in ledger.dead_letters()] == ["CREDIT_HOLD"]


def test_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "orch.sqlite"
    first = Ledger(path)
    first.accept_event("psa", _approval(1, "77"), _work("77"))
    first.set_cursor("feed", "2026-10-30T08:50:00+00:00")
    first.remember_ref("erp", "employee", "psa-user-1001", "7")
    first.close()
    again = Ledger(path)
    assert again.accept_event("psa", _approval(1, "77"), _work("77")) is False
    assert again.cursor("feed") == "2026-10-30T08:50:00+00:00"
    assert again.ref("erp", "employee", "psa-user-1001") == "7"
    assert len(again.due(10)) == 1
    again.close()


def test_held_items_wait_until_their_customer_is_released(ledger: Ledger) -> None:
    for sub in ("1", "2", "3"):
        ledger.accept_event("psa", _approval(int(sub), sub), _work(sub))
    first, second, third = ledger.due(10)
    ledger.hold(first, "CUST-1", "customer CUST-1 is on credit hold")
    ledger.hold(second, "CUST-1", "customer CUST-1 is on credit hold")
    ledger.hold(third, "CUST-2", "customer CUST-2 is on credit hold")
    assert ledger.due(10) == []
    assert ledger.counts()["held"] == 3
    assert ledger.dead_letters() == [], "a hold is not a dead letter"
    assert ledger.held_customers() == ["CUST-1", "CUST-2"]
    assert ledger.release_holds("CUST-1") == 2
    assert [w.key for w in ledger.due(10)] == [first.key, second.key]
    assert ledger.release_holds("CUST-1") == 0
    assert ledger.held_customers() == ["CUST-2"]


def test_fresh_work_runs_before_a_backlog_and_lifts_a_queued_duplicate(ledger: Ledger) -> None:
    backlog = [
        NewWork("erp.time_bill", f"psa:time_entry:{i}", {"entry": {"id": i}}, f"c-{i}", priority=1) for i in (1, 2)
    ]
    assert ledger.enqueue_many(backlog) == 2
    assert ledger.enqueue_many(backlog) == 0, "existing keys add nothing"
    ledger.accept_event("psa", _approval(9, "77"), _work("77"))
    ledger.enqueue_many([NewWork("erp.time_bill", "psa:time_entry:2", {"entry": {"id": 2}}, "c-2")])
    assert [w.key for w in ledger.due(10)] == ["psa:time_entry:2", "psa:submission:77", "psa:time_entry:1"]
