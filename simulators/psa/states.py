"""Named provider states of the PSA (part of the contract surface: names are stable)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from simulators._core.states import Action, ProviderStates
from simulators.psa.models import PsaStore, TimeEntryInput
from simulators.psa.records import Participation, TimesheetSubmission, User, Workspace

states: ProviderStates[PsaStore] = ProviderStates()


@states.register("workspace {id} exists")
def workspace_exists(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the workspace with that id unless it exists (``params.clientRef`` names its client)."""
    workspace_id = int(params["id"])
    if action == "setup" and workspace_id not in store.tables["workspaces"]:
        now = store.ctx.clock.now()
        store.add(
            Workspace(
                id=workspace_id,
                title=params.get("title", f"Workspace {workspace_id}"),
                description="Created for a contract test",
                currency=params.get("currency", "USD"),
                budget=Decimal(params.get("budget", "100000")),
                billing_model="time_and_materials",
                client_ref=params.get("clientRef", "CUST-PACT"),
                start_date=now.date(),
                created_at=now,
                updated_at=now,
            )
        )
    return {"id": str(workspace_id)}


def _ensure_user(store: PsaStore, user_id: int) -> User:
    if user_id not in store.tables["users"]:
        store.add(
            User(
                user_id,
                "Pat",
                "Example",
                f"pat.example{user_id}@example.com",
                "Consultant",
                Decimal("150"),
                Decimal("67.50"),
            )
        )
    user: User = store.tables["users"][user_id]
    return user


@states.register("user {id} is assigned to workspace {workspaceId}")
def user_assigned(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Make sure the user, the workspace and a participation between them exist."""
    workspace_exists(store, {"id": params["workspaceId"]}, action)
    if action == "teardown":
        return {}
    user = _ensure_user(store, int(params["id"]))
    workspace_id = int(params["workspaceId"])
    found = store.participation_for(workspace_id, user.id)
    if found is None:
        found = store.add(Participation(0, workspace_id, user.id, user.default_bill_rate, user.headline))
    return {"participationId": str(found.id), "userId": str(user.id), "workspaceId": str(workspace_id)}


def _participation(store: PsaStore, params: dict[str, str]) -> Participation:
    """The participation named by ``userId``/``workspaceId`` (created if both are given), else the first."""
    user_id, workspace_id = params.get("userId"), params.get("workspaceId")
    if user_id is None or workspace_id is None:
        for p in sorted(store.tables["participations"].values(), key=lambda p: p.id):
            if str(p.user_id) == (user_id or str(p.user_id)) and str(p.workspace_id) == (
                workspace_id or str(p.workspace_id)
            ):
                return p  # type: ignore[no-any-return]
    user_id, workspace_id = user_id or "1001", workspace_id or "2001"
    user_assigned(store, {"id": user_id, "workspaceId": workspace_id}, "setup")
    found = store.participation_for(int(workspace_id), int(user_id))
    if found is None:  # pragma: no cover - user_assigned just created it
        raise LookupError(f"no participation of user {user_id} in workspace {workspace_id}")
    return found


@states.register("timesheet {id} is approved")
def timesheet_approved(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """An approved timesheet submission with that id: two billable entries of a participating user.

    ``params.userId`` / ``params.workspaceId`` choose who and where (default: the first participation).
    """
    wanted = int(params["id"])
    existing: TimesheetSubmission | None = store.tables["timesheet_submissions"].get(wanted)
    if action == "teardown":
        return {}
    if existing is not None and existing.status in ("pending", "approved"):
        if existing.status == "pending":
            store.approve_submission(wanted)
        return _describe(store, existing)
    if existing is not None:
        del store.tables["timesheet_submissions"][wanted]
    part = _participation(store, params)
    today = store.ctx.clock.now().date()
    entries = store.create_time_entries(
        [
            TimeEntryInput(
                part.workspace_id, part.user_id, today - timedelta(days=days), 480, notes="Contract-test time"
            )
            for days in (2, 1)
        ]
    )
    sub = store.submit_timesheet(part.user_id, [e.id for e in entries], "Contract test", submission_id=wanted)
    store.approve_submission(sub.id)
    return _describe(store, sub)


def _describe(store: PsaStore, sub: TimesheetSubmission) -> dict[str, Any]:
    first = store.tables["time_entries"].get(sub.time_entry_ids[0]) if sub.time_entry_ids else None
    return {
        "id": str(sub.id),
        "userId": str(sub.user_id),
        "workspaceId": str(first.workspace_id) if first else None,
        "timeEntryIds": [str(i) for i in sub.time_entry_ids],
    }
