"""Pact provider verification: replay pact files against the simulator of the provider they name.

A pact's provider name (``provider.name``) picks the simulator through :data:`contracts.participants.PROVIDERS`,
so every pact in ``contracts/pacts/`` (and a user's own, if it uses those names or ``--system``) is verified
against the right simulator, at its base version or at a version profile. Provider states are set through
``/__admin/provider-states`` (setup before, teardown after each interaction).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.participants import PROVIDERS
from contracts.results import ContractCase, pact_interaction_cases, write_junit
from harness.contracts.sims import PACTS_DIR, create_simulator, serving

SYSTEM_OF_PROVIDER: dict[str, str] = {provider: system for system, provider in PROVIDERS.items()}
"""Simulated system per Pact provider name."""


@dataclass(slots=True)
class VerifyResult:
    """The outcome of replaying Pact files against one simulator."""

    system: str
    provider: str
    pact_paths: list[Path]
    passed: bool
    interactions: list[ContractCase]
    output: str
    elapsed_s: float
    error: str | None = None
    api_version: str | None = None
    consumers: list[str] = field(default_factory=list)

    def failures(self) -> list[ContractCase]:
        """The interactions that did not verify."""
        return [c for c in self.interactions if not c.passed]


def pact_files(path: Path | None = None) -> list[Path]:
    """The pact files at ``path`` (a file or a directory; default ``contracts/pacts/``)."""
    path = PACTS_DIR if path is None else path
    return sorted(path.glob("*.json")) if path.is_dir() else [path]


def pact_parties(path: Path) -> tuple[str, str]:
    """``(consumer, provider)`` names of a pact file."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return str(doc.get("consumer", {}).get("name", "?")), str(doc.get("provider", {}).get("name", "?"))


def pacts_for(system: str, pacts_dir: Path = PACTS_DIR) -> list[Path]:
    """The pact files in ``pacts_dir`` whose provider is ``system``'s provider."""
    return [p for p in pact_files(pacts_dir) if pact_parties(p)[1] == PROVIDERS[system]]


def group_by_system(paths: Sequence[Path], system: str | None = None) -> dict[str, list[Path]]:
    """Pact files per simulated system (``system`` overrides the provider names in the files).

    Raises:
        LookupError: a pact names a provider no simulator stands in for, and no ``system`` is given.
    """
    groups: dict[str, list[Path]] = {}
    for path in paths:
        provider = pact_parties(path)[1]
        target = system or SYSTEM_OF_PROVIDER.get(provider)
        if target is None:
            known = ", ".join(f"{p} ({s})" for p, s in SYSTEM_OF_PROVIDER.items())
            raise LookupError(f"{path}: provider {provider!r} is not simulated (known: {known}); pass --system")
        groups.setdefault(target, []).append(path)
    return groups


def verify_pacts(
    pact_paths: Sequence[Path] | None = None,
    system: str = "erp",
    *,
    seed: int = 42,
    profile: str = "empty",
    api_version: str | None = None,
    headers: Mapping[str, str] | None = None,
    junit_path: Path | None = None,
    request_timeout_ms: int = 5000,
    publish: Mapping[str, Any] | None = None,
) -> VerifyResult:
    """Replay pact files against a fresh ``system`` simulator served on a free loopback port.

    Args:
        pact_paths: pact files (default: the committed ones naming this system's provider).
        system: ``crm``, ``psa`` or ``erp``.
        seed: the simulator's run seed.
        profile: its world profile. ``empty`` (periods only, no master data) lets provider states own the
            records an interaction names, so an ``id`` a pact pins is the id the provider answers with.
        api_version: a version profile to serve (a shipped name or a ``.toml`` path); default the base.
        headers: extra headers on every replayed request (e.g. a real token for a vendor sandbox).
        junit_path: also write JUnit XML here, one test case per interaction.
        request_timeout_ms: the verifier's per-request timeout.
        publish: Pact Broker options (``url``, ``version``, ``branch``, ``token`` ...): verify the broker's pacts
            for this provider instead of files and publish the results to it (see :mod:`harness.contracts.broker`).

    Returns:
        A :class:`VerifyResult`; ``passed`` is False when any interaction failed or none ran.
    """
    # Pact's core sends anonymous usage events unless told not to; a contract run should not phone home.
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    from pact import Verifier

    provider = PROVIDERS[system]
    paths = list(pact_paths) if pact_paths is not None else pacts_for(system)
    if not paths and publish is None:
        raise FileNotFoundError(f"no pact files for provider {provider} in {PACTS_DIR}")
    started = time.monotonic()
    app = create_simulator(system, seed=seed, profile=profile, api_version=api_version)
    error: str | None = None
    with serving(app) as base_url:
        verifier = (
            Verifier(provider, host="127.0.0.1")
            .add_transport(url=base_url)
            .state_handler(f"{base_url}/__admin/provider-states", teardown=True, body=True)
            .set_request_timeout(request_timeout_ms)
            .set_coloured_output(enabled=False)
            .set_error_on_empty_pact(enabled=True)
        )
        if headers:
            verifier.add_custom_headers(dict(headers))
        for path in paths:
            verifier.add_source(Path(path))
        if publish is not None:
            from harness.contracts.broker import configure_verifier

            configure_verifier(verifier, publish)
        try:
            verifier.verify()
        except RuntimeError as exc:  # the FFI reports a failed verification as a RuntimeError
            error = str(exc)
        output = verifier.output(strip_ansi=True)
        results = verifier.results
    cases = pact_interaction_cases(results)
    passed = error is None and bool(results.get("result", False)) and bool(cases) and all(c.passed for c in cases)
    result = VerifyResult(
        system,
        provider,
        paths,
        passed,
        cases,
        output,
        time.monotonic() - started,
        None if passed else error,
        api_version,
        sorted({pact_parties(p)[0] for p in paths}),
    )
    if junit_path is not None:
        write_junit(f"pact.{provider}", cases, junit_path, result.elapsed_s)
    return result


def verify_all(
    paths: Sequence[Path] | None = None,
    *,
    system: str | None = None,
    api_version: str | None = None,
    seed: int = 42,
    profile: str = "empty",
    junit_path: Path | None = None,
) -> list[VerifyResult]:
    """Verify every pact (default: ``contracts/pacts/``) against the simulator of its provider, one run each.

    With ``junit_path`` one JUnit file holds a test suite per provider.
    """
    groups = group_by_system(list(paths) if paths is not None else pact_files(), system)
    results = [
        verify_pacts(files, target, seed=seed, profile=profile, api_version=api_version)
        for target, files in sorted(groups.items())
    ]
    if junit_path is not None:
        from contracts.results import write_junit_suites

        write_junit_suites([(f"pact.{r.provider}", r.interactions, r.elapsed_s) for r in results], junit_path)
    return results
