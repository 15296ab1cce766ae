"""App factories for benchmarks (``uvicorn --factory load.benchmarks.apps:<name>``)."""

from __future__ import annotations

from simulators._core.app import SimulatorApp
from simulators._core.middleware import SimulatorMiddleware
from simulators.erp.app import create_app


def erp() -> SimulatorApp:
    """The ERP simulator as served."""
    return create_app()


def erp_without_middleware() -> SimulatorApp:
    """The same app with the simulator middleware (journal, policy, limits, faults) left out: exactly the stack
    that the middleware wraps."""
    app = create_app()
    stack = app.build_middleware_stack()
    assert isinstance(stack, SimulatorMiddleware)
    app.middleware_stack = stack.app
    return app
