"""Named provider states of the PSA (part of the contract surface: names are stable).

Each handler makes the named situation true (creating what is missing) and returns the ids a consumer
needs. Existing names keep working; ``consultant ...`` is the same state as ``user ...``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from simulators._core.states import Action, ProviderStates
from simulators.psa.entities import Participation, Story, TimesheetSubmission, User, Workspace
from simulators.psa.models import PsaStore, TimeEntryInput

states: ProviderStates[PsaStore] = ProviderStates()


@states.register("workspace {id} exists")
def workspace_exists(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the workspace with that id unless it exists (``params.clientRef`` names its client)."""
    workspace_id = int(params["id"])
    if action == "setup" and workspace_id not in store.tables["workspaces"]:
        now = store.now()
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


@states.register("workspace {id} is on hold")
def workspace_on_hold(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """The workspace exists and finance has put it on hold (status ``on_hold``)."""
    result = workspace_exists(store, params, action)
    if action == "setup":
        store.update_workspace(int(params["id"]), {"status": "on_hold"})
    return result | {"status": "on_hold"}


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
    """Make sure the user, the workspace and an open-ended participation between them exist."""
    workspace_exists(store, {"id": params["workspaceId"]}, action)
    if action == "teardown":
        return {}
    user = _ensure_user(store, int(params["id"]))
    workspace_id = int(params["workspaceId"])
    found = store.participation_for(workspace_id, user.id)
    if found is None:
        found = store.add(
            Participation(0, workspace_id, user.id, user.default_bill_rate, user.headline, role_id=user.role_id)
        )
    return {"participationId": str(found.id), "userId": str(user.id), "workspaceId": str(workspace_id)}


@states.register("consultant {id} is assigned to workspace {workspaceId}")
def consultant_assigned(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """The issue's name for :func:`user_assigned` (a consultant is a Kantata user)."""
    return user_assigned(store, params, action)


def _participation(store: PsaStore, params: dict[str, str]) -> Participation:
    """The participation named by ``userId``/``workspaceId`` (created if both are given), else the first."""
    user_id, workspace_id = params.get("userId"), params.get("workspaceId")
    if user_id is None or workspace_id is None:
        for p in store.rows("participations"):
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


def _submission(store: PsaStore, params: dict[str, str], wanted: int) -> TimesheetSubmission:
    """A ``new`` submission with that id: two billable entries of a participating user (made if missing)."""
    existing: TimesheetSubmission | None = store.tables["timesheet_submissions"].get(wanted)
    if existing is not None and existing.status in ("new", "approved"):
        return existing
    if existing is not None:
        del store.tables["timesheet_submissions"][wanted]
    part = _participation(store, params)
    if store.tables["workspaces"][part.workspace_id].status == "on_hold":
        store.update_workspace(part.workspace_id, {"status": "active"})
    today = store.now().date()
    days = [today - timedelta(days=n) for n in (2, 1)]
    if part.start_date is not None and days[0] < part.start_date:
        store.update_participation(part.id, {"start_date": days[0]})
    entries = store.create_time_entries(
        [TimeEntryInput(part.workspace_id, part.user_id, day, 480, notes="Contract-test time") for day in days]
    )
    return store.submit_timesheet(part.user_id, [e.id for e in entries], "Contract test", submission_id=wanted)


@states.register("timesheet {id} is submitted")
def timesheet_submitted(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """A new (pending) timesheet submission with that id (``userId``/``workspaceId`` choose who and where)."""
    if action == "teardown":
        return {}
    return _describe(_submission(store, params, int(params["id"])))


@states.register("timesheet {id} is approved")
def timesheet_approved(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """An approved timesheet submission with that id: two billable entries of a participating user.

    ``params.userId`` / ``params.workspaceId`` choose who and where (default: the first participation).
    """
    if action == "teardown":
        return {}
    sub = _submission(store, params, int(params["id"]))
    if sub.status == "new":
        store.approve_submission(sub.id)
    return _describe(sub)


@states.register("milestone {id} is completed")
def milestone_completed(store: PsaStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """A completed milestone story with that id (in ``params.workspaceId``, default the first workspace)."""
    story_id = int(params["id"])
    if action == "teardown":
        return {}
    story: Story | None = store.tables["stories"].get(story_id)
    if story is None:
        workspace_id = int(params.get("workspaceId") or store.rows("workspaces")[0].id)
        workspace_exists(store, {"id": str(workspace_id)}, action)
        now = store.now()
        amount = Decimal(params.get("amount", "10000"))
        story = store.add(
            Story(story_id, workspace_id, params.get("title", f"Milestone {story_id}"), "milestone", now, now)
        )
        store.emit("story:created", "Story", story)
        store.update_story(story_id, {"budget_estimate": amount})
    if story.story_type != "milestone":
        store.update_story(story_id, {"story_type": "milestone"})
    store.complete_milestone(story_id)
    return {"id": str(story_id), "workspaceId": str(story.workspace_id), "state": story.state}


def _describe(sub: TimesheetSubmission) -> dict[str, Any]:
    return {
        "id": str(sub.id),
        "userId": str(sub.user_id),
        "workspaceId": str(sub.workspace_id),
        "status": sub.status,
        "timeEntryIds": [str(i) for i in sub.time_entry_ids],
        "timeEntryIdList": ",".join(str(i) for i in sub.time_entry_ids),
    }
