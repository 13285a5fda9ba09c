"""``python -m bench.soak``: a LightAPI app under sustained mixed load, watched for errors, lost
writes and memory growth (issue #11, SPEC §20).

``app.py`` is the app under test, ``load.py`` the clients, ``memory.py`` reads the server's
RSS, ``verify.py`` compares every acknowledged write with the database, ``runner.py`` ties them
together and ``report.py`` judges and prints the outcome.
"""

from typing import Final

# Short name used by the load and the ledger -> (table in the database, the fields it checks).
TABLES: Final = {
    "items": ("soak_items", ("title", "category", "qty")),
    "catalog": ("soak_catalog", ("name", "price")),
    "notes": ("soak_notes", ("text",)),
}

# The app's environment (set by runner.py, read by app.py).
DATABASE_URL_ENV: Final = "SOAK_DATABASE_URL"
PG_SCHEMA_ENV: Final = "SOAK_PG_SCHEMA"
REDIS_URL_ENV: Final = "SOAK_REDIS_URL"
CACHE_PREFIX_ENV: Final = "SOAK_CACHE_PREFIX"
PASSWORD_ENV: Final = "SOAK_PASSWORD"
LEAK_ENV: Final = "SOAK_LEAK_BYTES"  # --inject-leak: a deliberate leak, to see the soak fail
