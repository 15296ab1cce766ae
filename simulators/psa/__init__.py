"""The PSA simulator: Kantata OX (formerly Mavenlink) API v1."""
