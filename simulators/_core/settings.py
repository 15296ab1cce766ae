"""Settings every simulator shares; each simulator subclasses with its vendor policies and env prefix."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from simulators._core.clock import DEFAULT_START, ClockMode
from simulators._core.events import EventSettings


class SimulatorSettings(BaseSettings):
    """Common simulator settings (env prefix set by each simulator, e.g. ``SIM_ERP_``)."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="forbid", validate_assignment=True)

    seed: int = Field(default=42, description="Run seed: data, faults and clock all derive from it.")
    profile: str = Field(default="small", description="World profile loaded at start and on reset.")
    clock_start: datetime = DEFAULT_START
    clock_mode: ClockMode = "frozen"
    clock_rate: float = Field(default=1.0, gt=0)
    journal_limit: int = Field(default=100_000, ge=100)
    require_auth: bool = Field(default=True, description="Refuse vendor calls without a bearer token.")
    token_ttl_s: int = Field(default=3600, ge=1, description="Lifetime of tokens from the token endpoint (simulated).")
    auth_mode: Literal["any", "issued"] = Field(
        default="any",
        description="any: every non-empty bearer token works (issued ones expire); issued: only unexpired issued ones.",
    )
    concurrency_limit: int | None = Field(
        default=None, ge=1, le=10_000, description="Account-wide in-flight request limit (NetSuite: 15); null is off."
    )
    rate_limit_per_minute: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Requests per tenant per minute (Kantata); null is off."
    )
    events: EventSettings = Field(default_factory=EventSettings)
    api_version: str | None = Field(
        default=None,
        description="Vendor API version profile: a shipped name such as '2026.2' or a .toml path; null is the base.",
    )
