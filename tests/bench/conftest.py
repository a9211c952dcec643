"""Benchmarks are run by `make bench`, not by `make test` (tests/bench is outside testpaths' recursion)."""
