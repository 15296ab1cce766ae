"""PSA simulator settings (env prefix ``SIM_PSA_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from simulators._core.settings import SimulatorSettings


class PsaSettings(SimulatorSettings):
    """Kantata OX account limits, conventions and the account's policies."""

    model_config = SettingsConfigDict(env_prefix="SIM_PSA_", env_nested_delimiter="__", extra="forbid")

    account_id: str = Field(default="1", description="The Kantata account id shown on users and events.")
    max_per_page: int = Field(default=200, ge=1, description="Largest ``per_page`` (or ``limit``) accepted.")
    max_bulk_create: int = Field(default=100, ge=1, description="Most time entries one bulk POST may create.")
    max_story_bulk_create: int = Field(default=300, ge=1, description="Most stories one bulk POST may create.")
    event_retention_days: int = Field(
        default=9, ge=1, description="How far back ``GET /subscribed_events`` reaches, in simulated days."
    )
    event_max_lag_seconds: float = Field(
        default=0.0,
        ge=0,
        le=86_400,
        description="Events report a ``subject_changed_at`` up to this many seconds before ``created_at`` "
        "(Kantata: the lag between occurrence and generation). 0: no lag.",
    )
    on_hold_blocks_time: bool = Field(
        default=True, description="A workspace on hold refuses new time entries and expenses."
    )
    lock_submitted_entries: bool = Field(
        default=True, description="Entries of a pending (``new``) submission are locked, not only approved ones."
    )
    invoice_payment_days: int = Field(
        default=30, ge=0, le=365, description="Default ``payment_schedule`` (days) of a new invoice."
    )
