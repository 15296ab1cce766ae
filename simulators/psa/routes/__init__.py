"""Kantata OX API v1 routes (``/api/v1/{resource}.json``)."""
