"""Schemathesis hooks that point generated *valid* requests at records that exist.

Random internal ids and dates almost never name a seeded employee, project or open period, so without
help every generated timeBill is refused and the success responses (``204`` + ``Location``, the
``TimeBillOut`` record) are never checked against the spec. :func:`install_erp_hooks` reads the seeded
references through the vendor API, creates a few timeBills, and registers a ``map_case`` hook on one
schema that rewrites only positive cases (negative cases stay as generated):

- timeBill bodies get an existing employee, an existing project, a day in an open period and an
  ``externalId`` equal to the one in the URL of an upsert; ``hours`` and ``rate`` are rounded to two
  decimals inside their ranges and ``approvalStatus`` becomes a real key (1, 2 or 3). The spec allows
  more than NetSuite accepts there (no ``multipleOf``, no bounds on the string form, no list of select
  keys: see the contracts report), so unsteered valid cases are nearly all refused with a 400;
- every second numeric record reference becomes an existing record of that type, so reads and deletes
  hit both the found and the not-found paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from schemathesis import GenerationMode

Call = Callable[..., tuple[int, Any]]
"""``call(method, path, json=None) -> (status, decoded body)`` against the simulator's vendor API."""

ERP_RECORDS = "/services/rest/record/v1"
ERP_TYPES = ("customer", "employee", "job", "accountingPeriod", "timeBill")
_RECORD_PATH = re.compile(rf"^{re.escape(ERP_RECORDS)}/(?P<type>[A-Za-z]+)(?P<one>/\{{ref\}})?$")


@dataclass(frozen=True, slots=True)
class ErpReferences:
    """Internal ids per record type and the days of open periods, as the simulator reports them."""

    ids: dict[str, tuple[str, ...]]
    open_days: tuple[date, ...]

    def pick(self, record_type: str, n: int) -> str | None:
        """A stable choice of an existing id of ``record_type``, or None when there is none."""
        ids = self.ids.get(record_type, ())
        return ids[n % len(ids)] if ids else None


def _ids(call: Call, record_type: str) -> tuple[str, ...]:
    status, body = call("GET", f"{ERP_RECORDS}/{record_type}?limit=1000")
    if status != 200:
        raise RuntimeError(f"listing {record_type} answered {status}: {body}")
    return tuple(str(item["id"]) for item in body["items"])


def erp_references(call: Call) -> ErpReferences:
    """Read the references the hooks steer to (customers, employees, projects, open periods)."""
    ids = {t: _ids(call, t) for t in ERP_TYPES}
    open_days: list[date] = []
    for period_id in ids["accountingPeriod"]:
        status, period = call("GET", f"{ERP_RECORDS}/accountingPeriod/{period_id}")
        if status == 200 and not period["closed"]:
            start, end = date.fromisoformat(period["startDate"]), date.fromisoformat(period["endDate"])
            open_days += [start + timedelta(days=d) for d in range((end - start).days + 1)]
    return ErpReferences(ids, tuple(open_days))


def seed_time_bills(call: Call, refs: ErpReferences, count: int = 3) -> ErpReferences:
    """Upsert ``count`` valid timeBills so reads of timeBills can succeed; returns refreshed references."""
    if not refs.open_days or not refs.ids["employee"] or not refs.ids["job"]:
        return refs
    for n in range(count):
        body = {
            "employee": {"id": refs.pick("employee", n)},
            "customer": {"id": refs.pick("job", n)},
            "hours": "1.50",
            "tranDate": refs.open_days[n % len(refs.open_days)].isoformat(),
        }
        status, reply = call("PUT", f"{ERP_RECORDS}/timeBill/eid:contract-fuzz-{n}", json=body)
        if status != 204:
            raise RuntimeError(f"seeding timeBill {n} answered {status}: {reply}")
    return ErpReferences({**refs.ids, "timeBill": _ids(call, "timeBill")}, refs.open_days)


def _as_int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


APPROVAL_KEYS = ("1", "2", "3")
HOURS_RANGE = (Decimal("0.01"), Decimal("24"))
RATE_RANGE = (Decimal("0"), Decimal("100000"))


def two_places(value: Any, low: Decimal, high: Decimal) -> Any:
    """``value`` clamped into ``[low, high]`` with two decimals, in its own JSON type (number or string)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    number = min(max(number, low), high).quantize(Decimal("0.01"))
    return str(number) if isinstance(value, str) else float(number)


def steer_time_bill(body: dict[str, Any], refs: ErpReferences, external_id: str | None) -> None:
    """Make a valid timeBill body one NetSuite accepts: existing references, open day, real values (in place)."""
    for field, record_type in (("employee", "employee"), ("customer", "job")):
        ref = body.get(field)
        n = _as_int(ref.get("id")) if isinstance(ref, dict) else None
        picked = refs.pick(record_type, n) if n is not None else None
        if isinstance(ref, dict) and picked is not None:
            ref["id"] = picked
    if isinstance(body.get("tranDate"), str) and refs.open_days:
        day = date.fromisoformat(body["tranDate"])
        body["tranDate"] = refs.open_days[day.toordinal() % len(refs.open_days)].isoformat()
    if external_id is not None and "externalId" in body:
        body["externalId"] = external_id
    if "hours" in body:
        body["hours"] = two_places(body["hours"], *HOURS_RANGE)
    if body.get("rate") is not None:
        body["rate"] = two_places(body["rate"], *RATE_RANGE)
    status = body.get("approvalStatus")
    if isinstance(status, dict) and isinstance(status.get("id"), str):
        status["id"] = APPROVAL_KEYS[len(status["id"]) % len(APPROVAL_KEYS)]


def steer_erp_case(case: Any, refs: ErpReferences) -> Any:
    """The ``map_case`` rule: rewrite a positive ERP case so that it names existing records."""
    meta = getattr(case, "meta", None)
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return case
    found = _RECORD_PATH.match(case.path)
    if found is None:
        return case
    record_type, one = found["type"], found["one"]
    ref = case.path_parameters.get("ref") if one else None
    n = _as_int(ref)
    if n is not None and n % 2 == 0 and case.method.upper() in ("GET", "DELETE"):
        picked = refs.pick(record_type, n // 2)
        if picked is not None:
            case.path_parameters["ref"] = picked
    if record_type == "timeBill" and case.method.upper() in ("POST", "PUT") and isinstance(case.body, dict):
        external_id = ref[4:] if isinstance(ref, str) and ref.startswith("eid:") else None
        steer_time_bill(case.body, refs, external_id)
    return case


class ErpSteering:
    """The steering ``map_case`` hook for one schema; inactive until :meth:`prepare` has read references.

    Register before ``schema.parametrize()`` (the parametrized clone keeps the hooks registered so far),
    prepare once the simulator can be called (e.g. in a fixture).
    """

    def __init__(self) -> None:
        self.refs: ErpReferences | None = None

    def register(self, schema: Any) -> ErpSteering:
        """Register the hook on ``schema`` only."""

        def map_case(context: Any, case: Any) -> Any:
            return case if self.refs is None else steer_erp_case(case, self.refs)

        schema.hook(map_case)
        return self

    def prepare(self, call: Call) -> ErpReferences:
        """Read the seeded references and create a few timeBills; the hook is active from now on."""
        self.refs = seed_time_bills(call, erp_references(call))
        return self.refs


def install_erp_hooks(schema: Any, call: Call) -> ErpReferences:
    """Register the steering hook on ``schema`` and prepare it against the simulator behind ``call``."""
    return ErpSteering().register(schema).prepare(call)


INSTALLERS: dict[str, Callable[[Any, Call], Any]] = {"erp": install_erp_hooks}
"""Per system: how to prepare a simulator and a schema for a fuzz run (systems without one fuzz as is)."""
