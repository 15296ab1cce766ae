"""``python -m simulators crm|psa|erp [--port P] [--seed N] [--profile P] [--tls]``: serve one simulator."""

from __future__ import annotations

import argparse
import importlib
import sys

from simulators._core.server import serve
from simulators._core.tls import ensure_local_ca

DEFAULT_PORTS = {"crm": 8101, "psa": 8102, "erp": 8103}


def main(argv: list[str] | None = None) -> int:
    """Serve one simulator on loopback until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m simulators")
    parser.add_argument("system", choices=sorted(DEFAULT_PORTS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--profile")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with the local CA's certificate")
    args = parser.parse_args(argv)
    module = importlib.import_module(f"simulators.{args.system}.app")
    settings = module.SPEC.settings_type()
    if args.seed is not None:
        settings.seed = args.seed
    if args.profile:
        settings.profile = args.profile
    app = module.create_app(settings)
    app.state.sim.tenant()  # load the seeded world before listening: healthy means ready (month-end takes seconds)
    tls = ensure_local_ca() if args.tls else None
    port = args.port or DEFAULT_PORTS[args.system]
    scheme = "https" if tls else "http"
    print(f"{args.system} simulator on {scheme}://{args.host}:{port}", flush=True)
    if tls:
        print(f"trust this CA: {tls.ca_cert}", flush=True)
    serve(app, args.host, port, tls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
