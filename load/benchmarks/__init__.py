"""Benchmark scripts, run by hand (``python -m load.benchmarks.<name>``); each prints a table."""
