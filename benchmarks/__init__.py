"""Benchmarks behind `smartregion bench` and `make bench`: they print figures, never assert."""
