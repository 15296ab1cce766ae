"""Rounds of work without HTTP: outcomes commit together, write-backs go to the PSA in batches (one by one
after a refusal), and concurrent postings share one read of a cached fact."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from harness.orchestrator.clients.http import PermanentError, TransientError
from harness.orchestrator.clients.psa import SyncedPosting
from harness.orchestrator.ledger import Ledger, NewWork
from harness.orchestrator.pipeline import SYNC
from harness.orchestrator.references import References
from harness.orchestrator.service import Orchestrator
from harness.orchestrator.settings import OrchestratorSettings


def _sync(entry_id: int) -> NewWork:
    payload = {
        "subject_type": "TimeEntry",
        "subject_id": str(entry_id),
        "model": "timeBill",
        "ref": str(100 + entry_id),
    }
    return NewWork(SYNC, f"psa:sync:TimeEntry:{entry_id}", payload, correlation_id=f"c-{entry_id}")


def test_outcomes_inside_a_round_commit_together_at_its_end(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.enqueue_many([_sync(1), _sync(2), _sync(3)])
    first, second, third = ledger.due(10)
    with ledger.deferred():
        ledger.complete(first)
        ledger.dead_letter(second, "REJECTED", "refused")
        with ledger.deferred():  # nested: the outer round commits it
            ledger.retry_later(third, 3600, "503")
        assert ledger.counts()["pending"] == 3, "nothing is written before the round ends"
    counts = ledger.counts()
    assert (counts["done"], counts["dead"], counts["pending"]) == (1, 1, 1)
    assert ledger.due(10) == [], "the retried item waits for its next attempt"


class FakePsa:
    """Records write-back calls; refuses any batch or call that names a refused subject."""

    def __init__(self, refused: Sequence[str] = (), transient: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.singles: list[str] = []
        self.refused = set(refused)
        self.transient = transient

    async def mark_synced_many(self, postings: Sequence[SyncedPosting], correlation_id: str) -> None:
        assert correlation_id
        if self.transient:
            raise TransientError("503", status=503)
        self.batches.append([p[1] for p in postings])
        if self.refused & {p[1] for p in postings}:
            raise PermanentError("422 validation: TimeEntry does not exist", status=422)

    async def mark_synced(self, subject_type: str, subject_id: str, model: str, ref: str, corr: str) -> None:
        self.singles.append(subject_id)
        if subject_id in self.refused:
            raise PermanentError("422 validation: TimeEntry does not exist", status=422)


def _orchestrator(tmp_path: Path, psa: FakePsa, **settings: Any) -> Orchestrator:
    orch = Orchestrator(OrchestratorSettings(db_path=tmp_path / "ledger.sqlite", **settings))
    orch.pipeline.psa = psa  # type: ignore[assignment]
    orch.ledger.enqueue_many([_sync(i) for i in range(1, 8)])
    return orch


def _states(orch: Orchestrator) -> tuple[int, int, int]:
    counts = orch.ledger.counts()
    return counts["done"], counts["dead"], counts["pending"]


def test_write_backs_go_to_the_psa_in_batches(tmp_path: Path) -> None:
    psa = FakePsa()
    orch = _orchestrator(tmp_path, psa, sync_batch_size=3)
    assert asyncio.run(orch.work_due()) == 7
    assert psa.batches == [["1", "2", "3"], ["4", "5", "6"]]
    assert psa.singles == ["7"]
    assert _states(orch) == (7, 0, 0)


def test_a_refused_batch_is_written_back_one_by_one_and_only_the_culprit_is_dead_lettered(tmp_path: Path) -> None:
    psa = FakePsa(refused=["5"])
    orch = _orchestrator(tmp_path, psa, sync_batch_size=100)
    asyncio.run(orch.work_due())
    assert psa.batches == [["1", "2", "3", "4", "5", "6", "7"]]
    assert sorted(psa.singles) == ["1", "2", "3", "4", "5", "6", "7"]
    assert _states(orch) == (6, 1, 0)
    assert [d["key"] for d in orch.ledger.dead_letters()] == ["psa:sync:TimeEntry:5"]


def test_a_batch_that_fails_in_transit_is_retried_item_by_item(tmp_path: Path) -> None:
    orch = _orchestrator(tmp_path, FakePsa(transient=True), sync_batch_size=100)
    asyncio.run(orch.work_due())
    assert _states(orch) == (0, 0, 7)
    assert orch.ledger.due(10) == [], "each item waits for its next attempt"


def test_one_call_per_write_back_when_batches_are_off(tmp_path: Path) -> None:
    psa = FakePsa()
    orch = _orchestrator(tmp_path, psa, sync_batch_size=1)
    asyncio.run(orch.work_due())
    assert psa.batches == []
    assert sorted(psa.singles) == ["1", "2", "3", "4", "5", "6", "7"]


class FakeErp:
    """Answers the periods query slowly, counting the queries."""

    def __init__(self) -> None:
        self.queries = 0

    async def suiteql(self, query: str, correlation_id: str) -> list[dict[str, object]]:
        self.queries += 1
        await asyncio.sleep(0.01)
        return [
            {"id": "10", "periodname": "Oct 2026", "startdate": "10/1/2026", "enddate": "10/31/2026", "closed": "F"}
        ]


def test_concurrent_postings_share_one_read_of_the_periods(tmp_path: Path) -> None:
    erp = FakeErp()
    refs = References(None, erp, Ledger(tmp_path / "ledger.sqlite"), ttl_s=60)  # type: ignore[arg-type]

    async def many() -> list[Any]:
        return await asyncio.gather(*(refs.periods(f"c-{i}") for i in range(50)))

    found = asyncio.run(many())
    assert erp.queries == 1
    assert all(periods[0].start == date(2026, 10, 1) for periods in found)
    refs.forget_periods()
    asyncio.run(refs.periods("again"))
    assert erp.queries == 2
