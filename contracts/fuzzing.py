"""The schemathesis configuration of contract fuzz runs: bounded, deterministic, with a bearer token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import schemathesis

import contracts.checks  # noqa: F401  (registers the vendor_error_envelope check)

CONTRACT_TOKEN = "p2c-contracts"
"""Bearer token sent by the fuzzer (the simulators accept any bearer token)."""

PHASES = ("examples", "coverage", "fuzzing", "stateful")
FUZZ_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "vendor_error_envelope",
)


def suite_config(seed: int) -> schemathesis.Config:
    """The configuration for pytest-driven schemathesis tests: a fixed seed and no on-disk cache."""
    return schemathesis.Config.from_dict({"seed": seed, "cache": {"enabled": False}})


def fuzz_config(
    max_examples: int, seed: int, phases: Sequence[str] = ("examples", "coverage", "fuzzing"), workers: int = 1
) -> schemathesis.Config:
    """The schemathesis configuration of a contract fuzz run (bounded, deterministic, no cache, bearer token on)."""
    checks: dict[str, Any] = {"enabled": False}
    checks.update({name: {"enabled": True} for name in FUZZ_CHECKS})
    return schemathesis.Config.from_dict(
        {
            "seed": seed,
            # The cache would write .schemathesis/ into the working directory and replay what earlier runs
            # observed, so two runs with one seed could differ.
            "cache": {"enabled": False},
            "headers": {"Authorization": f"Bearer {CONTRACT_TOKEN}"},
            "workers": workers,
            "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
            "checks": checks,
            "phases": {name: {"enabled": name in phases} for name in PHASES},
        }
    )
