"""PSA simulator settings (env prefix ``SIM_PSA_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from simulators._core.settings import SimulatorSettings


class PsaSettings(SimulatorSettings):
    """Kantata OX account limits and conventions."""

    model_config = SettingsConfigDict(env_prefix="SIM_PSA_", env_nested_delimiter="__", extra="forbid")

    account_id: str = Field(default="1", description="The Kantata account id shown on users and events.")
    max_per_page: int = Field(default=200, ge=1, description="Largest ``per_page`` (or ``limit``) accepted.")
    max_bulk_create: int = Field(default=100, ge=1, description="Most time entries one bulk POST may create.")
    event_retention_days: int = Field(
        default=9, ge=1, description="How far back ``GET /subscribed_events`` reaches, in simulated days."
    )
