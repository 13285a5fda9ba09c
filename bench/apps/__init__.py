"""The two ASGI apps under test; each reads its SQLite file path from ``BENCH_DB_PATH``."""

DB_PATH_ENV = "BENCH_DB_PATH"
