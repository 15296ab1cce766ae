"""Orchestrator settings (env prefix ``ORCH_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PostingMode = Literal["upsert", "create"]


class OrchestratorSettings(BaseSettings):
    """Where the systems are, how to reach them, and how hard to retry."""

    model_config = SettingsConfigDict(env_prefix="ORCH_", extra="forbid")

    crm_url: str = "http://127.0.0.1:8101"
    psa_url: str = "http://127.0.0.1:8102"
    erp_url: str = "http://127.0.0.1:8103"
    crm_token: str = "p2c-crm-token"
    psa_token: str = "p2c-psa-token"
    erp_token: str = "p2c-erp-token"
    host: str = "127.0.0.1"
    port: int = 8100
    db_path: Path = Path(".p2c/orchestrator.sqlite")
    seed: int = 42
    posting_mode: PostingMode = Field(
        default="upsert",
        description=(
            "upsert: PUT timeBill/eid:<source id> (idempotent). create: plain POST without an external id, "
            "a deliberately careless mode that shows what the duplicate-submission scenario catches."
        ),
    )
    poll_interval_s: float = Field(default=0.2, gt=0)
    idle_poll_interval_s: float = Field(default=1.0, gt=0)
    event_overlap_s: float = Field(
        default=600, ge=0, description="Re-read this much of the feed (out-of-order events)."
    )
    request_timeout_s: float = Field(default=5.0, gt=0)
    erp_concurrency: int = Field(default=5, ge=1, le=64, description="Stay under the ERP account's concurrency pool.")
    psa_concurrency: int = Field(default=4, ge=1, le=64)
    max_attempts: int = Field(default=8, ge=1)
    backoff_base_s: float = Field(default=0.2, gt=0)
    backoff_max_s: float = Field(default=30.0, gt=0)
    batch_size: int = Field(default=100, ge=1)
