"""Judging a load run: thresholds, end-to-end samples kept apart from HTTP statistics, the Markdown plot."""

from __future__ import annotations

import json
from pathlib import Path

from harness.load_report import Thresholds, breaches, latency_bars, latency_plot
from harness.load_stats import E2E_TYPE, EndpointStats, read_e2e, read_stats


def _stats(requests: int, failures: int, p95: float) -> EndpointStats:
    return EndpointStats("", "Aggregated", requests, failures, 1.0, p95, p95, 10.0)


def test_no_failure_is_allowed_by_default() -> None:
    assert breaches(Thresholds(), _stats(1000, 0, 50), None) == []
    assert breaches(Thresholds(), _stats(1000, 1, 50), None) == ["failure ratio 0.0010 (1/1000) exceeds 0"]


def test_each_threshold_names_the_figure_that_crossed_it() -> None:
    e2e = EndpointStats(E2E_TYPE, "approval -> posting", 200, 0, 900, 4000, 6000, 1.0)

    crossed = breaches(Thresholds(0.01, 100, 2000), _stats(1000, 5, 250), e2e)

    assert crossed == ["HTTP p95 250 ms exceeds 100 ms", "end-to-end p95 4000 ms exceeds 2000 ms"]


def test_an_end_to_end_threshold_without_samples_fails() -> None:
    assert breaches(Thresholds(max_e2e_p95_ms=1000), _stats(10, 0, 5), None) == [
        "no end-to-end latency samples: no approved entry was seen reaching the ERP"
    ]


def test_end_to_end_samples_are_not_counted_as_http_requests(tmp_path: Path) -> None:
    rows = [
        {
            "name": "POST /time_entries.json",
            "method": "POST",
            "start_time": 100.0,
            "last_request_timestamp": 110.0,
            "num_requests": 10,
            "num_failures": 0,
            "response_times": {"3": 10},
        },
        {
            "name": "PSA approval -> ERP posting",
            "method": E2E_TYPE,
            "start_time": 101.0,
            "last_request_timestamp": 109.0,
            "num_requests": 4,
            "num_failures": 0,
            "response_times": {"800": 1, "1200": 2, "7000": 1},
        },
    ]
    path = tmp_path / "stats.json"
    path.write_text(json.dumps(rows))

    endpoints, total = read_stats(path)
    e2e, histogram = read_e2e(path)

    assert [e.name for e in endpoints] == ["POST /time_entries.json"]
    assert total.requests == 10
    assert e2e is not None
    assert (e2e.requests, e2e.median_ms, e2e.p99_ms) == (4, 1200.0, 7000.0)
    assert histogram == {800: 1, 1200: 2, 7000: 1}


def test_the_latency_plot_counts_samples_into_buckets() -> None:
    bars = dict(latency_bars({80: 3, 800: 1, 1200: 2, 45_000: 1}))

    assert (bars["<=100ms"], bars["<=1s"], bars["<=2s"], bars[">30s"]) == (3, 1, 2, 1)
    assert sum(bars.values()) == 7
    plot = latency_plot({80: 3})
    assert plot.startswith("```mermaid\nxychart-beta")
    assert "bar [3, 0, 0, 0, 0, 0, 0, 0, 0]" in plot
    assert latency_plot({}) == ""
