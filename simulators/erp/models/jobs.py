"""Asynchronous requests (``Prefer: respond-async``) and NetSuite's idempotency key.

A submitted request becomes a job that runs at the tenant's first request (a poll included) once
``async_job_seconds`` of simulated time have passed; until then it is ``pending``. Its outcome is stored
as the response the synchronous request would have given (204 + ``Location``, or the error envelope).
An ``X-NetSuite-Idempotency-Key`` seen before on an async request is refused with 400 "Conflict",
``IDEMPOTENCY_ERROR`` and the ``Location`` of the original job, whatever the new body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from simulators.erp.exceptions import ErpError, IdempotencyConflict, ServerError, render_error
from simulators.erp.models.records import AsyncJob

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore

ASYNC_BASE = "/services/rest/async/v1/job"
Operation = Callable[[], str | None]
"""Runs the request against the store; returns the ``Location`` of the record written (None for a delete)."""


def job_path(job_id: int) -> str:
    """The path of a job, as NetSuite puts it in ``Location``."""
    return f"{ASYNC_BASE}/{job_id}"


class AsyncJobs:
    """The async job queue and idempotency keys of one tenant."""

    def __init__(self, store: ErpStore) -> None:
        self._store = store
        self._pending: dict[int, Operation] = {}

    @property
    def _table(self) -> dict[int, AsyncJob]:
        return self._store.db.data["asyncJob"]

    def _holder(self, key: str, now: datetime) -> AsyncJob | None:
        retention = self._store.ctx.settings().idempotency_retention_hours
        for job in self._table.values():
            if job.idempotencyKey != key:
                continue
            if retention is None or now - job.submitted < timedelta(hours=retention):
                return job
        return None

    def submit(self, method: str, path: str, key: str | None, operation: Operation) -> AsyncJob:
        """Queue a request; a repeated idempotency key is refused naming the original job."""
        now = self._store.ctx.clock.now()
        if key is not None:
            holder = self._holder(key, now)
            if holder is not None:
                raise IdempotencyConflict(
                    'A request with the same idempotency key is already submitted. See the "Location" header '
                    "for a link to the previously submitted job",
                    headers={"Location": job_path(holder.id), "Preference-Applied": "respond-async"},
                )
        seconds = self._store.ctx.settings().async_job_seconds
        job = AsyncJob(0, method, path, now, now + timedelta(seconds=seconds), idempotencyKey=key)
        self._store.db.insert("asyncJob", job)
        self._pending[job.id] = operation
        return job

    def run_due(self, now: datetime) -> None:
        """Run every pending job whose time has come, in submission order."""
        for job_id in sorted(self._pending):
            job = self._table.get(job_id)
            if job is None:
                self._pending.pop(job_id)
            elif job.due <= now:
                self._run(job, self._pending.pop(job_id))

    def _run(self, job: AsyncJob, operation: Operation) -> None:
        job.startTime = self._store.ctx.clock.now()
        try:
            location = operation()
        except ErpError as exc:
            self._fail(job, exc)
        except Exception as exc:  # a job must end, as NetSuite's do; the error is its result
            self._fail(job, ServerError(f"An unexpected error occurred while running the job: {type(exc).__name__}"))
        else:
            job.progress, job.resultStatus, job.resultLocation = "succeeded", 204, location
        job.endTime = self._store.ctx.clock.now()

    @staticmethod
    def _fail(job: AsyncJob, exc: ErpError) -> None:
        rendered = render_error(exc)
        body = rendered.body if isinstance(rendered.body, dict) else {"detail": str(rendered.body)}
        job.progress, job.resultStatus, job.resultBody = "failed", rendered.status, body

    def orphan_pending(self) -> None:
        """After a restore: jobs whose request is not in memory any more fail instead of hanging forever."""
        self._pending.clear()
        for job in self._table.values():
            if job.progress == "pending":
                self._fail(job, ServerError("The job was lost when the simulator state was restored."))
