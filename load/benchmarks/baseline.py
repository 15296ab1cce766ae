"""The yardstick: a bare FastAPI app doing a dict insert and a dict read, served like the simulators."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import FastAPI, HTTPException, Response

app = FastAPI()
_items: dict[int, dict[str, Any]] = {}
_ids = itertools.count(1)


@app.post("/items", status_code=201)
async def create_item(item: dict[str, Any]) -> Response:
    """Insert into a dict; answer 201 with a Location, like a vendor create."""
    item_id = next(_ids)
    _items[item_id] = item
    return Response(status_code=201, headers={"Location": f"/items/{item_id}"})


@app.get("/items/{item_id}")
async def read_item(item_id: int) -> dict[str, Any]:
    """Read from a dict."""
    if item_id not in _items:
        raise HTTPException(404)
    return _items[item_id]
