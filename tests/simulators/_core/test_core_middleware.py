"""Transport faults and the journal, through the ERP app in-process (``TestClient``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulators._core.middleware import ConnectionResetByFault
from simulators.erp.models import ErpStore

TIME_BILL = "/services/rest/record/v1/timeBill"
TIME_BILL_GLOB = f"{TIME_BILL}*"

Records = Callable[[str], list[dict[str, Any]]]
Body = Callable[..., dict[str, Any]]


def _install(client: TestClient, **rule: Any) -> dict[str, Any]:
    response = client.post("/__admin/faults", json=rule)
    assert response.status_code == 201, response.text
    doc: dict[str, Any] = response.json()
    return doc


def _journal(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/__admin/requests", params=params)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["requests"]
    return entries


def _external_ids(records: Records) -> list[str | None]:
    return [row["externalId"] for row in records("timeBill")]


def test_post_fault_returns_the_rule_with_an_id_and_lists_it(erp_client: TestClient) -> None:
    rule = _install(erp_client, kind="HTTP_ERROR", match={"method": "post", "path": TIME_BILL_GLOB})
    assert rule["id"] == "fault-1"
    assert rule["match"] == {"method": "POST", "path": TIME_BILL_GLOB, "headers": {}, "tenant": None, "operation": None}
    assert (rule["phase"], rule["matched"], rule["fired"]) == ("before", 0, 0)
    assert erp_client.get("/__admin/faults").json() == {"faults": [rule]}


def test_invalid_fault_rule_is_a_400(erp_client: TestClient) -> None:
    response = erp_client.post("/__admin/faults", json={"kind": "EXPLODE"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid request"
    assert response.json()["detail"][0]["loc"] == ["body", "kind"]
    assert erp_client.get("/__admin/faults").json() == {"faults": []}


def test_http_error_before_returns_503_in_netsuite_envelope_and_commits_nothing(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    rule = _install(erp_client, kind="HTTP_ERROR", match={"method": "POST", "path": TIME_BILL_GLOB})
    response = erp_client.post(TIME_BILL, json=time_bill_body(externalId="TB-BEFORE"))
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1",
        "title": "Service Unavailable",
        "status": 503,
        "o:errorDetails": [
            {"detail": "An unexpected error occurred. Error ID: sim-injected", "o:errorCode": "UNEXPECTED_ERROR"}
        ],
    }
    assert _external_ids(erp_records) == []
    (entry,) = _journal(erp_client)
    assert entry["status"] == 503
    assert entry["fault"] == {"rule_id": rule["id"], "kind": "HTTP_ERROR", "phase": "before"}


def test_http_error_429_uses_the_vendor_throttle_shape_and_custom_message(erp_client: TestClient) -> None:
    _install(erp_client, kind="HTTP_ERROR", params={"status": 429, "message": "Slow down."})
    response = erp_client.get(f"{TIME_BILL}/1")
    assert response.status_code == 429
    assert response.json()["o:errorDetails"] == [{"detail": "Slow down.", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}]


def test_http_error_after_replaces_the_response_but_the_record_is_committed(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    rule = _install(
        erp_client,
        kind="HTTP_ERROR",
        phase="after",
        params={"status": 502},
        match={"method": "POST", "path": TIME_BILL_GLOB},
    )
    response = erp_client.post(TIME_BILL, json=time_bill_body(externalId="TB-AFTER"))
    assert response.status_code == 502
    assert "location" not in response.headers
    assert response.json()["o:errorDetails"][0]["o:errorCode"] == "UNEXPECTED_ERROR"
    assert _external_ids(erp_records) == ["TB-AFTER"]
    (entry,) = _journal(erp_client)
    assert (entry["status"], entry["fault"]["rule_id"], entry["fault"]["phase"]) == (502, rule["id"], "after")


@pytest.mark.parametrize("phase", ["before", "after"])
def test_delay_is_journalled_with_its_duration_and_the_request_succeeds(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body, phase: str
) -> None:
    rule = _install(
        erp_client, kind="DELAY", phase=phase, params={"delay_ms": 60}, match={"method": "POST", "path": TIME_BILL_GLOB}
    )
    response = erp_client.post(TIME_BILL, json=time_bill_body(externalId="TB-SLOW"))
    assert response.status_code == 204
    assert response.headers["location"].endswith("/timeBill/1")
    assert _external_ids(erp_records) == ["TB-SLOW"]
    (entry,) = _journal(erp_client)
    assert entry["status"] == 204
    assert entry["duration_ms"] >= 60
    assert entry["fault"] == {"rule_id": rule["id"], "kind": "DELAY", "phase": phase}


def test_connection_reset_before_raises_in_process_and_commits_nothing(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    rule = _install(erp_client, kind="CONNECTION_RESET", match={"method": "PUT", "path": TIME_BILL_GLOB})
    with pytest.raises(ConnectionResetByFault, match=rule["id"]):
        erp_client.put(f"{TIME_BILL}/eid:TB-RST", json=time_bill_body())
    assert _external_ids(erp_records) == []
    (entry,) = _journal(erp_client)
    assert entry["status"] == 0
    assert entry["fault"] == {"rule_id": rule["id"], "kind": "CONNECTION_RESET", "phase": "before"}


def test_connection_reset_after_raises_in_process_but_the_record_is_committed(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    rule = _install(erp_client, kind="CONNECTION_RESET", phase="after", match={"method": "PUT", "path": TIME_BILL_GLOB})
    with pytest.raises(ConnectionResetByFault):
        erp_client.put(f"{TIME_BILL}/eid:TB-LOST", json=time_bill_body())
    assert _external_ids(erp_records) == ["TB-LOST"]
    (entry,) = _journal(erp_client)
    assert entry["status"] == 0
    assert entry["fault"] == {"rule_id": rule["id"], "kind": "CONNECTION_RESET", "phase": "after"}
    # The committed-but-lost case: the client's retry of the upsert finds the record, no duplicate.
    erp_client.delete(f"/__admin/faults/{rule['id']}")
    assert erp_client.put(f"{TIME_BILL}/eid:TB-LOST", json=time_bill_body()).status_code == 204
    assert _external_ids(erp_records) == ["TB-LOST"]


def test_after_phase_rule_that_does_not_fire_passes_the_response_through(
    erp_client: TestClient, time_bill_body: Body
) -> None:
    _install(erp_client, kind="HTTP_ERROR", phase="after", after=1, match={"method": "POST"})
    first = erp_client.post(TIME_BILL, json=time_bill_body())
    assert first.status_code == 204
    assert first.headers["location"] == "http://testserver/services/rest/record/v1/timeBill/1"
    assert erp_client.post(TIME_BILL, json=time_bill_body()).status_code == 503


def test_times_and_counters_through_http(erp_client: TestClient) -> None:
    rule = _install(erp_client, kind="HTTP_ERROR", times=1, match={"method": "GET"})
    assert erp_client.get(f"{TIME_BILL}?limit=1").status_code == 503
    assert erp_client.get(f"{TIME_BILL}?limit=1").status_code == 200
    (listed,) = erp_client.get("/__admin/faults").json()["faults"]
    assert (listed["id"], listed["matched"], listed["fired"]) == (rule["id"], 2, 1)


def test_tenant_and_header_matching_through_http(erp_client: TestClient) -> None:
    _install(erp_client, kind="HTTP_ERROR", match={"tenant": "acme", "headers": {"X-Client": "orch-*"}})
    url = f"{TIME_BILL}?limit=1"
    assert erp_client.get(url, headers={"X-P2C-Tenant": "acme", "X-Client": "orch-1"}).status_code == 503
    assert erp_client.get(url, headers={"X-P2C-Tenant": "acme", "X-Client": "other"}).status_code == 200
    assert erp_client.get(url, headers={"X-Client": "orch-1"}).status_code == 200
    tenants = [e["tenant"] for e in _journal(erp_client)]
    assert tenants == ["acme", "acme", "default"]


def test_control_plane_is_neither_faulted_nor_journalled(erp_client: TestClient) -> None:
    _install(erp_client, kind="HTTP_ERROR")
    assert erp_client.get("/__admin/health").status_code == 200
    assert erp_client.get("/__admin/state").status_code == 200
    assert _journal(erp_client) == []


def test_auth_is_checked_before_faults_fire(erp_app: Any) -> None:
    with TestClient(erp_app) as anonymous:
        _install(anonymous, kind="HTTP_ERROR")
        response = anonymous.get(f"{TIME_BILL}/1")
        assert response.status_code == 401
        assert response.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
        (rule,) = anonymous.get("/__admin/faults").json()["faults"]
        assert rule["matched"] == 0


def test_journal_carries_correlation_id_query_and_clock_time(erp_client: TestClient) -> None:
    erp_client.post("/__admin/clock", json={"now": "2026-11-02T08:30:00Z"})
    erp_client.get(f"{TIME_BILL}?limit=5&offset=0", headers={"X-Correlation-ID": "corr-123"})
    erp_client.get(f"{TIME_BILL}/999")
    first, second = _journal(erp_client)
    assert first["correlation_id"] == "corr-123"
    assert first["query"] == "limit=5&offset=0"
    assert first["at"] == "2026-11-02T08:30:00+00:00"
    assert (first["method"], first["path"], first["status"], first["fault"]) == ("GET", TIME_BILL, 200, None)
    assert (second["correlation_id"], second["status"]) == (None, 404)


def test_journal_entry_names_the_rule_and_correlation_id(erp_client: TestClient, time_bill_body: Body) -> None:
    rule = _install(erp_client, id="lose-put", kind="HTTP_ERROR", match={"method": "PUT"})
    erp_client.put(f"{TIME_BILL}/eid:TB-C", json=time_bill_body(), headers={"X-Correlation-ID": "run-7/step-3"})
    (entry,) = _journal(erp_client, faulted=True)
    assert entry["correlation_id"] == "run-7/step-3"
    assert entry["fault"]["rule_id"] == rule["id"] == "lose-put"


def test_requests_filters(erp_client: TestClient, time_bill_body: Body) -> None:
    _install(erp_client, kind="HTTP_ERROR", match={"method": "PUT"})
    erp_client.get(f"{TIME_BILL}/1")  # 1: 404
    erp_client.put(f"{TIME_BILL}/eid:A", json=time_bill_body())  # 2: faulted
    erp_client.post(TIME_BILL, json=time_bill_body())  # 3: 204
    erp_client.get("/services/rest/record/v1/customer/1")  # 4: 200
    assert [e["id"] for e in _journal(erp_client)] == [1, 2, 3, 4]
    assert [e["id"] for e in _journal(erp_client, since_id=2)] == [3, 4]
    assert [e["id"] for e in _journal(erp_client, faulted="true")] == [2]
    assert [e["id"] for e in _journal(erp_client, faulted="false")] == [1, 3, 4]
    assert [e["id"] for e in _journal(erp_client, method="get")] == [1, 4]
    assert [e["id"] for e in _journal(erp_client, path=TIME_BILL)] == [1, 2, 3]
    assert [e["id"] for e in _journal(erp_client, limit=1)] == [4]
    assert erp_client.get("/__admin/requests").json()["total"] == 4


def test_delete_requests_clears_the_journal_and_ids_keep_increasing(erp_client: TestClient) -> None:
    erp_client.get(f"{TIME_BILL}/1")
    assert erp_client.delete("/__admin/requests").status_code == 204
    assert erp_client.get("/__admin/requests").json() == {"total": 0, "requests": []}
    erp_client.get(f"{TIME_BILL}/1")
    assert [e["id"] for e in _journal(erp_client)] == [2]


def test_delete_one_fault_and_all_faults(erp_client: TestClient) -> None:
    first = _install(erp_client, kind="HTTP_ERROR", match={"method": "GET"})
    second = _install(erp_client, kind="DELAY")
    assert erp_client.delete(f"/__admin/faults/{first['id']}").status_code == 204
    assert [r["id"] for r in erp_client.get("/__admin/faults").json()["faults"]] == [second["id"]]
    assert erp_client.get(f"{TIME_BILL}?limit=1").status_code == 200
    again = erp_client.delete(f"/__admin/faults/{first['id']}")
    assert again.status_code == 404
    assert again.json() == {"error": f"no fault rule {first['id']!r}"}
    assert erp_client.delete("/__admin/faults").status_code == 204
    assert erp_client.get("/__admin/faults").json() == {"faults": []}


def _faulted_pattern(client: TestClient, n: int) -> list[bool]:
    _install(client, kind="HTTP_ERROR", probability=0.5, match={"method": "GET"})
    return [client.get(f"{TIME_BILL}?limit=1").status_code == 503 for _ in range(n)]


def test_fault_probability_is_reproducible_after_reseeding(erp_client: TestClient) -> None:
    first = _faulted_pattern(erp_client, 30)
    assert erp_client.post("/__admin/reset", params={"scope": "faults"}).status_code == 200
    second = _faulted_pattern(erp_client, 30)
    assert first == second
    assert 0 < sum(first) < 30
    erp_client.post("/__admin/seed", json={"seed": 4242})
    assert _faulted_pattern(erp_client, 30) != first


def test_unexpected_handler_error_is_a_500_envelope_and_journalled_as_500(
    erp_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_list(self: ErpStore, record_type: str, limit: int, offset: int) -> None:
        raise RuntimeError("store exploded")

    monkeypatch.setattr(ErpStore, "list", broken_list)
    with TestClient(erp_app, headers={"Authorization": "Bearer t"}, raise_server_exceptions=False) as client:
        response = client.get(TIME_BILL, headers={"X-Correlation-ID": "boom-1"})
        assert response.status_code == 500
        assert response.json()["o:errorDetails"][0]["o:errorCode"] == "UNEXPECTED_ERROR"
        (entry,) = _journal(client)
    # The journal must say what the client saw, so an invariant can cite the failed request.
    assert (entry["correlation_id"], entry["status"]) == ("boom-1", 500)
