"""WireMock standalone as a reference: the same canned read and create the bare FastAPI app answers.

The jar is not a Python dependency: it comes from ``P2C_WIREMOCK_JAR`` or from the npm package ``wiremock``
installed into ``~/.cache/p2c/wiremock`` (``npm install --prefix ~/.cache/p2c/wiremock wiremock``), which ships
the standalone jar. Without a jar or a ``java`` on the PATH the benchmark skips WireMock and says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from load.benchmarks.common import Server, free_port, serve

CACHE = Path.home() / ".cache" / "p2c" / "wiremock"
ITEM = {"id": "1", "name": "item 1", "hours": "7.50", "rate": "150.00", "memo": "a canned record"}
"""The stubbed read's body (a small record, like the bare FastAPI app's dict)."""


def find_jar() -> Path | None:
    """The WireMock standalone jar, or None when it is not installed."""
    explicit = os.environ.get("P2C_WIREMOCK_JAR")
    if explicit:
        return Path(explicit) if Path(explicit).is_file() else None
    found = sorted(CACHE.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    return found[-1] if found else None


def unavailable() -> str | None:
    """Why WireMock cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "no java on the PATH"
    if find_jar() is None:
        return f"no jar (set P2C_WIREMOCK_JAR, or `npm install --prefix {CACHE} wiremock`)"
    return None


def _mappings() -> list[dict[str, object]]:
    return [
        {
            "request": {"method": "GET", "urlPathPattern": "/items/[0-9]+"},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "jsonBody": ITEM},
        },
        {
            "request": {"method": "POST", "urlPath": "/items"},
            "response": {"status": 201, "headers": {"Location": "/items/1"}},
        },
    ]


@contextlib.contextmanager
def serve_wiremock() -> Iterator[Server]:
    """WireMock on loopback with the two stubs, its request journal bounded like the simulators' (100,000)."""
    jar = find_jar()
    if jar is None:
        raise RuntimeError(unavailable())
    with tempfile.TemporaryDirectory(prefix="p2c-wiremock-") as root:
        (Path(root) / "mappings").mkdir()
        for n, mapping in enumerate(_mappings()):
            (Path(root) / "mappings" / f"stub-{n}.json").write_text(json.dumps(mapping))
        port = free_port()
        argv = [
            "java",
            "-jar",
            str(jar),
            "--port",
            str(port),
            "--bind-address",
            "127.0.0.1",
            "--root-dir",
            root,
            "--disable-banner",
            "--max-request-journal-entries",
            "100000",
        ]
        with serve(argv, port, "/__admin/health") as server:
            yield server
