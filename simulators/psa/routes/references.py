"""``external_references``: the sync state an integration writes back on Kantata objects."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.exceptions import ValidationError
from simulators.psa.routes.common import API, ERRORS, Listing, Showing, ok, route, store
from simulators.psa.routes.envelope import listed, shown
from simulators.psa.schemas.envelopes import ExternalReferencesEnvelope
from simulators.psa.schemas.inputs import ExternalReferenceBody, SyncStatusIn

router = APIRouter(prefix=API, responses=ERRORS)
KEY = "external_references"
Text = Annotated[str | None, Query(max_length=255)]


@route(
    router,
    "GET",
    "/external_references",
    responses=ok(ExternalReferencesEnvelope),
    operation_id="listExternalReferences",
)
async def list_references(
    request: Request,
    params: Listing,
    subject_type: Annotated[str, Query(max_length=64, description="Required: TimeEntry, Submission, Invoice...")],
    subject_id: Annotated[int | None, Query(ge=1)] = None,
    service_name: Text = None,
    service_model: Text = None,
    service_model_ref: Text = None,
    status: Annotated[SyncStatusIn | None, Query()] = None,
    external_status: Text = None,
    external_message: Text = None,
) -> Response:
    """External references on objects of one type, newest sync first unless ``order`` says otherwise."""
    s = store(request)
    filters = {
        "subject_id": subject_id,
        "service_name": service_name,
        "service_model": service_model,
        "service_model_ref": service_model_ref,
        "status": status,
        "external_status": external_status,
        "external_message": external_message,
    }
    return listed(s, KEY, s.list_references(params.query, subject_type, filters), params)


@route(
    router,
    "POST",
    "/external_references/create_or_update",
    responses=ok(ExternalReferencesEnvelope),
    operation_id="createOrUpdateExternalReference",
)
async def create_or_update_reference(request: Request, body: ExternalReferenceBody, params: Showing) -> Response:
    """Create the reference of ``service_name`` on an object, or update it (one per service and object).

    ``external_references`` (a list, up to 200) writes several at once, all or none: a simulator convenience
    for integrations that write back in bulk; Kantata documents the singular ``external_reference`` only.
    """
    if body.external_reference is not None and body.external_references is not None:
        raise ValidationError(
            "Send either external_reference or external_references, not both", field="external_references"
        )
    s = store(request)
    if body.external_references is not None:
        items = [item.model_dump(exclude_none=True) for item in body.external_references]
        return shown(s, KEY, s.create_or_update_references(items), params)
    if body.external_reference is None:
        blank = "is invalid" if "external_reference" in body.model_fields_set else "can't be blank"
        raise ValidationError(f"External reference {blank}", field="external_reference")
    return shown(s, KEY, [s.create_or_update_reference(body.external_reference.model_dump(exclude_none=True))], params)


@route(router, "DELETE", "/external_references/{reference_id}", status_code=204, operation_id="deleteExternalReference")
async def delete_reference(request: Request, reference_id: str) -> Response:
    """Delete an external reference."""
    store(request).delete_reference(reference_id)
    return Response(status_code=204)
