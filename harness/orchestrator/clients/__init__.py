"""Vendor clients of the orchestrator (aiohttp on the hot posting path)."""
