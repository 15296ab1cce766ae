"""Users, roles, rate cards, workspaces (projects) and participations (who is staffed where, when, at what rate)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from simulators.psa.entities import (
    STATUS_MESSAGES,
    Participation,
    RateCardRole,
    User,
    Workspace,
)
from simulators.psa.exceptions import RecordNotFound, ValidationError
from simulators.psa.models.base import StoreBase, event_payload
from simulators.psa.records import ListQuery, Page

WORKSPACE_FIELDS = frozenset(
    {
        "title",
        "description",
        "currency",
        "budget",
        "billing_model",
        "client_ref",
        "start_date",
        "due_date",
        "status",
        "archived",
        "rate_card_id",
    }
)
PARTICIPATION_FIELDS = frozenset({"rate", "role_id", "start_date", "end_date"})


def _check_dates(start: date | None, end: date | None, field: str = "end_date") -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError(f"{field.replace('_', ' ').capitalize()} must be on or after the start date", field=field)


class DirectoryStore(StoreBase):
    """Users, roles, rate cards, workspaces and participations."""

    # -- users, roles and rate cards ------------------------------------------------------------------------
    def list_users(self, query: ListQuery, *, role_id: int | None = None) -> Page[User]:
        """Users, optionally of one role."""
        return self.page("users", query, None if role_id is None else lambda u: u.role_id == role_id)

    def list_roles(self, query: ListQuery) -> Page[Any]:
        """The account's roles."""
        return self.page("roles", query)

    def list_rate_cards(self, query: ListQuery, *, currency: str | None = None) -> Page[Any]:
        """Rate cards, optionally of one currency."""
        return self.page("rate_cards", query, None if currency is None else lambda c: c.currency == currency)

    def list_rate_card_roles(
        self, query: ListQuery, *, rate_card_id: int | None = None, role_id: int | None = None
    ) -> Page[RateCardRole]:
        """Role rates, optionally of one rate card or one role."""
        return self.page(
            "rate_card_roles",
            query,
            lambda r: (
                (rate_card_id is None or r.rate_card_id == rate_card_id) and (role_id is None or r.role_id == role_id)
            ),
        )

    def bill_rate(self, part: Participation) -> Decimal:
        """A participation's bill rate: its own, else its workspace's rate card rate for the role, else the user's."""
        if part.rate is not None:
            return part.rate
        user: User | None = self.tables["users"].get(part.user_id)
        workspace: Workspace | None = self.tables["workspaces"].get(part.workspace_id)
        role_id = part.role_id or (user.role_id if user else None)
        if workspace is not None and workspace.rate_card_id is not None and role_id is not None:
            for row in self.tables["rate_card_roles"].values():
                if row.rate_card_id == workspace.rate_card_id and row.role_id == role_id:
                    return row.rate  # type: ignore[no-any-return]
        return user.default_bill_rate if user else Decimal("0")

    # -- workspaces -----------------------------------------------------------------------------------------
    def list_workspaces(
        self,
        query: ListQuery,
        *,
        include_archived: bool = False,
        status: str | None = None,
        client_ref: str | None = None,
        references: Mapping[str, Any] | None = None,
    ) -> Page[Workspace]:
        """Workspaces; archived ones only with ``include_archived`` (Kantata's default filter)."""
        by_ref = self.reference_filter("Workspace", references or {})
        return self.page(
            "workspaces",
            query,
            lambda w: (
                (include_archived or not w.archived)
                and (status is None or w.status == status)
                and (client_ref is None or w.client_ref == client_ref)
                and (by_ref is None or by_ref(w))
            ),
        )

    def workspace(self, ref: str | int, *, include_archived: bool = False) -> Workspace:
        """One workspace; an archived one is hidden by the default filter (404) unless asked for."""
        found: Workspace = self.get("workspaces", ref)
        if found.archived and not include_archived:
            raise RecordNotFound(f"Couldn't find Workspace with 'id'={ref}")
        return found

    def _check_workspace(self, data: Mapping[str, Any]) -> None:
        if "title" in data and not str(data["title"] or "").strip():
            raise ValidationError("Please give your project a title", field="title")
        if data.get("status") is not None and data["status"] not in STATUS_MESSAGES:
            raise ValidationError(f"Status key {data['status']} is not a workspace status", field="status_key")
        if data.get("rate_card_id") is not None:
            self.require("rate_cards", data["rate_card_id"], "rate_card_id")
        unknown = set(data) - WORKSPACE_FIELDS
        if unknown:
            name = sorted(unknown)[0]
            raise ValidationError(f"Unknown workspace field: {name}", field=name)

    def create_workspace(self, data: Mapping[str, Any]) -> Workspace:
        """Create a project. ``title`` is required (Kantata: "Please give your project a title")."""
        self._check_workspace({"title": data.get("title"), **data})
        now = self.now()
        workspace = Workspace(
            id=0,
            title=str(data["title"]).strip(),
            description=data.get("description") or "",
            currency=data.get("currency") or "USD",
            budget=data.get("budget") or Decimal("0"),
            billing_model=data.get("billing_model") or "time_and_materials",
            client_ref=data.get("client_ref") or "",
            start_date=data.get("start_date"),
            created_at=now,
            updated_at=now,
            status=data.get("status") or "active",
            due_date=data.get("due_date"),
            rate_card_id=data.get("rate_card_id"),
        )
        _check_dates(workspace.start_date, workspace.due_date, "due_date")
        self.insert("workspaces", workspace)
        self.emit("workspace:created", "Workspace", workspace)
        return workspace

    def update_workspace(self, ref: str | int, changes: Mapping[str, Any]) -> Workspace:
        """Change a project: its title, budget, status (``on_hold`` is finance's hold), archived flag..."""
        workspace = self.workspace(ref, include_archived=True)
        self._check_workspace(changes)
        before = event_payload(workspace)
        _check_dates(changes.get("start_date", workspace.start_date), changes.get("due_date", workspace.due_date))
        for name, value in changes.items():
            setattr(workspace, name, value.strip() if name == "title" else value)
        if event_payload(workspace) != before:
            workspace.updated_at = self.now()
            self.emit("workspace:updated", "Workspace", workspace, before)
        return workspace

    # -- participations -------------------------------------------------------------------------------------
    def list_participations(
        self, query: ListQuery, workspace_id: int | None = None, user_id: int | None = None
    ) -> Page[Participation]:
        """Participations, optionally of one workspace or one user."""
        return self.page(
            "participations",
            query,
            lambda p: (
                (workspace_id is None or p.workspace_id == workspace_id) and (user_id is None or p.user_id == user_id)
            ),
        )

    def participation_for(self, workspace_id: int, user_id: int) -> Participation | None:
        """The user's participation in the workspace, if any."""
        index: dict[tuple[int, int], Participation] | None = self.cache.get("participations")
        if index is None:
            index = {(p.workspace_id, p.user_id): p for p in self.tables["participations"].values()}
            self.cache["participations"] = index
        return index.get((workspace_id, user_id))

    def _role_name(self, role_id: int | None, user: User) -> str:
        role = self.tables["roles"].get(role_id) if role_id is not None else None
        return role.name if role is not None else user.headline

    def create_participation(self, data: Mapping[str, Any]) -> Participation:
        """Staff a user on a workspace (once), optionally with a rate, a role and dates."""
        workspace = self.require("workspaces", data.get("workspace_id"), "workspace_id")
        user: User = self.require("users", data.get("user_id"), "user_id")
        if self.participation_for(workspace.id, user.id) is not None:
            raise ValidationError(
                f"User {user.id} is already a participant in workspace {workspace.id}", field="user_id"
            )
        role_id = data.get("role_id")
        if role_id is not None:
            self.require("roles", role_id, "role_id")
        _check_dates(data.get("start_date"), data.get("end_date"))
        part = Participation(
            id=0,
            workspace_id=workspace.id,
            user_id=user.id,
            rate=data.get("rate"),
            role=self._role_name(role_id if role_id is not None else user.role_id, user),
            role_id=role_id if role_id is not None else user.role_id,
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
        )
        self.insert("participations", part)
        self.emit("participation:created", "Participation", part)
        return part

    def update_participation(self, ref: str | int, changes: Mapping[str, Any]) -> Participation:
        """Change a participation's rate, role or dates (time already logged keeps its rate)."""
        part: Participation = self.get("participations", ref)
        unknown = set(changes) - PARTICIPATION_FIELDS
        if unknown:
            name = sorted(unknown)[0]
            raise ValidationError(f"Unknown participation field: {name}", field=name)
        if changes.get("role_id") is not None:
            self.require("roles", changes["role_id"], "role_id")
        _check_dates(changes.get("start_date", part.start_date), changes.get("end_date", part.end_date))
        before = event_payload(part)
        for name, value in changes.items():
            setattr(part, name, value)
        if "role_id" in changes:
            part.role = self._role_name(part.role_id, self.tables["users"][part.user_id])
        self.emit("participation:updated", "Participation", part, before)
        return part
