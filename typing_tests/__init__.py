"""Files type-checked by tests/typing/test_typing.py (ARCHITECTURE §5.7); never imported.

Each module states the errors and notes a checker must report as trailing comments on the
offending line: ``# E: <text>`` for an error, ``# N: <text>`` for a note, several per line
allowed. Files and packages whose name starts with ``plugin_`` need the mypy plugin (R18.2);
the others hold without it (R18.3) and are also checked without the plugin and by pyright.
"""
