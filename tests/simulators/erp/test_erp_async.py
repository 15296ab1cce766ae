"""Async execution (``Prefer: respond-async``): 202 + job Location, job and task polling, results, and
``X-NetSuite-Idempotency-Key`` (a repeat is 400 "Conflict" ``IDEMPOTENCY_ERROR`` naming the original job)."""

from __future__ import annotations

from typing import Any

from erp_wire import PROJECT, RECORD, Erp, error

ASYNC = {"Prefer": "respond-async"}
JOB = "/services/rest/async/v1/job"


def _body(**overrides: Any) -> dict[str, Any]:
    return {"employee": {"id": "1"}, "customer": {"id": PROJECT}, "hours": "2", "tranDate": "2026-10-15", **overrides}


def _submit(erp: Erp, method: str, path: str, body: Any = None, **headers: str) -> str:
    response = erp.client.request(method, f"{RECORD}{path}", json=body, headers={**ASYNC, **headers})
    assert response.status_code == 202, response.text
    assert response.content == b""
    assert response.headers["preference-applied"] == "respond-async"
    location: str = response.headers["location"]
    assert location.startswith(f"{JOB}/")
    return location


def test_async_create_is_a_job_that_runs_at_the_next_request(erp: Erp) -> None:
    job = _submit(erp, "POST", "/timeBill", _body(externalId="TB-ASYNC"))
    doc = erp.client.get(job).json()
    job_id = job.rsplit("/", 1)[1]
    assert doc == {
        "links": [{"rel": "self", "href": f"http://testserver{JOB}/{job_id}"}],
        "completed": True,
        "id": job_id,
        "progress": "succeeded",
        "task": {"links": [{"rel": "self", "href": f"http://testserver{JOB}/{job_id}/task"}]},
    }
    tasks = erp.client.get(f"{job}/task").json()
    assert [item["id"] for item in tasks["items"]] == ["1"]
    task = erp.client.get(f"{job}/task/1").json()
    assert (task["progress"], task["completed"], task["startTime"], task["endTime"]) == (
        "succeeded",
        True,
        "2026-10-30T09:00:00Z",
        "2026-10-30T09:00:00Z",
    )
    assert task["links"][0] == {"rel": "related", "href": f"http://testserver{JOB}/{job_id}/task/1/result"}
    result = erp.client.get(f"{job}/task/1/result")
    assert result.status_code == 204
    assert result.headers["location"] == f"http://testserver{RECORD}/timeBill/1"
    assert erp.get("timeBill", "eid:TB-ASYNC")["id"] == "1"


def test_a_job_stays_pending_until_its_simulated_time_has_come(erp: Erp) -> None:
    erp.settings(async_job_seconds=60)
    job = _submit(erp, "PUT", "/timeBill/eid:TB-LATER", _body())
    doc = erp.client.get(job).json()
    assert (doc["completed"], doc["progress"]) == (False, "pending")
    assert erp.client.get(f"{job}/task/1").json()["startTime"] is None
    assert error(erp.client.get(f"{job}/task/1/result"), 409)["detail"].endswith("has not completed yet.")
    erp.advance(seconds=60)
    assert erp.client.get(job).json()["progress"] == "succeeded"
    assert erp.get("timeBill", "eid:TB-LATER")["hours"] == 2.0


def test_a_failed_job_keeps_the_error_as_its_result(erp: Erp) -> None:
    job = _submit(erp, "POST", "/timeBill", _body(tranDate="2026-09-15"))
    assert erp.client.get(job).json()["progress"] == "failed"
    result = error(erp.client.get(f"{job}/task/1/result"))
    assert result["detail"].startswith("The transaction date 2026-09-15 falls in the closed accounting period")


def test_repeated_idempotency_key_is_a_conflict_naming_the_original_job(erp: Erp) -> None:
    key = {"X-NetSuite-Idempotency-Key": "cac827ea-3543-4cda-add2-bae634326c27"}
    original = _submit(erp, "POST", "/timeBill", _body(), **key)
    for body in (_body(), _body(hours="5")):  # the same key with another body conflicts too
        repeat = erp.client.post(f"{RECORD}/timeBill", json=body, headers={**ASYNC, **key})
        assert repeat.status_code == 400
        assert repeat.headers["location"] == original
        assert repeat.headers["preference-applied"] == "respond-async"
        assert repeat.json() == {
            "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.10",
            "title": "Conflict",
            "status": 400,
            "o:errorDetails": [
                {
                    "detail": 'A request with the same idempotency key is already submitted. See the "Location" '
                    "header for a link to the previously submitted job",
                    "o:errorCode": "IDEMPOTENCY_ERROR",
                }
            ],
        }
    assert len(erp.state("timeBill")) == 1
    assert len(erp.state("asyncJob")) == 1


def test_idempotency_key_retention_is_configurable(erp: Erp) -> None:
    erp.settings(idempotency_retention_hours=1)
    key = {"X-NetSuite-Idempotency-Key": "k-1"}
    _submit(erp, "POST", "/timeBill", _body(), **key)
    erp.advance(hours=1)
    _submit(erp, "POST", "/timeBill", _body(), **key)
    erp.client.get(f"{RECORD}/timeBill")
    assert len(erp.state("timeBill")) == 2


def test_synchronous_requests_ignore_the_idempotency_key(erp: Erp) -> None:
    key = {"X-NetSuite-Idempotency-Key": "sync-key"}
    for _ in range(2):
        assert erp.client.post(f"{RECORD}/timeBill", json=_body(), headers=key).status_code == 204
    assert len(erp.state("timeBill")) == 2


def test_async_patch_delete_and_transform(erp: Erp) -> None:
    bill = erp.time()
    patched = _submit(erp, "PATCH", f"/timeBill/{bill}", {"hours": "6"})
    assert erp.client.get(patched).json()["progress"] == "succeeded"
    assert erp.get("timeBill", bill)["hours"] == 6.0
    billed = _submit(erp, "POST", f"/job/{PROJECT}/!transform/invoice", {})
    assert erp.client.get(f"{billed}/task/1/result").headers["location"].endswith("/invoice/1")
    other = erp.time(customer={"id": "2"})
    deleted = _submit(erp, "DELETE", f"/timeBill/{other}")
    result = erp.client.get(f"{deleted}/task/1/result")
    assert (result.status_code, "location" in result.headers) == (204, False)


def test_unknown_job_and_task_are_404(erp: Erp) -> None:
    assert error(erp.client.get(f"{JOB}/42"), 404)["detail"] == "The async job 42 does not exist."
    job = _submit(erp, "POST", "/timeBill", _body())
    assert error(erp.client.get(f"{job}/task/2"), 404)["o:errorCode"] == "NONEXISTENT_ID"
