"""Fast JSON responses for large control-plane and vendor payloads."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson
from fastapi.responses import Response


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(content: Any) -> bytes:
    """orjson with Decimal as string."""
    return orjson.dumps(content, default=_default)


def json_response(
    content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None, media_type: str = "application/json"
) -> Response:
    """A JSON response serialised with orjson."""
    return Response(dumps(content), status_code=status_code, headers=dict(headers or {}), media_type=media_type)
