"""Scenario suites: they drive any orchestrator through the vendor APIs and check invariants.

Scenarios import neither simulator nor orchestrator code: they see the systems only through the vendor
APIs and the control plane. Importing this package registers every suite.
"""

from scenarios import closed_periods as closed_periods
from scenarios import credit_holds as credit_holds
from scenarios import duplicates as duplicates
from scenarios import month_end as month_end
from scenarios import project_setup as project_setup

__all__ = ["closed_periods", "credit_holds", "duplicates", "month_end", "project_setup"]
