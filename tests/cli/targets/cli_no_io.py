"""Two apps whose database and Redis URLs point at a listener the test opened (R4.5): one sync
(psycopg), one async (asyncpg). Importing and checking them must never connect to it."""

import os

from lightapi import Cache, LightApi, RestEndpoint

ADDRESS = f"127.0.0.1:{os.environ['LIGHTAPI_TEST_LISTENER_PORT']}"


class LedgerEndpoint(RestEndpoint):
    amount: int

    class Meta:
        cache = Cache(ttl=30)


sync_app = LightApi(
    database_url=f"postgresql+psycopg://ledger:secret@{ADDRESS}/ledger",
    redis_url=f"redis://{ADDRESS}/0",
)
sync_app.register({"/ledger": LedgerEndpoint})
async_app = LightApi(
    database_url=f"postgresql+asyncpg://ledger:secret@{ADDRESS}/ledger",
    redis_url=f"redis://{ADDRESS}/1",
)
async_app.register({"/ledger": LedgerEndpoint})
sync_app.build_app()
async_app.build_app()
