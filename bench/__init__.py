"""Benchmarks: `python -m bench.run` prints a table and writes bench/results.json.

Each suite is a module with a `run(workdir)` function that returns a list of
results.Figure; bench.run lists the suites. Figures are merged into
results.json by name, so a suite can be run alone without losing the others.
"""
