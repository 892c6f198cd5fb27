"""Benchmarks and the realistic cassette corpus they measure (see run.py, corpus.py)."""
