"""NetSuite REST wire shapes (requests in, records out) and their translation into domain values."""
