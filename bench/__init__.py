"""Benchmark harness: LightAPI against a hand-written Starlette baseline (SPEC R21.3).

Run ``python -m bench`` from the repository root; ``--help`` lists the knobs.
"""
