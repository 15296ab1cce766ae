"""Contract results in one shape (:class:`ContractCase`) for the console, JUnit XML and tests.

Pact's verifier reports JSON (``Verifier.results``): ``interactionResults`` holds one entry per
interaction (``description``, ``providerStates``, ``result`` = ``OK`` or an error kind, ``mismatch``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class ContractCase:
    """One reported check: a Pact interaction or a fuzzed operation."""

    name: str
    passed: bool
    messages: list[str] = field(default_factory=list)
    skipped: bool = False


def write_junit(suite: str, cases: Sequence[ContractCase], path: Path, elapsed_s: float = 0.0) -> None:
    """JUnit XML with one ``testcase`` per case and a ``failure`` carrying its messages."""
    write_junit_suites([(suite, cases, elapsed_s)], path)


def write_junit_suites(suites: Sequence[tuple[str, Sequence[ContractCase], float]], path: Path) -> None:
    """JUnit XML with one ``testsuite`` per ``(name, cases, elapsed_s)``."""
    root = ET.Element("testsuites")
    for suite, cases, elapsed_s in suites:
        _suite(root, suite, cases, elapsed_s)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _suite(root: ET.Element, suite: str, cases: Sequence[ContractCase], elapsed_s: float) -> None:
    failures = sum(not c.passed and not c.skipped for c in cases)
    node = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped=str(sum(c.skipped for c in cases)),
        time=f"{elapsed_s:.3f}",
    )
    for case in cases:
        tc = ET.SubElement(node, "testcase", classname=suite, name=case.name)
        if case.skipped:
            ET.SubElement(tc, "skipped", message="; ".join(case.messages)[:200])
        elif not case.passed:
            failure = ET.SubElement(tc, "failure", message=(case.messages[0] if case.messages else "failed")[:200])
            failure.text = "\n\n".join(case.messages)


def _mismatch_texts(mismatch: Mapping[str, Any]) -> list[str]:
    """Readable lines from a verifier mismatch (``mismatches`` list, or an ``error`` message)."""
    texts = []
    for m in mismatch.get("mismatches", []):
        where = m.get("path") or m.get("key")
        texts.append(f"{m.get('type', 'Mismatch')}{f' at {where}' if where else ''}: {m.get('mismatch', m)}")
    return texts or [str(mismatch.get("message") or dict(mismatch))]


def pact_interaction_cases(results: Mapping[str, Any]) -> list[ContractCase]:
    """One case per interaction from the verifier's JSON results, mismatches as messages."""
    cases = []
    for item in results.get("interactionResults", []):
        states = [str(s) for s in item.get("providerStates", [])]
        given = f" given {' and '.join(states)}" if states else ""
        passed = item.get("result") == "OK"
        messages = [] if passed else _mismatch_texts(item.get("mismatch") or {"message": str(item.get("result"))})
        cases.append(ContractCase(f"{item.get('description', '?')}{given}", passed, messages))
    if not cases:  # nothing ran: report the verifier's own errors instead
        for error in results.get("errors", []):
            cases.append(ContractCase(str(error.get("interaction", "?")), False, _mismatch_texts(error["mismatch"])))
    return cases
