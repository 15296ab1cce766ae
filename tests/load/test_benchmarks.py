"""The benchmark runner's arithmetic and its WireMock lookup (the benchmarks themselves are run by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from load.benchmarks import wiremock
from load.benchmarks.__main__ import FASTAPI, Results
from load.benchmarks.common import Measurement
from load.benchmarks.faults import combined


def _m(rps: float, cpu_us: float, requests: int = 1000) -> Measurement:
    return Measurement("x", requests, 0, requests / rps, 1.0, 2.0, 0.5, cpu_us)


def test_ratios_pair_each_round_with_the_reference_of_the_same_round() -> None:
    results = Results()
    # Round 2 is slow for everyone (a noisy neighbour): paired ratios ignore it, medians of rows would not.
    for ref_rps, sim_rps in ((1000, 1200), (500, 600), (1000, 1100)):
        results.add(FASTAPI, "read", _m(ref_rps, 1e6 / ref_rps))
        results.add("ERP", "read", _m(sim_rps, 1e6 / sim_rps))

    ratio = results.ratio("ERP", FASTAPI, "read")
    cpu_ratio = results.cpu_ratio("ERP", FASTAPI, "read")

    assert ratio == pytest.approx(1.2)
    assert cpu_ratio == pytest.approx(1.2)
    assert results.median("ERP", "read").rps == pytest.approx(1100)
    assert results.ratio("ERP", "WireMock stub", "read") is None  # a reference that did not run


def test_slices_combine_into_one_measurement_weighted_by_requests() -> None:
    whole = combined([_m(1000, 100.0, requests=100), _m(500, 200.0, requests=300)])

    assert whole.requests == 400
    assert whole.server_cpu_us == pytest.approx((100 * 100 + 200 * 300) / 400)
    assert whole.rps == pytest.approx(400 / (0.1 + 0.6))


def test_wiremock_is_skipped_with_a_reason_without_its_jar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("P2C_WIREMOCK_JAR", str(tmp_path / "missing.jar"))
    assert wiremock.find_jar() is None
    assert wiremock.unavailable() is not None

    jar = tmp_path / "wiremock-standalone-3.13.2.jar"
    jar.write_bytes(b"PK")
    monkeypatch.setenv("P2C_WIREMOCK_JAR", str(jar))
    assert wiremock.find_jar() == jar
