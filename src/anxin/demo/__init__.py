"""Seeded, deterministic demo data: brands and accounts, and (pure) generators of marketplaces with planted fraud.

Shared by ``anxin demo``, the tests and the benchmarks, so what the demo shows
is what the tests pin and what the benchmarks measure.
"""
