"""Benchmarks: side-by-side figures against targets, peers and baselines (``make bench``)."""
