"""Pact Broker compatibility: publish pacts, and verify a broker's pacts publishing the results to it.

Configured by environment: ``P2C_PACT_BROKER_URL`` (nothing happens without it), and either
``P2C_PACT_BROKER_TOKEN`` (PactFlow) or ``P2C_PACT_BROKER_USERNAME`` / ``P2C_PACT_BROKER_PASSWORD``.

Publishing uses the broker's documented resource ``PUT /pacts/provider/{provider}/consumer/{consumer}/version/{v}``
(pact-python 3+ has no publisher; https://docs.pact.io/pact_broker/advanced_topics/api_docs/publish_pact) and
records the branch with ``PUT /pacticipants/{consumer}/branches/{branch}/versions/{v}``. Verification results
are published by pact-python's own verifier (``broker_source`` + ``set_publish_options``), in the broker's format.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

URL_ENV = "P2C_PACT_BROKER_URL"


class BrokerNotConfigured(RuntimeError):
    """No Pact Broker URL is configured."""


def broker_options(provider_version: str | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The broker settings from the environment (``version`` is the provider version results are published as).

    Raises:
        BrokerNotConfigured: ``P2C_PACT_BROKER_URL`` is not set.
    """
    env = os.environ if environ is None else environ
    url = env.get(URL_ENV, "").strip()
    if not url:
        raise BrokerNotConfigured(f"no Pact Broker configured (set {URL_ENV} to publish pacts or results)")
    return {
        "url": url.rstrip("/"),
        "token": env.get("P2C_PACT_BROKER_TOKEN") or None,
        "username": env.get("P2C_PACT_BROKER_USERNAME") or None,
        "password": env.get("P2C_PACT_BROKER_PASSWORD") or None,
        "version": provider_version,
        "branch": env.get("P2C_PACT_BROKER_BRANCH") or None,
    }


def _client(options: Mapping[str, Any]) -> httpx.Client:
    headers = {"Content-Type": "application/json", "Accept": "application/hal+json"}
    auth: tuple[str, str] | None = None
    if options.get("token"):
        headers["Authorization"] = f"Bearer {options['token']}"
    elif options.get("username"):
        auth = (str(options["username"]), str(options.get("password") or ""))
    return httpx.Client(base_url=str(options["url"]), headers=headers, auth=auth, timeout=30.0, trust_env=False)


def publish_pacts(
    paths: Sequence[Path], consumer_version: str, *, branch: str | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """PUT each pact to the broker as ``consumer_version``; returns the broker URLs written.

    Raises:
        BrokerNotConfigured: no broker URL is configured.
        httpx.HTTPStatusError: the broker refused a pact.
    """
    options = broker_options(None, environ)
    written = []
    with _client(options) as client:
        for path in paths:
            doc = json.loads(path.read_text(encoding="utf-8"))
            consumer, provider = doc["consumer"]["name"], doc["provider"]["name"]
            resource = (
                f"/pacts/provider/{quote(provider, safe='')}/consumer/{quote(consumer, safe='')}"
                f"/version/{quote(consumer_version, safe='')}"
            )
            client.put(resource, content=path.read_bytes()).raise_for_status()
            written.append(str(options["url"]) + resource)
            if branch:
                client.put(
                    f"/pacticipants/{quote(consumer, safe='')}/branches/{quote(branch, safe='')}"
                    f"/versions/{quote(consumer_version, safe='')}",
                    content=b"{}",
                ).raise_for_status()
    return written


def configure_verifier(verifier: Any, options: Mapping[str, Any]) -> None:
    """Point a pact-python ``Verifier`` at the broker's pacts and publish its results there (when a version is set)."""
    verifier.broker_source(
        str(options["url"]),
        username=options.get("username"),
        password=options.get("password"),
        token=options.get("token"),
        use_env=False,
    )
    if options.get("version"):
        verifier.set_publish_options(str(options["version"]), branch=options.get("branch"))
