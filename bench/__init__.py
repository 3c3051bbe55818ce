"""The benchmarks of `make bench` (docs/performance.md)."""
