"""The harness: fleet control, the scenario engine, invariants, reports, load and contracts runners, the CLI."""
