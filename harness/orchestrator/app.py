"""The orchestrator's own small HTTP surface: health, status, dead letters and replay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from harness.orchestrator.flows.runner import FlowRunner
from harness.orchestrator.flows.runner import router as flows_router
from harness.orchestrator.pipeline import source_id
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
        flows = app.state.flows = FlowRunner(cfg, on_release=[orch.ledger.release_holds])
        flows_task = asyncio.create_task(flows.run())
        try:
            yield
        finally:
            orch.stop()
            flows.stop()
            await task
            await flows_task
            await orch.close()
            await flows.close()

    app = FastAPI(title="p2c reference orchestrator", lifespan=lifespan)
    app.include_router(flows_router())

    def orch_of(app_: FastAPI) -> Orchestrator:
        orch: Orchestrator = app_.state.orchestrator
        return orch

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "posting_mode": cfg.posting_mode,
            "period_policy": cfg.period_policy,
            "credit_policy": cfg.credit_policy,
            "defects": sorted(d for d in cfg.defects.split(",") if d),
        }

    @app.get("/status")
    async def status() -> dict[str, Any]:
        orch = orch_of(app)
        flows = app.state.flows.status()
        return {"counts": orch.ledger.counts(), "polls": orch.polls, "last_error": orch.last_error, "flows": flows}

    @app.get("/dlq")
    async def dlq(reason: str | None = None) -> dict[str, Any]:
        letters = orch_of(app).ledger.dead_letters(reason)
        flow_letters = app.state.flows.store.dead_letters(reason)
        return {"dead_letters": [{**d, "source_id": source_id(str(d["key"]))} for d in letters] + flow_letters}

    @app.post("/dlq/replay")
    async def replay(reason: str | None = None) -> dict[str, Any]:
        return {"replayed": orch_of(app).replay(reason) + app.state.flows.store.replay(reason)}

    return app
