"""Locust's final statistics: per-endpoint requests, failures, percentiles and rates."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

E2E_TYPE = "E2E"
"""The Locust request type under which a locustfile reports end-to-end latency samples (not HTTP calls)."""


class LoadError(RuntimeError):
    """A load run could not be carried out (Locust did not start, hung, or wrote no statistics)."""


@dataclass(slots=True, frozen=True)
class EndpointStats:
    """One row of Locust's statistics (a request name, or ``Aggregated``)."""

    method: str
    name: str
    requests: int
    failures: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    rps: float


def _percentile(times: Mapping[int, int], count: int, share: float) -> float:
    """Locust's percentile over its histogram of rounded response times (ms -> count)."""
    if count == 0:
        return 0.0
    slower_allowed = count - int(count * share)
    seen = 0
    for ms in sorted(times, reverse=True):
        seen += times[ms]
        if seen >= slower_allowed:
            return float(ms)
    return 0.0


def _span_s(rows: list[dict[str, Any]]) -> float:
    """Seconds from the first request's start to the last request (Locust's own RPS denominator)."""
    starts = [float(r["start_time"]) for r in rows if r.get("start_time")]
    ends = [float(r["last_request_timestamp"]) for r in rows if r.get("last_request_timestamp")]
    return max(ends) - min(starts) if starts and ends else 0.0


def _endpoint(method: str, name: str, rows: list[dict[str, Any]], span_s: float) -> EndpointStats:
    """One endpoint's figures from one or more serialised Locust stats entries, rates over ``span_s``."""
    times: dict[int, int] = defaultdict(int)
    for row in rows:
        for ms, n in row.get("response_times", {}).items():
            times[int(float(ms))] += int(n)
    requests = sum(int(r["num_requests"]) for r in rows)
    return EndpointStats(
        method=method,
        name=name,
        requests=requests,
        failures=sum(int(r["num_failures"]) for r in rows),
        median_ms=_percentile(times, requests, 0.5),
        p95_ms=_percentile(times, requests, 0.95),
        p99_ms=_percentile(times, requests, 0.99),
        rps=round(requests / span_s, 2) if span_s > 0 else 0.0,
    )


def _rows(path: Path) -> list[dict[str, Any]]:
    try:
        rows: list[dict[str, Any]] = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise LoadError(f"Locust wrote no statistics ({path}: {exc})") from None
    return rows


def read_stats(path: Path) -> tuple[list[EndpointStats], EndpointStats]:
    """Per-endpoint and total figures of the HTTP requests in Locust's final ``--json-file`` statistics.

    The JSON file is written once, after the run; the ``--csv`` files are rewritten every second while it
    runs and can miss the last second, so the figures come from here. End-to-end samples (request type
    :data:`E2E_TYPE`) are not HTTP calls: they are left out here and read by :func:`read_e2e`.

    Raises:
        LoadError: the file is missing or unreadable (Locust failed before it could write statistics).
    """
    rows = [r for r in _rows(path) if r.get("method") != E2E_TYPE]
    span = _span_s(rows)
    endpoints = [_endpoint(str(r.get("method") or ""), str(r["name"]), [r], span) for r in rows]
    endpoints.sort(key=lambda e: (e.name, e.method))
    return endpoints, _endpoint("", "Aggregated", rows, span)


def read_e2e(path: Path) -> tuple[EndpointStats | None, dict[int, int]]:
    """The end-to-end latency samples' figures and their histogram (milliseconds -> count), if any.

    Raises:
        LoadError: the file is missing or unreadable.
    """
    rows = [r for r in _rows(path) if r.get("method") == E2E_TYPE]
    if not rows:
        return None, {}
    times: dict[int, int] = defaultdict(int)
    for row in rows:
        for ms, n in row.get("response_times", {}).items():
            times[int(float(ms))] += int(n)
    return _endpoint(E2E_TYPE, str(rows[0]["name"]), rows, _span_s(rows)), dict(sorted(times.items()))
