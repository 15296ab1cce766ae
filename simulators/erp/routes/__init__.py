"""NetSuite REST routes."""
