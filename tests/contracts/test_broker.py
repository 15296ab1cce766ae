"""Pact Broker compatibility: publishing is skipped cleanly without a broker, and speaks the broker's API with one.

The broker here is a stand-in HTTP server on loopback that records what it receives (a real Pact Broker is
an external service this repository does not run).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner

from contracts.participants import CONSUMER, ERP_PROVIDER, pact_file_name
from harness.cli.contracts import contracts
from harness.contracts import PACTS_DIR
from harness.contracts.broker import BrokerNotConfigured, broker_options, publish_pacts

PACT = PACTS_DIR / pact_file_name(CONSUMER, ERP_PROVIDER)


@pytest.fixture
def broker() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback HTTP server that records every PUT (method, path, headers, JSON body) and answers 201."""
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            seen.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(raw or b"{}")})
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def test_without_a_broker_publish_and_result_publishing_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """No P2C_PACT_BROKER_URL: ``publish`` and ``verify --publish-version`` say so and exit 0."""
    monkeypatch.delenv("P2C_PACT_BROKER_URL", raising=False)
    with pytest.raises(BrokerNotConfigured, match="P2C_PACT_BROKER_URL"):
        broker_options("1.0.0")

    publish = CliRunner().invoke(contracts, ["publish", "--consumer-version", "abc123"])
    verify = CliRunner().invoke(contracts, ["verify", "--publish-version", "abc123"])

    for run in (publish, verify):
        assert run.exit_code == 0, run.output
        assert "skipped: no Pact Broker configured" in run.output


def test_publish_puts_each_pact_to_the_brokers_resource(broker: tuple[str, list[dict[str, Any]]]) -> None:
    """A pact is PUT to /pacts/provider/{P}/consumer/{C}/version/{v} with the token; the branch is recorded."""
    url, seen = broker
    env = {"P2C_PACT_BROKER_URL": url, "P2C_PACT_BROKER_TOKEN": "s3cret"}

    written = publish_pacts([PACT], "abc123", branch="main", environ=env)

    assert written == [f"{url}/pacts/provider/{ERP_PROVIDER}/consumer/{CONSUMER}/version/abc123"]
    pact_put, branch_put = seen
    assert pact_put["path"] == f"/pacts/provider/{ERP_PROVIDER}/consumer/{CONSUMER}/version/abc123"
    assert pact_put["headers"]["Authorization"] == "Bearer s3cret"
    assert pact_put["body"] == json.loads(PACT.read_text(encoding="utf-8"))
    assert branch_put["path"] == f"/pacticipants/{CONSUMER}/branches/main/versions/abc123"
