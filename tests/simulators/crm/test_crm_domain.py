"""Domain pieces without HTTP: schema building from metadata, the value index, transactions and savepoints."""

from __future__ import annotations

import pytest

from simulators.crm.app import create_app
from simulators.crm.exceptions import RequiredFieldMissing
from simulators.crm.metadata import CustomFieldSpec, CustomObjectSpec, OrgMetadata, default_metadata
from simulators.crm.models import CrmStore
from simulators.crm.schema import build_schema


def store() -> CrmStore:
    app = create_app()
    crm: CrmStore = app.state.sim.tenant().store
    return crm


def test_default_schema_merges_standard_and_custom_objects() -> None:
    schema = build_schema(default_metadata())
    account = schema.objects["Account"]
    names = [f.name for f in account.fields]
    assert names.index("ERP_Customer_Id__c") < names.index("CreatedDate")
    assert schema.get("project__c") is schema.objects["Project__c"]
    assert schema.of_id("a01000000000001AAA") is schema.objects["Project__c"]
    assert schema.objects["Project__c"].event_name == "Project__ChangeEvent"
    what = schema.objects["Task"].field("WhatId")
    assert what is not None
    assert what.reference_to == ("Account", "Opportunity", "Project__c")
    assert build_schema(default_metadata()) is schema  # memoised


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        (OrgMetadata(custom_fields={"Nope": (CustomFieldSpec(name="X__c", type="string"),)}), "unknown sObject"),
        (
            OrgMetadata(
                custom_objects=(CustomObjectSpec(name="A__c", label="A", label_plural="A", key_prefix="a01"),) * 2
            ),
            "declared twice",
        ),
        (
            OrgMetadata(
                custom_objects=(
                    CustomObjectSpec(name="B__c", label="B", label_plural="B", key_prefix="a05"),
                    CustomObjectSpec(name="C__c", label="C", label_plural="C", key_prefix="a05"),
                )
            ),
            "key prefix a05 of C__c is already used",
        ),
        (
            OrgMetadata(custom_fields={"Account": (CustomFieldSpec(name="Flag__c", type="boolean", unique=True),)}),
            "cannot be an external id or unique",
        ),
        (
            OrgMetadata(custom_fields={"Account": (CustomFieldSpec(name="Name__c", type="picklist"),)}),
            "needs values",
        ),
    ],
)
def test_bad_metadata_is_explained(metadata: OrgMetadata, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        build_schema(metadata)


def test_a_failed_operation_leaves_nothing_behind_but_the_transaction_goes_on() -> None:
    crm = store()
    before = len(crm.table("Account"))
    with crm.transaction() as tx:
        crm.create("Account", {"Name": "Kept"})
        with pytest.raises(RequiredFieldMissing):
            crm.create("Account", {"Name": None})
        assert len(tx.changes) == 1
    assert len(crm.table("Account")) == before + 1


def test_rollback_undoes_writes_and_index_entries() -> None:
    crm = store()
    with crm.transaction():
        crm.create("Account", {"Name": "Gone Soon", "ERP_Customer_Id__c": "TMP-1"})
        crm.update("Account", "001000000000001AAA", {"ERP_Customer_Id__c": "TMP-2"})
        crm.rollback()
    assert crm.find_external("Account", "ERP_Customer_Id__c", "TMP-1") == []
    assert crm.find_external("Account", "ERP_Customer_Id__c", "TMP-2") == []
    assert [r.id for r in crm.find_external("Account", "ERP_Customer_Id__c", "cust-00001")] == ["001000000000001AAA"]
    assert crm.ctx.events.all() == []


def test_an_exception_inside_a_transaction_rolls_it_back() -> None:
    crm = store()
    before = len(crm.table("Account"))

    def failing_call() -> None:
        with crm.transaction():
            crm.create("Account", {"Name": "Never"})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_call()
    assert len(crm.table("Account")) == before
