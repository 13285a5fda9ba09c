"""The two ASGI apps under test; each reads its SQLite file path from ``BENCH_DB_PATH``.

``BENCH_CACHE_PREFIX``, set by the harness only when the ``get_cached`` scenario runs and Redis
answers, makes the LightAPI app serve ``/cached_books`` from Redis at ``REDIS_URL`` under that
key prefix (unique per run, so that runs never read each other's entries). ``BENCH_REDIS_URL``
overrides the Redis URL for the harness and the apps alike.
"""

import os

DB_PATH_ENV = "BENCH_DB_PATH"
CACHE_PREFIX_ENV = "BENCH_CACHE_PREFIX"
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/0"
