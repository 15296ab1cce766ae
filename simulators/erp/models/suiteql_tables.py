"""The SuiteQL tables: NetSuite's lower-case field ids over the tenant's records (one row view per table).

Booleans are ``'T'``/``'F'``, select fields their keys, references internal ids, dates :class:`IsoDate`.
``transaction`` unions invoices (``CustInvc``), payments (``CustPymt``) and expense reports (``ExpRept``);
``transactionline`` holds their lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from simulators.erp.models.records import CustomerPayment, ExpenseReport, Invoice

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore

Row = dict[str, Any]
Getter = Callable[[Any], Any]
APPROVAL_KEYS = {"pending": "1", "approved": "2", "rejected": "3"}
INVOICE_STATUS = {"open": "A", "paidInFull": "B"}


class IsoDate(str):
    """A date value inside a row: compares as ISO text, printed as ``M/D/YYYY``."""

    __slots__ = ()


def iso(value: date | datetime | None) -> IsoDate | None:
    """A date (or a datetime's date) as an :class:`IsoDate`."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    return IsoDate(day.isoformat())


def _tf(get: Getter) -> Getter:
    return lambda r: "T" if get(r) else "F"


def _date(name: str) -> Getter:
    return lambda r: iso(getattr(r, name))


def _plain(**fields: str) -> dict[str, Getter]:
    return {column: attrgetter(attr) for column, attr in fields.items()}


RECORD_TABLES: dict[str, tuple[str, dict[str, Getter]]] = {
    "customer": (
        "customer",
        _plain(
            id="id",
            externalid="externalId",
            companyname="companyName",
            currency="currency",
            subsidiary="subsidiary",
            creditlimit="creditLimit",
            creditholdoverride="creditHoldOverride",
            terms="terms",
            email="email",
            balance="balance",
            overduebalance="overdueBalance",
            unbilledorders="unbilledOrders",
        )
        | {
            "entityid": lambda c: c.externalId or str(c.id),
            "oncredithold": _tf(attrgetter("onCreditHold")),
            "datecreated": _date("created"),
        },
    ),
    "job": (
        "job",
        _plain(id="id", entityid="entityId", externalid="externalId", companyname="companyName", parent="parent")
        | {
            "customer": attrgetter("parent"),
            "jobbillingtype": attrgetter("billingType"),
            "startdate": _date("startDate"),
        },
    ),
    "timebill": (
        "timeBill",
        _plain(
            id="id",
            externalid="externalId",
            employee="employee",
            customer="customer",
            hours="hours",
            postingperiod="postingPeriod",
            rate="rate",
            memo="memo",
            item="item",
            casetaskevent="caseTaskEvent",
            subsidiary="subsidiary",
            invoice="invoice",
        )
        | {
            "trandate": _date("tranDate"),
            "isbillable": _tf(attrgetter("isBillable")),
            "approvalstatus": lambda t: APPROVAL_KEYS[t.approvalStatus],
        },
    ),
    "employee": (
        "employee",
        _plain(
            id="id",
            externalid="externalId",
            firstname="firstName",
            lastname="lastName",
            email="email",
            subsidiary="subsidiary",
            laborcost="laborCost",
            title="title",
        ),
    ),
    "projecttask": (
        "projectTask",
        _plain(id="id", externalid="externalId", title="title", company="company", status="status", amount="amount")
        | {
            "plannedwork": attrgetter("plannedWork"),
            "ismilestone": _tf(attrgetter("isMilestone")),
            "enddate": _date("endDate"),
        },
    ),
    "item": (
        "serviceItem",
        _plain(id="id", externalid="externalId", itemid="itemId", displayname="displayName", rate="rate")
        | {"itemtype": lambda i: "Service", "isinactive": _tf(attrgetter("isInactive"))},
    ),
    "currency": (
        "currency",
        _plain(id="id", symbol="symbol", name="name", currencyprecision="precision", exchangerate="exchangeRate")
        | {"isbasecurrency": _tf(attrgetter("isBaseCurrency"))},
    ),
    "subsidiary": ("subsidiary", _plain(id="id", name="name", country="country", currency="currency")),
    "accountingperiod": (
        "accountingPeriod",
        _plain(id="id", periodname="periodName")
        | {
            "startdate": _date("startDate"),
            "enddate": _date("endDate"),
            "closed": lambda p: "T" if p.state == "closed" else "F",
            "arlocked": lambda p: "T" if p.state != "open" else "F",
            "alllocked": lambda p: "T" if p.state == "closed" else "F",
            "isposting": lambda p: "T",
        },
    ),
}

TRANSACTION_COLUMNS = (
    "id",
    "tranid",
    "externalid",
    "trandate",
    "postingperiod",
    "memo",
    "type",
    "entity",
    "status",
    "duedate",
    "currency",
    "foreigntotal",
    "foreignamountpaid",
    "foreignamountremaining",
    "job",
    "foreignpaymentamountunused",
    "approvalstatus",
)
LINE_COLUMNS = (
    "transaction",
    "linesequencenumber",
    "item",
    "quantity",
    "rate",
    "foreignamount",
    "memo",
    "linetype",
    "source",
    "entity",
    "isbillable",
    "category",
)


def _transactions(store: ErpStore) -> Iterable[Row]:
    data = store.db.data
    rows: list[Invoice | CustomerPayment | ExpenseReport] = [
        *data["invoice"].values(),
        *data["customerPayment"].values(),
        *data["expenseReport"].values(),
    ]
    for t in rows:
        row: Row = {
            "id": t.id,
            "tranid": t.tranId,
            "externalid": t.externalId,
            "trandate": iso(t.tranDate),
            "postingperiod": t.postingPeriod,
            "memo": t.memo,
        }
        if isinstance(t, Invoice):
            row |= {
                "type": "CustInvc",
                "entity": t.entity,
                "status": INVOICE_STATUS[t.status],
                "duedate": iso(t.dueDate),
                "currency": t.currency,
                "foreigntotal": t.total,
                "foreignamountpaid": t.amountPaid,
                "foreignamountremaining": t.amountRemaining,
                "job": t.job,
            }
        elif isinstance(t, CustomerPayment):
            row |= {
                "type": "CustPymt",
                "entity": t.customer,
                "currency": t.currency,
                "foreigntotal": t.payment,
                "foreignpaymentamountunused": t.unapplied,
            }
        else:
            row |= {
                "type": "ExpRept",
                "entity": t.entity,
                "foreigntotal": t.total,
                "approvalstatus": APPROVAL_KEYS[t.approvalStatus],
            }
        yield row


def _transaction_lines(store: ErpStore) -> Iterable[Row]:
    for inv in store.db.rows("invoice"):
        for line in inv.lines:
            yield {
                "transaction": inv.id,
                "linesequencenumber": line.line,
                "item": line.item,
                "quantity": line.quantity,
                "rate": line.rate,
                "foreignamount": line.amount,
                "memo": line.description,
                "linetype": line.kind,
                "source": line.source,
            }
    for report in store.db.rows("expenseReport"):
        for exp in report.expense:
            yield {
                "transaction": report.id,
                "linesequencenumber": exp.line,
                "foreignamount": exp.amount,
                "memo": exp.memo,
                "entity": exp.customer,
                "isbillable": "T" if exp.isBillable else "F",
                "linetype": "expense",
                "category": exp.category,
            }


def _record_rows(record_type: str, columns: dict[str, Getter]) -> Callable[[ErpStore], Iterable[Row]]:
    def rows(store: ErpStore) -> Iterable[Row]:
        for rec in store.db.rows(record_type):
            yield {name: get(rec) for name, get in columns.items()}

    return rows


TABLES: dict[str, tuple[tuple[str, ...], Callable[[ErpStore], Iterable[Row]]]] = {
    name: (tuple(columns), _record_rows(record_type, columns)) for name, (record_type, columns) in RECORD_TABLES.items()
}
"""SuiteQL table -> (its columns, how to build its rows)."""
TABLES["transaction"] = (TRANSACTION_COLUMNS, _transactions)
TABLES["transactionline"] = (LINE_COLUMNS, _transaction_lines)
