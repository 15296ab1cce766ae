"""Invariants: registered predicates over a view of the systems' state that return ranked violations."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a violation is (the report sorts by it)."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


@dataclass(slots=True)
class Violation:
    """One broken expectation, with the evidence that shows it (record ids, journal ids, fault ids)."""

    message: str
    severity: Severity = Severity.CRITICAL
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SystemView:
    """What invariants look at: each simulator's records (``/__admin/state``), request journal, and the
    orchestrator's dead-letter queue when it publishes one."""

    crm: dict[str, Any]
    psa: dict[str, Any]
    erp: dict[str, Any]
    journals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    dead_letters: list[dict[str, Any]] | None = None
    """The orchestrator's open dead letters (``GET /dlq``: ``reason``, ``source_id``...), None if it has none."""


Check = Callable[[SystemView], Iterable[Violation]]


@dataclass(slots=True, frozen=True)
class Invariant:
    """A named, documented check."""

    name: str
    doc: str
    check: Check

    def __call__(self, view: SystemView) -> list[Violation]:
        return list(self.check(view))


@dataclass(slots=True)
class InvariantResult:
    """An invariant's outcome."""

    name: str
    doc: str
    violations: list[Violation]

    @property
    def passed(self) -> bool:
        """No violation."""
        return not self.violations


INVARIANTS: dict[str, Invariant] = {}


def invariant(func: Check) -> Invariant:
    """Register a check; its name is the function's, its docstring is the report text (required)."""
    doc = inspect.getdoc(func)
    if not doc:
        raise ValueError(f"invariant {func.__name__} needs a docstring: it is the report text")
    inv = Invariant(func.__name__, doc.splitlines()[0], func)
    INVARIANTS[inv.name] = inv
    return inv
