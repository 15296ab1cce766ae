"""App factories for benchmarks (``uvicorn --factory load.benchmarks.apps:<name>``), and a server of two apps.

``python -m load.benchmarks.apps PORT_BARE PORT_SIM`` serves the ERP app without and with the simulator
middleware from one process: the two measured stacks then share the interpreter, its hash seed and its
memory layout, so what differs between them is the middleware alone (two processes differ by a few per
cent on their own).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator

import uvicorn
import uvloop

from simulators._core.app import SimulatorApp
from simulators._core.middleware import SimulatorMiddleware
from simulators._core.server import CoalescingHttpToolsProtocol
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


class _SharedSignals(uvicorn.Server):
    """A server that leaves signals to :func:`serve_pair` (uvicorn's own handler would stop one server only)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_pair(port_bare: int, port_sim: int) -> None:
    """Serve :func:`erp_without_middleware` and :func:`erp` on loopback until SIGTERM or SIGINT."""
    servers = [
        _SharedSignals(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                loop="none",
                http=CoalescingHttpToolsProtocol,  # as the simulators are served
                access_log=False,
                log_level="warning",
            )
        )
        for app, port in ((erp_without_middleware(), port_bare), (erp(), port_sim))
    ]
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    await asyncio.gather(*(server.serve() for server in servers))


if __name__ == "__main__":
    uvloop.run(serve_pair(int(sys.argv[1]), int(sys.argv[2])))
