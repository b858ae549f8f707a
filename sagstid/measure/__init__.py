"""Measure: pure measurements, DataFrames in and out; no I/O, no JSON, no Danish text."""
