"""Provider-state templates: matching, parameters, actions and unknown states."""

from __future__ import annotations

from typing import Any

import pytest

from simulators._core.states import Action, ProviderStates, UnknownProviderState


@pytest.fixture
def registry() -> ProviderStates[list[Any]]:
    states: ProviderStates[list[Any]] = ProviderStates()

    @states.register("accounting period {period} is closed")
    def closed(store: list[Any], params: dict[str, str], action: Action) -> dict[str, Any]:
        store.append(("closed", params, action))
        return {"periodId": params["period"]}

    @states.register("customer {externalId} is on credit hold")
    def on_hold(store: list[Any], params: dict[str, str], action: Action) -> None:
        store.append(("hold", params, action))

    return states


def test_names_lists_templates_in_registration_order(registry: ProviderStates[list[Any]]) -> None:
    assert registry.names() == ["accounting period {period} is closed", "customer {externalId} is on credit hold"]


def test_placeholders_become_parameters(registry: ProviderStates[list[Any]]) -> None:
    store: list[Any] = []
    result = registry.apply(store, "accounting period 2026-09 is closed", {}, "setup")
    assert result == {"periodId": "2026-09"}
    assert store == [("closed", {"period": "2026-09"}, "setup")]


def test_params_are_merged_as_strings_and_the_state_name_wins(registry: ProviderStates[list[Any]]) -> None:
    store: list[Any] = []
    registry.apply(store, "  accounting period 2026-09 is closed ", {"period": "1999-01", "extra": 5}, "teardown")
    assert store == [("closed", {"period": "2026-09", "extra": "5"}, "teardown")]


def test_placeholder_may_contain_spaces(registry: ProviderStates[list[Any]]) -> None:
    store: list[Any] = []
    registry.apply(store, "customer ACME Corp is on credit hold", {}, "setup")
    assert store == [("hold", {"externalId": "ACME Corp"}, "setup")]


def test_handler_returning_none_gives_an_empty_result(registry: ProviderStates[list[Any]]) -> None:
    assert registry.apply([], "customer C1 is on credit hold", {}, "setup") == {}


@pytest.mark.parametrize(
    "state",
    ["accounting period 2026-09 is open", "accounting period  is closed", "the period 2026-09 is closed"],
)
def test_unknown_states_raise(registry: ProviderStates[list[Any]], state: str) -> None:
    with pytest.raises(UnknownProviderState):
        registry.apply([], state, {}, "setup")


@pytest.mark.parametrize("state", ["", "   "])
def test_the_empty_state_pact_sends_for_stateless_interactions_sets_up_nothing(
    registry: ProviderStates[list[Any]], state: str
) -> None:
    store: list[Any] = []
    assert registry.apply(store, state, {}, "setup") == {}
    assert store == []


def test_regex_metacharacters_in_templates_are_literal() -> None:
    states: ProviderStates[list[Any]] = ProviderStates()
    states.register("rate (USD) is {rate}")(lambda store, params, action: dict(params))
    assert states.apply([], "rate (USD) is 1.5", {}, "setup") == {"rate": "1.5"}
    with pytest.raises(UnknownProviderState):
        states.apply([], "rate USD is 1.5", {}, "setup")
