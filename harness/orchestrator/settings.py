"""Orchestrator settings (env prefix ``ORCH_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PostingMode = Literal["upsert", "create"]
PeriodPolicy = Literal["dead_letter", "redate"]
CreditPolicy = Literal["hold", "ignore"]
DEFECTS = frozenset({"no-idempotency", "ignore-period-policy", "ignore-credit-hold", "no-inbox-dedup"})


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
    idle_poll_interval_s: float = Field(default=0.5, gt=0)
    event_overlap_s: float = Field(
        default=600, ge=0, description="Re-read this much of the feed (out-of-order events)."
    )
    request_timeout_s: float = Field(default=5.0, gt=0)
    erp_concurrency: int = Field(
        default=10,
        ge=1,
        le=64,
        description="Stay under the ERP account's concurrency pool (15), leaving room for others.",
    )
    psa_concurrency: int = Field(default=8, ge=1, le=64)
    max_attempts: int = Field(default=8, ge=1)
    backoff_base_s: float = Field(default=0.2, gt=0)
    backoff_max_s: float = Field(default=30.0, gt=0)
    batch_size: int = Field(
        default=1000,
        ge=1,
        description=(
            "Work items taken per round (run concurrently; their outcomes commit together). A round holds the "
            "write-backs of the last one beside new postings, so the PSA and the ERP work at the same time."
        ),
    )
    crm_concurrency: int = Field(default=2, ge=1, le=64, description="Salesforce calls in flight (project setup).")
    crm_quota_backoff_s: float = Field(
        default=300.0, gt=0, description="Wait after Salesforce's 403 REQUEST_LIMIT_EXCEEDED (a daily quota)."
    )
    erp_webhook_subscribe: bool = Field(
        default=True, description="Register the ERP event webhook at start-up (the sandbox's /__admin/subscriptions)."
    )
    erp_webhook_url: str | None = Field(default=None, description="Where the ERP pushes events (default /hooks/erp).")
    erp_webhook_secret: str = Field(default="p2c-erp-webhook", description="HMAC-SHA256 key of the ERP's event pushes.")
    period_policy: PeriodPolicy = Field(
        default="dead_letter",
        description=(
            "A posting dated in a closed ERP period: dead_letter (reason PERIOD_CLOSED, replayed after a reopen) "
            "or redate (to the first open period's first day, the original date kept in the memo)."
        ),
    )
    credit_policy: CreditPolicy = Field(
        default="hold",
        description="hold: park a held customer's postings (state 'held') until the hold lifts; ignore: post anyway.",
    )
    hold_recheck_s: float = Field(default=2.0, gt=0, description="How often held customers are looked at again.")
    reference_ttl_s: float = Field(
        default=1.0, ge=0, description="How long ERP periods and customer holds are trusted before a new read."
    )
    sweep_interval_s: float = Field(
        default=60.0,
        ge=0,
        description=(
            "How often approved billable time is listed to catch what the feed never announced (entries loaded "
            "in bulk, events past the feed's retention); 0 turns the sweep off. The first sweep runs at start."
        ),
    )
    mark_synced: bool = Field(default=True, description="Write an external reference back on each posted PSA record.")
    sync_batch_size: int = Field(
        default=100,
        ge=1,
        le=200,
        description=(
            "External references written back per PSA call: above 1, the plural external_references key of "
            "create_or_update (a convenience of the PSA simulator); 1 sends one call per posting, the form Kantata "
            "documents."
        ),
    )
    defects: str = Field(
        default="",
        description=(
            "Test-only, comma-separated deliberate defects that show what the suites catch: "
            + ", ".join(sorted(DEFECTS))
            + "."
        ),
    )

    @field_validator("defects")
    @classmethod
    def _known_defects(cls, value: str) -> str:
        unknown = _names(value) - DEFECTS
        if unknown:
            raise ValueError(f"unknown defects {sorted(unknown)}; known: {sorted(DEFECTS)}")
        return value

    def defect(self, name: str) -> bool:
        """Whether a deliberate defect is switched on."""
        return name in _names(self.defects)


def _names(value: str) -> frozenset[str]:
    return frozenset(d.strip() for d in value.split(",") if d.strip())
