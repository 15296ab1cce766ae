"""CRM simulator settings (env prefix ``SIM_CRM_``)."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from simulators._core.settings import SimulatorSettings


class CrmSettings(SimulatorSettings):
    """Salesforce org settings: the API version window and the daily API request allocation."""

    model_config = SettingsConfigDict(env_prefix="SIM_CRM_", env_nested_delimiter="__", extra="forbid")

    min_version: int = Field(
        default=31, ge=1, description="Oldest served API version; older versions answer 410 (retired)."
    )
    max_version: int = Field(
        default=67, ge=1, description="Newest served API version; newer versions answer 404 (unknown)."
    )
    daily_api_limit: int = Field(
        default=100_000, ge=1, description="DailyApiRequests Max: calls beyond it get 403 REQUEST_LIMIT_EXCEEDED."
    )

    @model_validator(mode="after")
    def _window(self) -> CrmSettings:
        if self.min_version > self.max_version:
            raise ValueError("min_version must not be above max_version")
        return self
