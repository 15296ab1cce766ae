"""``python -m harness.orchestrator``: run the reference orchestrator (settings from ``ORCH_*``)."""

from __future__ import annotations

import uvicorn

from harness.orchestrator.app import create_app
from harness.orchestrator.settings import OrchestratorSettings


def main() -> None:
    """Serve the orchestrator's status API while its loop runs."""
    settings = OrchestratorSettings()
    print(
        f"orchestrator on http://{settings.host}:{settings.port} (posting mode {settings.posting_mode})",
        flush=True,
    )
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
