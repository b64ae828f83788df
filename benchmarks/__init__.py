"""Benchmarks: run all with ``python -m benchmarks``."""
