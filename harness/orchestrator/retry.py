"""How long the orchestrator waits before trying a failed vendor call again."""

from __future__ import annotations

import random

from harness.orchestrator.clients.http import VendorCallError
from harness.orchestrator.settings import OrchestratorSettings


def backoff_s(attempts: int, exc: VendorCallError, settings: OrchestratorSettings, rng: random.Random) -> float:
    """The wait before the next try: exponential with jitter; a Salesforce daily quota waits much longer."""
    jitter = 0.5 + rng.random()
    if exc.status == 403 and exc.code == "REQUEST_LIMIT_EXCEEDED":
        return float(settings.crm_quota_backoff_s * jitter)  # a 24-hour allocation, not a burst: no point retrying soon
    base = min(settings.backoff_max_s, settings.backoff_base_s * (2**attempts))
    if exc.retry_after_s is not None:
        base = max(base, exc.retry_after_s)
    return float(base * jitter)
