"""Contracts: committed vendor-shaped OpenAPI specs, Pact files and the schemathesis checks that use them."""
