"""CRM simulator settings (env prefix ``SIM_CRM_``): versions, the daily allocation, metadata, change events."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from simulators._core.settings import SimulatorSettings
from simulators.crm import soql
from simulators.crm.exceptions import CrmError
from simulators.crm.metadata import OrgMetadata, default_metadata
from simulators.crm.schema import build_schema
from simulators.crm.versions import VersionProfileOverride


class ChangeEventSettings(BaseModel):
    """Change Data Capture: which entities publish change events, and how delivery misbehaves."""

    model_config = ConfigDict(extra="forbid")

    entities: tuple[str, ...] = Field(
        default=("Account", "Contact", "Opportunity", "OpportunityLineItem", "Task", "Project__c"),
        description="sObject types selected for Change Data Capture (Setup > Change Data Capture).",
    )
    retention_hours: int = Field(default=72, ge=1, description="Events older than this (simulated time) are gone.")
    gap_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of change events replaced by a GAP_* event (header only)."
    )
    overflow_threshold: int = Field(
        default=100_000, ge=1, description="Changes per transaction and entity beyond which one GAP_OVERFLOW is sent."
    )
    merge: bool = Field(default=True, description="Merge identical changes of one transaction into one event.")


class CrmSettings(SimulatorSettings):
    """Salesforce org settings: API version window and profiles, daily API allocation, org metadata, CDC."""

    model_config = SettingsConfigDict(env_prefix="SIM_CRM_", env_nested_delimiter="__", extra="forbid")

    min_version: int = Field(
        default=31, ge=1, description="Oldest served API version; older versions answer 410 (retired)."
    )
    max_version: int = Field(
        default=67, ge=1, description="Newest served API version; newer versions answer 404 (unknown)."
    )
    version_profiles: dict[str, VersionProfileOverride] = Field(
        default_factory=dict,
        description='Behaviour changes per API version, keyed by major version ("68"), applying from it upwards.',
    )
    daily_api_limit: int = Field(
        default=100_000, ge=1, description="DailyApiRequests Max: calls beyond it get 403 REQUEST_LIMIT_EXCEEDED."
    )
    metadata: OrgMetadata = Field(
        default_factory=default_metadata, description="Custom fields and objects, validation and duplicate rules."
    )
    change_events: ChangeEventSettings = Field(default_factory=ChangeEventSettings)
    query_locator_ttl_hours: int = Field(
        default=48, ge=1, description="A nextRecordsUrl older than this (simulated time) is INVALID_QUERY_LOCATOR."
    )
    max_open_cursors: int = Field(default=10, ge=1, description="Open query cursors per user; the oldest is dropped.")
    query_timeout_rows: int | None = Field(
        default=None, ge=1, description="A query scanning more rows than this fails with QUERY_TIMEOUT (off: null)."
    )

    @field_validator("version_profiles")
    @classmethod
    def _version_keys(cls, value: dict[str, VersionProfileOverride]) -> dict[str, VersionProfileOverride]:
        bad = [key for key in value if not key.isdigit()]
        if bad:
            raise ValueError(f"version_profiles keys are major versions such as '68', not {bad}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CrmSettings:
        if self.min_version > self.max_version:
            raise ValueError("min_version must not be above max_version")
        schema = build_schema(self.metadata)
        unknown = [name for name in self.change_events.entities if name not in schema.objects]
        if unknown:
            raise ValueError(f"change_events.entities names unknown sObject types: {unknown}")
        for rule in self.metadata.validation_rules:
            try:
                soql.bind_condition(rule.error_condition, schema.objects[rule.object], schema, date(2000, 1, 1))
            except CrmError as exc:
                raise ValueError(f"validation rule {rule.name}: {exc.message.strip()}") from None
        return self
