"""Wire constants and assertions shared by the CRM tests (test modules cannot import ``conftest``)."""

from __future__ import annotations

from typing import Any

AUTH = {"Authorization": "Bearer test-token"}
V = "/services/data/v67.0"
SOBJECTS = f"{V}/sobjects"


def assert_error(response: Any, status: int, code: str, message: str, fields: list[str] | None = None) -> None:
    """A Salesforce error array with exactly this status, errorCode and message (and fields, when given)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, list), body
    assert len(body) == 1, body
    assert body[0]["errorCode"] == code, body
    assert body[0]["message"] == message, body
    if fields is not None:
        assert body[0]["fields"] == fields, body
