"""A local certificate authority and a server certificate for 127.0.0.1 and localhost.

Stock vendor clients build ``https://`` URLs themselves; every simulator can serve TLS with a
certificate from this CA, and clients trust the printed CA file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(slots=True, frozen=True)
class TlsFiles:
    """Paths of the CA certificate and of the server's certificate chain and key."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def default_tls_dir() -> Path:
    """``$P2C_HOME/tls`` (default ``~/.p2c/tls``)."""
    return Path(os.environ.get("P2C_HOME", Path.home() / ".p2c")) / "tls"


def ensure_local_ca(directory: Path | None = None) -> TlsFiles:
    """Create (once) and return the local CA and the server certificate under ``directory``."""
    base = directory or default_tls_dir()
    files = TlsFiles(base / "ca.pem", base / "server-chain.pem", base / "server-key.pem")
    if all(p.exists() for p in (files.ca_cert, files.server_cert, files.server_key)):
        return files
    base.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="p2c-harness local CA")
    cert = ca.issue_cert("127.0.0.1", "localhost", "::1")
    ca.cert_pem.write_to_path(str(files.ca_cert))
    cert.private_key_pem.write_to_path(str(files.server_key))
    files.server_key.chmod(0o600)
    cert.private_key_and_cert_chain_pem.write_to_path(str(files.server_cert))
    return files
