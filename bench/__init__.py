"""Benchmarks of the sync layer (not tests): they print figures and ratios, and assert nothing on time."""
