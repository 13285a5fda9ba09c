"""Hooks: an override that calls the built-in behaviour, a background task and a middleware.

    python examples/hooks.py
    curl -s -X POST http://127.0.0.1:8000/orders -d '{"item": "book", "quantity": 2}'
"""

from __future__ import annotations

import logging
import time
from typing import Any

from lightapi import Field, LightApi, Middleware, RestEndpoint

logger = logging.getLogger("orders")
SENT: list[int] = []  # stands in for an e-mail or a message queue


def notify_warehouse(order_id: int) -> None:
    """Runs after the response is sent, in a worker thread: slow work the client never waits on."""
    SENT.append(order_id)


class OrderEndpoint(RestEndpoint):
    item: str = Field(min_length=1)
    quantity: int = Field(ge=1, le=100)

    async def post(self, request: Any) -> Any:
        response = await self._create_async(self.data)  # the built-in create: 201, 409, 422...
        if response.status_code == 201:
            order_id = int(response.headers["location"].rsplit("/", 1)[1])
            self.background(notify_warehouse, order_id)
        return response


class Timing(Middleware):
    """Adds a Server-Timing header to every answer of every endpoint route."""

    def process(self, request: Any, response: Any) -> Any:
        if response is None:
            request.state.started = time.perf_counter()
            return None
        elapsed = (time.perf_counter() - request.state.started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        return None


app = LightApi(database_url="sqlite:///orders.db", middlewares=[Timing])
app.register({"/orders": OrderEndpoint})

if __name__ == "__main__":
    app.run()
