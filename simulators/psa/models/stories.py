"""Stories: tasks, milestones, deliverables and issues of a workspace; a milestone is completed by its state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, get_args

from simulators.psa.entities import Story, StoryState, StoryType
from simulators.psa.exceptions import RecordNotFound, ValidationError
from simulators.psa.models.base import StoreBase, event_payload
from simulators.psa.records import ListQuery, Page

STORY_TYPES: tuple[str, ...] = get_args(StoryType)
STORY_STATES: tuple[str, ...] = get_args(StoryState)
STORY_FIELDS = frozenset(
    {
        "workspace_id",
        "title",
        "story_type",
        "state",
        "description",
        "parent_id",
        "start_date",
        "due_date",
        "billable",
        "budget_estimate",
        "archived",
    }
)


class StoryStore(StoreBase):
    """Stories and milestone completion."""

    def list_stories(
        self,
        query: ListQuery,
        *,
        workspace_id: int | None = None,
        story_type: str | None = None,
        state: str | None = None,
        parent_id: int | None = None,
        include_archived: bool = False,
    ) -> Page[Story]:
        """Stories; archived ones only with ``include_archived`` (the default filter)."""
        return self.page(
            "stories",
            query,
            lambda s: (
                (include_archived or not s.archived)
                and (workspace_id is None or s.workspace_id == workspace_id)
                and (story_type is None or s.story_type == story_type)
                and (state is None or s.state == state)
                and (parent_id is None or s.parent_id == parent_id)
            ),
        )

    def story(self, ref: str | int, *, include_archived: bool = False) -> Story:
        """One story; an archived one is hidden by the default filter (404) unless asked for."""
        found: Story = self.get("stories", ref)
        if found.archived and not include_archived:
            raise RecordNotFound(f"Couldn't find Story with 'id'={ref}")
        return found

    def _validate_story(self, data: Mapping[str, Any], workspace_id: int) -> None:
        unknown = set(data) - STORY_FIELDS
        if unknown:
            name = sorted(unknown)[0]
            raise ValidationError(f"Unknown story field: {name}", field=name)
        if "title" in data and not str(data["title"] or "").strip():
            raise ValidationError("Title can't be blank", field="title")
        if data.get("story_type") is not None and data["story_type"] not in STORY_TYPES:
            raise ValidationError(f"Story type must be one of {', '.join(STORY_TYPES)}", field="story_type")
        if data.get("state") is not None and data["state"] not in STORY_STATES:
            raise ValidationError(f"State must be one of {', '.join(STORY_STATES)}", field="state")
        parent_id = data.get("parent_id")
        if parent_id is not None:
            parent: Story = self.require("stories", parent_id, "parent_id")
            if parent.workspace_id != workspace_id:
                raise ValidationError(
                    f"Story {parent_id} belongs to another workspace than {workspace_id}", field="parent_id"
                )
        start, due = data.get("start_date"), data.get("due_date")
        if start is not None and due is not None and due < start:
            raise ValidationError("Due date must be on or after the start date", field="due_date")

    def create_stories(self, items: Sequence[Mapping[str, Any]]) -> list[Story]:
        """Create stories, all or none (bulk up to ``max_story_bulk_create``, 300 in Kantata)."""
        cap = self.settings().max_story_bulk_create
        if len(items) > cap:
            raise ValidationError(f"Cannot create more than {cap} stories at once", field="stories")
        if not items:
            raise ValidationError("No stories given", field="stories")
        for data in items:
            workspace = self.require("workspaces", data.get("workspace_id"), "workspace_id")
            self._validate_story({"title": data.get("title"), **data}, workspace.id)
        now = self.now()
        created = []
        for data in items:
            story = Story(
                id=0,
                workspace_id=int(data["workspace_id"]),
                title=str(data["title"]).strip(),
                story_type=data.get("story_type") or "task",
                created_at=now,
                updated_at=now,
                state=data.get("state") or "not started",
                description=data.get("description") or "",
                parent_id=data.get("parent_id"),
                start_date=data.get("start_date"),
                due_date=data.get("due_date"),
                billable=data["billable"] if data.get("billable") is not None else True,
                budget_estimate=data.get("budget_estimate"),
            )
            self.insert("stories", story)
            self.emit("story:created", "Story", story)
            created.append(story)
        return created

    def update_story(self, ref: str | int, changes: Mapping[str, Any]) -> Story:
        """Change a story; ``state: completed`` completes a milestone (a ``story:updated`` event)."""
        story = self.story(ref, include_archived=True)
        if "workspace_id" in changes and changes["workspace_id"] != story.workspace_id:
            raise ValidationError("A story cannot move to another workspace", field="workspace_id")
        merged = {"start_date": story.start_date, "due_date": story.due_date} | dict(changes)
        self._validate_story(merged, story.workspace_id)
        if changes.get("parent_id") == story.id:
            raise ValidationError("A story cannot be its own parent", field="parent_id")
        before = event_payload(story)
        for name, value in changes.items():
            setattr(story, name, value.strip() if name == "title" else value)
        if event_payload(story) != before:
            story.updated_at = self.now()
            self.emit("story:updated", "Story", story, before)
        return story

    def complete_milestone(self, ref: str | int) -> Story:
        """Mark a milestone completed (what ``PUT /stories/{id}`` with ``state: completed`` does)."""
        story = self.story(ref, include_archived=True)
        if story.story_type != "milestone":
            raise ValidationError(f"Story {story.id} is a {story.story_type}, not a milestone", field="story_type")
        return self.update_story(story.id, {"state": "completed"})

    def delete_story(self, ref: str | int) -> None:
        """Hard-delete a story without logged time or sub-stories."""
        story = self.story(ref, include_archived=True)
        if any(e.story_id == story.id for e in self.tables["time_entries"].values()) or any(
            x.story_id == story.id for x in self.tables["expenses"].values()
        ):
            raise ValidationError(f"Story {story.id} has time or expenses logged against it; archive it instead")
        if any(s.parent_id == story.id for s in self.tables["stories"].values()):
            raise ValidationError(f"Story {story.id} has sub-stories; delete them first")
        del self.tables["stories"][story.id]
        self.emit("story:deleted", "Story", story)
