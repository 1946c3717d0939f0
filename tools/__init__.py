"""Tooling: the demo district, the benchmark and its pandas peer, crash and load scripts."""
