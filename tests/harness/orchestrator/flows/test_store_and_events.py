"""Which events start which flows, and the flow store's durable states (no servers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.orchestrator.flows import billing, project_setup
from harness.orchestrator.flows.store import FlowStore, NewFlow

OPP = "006000000000001AAA"


def change(change_type: str, origin: str = "", **fields: Any) -> dict[str, Any]:
    header = {"changeType": change_type, "recordIds": [OPP], "changeOrigin": origin}
    return {"payload": {"ChangeEventHeader": header, **fields}, "event": {"replayId": 1, "EventUuid": "u"}}


@pytest.mark.parametrize(
    ("event", "ids", "sweep"),
    [
        (change("UPDATE", StageName="Closed Won"), [OPP], False),
        (change("CREATE", StageName="Closed Won"), [OPP], False),
        (change("UPDATE", StageName="Negotiation/Review"), [], False),
        (change("UPDATE", Description="edited"), [], False),
        (change("GAP_UPDATE"), [OPP], False),
        (change("GAP_DELETE"), [], False),
        (change("GAP_OVERFLOW"), [], True),
        (change("UPDATE", "com/salesforce/api/rest/62.0;client=p2c-orchestrator", StageName="Closed Won"), [], False),
        (change("UPDATE", "com/salesforce/api/rest/62.0;client=someone-else", StageName="Closed Won"), [OPP], False),
    ],
)
def test_which_change_events_start_a_setup(event: dict[str, Any], ids: list[str], sweep: bool) -> None:
    assert project_setup.flows_for_change(event, "p2c-orchestrator") == (ids, sweep)


def test_only_a_milestone_reaching_completed_starts_an_invoice_request() -> None:
    done = {
        "id": "9",
        "event_type": "story:updated",
        "subject_id": 77,
        "current_payload": {"story_type": "milestone", "state": "completed"},
        "payload_changes": {"state": ["started", "completed"]},
    }
    flow = billing.flow_for_event(done)
    assert flow is not None
    assert (flow.kind, flow.key, flow.payload) == (billing.KIND, "psa:milestone:77", {"story_id": "77"})
    assert billing.flow_for_event({**done, "payload_changes": {"title": ["a", "b"]}}) is None
    assert billing.flow_for_event({**done, "current_payload": {"story_type": "task", "state": "completed"}}) is None
    assert billing.flow_for_event({**done, "event_type": "story:created"}) is None


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FlowStore]:
    opened = FlowStore(tmp_path / "o.sqlite")
    yield opened
    opened.close()


def _start(store: FlowStore, event_id: str, key: str = "k1") -> bool:
    return store.accept("crm", event_id, "UPDATE", "x", [NewFlow("kind", key, {"n": event_id}, "corr")])


def test_an_event_is_taken_once_and_a_flow_key_starts_one_flow(store: FlowStore) -> None:
    assert _start(store, "e1")
    assert not _start(store, "e1")
    assert _start(store, "e2")  # another event about the same business key
    assert store.counts()["pending"] == 1
    assert store.counts()["events"] == 2


def test_a_skipped_flow_is_rearmed_by_a_later_event_but_a_done_one_is_not(store: FlowStore) -> None:
    _start(store, "e1")
    (flow,) = store.due(10)
    store.finish(flow, "skipped", "not won yet")
    assert store.due(10) == []
    _start(store, "e2")
    (again,) = store.due(10)
    store.finish(again)
    _start(store, "e3")
    assert store.due(10) == []


def test_a_replayed_dead_letter_resumes_after_its_last_step(store: FlowStore) -> None:
    _start(store, "e1")
    (flow,) = store.due(10)
    store.advance(flow, "customer", customer_id="42")
    store.dead_letter(flow, "PSA_VALIDATION", "title missing")
    assert [d["reason"] for d in store.dead_letters()] == ["PSA_VALIDATION"]
    assert store.exceptions()[0]["step"] == "customer"
    assert store.replay("PERIOD_CLOSED") == 0
    assert store.replay("PSA_VALIDATION") == 1
    (resumed,) = store.due(10)
    assert (resumed.step, resumed.progress, resumed.attempts) == ("customer", {"customer_id": "42"}, 0)
    assert store.dead_letters() == []


def test_held_flows_wait_for_their_customer_only(store: FlowStore) -> None:
    _start(store, "e1", "a")
    _start(store, "e2", "b")
    first, second = store.due(10)
    store.hold(first, "CUST-1", "on credit hold")
    store.hold(second, "CUST-2", "on credit hold")
    assert store.held_customers() == ["CUST-1", "CUST-2"]
    assert store.release("CUST-1") == 1
    assert [f.key for f in store.due(10)] == ["a"]
    assert store.counts()["held"] == 1


def test_a_paused_flow_shows_its_error_and_waits_for_its_next_attempt(store: FlowStore) -> None:
    _start(store, "e1")
    (flow,) = store.due(10)
    store.pause(flow, 60.0, "PUT job -> 503")
    assert store.due(10) == []
    (shown,) = store.exceptions()
    assert (shown["state"], shown["attempts"], shown["last_error"]) == ("paused", 1, "PUT job -> 503")
