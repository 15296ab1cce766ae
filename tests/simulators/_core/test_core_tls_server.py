"""The local CA and the uvicorn configuration used to serve simulators."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from simulators._core.server import uvicorn_config
from simulators._core.tls import ensure_local_ca
from simulators.erp.app import create_app


def test_ensure_local_ca_creates_a_ca_and_a_loopback_server_certificate(tmp_path: Path) -> None:
    files = ensure_local_ca(tmp_path / "tls")
    assert files.ca_cert.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert files.server_key.stat().st_mode & 0o777 == 0o600
    context = ssl.create_default_context(cafile=str(files.ca_cert))
    context.load_cert_chain(str(files.server_cert), str(files.server_key))  # chain and key belong together


def test_ensure_local_ca_is_created_once(tmp_path: Path) -> None:
    first = ensure_local_ca(tmp_path)
    contents = [p.read_bytes() for p in (first.ca_cert, first.server_cert, first.server_key)]
    second = ensure_local_ca(tmp_path)
    assert second == first
    assert [p.read_bytes() for p in (second.ca_cert, second.server_cert, second.server_key)] == contents


def test_default_tls_dir_follows_p2c_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2C_HOME", str(tmp_path))
    files = ensure_local_ca()
    assert files.ca_cert == tmp_path / "tls" / "ca.pem"


def test_uvicorn_config_is_quiet_loopback_without_lifespan() -> None:
    config = uvicorn_config(create_app(), port=8123)
    assert (config.host, config.port) == ("127.0.0.1", 8123)
    assert config.access_log is False
    assert config.lifespan == "off"
    assert config.ssl_certfile is None


def test_uvicorn_config_with_tls(tmp_path: Path) -> None:
    files = ensure_local_ca(tmp_path)
    config = uvicorn_config(create_app(), tls=files)
    assert config.ssl_certfile == str(files.server_cert)
    assert config.ssl_keyfile == str(files.server_key)
