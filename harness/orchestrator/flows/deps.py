"""What every flow step works with, and the refusals that end a flow early."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from harness.orchestrator.clients.crm import CrmClient
from harness.orchestrator.flows.store import FlowStore
from harness.orchestrator.flows.vendors import ErpOps, PsaOps

DEFECT_IGNORE_CREDIT_HOLD = "ignore-credit-hold"
"""Test-only defect: act as if credit holds did not exist (no flag, no task, no waiting for a release)."""


class FlowRefusedError(Exception):
    """A business refusal: the flow is dead-lettered with ``reason`` until the cause is fixed and it is replayed."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class CreditHeldError(Exception):
    """The ERP refused an invoice because the customer is on credit hold; the flow waits for the release."""

    def __init__(self, customer_external_id: str, detail: str) -> None:
        super().__init__(detail)
        self.customer_external_id = customer_external_id


@dataclass(slots=True)
class FlowDeps:
    """The vendor operations, the durable store and the switches a flow step needs."""

    crm: CrmClient
    erp: ErpOps
    psa: PsaOps
    store: FlowStore
    defects: frozenset[str] = frozenset()
    on_release: list[Callable[[str], object]] = field(default_factory=list)
    """Called with a customer's external id when its credit hold is released (held billing may flow)."""

    def has_defect(self, name: str) -> bool:
        """Whether a test-only defect is switched on."""
        return name in self.defects
