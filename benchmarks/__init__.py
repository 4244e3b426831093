"""Benchmarks of the analysis: `python -m benchmarks` (or `make bench`) prints the figures."""
