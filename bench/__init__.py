"""Benchmark harness: LightAPI against a hand-written Starlette baseline (SPEC R21.3).

Run ``python -m bench`` from the repository root; ``--help`` lists the knobs.
``python -m bench.mypy_plugin`` is a separate benchmark: mypy without and with the LightAPI mypy
plugin on a generated module of endpoints (issue #10).
"""
