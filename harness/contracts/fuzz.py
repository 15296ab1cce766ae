"""Schemathesis conformance runs against a simulator (in-process, or a running one by URL).

Checks: no 5xx, documented status codes and content types, responses valid against the schemas, and every
error in the vendor's envelope (:mod:`contracts.checks`). The ``stateful`` phase follows the spec's OpenAPI
links (create, then read what was created).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.results import ContractCase, write_junit
from harness.contracts.sims import create_simulator


@dataclass(slots=True)
class FuzzFailure:
    """One distinct failed check, with a way to reproduce it."""

    operation: str
    check: str
    title: str
    message: str
    reproduce: str


@dataclass(slots=True)
class FuzzSummary:
    """The outcome of a schemathesis run against one simulator."""

    system: str
    seed: int
    max_examples: int
    operations: dict[str, str]
    failures: list[FuzzFailure]
    errors: list[str]
    elapsed_s: float
    stateful_steps: int = 0
    """Calls made by the stateful phase (chains that follow the spec's links)."""

    @property
    def passed(self) -> bool:
        """No failed check and no engine error."""
        return not self.failures and not self.errors

    def cases(self) -> list[ContractCase]:
        """One case per operation (JUnit)."""
        out = []
        for op, status in sorted(self.operations.items()):
            messages = [f"{f.check}: {f.title}\n{f.message}\n{f.reproduce}" for f in self.failures if f.operation == op]
            out.append(ContractCase(op, status != "failure" and not messages, messages, skipped=status == "skip"))
        return out


def vendor_caller(target: Any, token: str | None = None) -> Callable[..., tuple[int, Any]]:
    """``call(method, path, json=None) -> (status, body)`` with a bearer token, in-process or over HTTP.

    ``target`` is an ASGI app (served through schemathesis's own in-process transport) or a base URL;
    ``token`` defaults to the fuzzer's :data:`contracts.fuzzing.CONTRACT_TOKEN`.
    """
    import requests
    from schemathesis.python import asgi

    from contracts.fuzzing import CONTRACT_TOKEN

    session: requests.Session
    if isinstance(target, str):
        session, base = requests.Session(), target.rstrip("/")
    else:
        session, base = asgi.get_client(target), ""
    session.headers["Authorization"] = f"Bearer {token or CONTRACT_TOKEN}"

    def call(method: str, path: str, json: Any = None) -> tuple[int, Any]:
        response = session.request(method, base + path, json=json, timeout=10)
        return response.status_code, response.json() if response.content else None

    return call


def fuzz(
    system: str,
    max_examples: int = 25,
    *,
    seed: int = 42,
    profile: str = "small",
    base_url: str | None = None,
    junit_path: Path | None = None,
    phases: Sequence[str] = ("examples", "coverage", "fuzzing"),
    api_version: str | None = None,
) -> FuzzSummary:
    """Fuzz ``system``'s vendor operations with schemathesis, in-process (or against ``base_url``).

    Checks: no 5xx, documented status codes and content types, responses valid against the schemas,
    and every error in the vendor's envelope (:mod:`contracts.checks`). Valid cases are steered to
    existing records where :data:`contracts.hooks.INSTALLERS` knows how (this seeds a few records first,
    also on a live simulator given by ``base_url``).

    Args:
        system: ``crm``, ``psa`` or ``erp``.
        max_examples: generated cases per operation and phase.
        seed: the schemathesis seed and the in-process simulator's run seed.
        profile: world profile of the in-process simulator.
        base_url: fuzz a running simulator instead of a fresh in-process one.
        junit_path: also write JUnit XML here, one test case per operation.
        phases: schemathesis phases to run (``examples``, ``coverage``, ``fuzzing``, ``stateful``).
        api_version: the in-process simulator's version profile (default: its base version).
    """
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    from contracts.fuzzing import fuzz_config
    from contracts.hooks import INSTALLERS

    started = time.monotonic()
    config = fuzz_config(max_examples, seed, phases)
    if base_url is None:
        app = create_simulator(system, seed=seed, profile=profile, api_version=api_version)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
        call = vendor_caller(app)
    else:
        schema = schemathesis.openapi.from_url(f"{base_url.rstrip('/')}/openapi.json", config=config)
        call = vendor_caller(base_url)
    if system in INSTALLERS:
        INSTALLERS[system](schema, call)
    operations: dict[str, str] = {}
    failures: dict[tuple[str, str, str], FuzzFailure] = {}
    errors: list[str] = []
    stateful_steps = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.label:
            # An operation's status is its worst tested phase; "skip" only when no phase tested it.
            previous = operations.get(event.label)
            if (
                previous is None
                or previous == Status.SKIP
                or (event.status != Status.SKIP and Status(previous) < event.status)
            ):
                operations[event.label] = event.status.value
            _collect_failures(event.recorder, event.label, failures)
        elif isinstance(event, events.ScenarioFinished) and event.status != Status.SKIP:
            # A stateful scenario: a chain of calls following the spec's links, labelled by each step's operation.
            stateful_steps += len(event.recorder.cases)
            _collect_failures(event.recorder, None, failures)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "info", None) or getattr(event, "exception", event)))
    summary = FuzzSummary(
        system,
        seed,
        max_examples,
        operations,
        list(failures.values()),
        errors,
        time.monotonic() - started,
        stateful_steps,
    )
    if junit_path is not None:
        write_junit(f"fuzz.{system}", summary.cases(), junit_path, summary.elapsed_s)
    return summary


def _collect_failures(recorder: Any, label: str | None, failures: dict[tuple[str, str, str], FuzzFailure]) -> None:
    """Add each distinct failed check of a scenario (``label`` None: each step's own operation)."""
    from schemathesis.engine import Status

    for case_id, nodes in recorder.checks.items():
        operation = label
        if operation is None:
            node = recorder.cases.get(case_id)
            operation = str(node.value.operation.label) if node is not None else "stateful"
        for check in nodes:
            info = check.failure_info
            if check.status != Status.FAILURE or info is None:
                continue
            reproduce = info.steps[-1].curl if info.steps else info.code_sample
            failures.setdefault(
                (operation, check.name, info.failure.title),
                FuzzFailure(operation, check.name, info.failure.title, info.failure.message, reproduce),
            )
