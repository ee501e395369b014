"""The performance benchmark (see run.py and docs-performance.md)."""
