"""A local Bitrix24-compatible REST server over a deterministic synthetic company.

The embedded default source for `make demo`, `dagster dev`, the tests and the benchmarks.
"""
