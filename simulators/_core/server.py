"""Serve a simulator with uvicorn (uvloop + httptools, no access log: the journal records requests)."""

from __future__ import annotations

import importlib.util

import uvicorn
from starlette.types import ASGIApp

from simulators._core.tls import TlsFiles


def uvicorn_config(app: ASGIApp, host: str = "127.0.0.1", port: int = 0, tls: TlsFiles | None = None) -> uvicorn.Config:
    """A uvicorn config tuned for the simulators (see DESIGN.md section 10)."""
    fast = importlib.util.find_spec("uvloop") is not None and importlib.util.find_spec("httptools") is not None
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop" if fast else "asyncio",
        http="httptools" if fast else "h11",
        access_log=False,
        log_level="warning",
        lifespan="off",
        ssl_certfile=str(tls.server_cert) if tls else None,
        ssl_keyfile=str(tls.server_key) if tls else None,
        timeout_keep_alive=30,
    )


def serve(app: ASGIApp, host: str = "127.0.0.1", port: int = 8000, tls: TlsFiles | None = None) -> None:
    """Run until interrupted."""
    uvicorn.Server(uvicorn_config(app, host, port, tls)).run()
