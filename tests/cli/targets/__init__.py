"""Modules that ``lightapi check`` and ``inspect`` import in tests/cli, by path or by name.

Each has a distinct file name: a file target is imported under its stem. The offending line of
each mistake ends with a marker comment (``# LA002``) that the tests look up.
"""
