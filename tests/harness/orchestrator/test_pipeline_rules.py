"""The posting pipeline's rules without HTTP: source ids, periods, and the defect switches' validation."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from harness.orchestrator.pipeline import Dating, _memo, source_id
from harness.orchestrator.references import Period, first_open_after, period_of
from harness.orchestrator.settings import OrchestratorSettings

PERIODS = [
    Period("9", "Sep 2026", date(2026, 9, 1), date(2026, 9, 30), closed=True),
    Period("10", "Oct 2026", date(2026, 10, 1), date(2026, 10, 31), closed=True),
    Period("11", "Nov 2026", date(2026, 11, 1), date(2026, 11, 30), closed=False),
]


def test_work_keys_name_the_record_they_post() -> None:
    assert source_id("psa:time_entry:42") == "psa-te-42"
    assert source_id("psa:time_entry:42#event-7") == "psa-te-42"
    assert source_id("psa:expense:5") == "psa-ex-5"
    assert source_id("psa:submission:3") is None


def test_a_closed_date_moves_to_the_first_open_period_and_keeps_its_date_in_the_memo() -> None:
    october = period_of(PERIODS, date(2026, 10, 28))
    assert october is not None
    assert october.name == "Oct 2026"
    target = first_open_after(PERIODS, october)
    assert target is not None
    assert target.start == date(2026, 11, 1)
    assert _memo("psa-te-1", Dating(target.start, date(2026, 10, 28))) == "psa-te-1 original date 2026-10-28"
    assert _memo("psa-te-1", Dating(date(2026, 11, 2), None)) == "psa-te-1"
    assert period_of(PERIODS, date(2027, 1, 1)) is None


def test_defect_switches_are_known_names_only() -> None:
    settings = OrchestratorSettings(defects="no-idempotency, ignore-period-policy")
    assert settings.defect("no-idempotency")
    assert settings.defect("ignore-period-policy")
    assert not settings.defect("no-inbox-dedup")
    with pytest.raises(ValidationError, match="unknown defects"):
        OrchestratorSettings(defects="post-everything-twice")
