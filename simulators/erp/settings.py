"""ERP simulator settings (env prefix ``SIM_ERP_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from simulators._core.settings import SimulatorSettings

ClosedPeriodPolicy = Literal["reject", "redate_to_first_open"]
CreditPolicy = Literal["ignore", "warn", "enforce"]


class ErpSettings(SimulatorSettings):
    """NetSuite-like account preferences."""

    model_config = SettingsConfigDict(env_prefix="SIM_ERP_", env_nested_delimiter="__", extra="forbid")

    account_id: str = Field(default="1234567", description="The account id in record links.")
    closed_period_policy: ClosedPeriodPolicy = Field(
        default="reject",
        description=(
            "Like 'Allow Transaction Date Outside of Posting Period' = Disallow (reject), or the "
            "'Default Posting Period When Transaction Date in Closed Period' = First Open Period preference."
        ),
    )
    credit_policy: CreditPolicy = Field(default="enforce", description="'Customer Credit Limit Handling'.")
    list_page_max: int = Field(default=1000, ge=1, le=1000)
