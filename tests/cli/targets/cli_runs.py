"""A module that serves at import: run() returns at once in collect mode (R3.12, R4.5)."""

import os

from lightapi import LightApi, RestEndpoint

ADDRESS = f"127.0.0.1:{os.environ['LIGHTAPI_TEST_LISTENER_PORT']}"


class TickEndpoint(RestEndpoint):
    label: str


app = LightApi(database_url=f"postgresql+asyncpg://tick:secret@{ADDRESS}/ticks")
app.register({"/ticks": TickEndpoint})
app.run(port=int(os.environ["LIGHTAPI_TEST_LISTENER_PORT"]))
