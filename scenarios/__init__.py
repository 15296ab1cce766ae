"""Scenario suites: they drive any orchestrator through the vendor APIs and check invariants.

Scenarios import neither simulator nor orchestrator code: they see the systems only through the vendor
APIs and the control plane. Importing this package registers every suite.
"""

from scenarios import duplicates as duplicates

__all__ = ["duplicates"]
