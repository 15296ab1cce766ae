"""Named provider states (the Pact state handler behind ``/__admin/provider-states``).

States are registered as templates such as ``"accounting period {period} is closed"``; a state name
is matched against them and the placeholders become parameters, merged with any ``params`` Pact sends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

StoreT = TypeVar("StoreT")
Action = Literal["setup", "teardown"]
StateHandler = Callable[[StoreT, dict[str, str], Action], dict[str, Any] | None]
HandlerT = TypeVar("HandlerT", bound=Callable[..., dict[str, Any] | None])


class UnknownProviderState(LookupError):
    """No registered template matches the state name."""


@dataclass(slots=True)
class _Template(Generic[StoreT]):
    template: str
    pattern: re.Pattern[str]
    handler: StateHandler[StoreT]


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-zA-Z_]+\})", template)
    regex = "".join(f"(?P<{p[1:-1]}>.+?)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


@dataclass(slots=True)
class ProviderStates(Generic[StoreT]):
    """A registry of provider-state templates for one simulator."""

    _templates: list[_Template[StoreT]] = field(default_factory=list)

    def register(self, template: str) -> Callable[[HandlerT], HandlerT]:
        """Decorator: register ``handler(store, params, action)`` under a state template."""

        def deco(handler: HandlerT) -> HandlerT:
            self._templates.append(_Template(template, _compile(template), handler))
            return handler

        return deco

    def names(self) -> list[str]:
        """The registered templates."""
        return [t.template for t in self._templates]

    def apply(self, store: StoreT, state: str, params: dict[str, Any], action: Action) -> dict[str, Any]:
        """Run the handler of the template that matches ``state``; returns values for the consumer.

        Pact posts an empty state for interactions that name none: there is nothing to set up.
        """
        if not state.strip():
            return {}
        for tpl in self._templates:
            found = tpl.pattern.match(state.strip())
            if found:
                merged = {k: str(v) for k, v in params.items()} | found.groupdict()
                return tpl.handler(store, merged, action) or {}
        raise UnknownProviderState(state)
