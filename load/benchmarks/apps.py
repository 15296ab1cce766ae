"""App factories for benchmarks (``uvicorn --factory load.benchmarks.apps:<name>``)."""

from __future__ import annotations

from fastapi import FastAPI

from simulators._core.app import SimulatorApp
from simulators.erp.app import create_app


def erp() -> SimulatorApp:
    """The ERP simulator as served."""
    return create_app()


def erp_without_middleware() -> SimulatorApp:
    """The same app with the simulator middleware (journal, policy, limits, faults) left out."""
    app = create_app()
    app.middleware_stack = FastAPI.build_middleware_stack(app)
    return app
