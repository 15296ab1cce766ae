"""ERP domain: records, the store (one method per operation) and NetSuite's finance rules, by aggregate."""

from simulators.erp.models.records import (
    RECORD_CLASSES,
    AccountingPeriod,
    AsyncJob,
    Currency,
    Customer,
    CustomerPayment,
    Employee,
    ExpenseLine,
    ExpenseReport,
    HoldOverride,
    Invoice,
    InvoiceLine,
    Job,
    PeriodState,
    ProjectTask,
    ServiceItem,
    Subsidiary,
    TimeBill,
)
from simulators.erp.models.store import ErpStore
from simulators.erp.models.tables import Page

__all__ = [
    "RECORD_CLASSES",
    "AccountingPeriod",
    "AsyncJob",
    "Currency",
    "Customer",
    "CustomerPayment",
    "Employee",
    "ErpStore",
    "ExpenseLine",
    "ExpenseReport",
    "HoldOverride",
    "Invoice",
    "InvoiceLine",
    "Job",
    "Page",
    "PeriodState",
    "ProjectTask",
    "ServiceItem",
    "Subsidiary",
    "TimeBill",
]
