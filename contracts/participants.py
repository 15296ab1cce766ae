"""Pact participant ("pacticipant") names: one place, so pact file names and broker entries never drift."""

from __future__ import annotations

CONSUMER = "p2c-orchestrator"
"""The reference orchestrator, consumer of every vendor API."""

CRM_PROVIDER = "salesforce-crm"
PSA_PROVIDER = "kantata-psa"
ERP_PROVIDER = "netsuite-erp"

PROVIDERS: dict[str, str] = {"crm": CRM_PROVIDER, "psa": PSA_PROVIDER, "erp": ERP_PROVIDER}
"""Provider name per simulated system."""


def pact_file_name(consumer: str, provider: str) -> str:
    """The file name Pact writes for a consumer/provider pair (``<consumer>-<provider>.json``)."""
    return f"{consumer}-{provider}.json"
