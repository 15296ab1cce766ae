"""Scenario reports: a console table, JSON, JUnit XML and Markdown, all from the same results."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.engine import ScenarioResult

STATUS_STYLE = {"passed": "green", "failed": "red", "error": "magenta"}


def summary_line(results: Sequence[ScenarioResult]) -> str:
    """The plain closing line: ``scenarios: N passed, N failed`` (errors count as failed)."""
    passed = sum(r.status == "passed" for r in results)
    return f"scenarios: {passed} passed, {len(results) - passed} failed"


def print_table(results: Sequence[ScenarioResult], console: Console | None = None) -> None:
    """Print one row per scenario and every violation under it."""
    out = console or Console()
    table = Table(title="p2c scenarios", show_lines=False)
    table.add_column("scenario", overflow="fold", ratio=1)
    for col in ("suite", "status", "invariants", "violations", "seconds"):
        table.add_column(col)
    for r in results:
        style = STATUS_STYLE.get(r.status, "")
        passed = sum(i.passed for i in r.invariants)
        table.add_row(
            r.name,
            r.suite,
            f"[{style}]{r.status}[/]",
            f"{passed}/{len(r.invariants)}",
            str(r.violations),
            f"{r.duration_s:.1f}",
        )
    out.print(table)
    for r in results:
        if r.error:
            out.print(f"[magenta]{r.name}[/]: {escape(r.error)}")
        for inv in r.invariants:
            for v in inv.violations[:10]:
                out.print(f"[red]{r.name}[/] {inv.name} {escape(f'[{v.severity}]')}: {escape(v.message)}")
            if len(inv.violations) > 10:
                out.print(f"[red]{r.name}[/] {inv.name}: ... {len(inv.violations) - 10} more")
    for r in results:
        if r.facts:
            out.print(f"{r.name}: {_facts(r.facts)}", markup=False, highlight=False)
    out.print(provenance_line(results), markup=False, highlight=False)
    out.print(summary_line(results), markup=False, highlight=False)


def provenance_line(results: Sequence[ScenarioResult]) -> str:
    """``seed N; profile P; world H``: what any run needs to be reproduced."""
    seeds = sorted({r.seed for r in results})
    profiles = sorted({r.profile for r in results if r.profile})
    hashes = sorted({r.world_hash for r in results if r.world_hash})
    return f"seed {', '.join(map(str, seeds))}; profile {', '.join(profiles) or '-'}; world {', '.join(hashes) or '-'}"


def _facts(facts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in facts.items())


def to_dict(result: ScenarioResult) -> dict[str, Any]:
    """JSON-ready form of a result."""
    data = asdict(result)
    data["violations"] = result.violations
    return data


def write_json(results: Sequence[ScenarioResult], path: Path) -> None:
    """All results as one JSON document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "summary": summary_line(results),
        "provenance": provenance_line(results),
        "scenarios": [to_dict(r) for r in results],
    }
    path.write_text(json.dumps(doc, indent=2, default=str))


def write_junit(results: Sequence[ScenarioResult], path: Path) -> None:
    """JUnit XML: one test case per scenario, a failure per violated invariant."""
    suite = ET.Element(
        "testsuite",
        name="p2c-scenarios",
        tests=str(len(results)),
        failures=str(sum(r.status == "failed" for r in results)),
        errors=str(sum(r.status == "error" for r in results)),
        time=f"{sum(r.duration_s for r in results):.3f}",
    )
    props = ET.SubElement(suite, "properties")
    for name, values in (
        ("seed", {str(r.seed) for r in results}),
        ("profile", {r.profile for r in results}),
        ("world", {r.world_hash for r in results}),
    ):
        ET.SubElement(props, "property", name=name, value=",".join(sorted(v for v in values if v)))
    for r in results:
        case = ET.SubElement(
            suite, "testcase", classname=f"p2c.{r.suite.replace(' ', '_')}", name=r.name, time=f"{r.duration_s:.3f}"
        )
        if r.error:
            ET.SubElement(case, "error", message=r.error).text = "\n".join(r.notes)
        for inv in r.invariants:
            if inv.violations:
                text = "\n".join(
                    f"[{v.severity}] {v.message} {json.dumps(v.evidence, default=str)}" for v in inv.violations
                )
                ET.SubElement(case, "failure", message=f"{inv.name}: {len(inv.violations)} violation(s)").text = text
        ET.SubElement(case, "system-out").text = (
            f"{r.doc}\nseed={r.seed} profile={r.profile} world={r.world_hash}\n"
            + "".join(f"{k}={v}\n" for k, v in r.facts.items())
            + "\n".join(r.notes)
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def to_markdown(results: Sequence[ScenarioResult]) -> str:
    """A Markdown summary (for CI job summaries and load reports)."""
    lines = ["| scenario | suite | status | violations | seconds |", "|---|---|---|---|---|"]
    lines += [f"| {r.name} | {r.suite} | {r.status} | {r.violations} | {r.duration_s:.1f} |" for r in results]
    for r in results:
        if r.facts:
            lines.append(f"\n**{r.name}**: {_facts(r.facts)}")
        if r.error:
            lines.append(f"\n**{r.name}** error: {r.error}")
        for inv in r.invariants:
            for v in inv.violations[:10]:
                evidence = json.dumps(v.evidence, default=str)
                lines.append(f"- `{r.name}` {inv.name} [{v.severity}]: {v.message} (evidence: `{evidence}`)")
    lines += ["", provenance_line(results), "", summary_line(results)]
    return "\n".join(lines)
