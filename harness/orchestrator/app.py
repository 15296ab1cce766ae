"""The orchestrator's own small HTTP surface: health, status, dead letters and replay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from harness.orchestrator.service import Orchestrator
from harness.orchestrator.settings import OrchestratorSettings


def create_app(settings: OrchestratorSettings | None = None) -> FastAPI:
    """The orchestrator service: the loop runs for the app's lifetime."""
    cfg = settings or OrchestratorSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        orch = Orchestrator(cfg)
        app.state.orchestrator = orch
        task = asyncio.create_task(orch.run())
        try:
            yield
        finally:
            orch.stop()
            await task
            await orch.close()

    app = FastAPI(title="p2c reference orchestrator", lifespan=lifespan)

    def orch_of(app_: FastAPI) -> Orchestrator:
        orch: Orchestrator = app_.state.orchestrator
        return orch

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "posting_mode": cfg.posting_mode}

    @app.get("/status")
    async def status() -> dict[str, Any]:
        orch = orch_of(app)
        return {"counts": orch.ledger.counts(), "polls": orch.polls, "last_error": orch.last_error}

    @app.get("/dlq")
    async def dlq(reason: str | None = None) -> dict[str, Any]:
        return {"dead_letters": orch_of(app).ledger.dead_letters(reason)}

    @app.post("/dlq/replay")
    async def replay(reason: str | None = None) -> dict[str, Any]:
        return {"replayed": orch_of(app).ledger.replay(reason)}

    return app
