"""ERP simulator settings (env prefix ``SIM_ERP_``): NetSuite-like account preferences and simulator knobs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from simulators._core.settings import SimulatorSettings

ClosedPeriodPolicy = Literal["reject", "redate_to_first_open"]
CreditPolicy = Literal["ignore", "warn", "enforce"]


class CloseCalendar(BaseModel):
    """When periods lock and close, in days after a period's last day (driven by the simulated clock).

    ``None`` leaves that step to the control plane (provider states). States only move forward: the
    calendar never reopens a period.
    """

    model_config = ConfigDict(extra="forbid")

    ar_lock_after_days: int | None = Field(default=None, ge=0, le=366, description="Days after month-end to AR-lock.")
    close_after_days: int | None = Field(default=None, ge=0, le=366, description="Days after month-end to close.")


class ErpSettings(SimulatorSettings):
    """NetSuite-like account preferences."""

    model_config = SettingsConfigDict(env_prefix="SIM_ERP_", env_nested_delimiter="__", extra="forbid")

    concurrency_limit: int | None = Field(
        default=15, ge=1, le=10_000, description="The account-wide concurrency limit (shared service tier: 15)."
    )

    account_id: str = Field(default="1234567", description="The account id in record links.")
    closed_period_policy: ClosedPeriodPolicy = Field(
        default="reject",
        description=(
            "Like 'Allow Transaction Date Outside of Posting Period' = Disallow (reject), or the "
            "'Default Posting Period When Transaction Date in Closed Period' = First Open Period preference."
        ),
    )
    credit_policy: CreditPolicy = Field(default="enforce", description="'Customer Credit Limit Handling'.")
    credit_overdue_grace_days: int = Field(
        default=30, ge=0, le=3650, description="'Days Overdue': an overdue balance older than this puts a hold on."
    )
    close_calendar: CloseCalendar = Field(default_factory=CloseCalendar)
    open_periods_ahead: int = Field(
        default=3, ge=0, le=24, description="Monthly periods kept set up ahead of the simulated today."
    )
    list_page_max: int = Field(default=1000, ge=1, le=1000)
    async_job_seconds: float = Field(
        default=0, ge=0, description="Simulated seconds an async job waits before it runs (at the next request)."
    )
    idempotency_retention_hours: float | None = Field(
        default=None, gt=0, description="How long an idempotency key is remembered (None: for the tenant's life)."
    )
    suiteql_require_transient: bool = Field(
        default=False, description="Refuse SuiteQL without 'Prefer: transient' (undocumented either way)."
    )
    suiteql_max_rows: int = Field(default=100_000, ge=1, description="SuiteQL's cap on reachable result rows.")
