"""The load launcher without a fleet: locustfile lookup, command lines, statistics, and no Locust import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.load import (
    UnknownLocustfileError,
    available_locustfiles,
    locust_commands,
    locustfile_path,
    parse_timespan,
    read_stats,
    run_load,
)


def test_unknown_locustfile_raises_a_clear_error_listing_the_available_ones() -> None:
    with pytest.raises(UnknownLocustfileError, match=r"unknown locustfile 'year-end'; available: .*month-end"):
        run_load("year-end", users=1, spawn_rate=1, duration="1s")


def test_month_end_is_found_by_either_spelling_without_importing_it() -> None:
    assert "month-end" in available_locustfiles()
    assert "benchmarks" not in available_locustfiles()
    path = locustfile_path("month-end")
    assert path == locustfile_path("month_end")
    assert path.name == "month_end.py"
    assert path.is_file()


def test_the_launcher_and_the_load_package_never_import_locust() -> None:
    code = (
        "import sys, harness.load, load\n"
        "harness.load.locustfile_path('month-end')\n"
        "assert 'locust' not in sys.modules and 'gevent' not in sys.modules, 'locust was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90.0), ("10s", 10.0), ("5m", 300.0), ("1h30m", 5400.0), ("1m5s", 65.0)]
)
def test_timespans_read_like_locust(text: str, seconds: float) -> None:
    assert parse_timespan(text) == seconds


@pytest.mark.parametrize("text", ["", "ten", "5x", "-3s"])
def test_bad_timespans_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a time span"):
        parse_timespan(text)


def test_a_distributed_run_is_a_master_that_reports_and_workers_that_do_not(tmp_path: Path) -> None:
    commands = locust_commands(
        tmp_path / "month_end.py",
        "http://127.0.0.1:1",
        users=20,
        spawn_rate=5,
        duration="30s",
        workers=2,
        stats_json=tmp_path / "stats.json",
        csv_prefix=tmp_path / "run",
        html=tmp_path / "report.html",
    )
    master, *workers = commands
    assert len(workers) == 2
    assert {"--headless", "--master", "--json-file", "--csv", "--html"} <= set(master)
    assert master[master.index("-t") + 1] == "30s"
    assert master[master.index("--expect-workers") + 1] == "2"
    port = master[master.index("--master-bind-port") + 1]
    for worker in workers:
        assert "--worker" in worker
        assert worker[worker.index("--master-port") + 1] == port
        assert not {"--json-file", "--csv", "--html", "--headless"} & set(worker)


def test_statistics_come_from_locusts_final_json(tmp_path: Path) -> None:
    rows = [
        {
            "name": "POST /time_entries.json [day]",
            "method": "POST",
            "start_time": 100.0,
            "last_request_timestamp": 110.0,
            "num_requests": 100,
            "num_failures": 2,
            "response_times": {"1": 60, "2": 36, "40": 4},
        },
        {
            "name": "PUT /timesheet_submissions/[id]/approve.json",
            "method": "PUT",
            "start_time": 101.0,
            "last_request_timestamp": 120.0,
            "num_requests": 100,
            "num_failures": 0,
            "response_times": {"1": 100},
        },
    ]
    path = tmp_path / "stats.json"
    path.write_text(json.dumps(rows))

    endpoints, total = read_stats(path)

    day = next(e for e in endpoints if e.method == "POST")
    assert (day.requests, day.failures, day.median_ms, day.p95_ms, day.p99_ms) == (100, 2, 1.0, 2.0, 40.0)
    assert day.rps == 5.0  # over the whole run (100 s to 120 s), as Locust reports it
    assert (total.requests, total.failures, total.rps) == (200, 2, 10.0)


def test_missing_statistics_are_a_load_error(tmp_path: Path) -> None:
    from harness.load import LoadError

    with pytest.raises(LoadError, match="Locust wrote no statistics"):
        read_stats(tmp_path / "nothing.json")
