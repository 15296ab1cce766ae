"""Invariants of the project-setup suite: a won opportunity is set up exactly once, completely, and linked.

Links the checks rely on (the seeded world's conventions, which any integration under test must keep): a
PSA workspace names its customer in ``client_ref`` (the ERP customer's external id, which is also the CRM
Account's ``ERP_Customer_Id__c``); the ERP project of a PSA workspace has external id ``psa-ws-<workspace
id>``; the CRM Opportunity carries ``PSA_Project_Id__c`` and ``ERP_Job_Id__c`` once it is set up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.invariants import Invariant, Severity, SystemView, Violation

JOB_PREFIX = "psa-ws-"


@dataclass(frozen=True, slots=True)
class Baseline:
    """What existed before the scenario: record ids of the ERP customers, jobs and PSA workspaces."""

    customers: frozenset[str]
    jobs: frozenset[str]
    workspaces: frozenset[str]


def baseline(erp: dict[str, Any], psa: dict[str, Any]) -> Baseline:
    """The ids of existing ERP customers and jobs and PSA workspaces (records made later are the run's)."""
    return Baseline(
        frozenset(str(c["id"]) for c in erp.get("customer", [])),
        frozenset(str(j["id"]) for j in erp.get("job", [])),
        frozenset(str(w["id"]) for w in psa.get("workspaces", [])),
    )


@dataclass(slots=True)
class _New:
    customers: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    workspaces: list[dict[str, Any]] = field(default_factory=list)


def _new(view: SystemView, before: Baseline) -> _New:
    return _New(
        [c for c in view.erp.get("customer", []) if str(c["id"]) not in before.customers],
        [j for j in view.erp.get("job", []) if str(j["id"]) not in before.jobs],
        [w for w in view.psa.get("workspaces", []) if str(w["id"]) not in before.workspaces],
    )


def _faults(view: SystemView) -> list[dict[str, Any]]:
    return [
        {"system": system, "request": j["id"], "path": j["path"], "rule": (j.get("fault") or {}).get("rule_id")}
        for system, journal in view.journals.items()
        for j in journal
        if j.get("fault")
    ][:20]


def won_opportunities_set_up_once(opportunities: list[str], before: Baseline) -> Invariant:
    """Each won opportunity has exactly one new PSA workspace and one ERP project, under one ERP customer,
    with both ids written back to the Opportunity."""

    def check(view: SystemView) -> Iterator[Violation]:
        new = _new(view, before)
        opps = {o["Id"]: o for o in view.crm.get("Opportunity", [])}
        accounts = {a["Id"]: a for a in view.crm.get("Account", [])}
        customers = {str(c["id"]): c for c in view.erp.get("customer", [])}
        jobs_by_ext = {str(j.get("externalId")): j for j in view.erp.get("job", [])}
        for opp_id in opportunities:
            opp = opps.get(opp_id, {})
            evidence: dict[str, Any] = {"crm_opportunity": opp_id, "faults_fired": _faults(view)}
            ws_id, job_id = opp.get("PSA_Project_Id__c"), opp.get("ERP_Job_Id__c")
            if not ws_id or not job_id:
                yield Violation(
                    f"opportunity {opp_id} was never set up (no ids written back)", Severity.CRITICAL, evidence
                )
                continue
            job = jobs_by_ext.get(f"{JOB_PREFIX}{ws_id}")
            if job is None or str(job["id"]) != str(job_id):
                yield Violation(
                    f"opportunity {opp_id} names ERP job {job_id}, but the project of workspace {ws_id} is "
                    f"{None if job is None else job['id']}",
                    Severity.CRITICAL,
                    {**evidence, "psa_workspace": ws_id},
                )
                continue
            account = accounts.get(str(opp.get("AccountId")), {})
            customer = customers.get(str(job.get("parent")), {})
            if account.get("ERP_Customer_Id__c") != customer.get("externalId"):
                yield Violation(
                    f"the ERP customer of opportunity {opp_id}'s project is {customer.get('externalId')}, but its "
                    f"account names {account.get('ERP_Customer_Id__c')}",
                    Severity.MAJOR,
                    {**evidence, "erp_job": job["id"], "crm_account": account.get("Id")},
                )
            ext = customer.get("externalId")
            twins = [w["id"] for w in new.workspaces if str(w.get("client_ref")) == str(ext)]
            if len(twins) > opportunities_of(view, opportunities, str(ext)):
                yield Violation(
                    f"customer {ext} got {len(twins)} new PSA workspaces for its won opportunities",
                    Severity.CRITICAL,
                    {**evidence, "psa_workspaces": twins},
                )
        for name, records in (("customer", new.customers), ("job", new.jobs)):
            seen: dict[str, list[str]] = {}
            for rec in records:
                seen.setdefault(str(rec.get("companyName")), []).append(str(rec["id"]))
            for company, ids in seen.items():
                if len(ids) > 1:
                    yield Violation(
                        f"{len(ids)} ERP {name} records named {company!r} were created",
                        Severity.CRITICAL,
                        {f"erp_{name}s": ids, "faults_fired": _faults(view)},
                    )

    return Invariant("won_opportunities_set_up_once", "Each won opportunity is set up exactly once.", check)


def opportunities_of(view: SystemView, opportunities: list[str], customer_ext: str) -> int:
    """How many of ``opportunities`` belong to the Account of this ERP customer."""
    accounts = {a["Id"]: a.get("ERP_Customer_Id__c") for a in view.crm.get("Account", [])}
    opps = {o["Id"]: o for o in view.crm.get("Opportunity", [])}
    return sum(1 for o in opportunities if accounts.get(str(opps.get(o, {}).get("AccountId"))) == customer_ext)


def no_half_created_records(before: Baseline) -> Invariant:
    """Every PSA workspace and ERP project created in the run is complete: the workspace has its ERP project
    and the project's id is written back to an opportunity."""

    def check(view: SystemView) -> Iterator[Violation]:
        new = _new(view, before)
        written = {str(o.get("ERP_Job_Id__c")) for o in view.crm.get("Opportunity", []) if o.get("ERP_Job_Id__c")}
        jobs_by_ext = {str(j.get("externalId")): j for j in view.erp.get("job", [])}
        for ws in new.workspaces:
            if f"{JOB_PREFIX}{ws['id']}" not in jobs_by_ext:
                yield Violation(
                    f"PSA workspace {ws['id']} ({ws.get('title')!r}) has no ERP project",
                    Severity.CRITICAL,
                    {"psa_workspace": ws["id"], "faults_fired": _faults(view)},
                )
        for job in new.jobs:
            if str(job["id"]) not in written:
                yield Violation(
                    f"ERP project {job['id']} ({job.get('companyName')!r}) is written back to no opportunity",
                    Severity.CRITICAL,
                    {"erp_job": job["id"], "faults_fired": _faults(view)},
                )

    return Invariant("no_half_created_records", "No workspace or project is left half set up.", check)


def nothing_created(before: Baseline) -> Invariant:
    """No ERP customer or project and no PSA workspace is created (the opportunity was refused)."""

    def check(view: SystemView) -> Iterator[Violation]:
        new = _new(view, before)
        made = {
            "erp_customers": [c["id"] for c in new.customers],
            "erp_jobs": [j["id"] for j in new.jobs],
            "psa_workspaces": [w["id"] for w in new.workspaces],
        }
        if any(made.values()):
            yield Violation(
                "records were created for an opportunity that lacks mandatory fields", Severity.CRITICAL, made
            )

    return Invariant("nothing_created", "An opportunity that lacks mandatory fields creates nothing.", check)
