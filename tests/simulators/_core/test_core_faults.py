"""The fault engine: matching, seeded probability, ``times``, ``after`` and phases (no HTTP)."""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from simulators._core.faults import FaultEngine, FaultKind, FaultPhase, FaultRuleIn, RequestFacts
from simulators._core.rng import make_rng

TIME_BILL = "/services/rest/record/v1/timeBill"


def _engine(seed: int = 42) -> FaultEngine:
    return FaultEngine(make_rng(seed, "erp", "faults"))


def _rule(**kwargs: Any) -> FaultRuleIn:
    kwargs.setdefault("kind", "HTTP_ERROR")
    return FaultRuleIn.model_validate(kwargs)


def _req(
    method: str = "POST", path: str = TIME_BILL, headers: dict[str, str] | None = None, tenant: str = "default"
) -> RequestFacts:
    return RequestFacts(method, path, headers or {}, tenant)


def _fires(engine: FaultEngine, req: RequestFacts, phase: FaultPhase = FaultPhase.BEFORE) -> bool:
    return engine.fire(req, phase) is not None


def test_empty_engine_fires_nothing() -> None:
    engine = _engine()
    assert engine.empty
    assert engine.fire(_req(), FaultPhase.BEFORE) is None


def test_add_assigns_ids_and_defaults() -> None:
    engine = _engine()
    rule = engine.add(_rule())
    assert rule.id == "fault-1"
    assert (rule.phase, rule.probability, rule.times, rule.after) == (FaultPhase.BEFORE, 1.0, None, 0)
    assert rule.params.status == 503
    assert engine.add(_rule()).id == "fault-2"
    assert not engine.empty


def test_rule_with_existing_id_replaces_it() -> None:
    engine = _engine()
    engine.add(_rule(id="r", kind="DELAY"))
    engine.add(_rule(id="r", kind="HTTP_ERROR"))
    assert [(r.id, r.kind) for r in engine.rules()] == [("r", FaultKind.HTTP_ERROR)]


def test_auto_ids_never_replace_a_rule_with_a_chosen_id() -> None:
    # A client names its rule "fault-1"; the next unnamed rule must not silently overwrite it.
    engine = _engine()
    engine.add(_rule(id="fault-1", kind="DELAY"))
    engine.add(_rule(kind="HTTP_ERROR"))
    assert len(engine.rules()) == 2
    assert {r.kind for r in engine.rules()} == {FaultKind.DELAY, FaultKind.HTTP_ERROR}


def test_remove_and_clear() -> None:
    engine = _engine()
    rule = engine.add(_rule())
    engine.add(_rule())
    assert engine.remove(rule.id) is True
    assert engine.remove(rule.id) is False
    engine.clear()
    assert engine.empty


@pytest.mark.parametrize(
    ("method", "expected"),
    [(None, True), ("*", True), ("post", True), ("GET", False), (["get", "post"], True), (["PUT"], False)],
)
def test_method_matching(method: Any, expected: bool) -> None:
    engine = _engine()
    engine.add(_rule(match={"method": method}))
    assert _fires(engine, _req(method="POST")) is expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*", "/anything", True),
        (f"{TIME_BILL}*", TIME_BILL, True),
        (f"{TIME_BILL}*", f"{TIME_BILL}/eid:TB-1", True),
        (f"{TIME_BILL}/*", TIME_BILL, False),
        (f"{TIME_BILL}*", "/services/rest/record/v1/customer", False),
        ("/services/rest/record/v1/timebill*", TIME_BILL, False),  # case-sensitive, like the vendor's paths
        ("/services/rest/record/v1/?????????/1", f"{TIME_BILL}/1", False),
        ("/services/rest/record/v1/????????/1", f"{TIME_BILL}/1", True),
    ],
)
def test_path_glob_matching(pattern: str, path: str, expected: bool) -> None:
    engine = _engine()
    engine.add(_rule(match={"path": pattern}))
    assert _fires(engine, _req(path=path)) is expected


def test_header_matching_is_a_glob_over_the_value_and_needs_the_header() -> None:
    engine = _engine()
    engine.add(_rule(match={"headers": {"X-Client": "orchestrator-*"}}))
    assert _fires(engine, _req(headers={"x-client": "orchestrator-7"}))
    assert not _fires(engine, _req(headers={"x-client": "psa-sync"}))
    assert not _fires(engine, _req(headers={}))


def test_all_header_patterns_must_match() -> None:
    engine = _engine()
    engine.add(_rule(match={"headers": {"x-a": "1", "x-b": "2"}}))
    assert _fires(engine, _req(headers={"x-a": "1", "x-b": "2"}))
    assert not _fires(engine, _req(headers={"x-a": "1", "x-b": "3"}))


def test_tenant_matching() -> None:
    engine = _engine()
    engine.add(_rule(match={"tenant": "acme"}))
    assert _fires(engine, _req(tenant="acme"))
    assert not _fires(engine, _req(tenant="default"))


def test_all_conditions_combine() -> None:
    engine = _engine()
    engine.add(_rule(match={"method": "PUT", "path": f"{TIME_BILL}*", "tenant": "acme"}))
    assert _fires(engine, _req("PUT", f"{TIME_BILL}/eid:X", tenant="acme"))
    assert not _fires(engine, _req("POST", f"{TIME_BILL}/eid:X", tenant="acme"))
    assert not _fires(engine, _req("PUT", f"{TIME_BILL}/eid:X", tenant="other"))


def test_times_limits_firings_but_matches_keep_counting() -> None:
    engine = _engine()
    rule = engine.add(_rule(times=2))
    assert [_fires(engine, _req()) for _ in range(4)] == [True, True, False, False]
    assert (rule.matched, rule.fired) == (4, 2)


def test_times_zero_never_fires() -> None:
    engine = _engine()
    engine.add(_rule(times=0))
    assert not _fires(engine, _req())


def test_after_skips_the_first_n_matches() -> None:
    engine = _engine()
    rule = engine.add(_rule(after=2, times=1))
    assert [_fires(engine, _req()) for _ in range(4)] == [False, False, True, False]
    assert (rule.matched, rule.fired) == (4, 1)


def test_non_matching_requests_do_not_count_towards_after() -> None:
    engine = _engine()
    engine.add(_rule(match={"method": "PUT"}, after=1))
    assert not _fires(engine, _req("GET"))
    assert not _fires(engine, _req("PUT"))
    assert _fires(engine, _req("PUT"))


def test_phases_are_separate() -> None:
    engine = _engine()
    before = engine.add(_rule(phase="before", match={"method": "GET"}))
    after = engine.add(_rule(phase="after", match={"method": "PUT"}))
    assert engine.fire(_req("GET"), FaultPhase.BEFORE) is before
    assert engine.fire(_req("GET"), FaultPhase.AFTER) is None
    assert engine.fire(_req("PUT"), FaultPhase.BEFORE) is None
    assert engine.fire(_req("PUT"), FaultPhase.AFTER) is after


def test_may_fire_neither_draws_nor_counts() -> None:
    engine = _engine()
    rule = engine.add(_rule(phase="after", probability=0.5))
    assert engine.may_fire(_req(), FaultPhase.AFTER)
    assert not engine.may_fire(_req(), FaultPhase.BEFORE)
    assert not engine.may_fire(_req(method="GET", path="/x"), FaultPhase.BEFORE)
    assert (rule.matched, rule.fired) == (0, 0)
    # No draw either: the firing sequence equals that of an engine that never answered may_fire.
    fresh = _engine()
    fresh.add(_rule(phase="after", probability=0.5))
    seq = [_fires(engine, _req(), FaultPhase.AFTER) for _ in range(50)]
    assert seq == [_fires(fresh, _req(), FaultPhase.AFTER) for _ in range(50)]


def test_first_matching_rule_that_fires_wins_in_insertion_order() -> None:
    engine = _engine()
    engine.add(_rule(id="first", times=1))
    engine.add(_rule(id="second"))
    fired = [engine.fire(_req(), FaultPhase.BEFORE) for _ in range(3)]
    assert [r.id if r else None for r in fired] == ["first", "second", "second"]


def _sequence(seed: int, probability: float, n: int) -> list[bool]:
    engine = _engine(seed)
    engine.add(_rule(probability=probability))
    return [_fires(engine, _req()) for _ in range(n)]


def test_same_seed_gives_the_same_firing_sequence() -> None:
    assert _sequence(7, 0.3, 200) == _sequence(7, 0.3, 200)


def test_different_seeds_give_different_firing_sequences() -> None:
    assert _sequence(7, 0.3, 200) != _sequence(8, 0.3, 200)


def test_probability_fires_within_a_sane_band() -> None:
    fired = sum(_sequence(42, 0.3, 1000))
    # Binomial(1000, 0.3): mean 300, sd ~14.5; the band is about +-5 sd.
    assert 230 <= fired <= 370


@pytest.mark.parametrize(("probability", "expected"), [(0.0, 0), (1.0, 100)])
def test_probability_bounds_are_exact(probability: float, expected: int) -> None:
    assert sum(_sequence(1, probability, 100)) == expected


def test_reseed_restarts_the_sequence() -> None:
    engine = _engine(9)
    engine.add(_rule(probability=0.5))
    first = [_fires(engine, _req()) for _ in range(40)]
    engine.reseed(make_rng(9, "erp", "faults"))
    assert [_fires(engine, _req()) for _ in range(40)] == first


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "NOPE"},
        {"kind": "DELAY", "probability": 1.5},
        {"kind": "DELAY", "phase": "during"},
        {"kind": "DELAY", "times": -1},
        {"kind": "DELAY", "after": -1},
        {"kind": "HTTP_ERROR", "params": {"status": 200}},
        {"kind": "DELAY", "params": {"delay_ms": -5}},
        {"kind": "DELAY", "match": {"verb": "GET"}},
        {"kind": "DELAY", "surprise": True},
    ],
)
def test_invalid_rules_are_refused(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        FaultRuleIn.model_validate(body)


def test_as_list_is_json_ready() -> None:
    engine = _engine()
    engine.add(_rule(match={"method": ["get"]}, params={"status": 502, "message": "bad gateway"}))
    (doc,) = engine.as_list()
    assert doc["kind"] == "HTTP_ERROR"
    assert doc["phase"] == "before"
    assert doc["match"]["method"] == ["GET"]
    assert doc["params"] == {
        "status": 502,
        "delay_ms": 0.0,
        "delay_max_ms": None,
        "distribution": "fixed",
        "sigma": 0.5,
        "hang_ms": 30000.0,
        "message": "bad gateway",
    }
    assert doc["window"] is None
    assert (doc["matched"], doc["fired"]) == (0, 0)


GLOB_CHARS = st.sampled_from(["a", "b", "/", ".", "-", "*", "?", "[ab]", "[!a]", "eid:", "timeBill"])
TEXT_CHARS = st.sampled_from(["a", "b", "/", ".", "-", "*", "?", "[", "]", "eid:", "timeBill", "\n"])


@given(
    pattern=st.lists(GLOB_CHARS, max_size=8).map("".join),
    path=st.lists(TEXT_CHARS, max_size=10).map("".join),
    header=st.lists(TEXT_CHARS, max_size=6).map("".join),
)
def test_compiled_globs_match_exactly_what_fnmatch_matches(pattern: str, path: str, header: str) -> None:
    engine = _engine()
    engine.add(_rule(match={"path": pattern or "*", "headers": {"X-Key": pattern}}))
    req = _req(path=path, headers={"x-key": header})
    expected = fnmatch.fnmatchcase(path, pattern or "*") and fnmatch.fnmatchcase(header, pattern)
    assert engine.may_fire(req, FaultPhase.BEFORE) is expected
    assert _fires(engine, req) is expected
