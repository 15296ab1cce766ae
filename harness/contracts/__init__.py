"""Contract runners behind ``p2c contracts``: specs and drift, Pact verification, fuzzing, the upgrade check.

- :mod:`~harness.contracts.specs`: each simulator's OpenAPI document per version, exported to
  ``contracts/openapi/<system>/<version>.json`` and checked for drift.
- :mod:`~harness.contracts.pact`: pact files replayed against the simulator of the provider they name,
  with provider states through ``/__admin/provider-states``.
- :mod:`~harness.contracts.fuzz`: Schemathesis against a simulator's own spec.
- :mod:`~harness.contracts.diff` and :mod:`~harness.contracts.upgrade`: what changes between two versions,
  which of it the pacts use, and one verdict for a vendor upgrade.
- :mod:`~harness.contracts.broker`: Pact Broker publishing and verification results.
"""

from __future__ import annotations

from harness.contracts.fuzz import FuzzFailure, FuzzSummary, fuzz, vendor_caller
from harness.contracts.pact import VerifyResult, pact_files, pacts_for, verify_all, verify_pacts
from harness.contracts.sims import (
    CONTRACTS_DIR,
    OPENAPI_DIR,
    PACTS_DIR,
    SYSTEMS,
    UnknownSystemError,
    available_systems,
    base_version,
    create_simulator,
    serving,
    simulator_module,
)
from harness.contracts.specs import (
    EXPORT_HINT,
    SpecDrift,
    check_drift,
    export_specs,
    generated_spec,
    load_spec,
    render_spec,
    spec_path,
    versions_of,
)

__all__ = [
    "CONTRACTS_DIR",
    "EXPORT_HINT",
    "OPENAPI_DIR",
    "PACTS_DIR",
    "SYSTEMS",
    "FuzzFailure",
    "FuzzSummary",
    "SpecDrift",
    "UnknownSystemError",
    "VerifyResult",
    "available_systems",
    "base_version",
    "check_drift",
    "create_simulator",
    "export_specs",
    "fuzz",
    "generated_spec",
    "load_spec",
    "pact_files",
    "pacts_for",
    "render_spec",
    "serving",
    "simulator_module",
    "spec_path",
    "vendor_caller",
    "verify_all",
    "verify_pacts",
    "versions_of",
]
