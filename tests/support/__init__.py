"""Helpers shared by several test folders and the benchmarks (never shipped)."""
