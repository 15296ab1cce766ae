"""Wire shapes of the query and async services: SuiteQL, async jobs and their tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from simulators.erp.schemas.common import Link


class SuiteQLIn(BaseModel):
    """Body of a SuiteQL query."""

    model_config = ConfigDict(extra="forbid")
    q: str = Field(min_length=1, max_length=100_000, description="One SELECT statement.")


class SuiteQLResult(BaseModel):
    """A page of SuiteQL rows (every value a string; null columns left out)."""

    links: list[Link]
    count: int
    hasMore: bool
    items: list[dict[str, Any]]
    offset: int
    totalResults: int


class LinksOnly(BaseModel):
    """An object that only links somewhere."""

    links: list[Link]


class AsyncJobOut(BaseModel):
    """An async job."""

    links: list[Link]
    completed: bool
    id: str
    progress: Literal["pending", "succeeded", "failed"]
    task: LinksOnly


class AsyncTaskOut(BaseModel):
    """The (single) task of an async job."""

    links: list[Link]
    completed: bool
    id: str
    progress: Literal["pending", "succeeded", "failed"]
    startTime: datetime | None = None
    endTime: datetime | None = None
