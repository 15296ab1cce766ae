"""Salesforce REST routes under ``/services/data``."""
