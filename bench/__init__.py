"""Benchmarks: ``python -m bench`` (or ``make bench``) runs every ``bench/bench_*.py`` module's
``run()`` in turn and prints timings and ratios. Benchmarks are scripts, not tests: nothing here
asserts on wall-clock time."""
