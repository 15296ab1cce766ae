"""Choosing scenarios on the command line: by scenario name or by suite name."""

from __future__ import annotations

import pytest

import scenarios  # noqa: F401  (registers every suite)
from harness.engine import SCENARIOS, select


def test_a_suite_name_selects_every_scenario_of_the_suite_in_order() -> None:
    chosen = select(["closed-periods"])

    assert [d.name for d in chosen] == [d.name for d in SCENARIOS.values() if d.suite == "closed periods"]
    assert len(chosen) >= 3


def test_scenario_and_suite_names_combine_without_repeats() -> None:
    one = next(d.name for d in SCENARIOS.values() if d.suite == "credit holds")

    chosen = select([one, "credit-holds", "month-end-peak"])

    names = [d.name for d in chosen]
    assert names[0] == one
    assert len(names) == len(set(names))
    assert {d.suite for d in chosen} == {"credit holds", "month-end peak"}


def test_an_unknown_name_lists_the_suites() -> None:
    with pytest.raises(KeyError, match="suites: closed-periods, credit-holds, duplicate-submissions"):
        select(["no-such-thing"])
