"""Benchmarks: `python bench/bench.py` (speed) and `python bench/concurrency.py` (many sessions)."""
