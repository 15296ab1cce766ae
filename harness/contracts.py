"""Contract runners behind ``p2c contracts``: spec export and drift, Pact provider verification, fuzzing.

- :func:`export_specs` writes each simulator's OpenAPI document to ``contracts/openapi/<system>/<version>.json``
  and :func:`check_drift` compares the committed documents with the generated ones.
- :func:`verify_pacts` serves a simulator under uvicorn on a free loopback port and replays Pact files
  against it, with provider states set through ``/__admin/provider-states``.
- :func:`fuzz` runs schemathesis against a simulator's own OpenAPI document.

Every function is generic over :data:`SYSTEMS` and skips a system whose simulator has no ``app.py`` yet.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import importlib.util
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import uvicorn

import contracts
from contracts.participants import PROVIDERS
from contracts.results import ContractCase, pact_interaction_cases, write_junit
from simulators._core.server import uvicorn_config

SYSTEMS: tuple[str, ...] = ("crm", "psa", "erp")
CONTRACTS_DIR = Path(contracts.__file__).resolve().parent
OPENAPI_DIR = CONTRACTS_DIR / "openapi"
PACTS_DIR = CONTRACTS_DIR / "pacts"
SERVER_START_DEADLINE_S = 10.0
EXPORT_HINT = "run `p2c contracts export` and commit the result"


class UnknownSystemError(LookupError):
    """The system is not one of :data:`SYSTEMS`, or its simulator has no ``app.py`` yet."""


# -- simulators -------------------------------------------------------------------------------------------------
def available_systems(systems: Sequence[str] = SYSTEMS) -> list[str]:
    """The systems among ``systems`` whose simulator package has an ``app`` module."""
    found = []
    for system in systems:
        try:
            spec = importlib.util.find_spec(f"simulators.{system}.app")
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            found.append(system)
    return found


def simulator_module(system: str) -> Any:
    """``simulators.<system>.app`` (with its ``SPEC`` and ``create_app``)."""
    if system not in SYSTEMS or system not in available_systems([system]):
        raise UnknownSystemError(f"no simulator app for system {system!r} (known: {', '.join(SYSTEMS)})")
    return importlib.import_module(f"simulators.{system}.app")


def create_simulator(system: str, *, seed: int = 42, profile: str = "small") -> Any:
    """A fresh simulator app for ``system`` with the given seed and world profile."""
    module = simulator_module(system)
    settings = module.SPEC.settings_type(seed=seed, profile=profile)
    return module.create_app(settings)


@contextlib.contextmanager
def serving(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` under uvicorn on a free port of ``host`` in a background thread; yields the base URL."""
    server = uvicorn.Server(uvicorn_config(app, host=host, port=0))
    thread = threading.Thread(target=server.run, name="p2c-contract-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + SERVER_START_DEADLINE_S
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn exited before it started")
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start within {SERVER_START_DEADLINE_S} s")
            thread.join(timeout=0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_DEADLINE_S)


# -- OpenAPI export and drift -----------------------------------------------------------------------------------
def generated_spec(system: str) -> tuple[str, dict[str, Any]]:
    """``(api_version, OpenAPI document)`` as the simulator generates it now."""
    module = simulator_module(system)
    document: dict[str, Any] = module.create_app().openapi()
    return str(module.SPEC.api_version), document


def render_spec(document: Mapping[str, Any]) -> str:
    """The committed form of a spec: sorted keys, two-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def spec_path(system: str, version: str, root: Path = OPENAPI_DIR) -> Path:
    """Where the spec of ``system`` at ``version`` is committed."""
    return root / system / f"{version}.json"


def export_specs(out_dir: Path = OPENAPI_DIR, systems: Sequence[str] = SYSTEMS) -> list[Path]:
    """Write ``<out_dir>/<system>/<version>.json`` for every available system; returns the paths written."""
    written = []
    for system in available_systems(systems):
        version, document = generated_spec(system)
        path = spec_path(system, version, out_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_spec(document), encoding="utf-8")
        written.append(path)
    return written


@dataclass(slots=True)
class SpecDrift:
    """How one committed spec compares with the generated one."""

    system: str
    version: str
    path: Path
    status: Literal["same", "missing", "changed"]
    diff: str = ""

    @property
    def ok(self) -> bool:
        """True when the committed spec equals the generated one."""
        return self.status == "same"

    def message(self) -> str:
        """One paragraph for a report or an assertion."""
        if self.status == "same":
            return f"{self.system} {self.version}: committed spec is current"
        if self.status == "missing":
            return f"{self.system} {self.version}: no committed spec at {self.path}; {EXPORT_HINT}"
        return (
            f"{self.system} {self.version}: {self.path} differs from the simulator's spec; {EXPORT_HINT}\n{self.diff}"
        )


def check_drift(
    root: Path = OPENAPI_DIR, systems: Sequence[str] = SYSTEMS, max_diff_lines: int = 80
) -> list[SpecDrift]:
    """Compare each available system's committed spec with the one its simulator generates."""
    results = []
    for system in available_systems(systems):
        version, document = generated_spec(system)
        path = spec_path(system, version, root)
        if not path.is_file():
            results.append(SpecDrift(system, version, path, "missing"))
            continue
        committed, generated = path.read_text(encoding="utf-8"), render_spec(document)
        if committed == generated:
            results.append(SpecDrift(system, version, path, "same"))
            continue
        lines = list(
            difflib.unified_diff(
                committed.splitlines(), generated.splitlines(), "committed", "generated", lineterm="", n=2
            )
        )
        if len(lines) > max_diff_lines:
            lines = [*lines[:max_diff_lines], f"... {len(lines) - max_diff_lines} more diff lines"]
        results.append(SpecDrift(system, version, path, "changed", "\n".join(lines)))
    return results


# -- Pact provider verification ---------------------------------------------------------------------------------
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

    def failures(self) -> list[ContractCase]:
        """The interactions that did not verify."""
        return [c for c in self.interactions if not c.passed]


def pacts_for(system: str, pacts_dir: Path = PACTS_DIR) -> list[Path]:
    """The committed pact files in which ``system``'s provider is the provider."""
    return sorted(pacts_dir.glob(f"*-{PROVIDERS[system]}.json"))


def verify_pacts(
    pact_paths: Sequence[Path] | None = None,
    system: str = "erp",
    *,
    seed: int = 42,
    profile: str = "empty",
    headers: Mapping[str, str] | None = None,
    junit_path: Path | None = None,
    request_timeout_ms: int = 5000,
) -> VerifyResult:
    """Replay pact files against a fresh ``system`` simulator served on a free loopback port.

    Args:
        pact_paths: pact files (default: the committed ones naming this system's provider).
        system: ``crm``, ``psa`` or ``erp``.
        seed: the simulator's run seed.
        profile: its world profile. ``empty`` (periods only, no master data) lets provider states own the
            records an interaction names, so an ``id`` a pact pins is the id the provider answers with.
        headers: extra headers on every replayed request (e.g. a real token for a vendor sandbox).
        junit_path: also write JUnit XML here, one test case per interaction.
        request_timeout_ms: the verifier's per-request timeout.

    Returns:
        A :class:`VerifyResult`; ``passed`` is False when any interaction failed or none ran.
    """
    # Pact's core sends anonymous usage events unless told not to; a contract run should not phone home.
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    from pact import Verifier

    provider = PROVIDERS[system]
    paths = list(pact_paths) if pact_paths is not None else pacts_for(system)
    if not paths:
        raise FileNotFoundError(f"no pact files for provider {provider} in {PACTS_DIR}")
    started = time.monotonic()
    app = create_simulator(system, seed=seed, profile=profile)
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
        try:
            verifier.verify()
        except RuntimeError as exc:  # the FFI reports a failed verification as a RuntimeError
            error = str(exc)
        output = verifier.output(strip_ansi=True)
        results = verifier.results
    cases = pact_interaction_cases(results)
    passed = error is None and bool(results.get("result", False)) and bool(cases) and all(c.passed for c in cases)
    result = VerifyResult(
        system, provider, paths, passed, cases, output, time.monotonic() - started, None if passed else error
    )
    if junit_path is not None:
        write_junit(f"pact.{provider}", cases, junit_path, result.elapsed_s)
    return result


# -- schemathesis -----------------------------------------------------------------------------------------------
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
    """
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    from contracts.fuzzing import fuzz_config
    from contracts.hooks import INSTALLERS

    started = time.monotonic()
    config = fuzz_config(max_examples, seed, phases)
    if base_url is None:
        app = create_simulator(system, seed=seed, profile=profile)
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
            for nodes in event.recorder.checks.values():
                for node in nodes:
                    info = node.failure_info
                    if node.status != Status.FAILURE or info is None:
                        continue
                    key = (event.label, node.name, info.failure.title)
                    reproduce = info.steps[-1].curl if info.steps else info.code_sample
                    failures.setdefault(
                        key, FuzzFailure(event.label, node.name, info.failure.title, info.failure.message, reproduce)
                    )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "info", None) or getattr(event, "exception", event)))
    summary = FuzzSummary(
        system, seed, max_examples, operations, list(failures.values()), errors, time.monotonic() - started
    )
    if junit_path is not None:
        write_junit(f"fuzz.{system}", summary.cases(), junit_path, summary.elapsed_s)
    return summary
