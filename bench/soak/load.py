"""The soak's load: N closed-loop clients, each sending its next request when the last answered.

Every answer is judged against what the request should get. A 2xx where one is due is success;
a 409/412 on the shared row that clients race for (``race``) is an expected conflict; a 401,
404 or 422 sent on purpose (``rejected``) is an expected rejection. Anything else is an error:
a 5xx, any other status, a transport error (refused, reset, timed out) or a 2xx whose body is
wrong (a read that does not show the client's own acknowledged write).

Every acknowledged write goes into the ``Ledger``, which ``verify.py`` compares with the
database at the end. Each client owns the items it creates and a share of the catalog, so
only the shared row is written by more than one client; a write whose answer never came is
marked uncertain (either outcome is correct) and the row is left alone afterwards.
"""

from __future__ import annotations

import random
import statistics
import time
from array import array
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Final

from bench.soak.connection import Connection, Response, TransportError

REQUEST_TIMEOUT: Final = 10.0  # seconds; a slower answer is a transport error
CATEGORIES: Final = ("tools", "books", "garden", "kitchen", "toys")
POPULAR: Final = 8  # most catalog reads are for a few products
ITEMS_MIN, ITEMS_MAX = 5, 30  # rows each client keeps alive, so the table stays the same size

# How often each operation is chosen; create and delete are equal so the table neither grows
# nor shrinks over the run (memory then measures leaks, not data).
MIX: Final[dict[str, float]] = {
    "get_item": 14,
    "list_items": 14,
    "create_item": 9,
    "update_item": 14,
    "delete_item": 9,
    "race": 5,
    "get_cached": 19,
    "update_catalog": 0.25,  # each write starts a new cache generation: rare, as in real life
    "get_note": 10,
    "rejected": 5,
}


@dataclass
class RowState:
    """What the server acknowledged last for one row."""

    version: int
    values: dict[str, Any]
    deleted: bool = False
    uncertain: bool = False  # a write to it got no answer: its outcome is unknown


@dataclass
class Ledger:
    """Every acknowledged write, by (table, id), plus the shared row's successful races."""

    rows: dict[tuple[str, int], RowState] = field(default_factory=dict)
    hot_id: int = 0
    hot_wins: int = 0
    hot_unanswered: int = 0
    hot_last: tuple[int, dict[str, Any]] = (0, {})  # the highest acknowledged version
    unanswered_creates: int = 0

    def created(self, table: str, body: dict[str, Any], keys: tuple[str, ...]) -> int:
        row_id = int(body["id"])
        self.rows[(table, row_id)] = RowState(int(body["version"]), {k: body[k] for k in keys})
        return row_id

    def updated(self, table: str, row_id: int, body: dict[str, Any], keys: tuple[str, ...]) -> None:
        self.rows[(table, row_id)] = RowState(int(body["version"]), {k: body[k] for k in keys})


@dataclass
class Tally:
    """Counts over the whole run, warm-up included (an error is an error whenever it happens)."""

    requests: int = 0
    by_op: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # "503", "ReadTimeout", "wrong body"
    error_examples: list[str] = field(default_factory=list)
    expected_conflicts: Counter[int] = field(default_factory=Counter)
    expected_rejections: Counter[int] = field(default_factory=Counter)
    cache: Counter[str] = field(default_factory=Counter)  # X-Cache HIT / MISS
    latency_ms: dict[str, array[float]] = field(default_factory=dict)

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.error_examples) < 20:
            self.error_examples.append(what)

    def latencies(self) -> dict[str, dict[str, float]]:
        """p50 and p99 in ms, per operation and for all requests."""
        every = array("d")
        table: dict[str, dict[str, float]] = {}
        for op, values in sorted(self.latency_ms.items()):
            every.extend(values)
            table[op] = _percentiles(values)
        table["all"] = _percentiles(every)
        return table


def _percentiles(values: array[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50": values[0] if values else 0.0, "p99": values[0] if values else 0.0}
    cuts = statistics.quantiles(values, n=100)
    return {"p50": round(cuts[49], 2), "p99": round(cuts[98], 2)}


class Client:
    """One closed-loop client: its own rows, its share of the catalog, its token."""

    def __init__(
        self,
        index: int,
        connection: Connection,
        ledger: Ledger,
        tally: Tally,
        catalog_ids: list[int],
        note_ids: list[int],
        password: str,
    ) -> None:
        self.index = index
        self.connection = connection
        self.ledger = ledger
        self.tally = tally
        self.random = random.Random(index)
        self.catalog_ids = catalog_ids
        self.my_catalog: list[int] = []  # set by share_catalog
        self.note_ids = note_ids
        self.password = password
        self.items: list[int] = []
        self.hot_version = 1
        self.token = ""
        self.ops: list[Callable[[], Coroutine[Any, Any, None]]] = [
            getattr(self, name) for name in MIX
        ]
        self.weights = list(MIX.values())

    def share_catalog(self, clients: int) -> None:
        """Catalog rows this client alone writes: every ``clients``-th, from its index."""
        self.my_catalog = self.catalog_ids[self.index :: clients]

    async def call(
        self,
        op: str,
        method: str,
        url: str,
        expect: int,
        *,
        tolerate: frozenset[int] = frozenset(),
        json: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Response | None:
        """Send one request and judge its status: the response when it is ``expect`` or a
        tolerated status (the caller looks at which), else None with the error counted."""
        tally = self.tally
        started = time.perf_counter()
        try:
            response = await self.connection.request(
                method, url, json_body=json, headers=headers, params=params
            )
        except TransportError as error:
            tally.requests += 1
            tally.by_op[op] += 1
            tally.error(error.kind, f"{op}: {method} {url}: {error}")
            return None
        elapsed = (time.perf_counter() - started) * 1000
        tally.requests += 1
        tally.by_op[op] += 1
        tally.statuses[response.status_code] += 1
        tally.latency_ms.setdefault(op, array("d")).append(elapsed)
        status = response.status_code
        if status == expect or status in tolerate:
            return response
        tally.error(str(status), f"{op}: {method} {url} -> {status} {response.text[:200]}")
        return None

    def wrong(self, op: str, what: str) -> None:
        self.tally.error("wrong body", f"{op}: {what}")

    async def login(self) -> bool:
        body = {"username": f"soak-{self.index}", "password": self.password}
        response = await self.call("login", "POST", "/auth/login", 200, json=body)
        if response is None:
            return False
        self.token = response.json()["token"]
        return True

    async def run(self, deadline: float) -> None:
        if not await self.login():
            return
        choose = self.random.choices
        while time.monotonic() < deadline:
            (op,) = choose(self.ops, self.weights)
            await op()

    # -- items: the client's own rows ---------------------------------------------------------

    def _item_values(self) -> dict[str, Any]:
        return {
            "title": f"item {self.index}-{self.random.randrange(10**6)}",
            "category": self.random.choice(CATEGORIES),
            "qty": self.random.randrange(1000),
        }

    async def get_item(self) -> None:
        if not self.items:
            await self.call("get_item", "GET", f"/items/{self.ledger.hot_id}", 200)
            return
        row_id = self.random.choice(self.items)
        response = await self.call("get_item", "GET", f"/items/{row_id}", 200)
        if response is None:
            return
        state = self.ledger.rows[("items", row_id)]
        body = response.json()
        if body["version"] != state.version or response.headers.get("etag") != (
            f'"{row_id}-{state.version}"'
        ):
            self.wrong("get_item", f"item {row_id} read version {body['version']}, wrote {state}")

    async def list_items(self) -> None:
        params: dict[str, Any] = {
            "category": self.random.choice(CATEGORIES),
            "qty__gte": self.random.randrange(0, 900, 50),
            "ordering": self.random.choice(("qty", "-qty", "title", "-qty,title")),
            "page": self.random.randint(1, 3),
            "page_size": self.random.choice((10, 20, 50)),
        }
        if self.random.random() < 0.3:
            params["search"] = f"item {self.random.randrange(100)}"
        response = await self.call("list_items", "GET", "/items", 200, params=params)
        if response is not None:
            self._check_page(response)

    def _check_page(self, response: Response) -> None:
        body = response.json()
        if not isinstance(body.get("results"), list) or not isinstance(body.get("count"), int):
            self.wrong("list_items", f"not a page envelope: {response.text[:200]}")

    async def create_item(self) -> None:
        if len(self.items) >= ITEMS_MAX:
            await self.delete_item()
            return
        values = self._item_values()
        response = await self.call("create_item", "POST", "/items", 201, json=values)
        if response is None:
            self.ledger.unanswered_creates += 1  # may or may not exist: see verify.py
            return
        body = response.json()
        if {k: body[k] for k in values} != values or body["version"] != 1:
            self.wrong("create_item", f"sent {values}, got {body}")
        self.items.append(self.ledger.created("items", body, tuple(values)))

    async def update_item(self) -> None:
        if not self.items:
            await self.create_item()
            return
        row_id = self.random.choice(self.items)
        state = self.ledger.rows[("items", row_id)]
        change: dict[str, Any] = {"qty": self.random.randrange(1000)}
        if self.random.random() < 0.3:
            change["title"] = f"item {self.index}-{self.random.randrange(10**6)}"
        headers = None
        if self.random.random() < 0.5:
            headers = {"If-Match": f'"{row_id}-{state.version}"'}
        else:
            change["version"] = state.version
        response = await self.call(
            "update_item", "PATCH", f"/items/{row_id}", 200, json=change, headers=headers
        )
        if response is None:
            self._lost_contact("items", row_id)
            return
        body = response.json()
        expected = {**state.values, **{k: v for k, v in change.items() if k != "version"}}
        if body["version"] != state.version + 1 or {k: body[k] for k in expected} != expected:
            self.wrong("update_item", f"item {row_id} v{state.version} + {change} gave {body}")
        self.ledger.updated("items", row_id, body, tuple(state.values))

    async def delete_item(self) -> None:
        if len(self.items) <= ITEMS_MIN:
            await self.create_item()
            return
        row_id = self.items[self.random.randrange(len(self.items))]
        state = self.ledger.rows[("items", row_id)]
        if self.random.random() < 0.5:
            url, headers = f"/items/{row_id}?version={state.version}", None
        else:
            url, headers = f"/items/{row_id}", {"If-Match": f'"{row_id}-{state.version}"'}
        response = await self.call("delete_item", "DELETE", url, 204, headers=headers)
        if response is None:
            self._lost_contact("items", row_id)
            return
        state.deleted = True
        self.items.remove(row_id)

    def _lost_contact(self, table: str, row_id: int) -> None:
        """A write without a proper answer: its outcome is unknown; never touch the row again."""
        self.ledger.rows[(table, row_id)].uncertain = True
        if table == "items" and row_id in self.items:
            self.items.remove(row_id)

    # -- the shared row: deliberate version races ---------------------------------------------

    async def race(self) -> None:
        hot = self.ledger.hot_id
        change: dict[str, Any] = {"qty": self.random.randrange(1000)}
        headers = None
        if self.random.random() < 0.5:
            headers = {"If-Match": f'"{hot}-{self.hot_version}"'}
        else:
            change["version"] = self.hot_version
        response = await self.call(
            "race", "PATCH", f"/items/{hot}", 200, json=change, headers=headers,
            tolerate=frozenset({409, 412}),
        )  # fmt: skip
        if response is None:
            self.ledger.hot_unanswered += 1  # it may or may not have won
            return
        if response.status_code != 200:
            self.tally.expected_conflicts[response.status_code] += 1
            refreshed = await self.call("race", "GET", f"/items/{hot}", 200)
            if refreshed is not None:
                self.hot_version = int(refreshed.json()["version"])
            return
        body = response.json()
        self.hot_version = int(body["version"])
        self.ledger.hot_wins += 1
        if self.hot_version > self.ledger.hot_last[0]:
            self.ledger.hot_last = (self.hot_version, {"qty": body["qty"]})

    # -- the cached catalog ---------------------------------------------------------------------

    async def get_cached(self) -> None:
        if self.random.random() < 0.7:
            popular = self.catalog_ids[:POPULAR] if self.random.random() < 0.7 else None
            url = f"/catalog/{self.random.choice(popular or self.catalog_ids)}"
        else:
            url = f"/catalog?page={self.random.randint(1, 4)}"
        response = await self.call("get_cached", "GET", url, 200)
        if response is not None:
            self.tally.cache[response.headers.get("x-cache", "none")] += 1

    async def update_catalog(self) -> None:
        if not self.my_catalog:
            await self.get_cached()
            return
        row_id = self.random.choice(self.my_catalog)
        state = self.ledger.rows[("catalog", row_id)]
        if state.uncertain:
            return
        change = {"price": self.random.randrange(10_000), "version": state.version}
        response = await self.call(
            "update_catalog", "PATCH", f"/catalog/{row_id}", 200, json=change
        )
        if response is None:
            self._lost_contact("catalog", row_id)
            return
        body = response.json()
        if body["version"] != state.version + 1 or body["price"] != change["price"]:
            self.wrong("update_catalog", f"catalog {row_id} + {change} gave {body}")
        self.ledger.updated("catalog", row_id, body, tuple(state.values))

    # -- JWT-authenticated notes ----------------------------------------------------------------

    async def get_note(self) -> None:
        auth = {"Authorization": f"Bearer {self.token}"}
        if self.random.random() < 0.8:
            url = f"/notes/{self.random.choice(self.note_ids)}"
        else:
            url = "/notes"
        await self.call("get_note", "GET", url, 200, headers=auth)

    # -- requests that must be refused: error paths leak as easily as happy ones ----------------

    async def rejected(self) -> None:
        kind = self.random.randrange(4)
        if kind == 0:
            response = await self.call("rejected", "GET", "/notes", 401)
        elif kind == 1:
            response = await self.call("rejected", "GET", "/items/999999999", 404)
        elif kind == 2:
            body = {"title": "", "category": "x", "qty": -1}
            response = await self.call("rejected", "POST", "/items", 422, json=body)
        else:
            forged = {"Authorization": "Bearer " + self.token[:-4] + "AAAA"}
            response = await self.call("rejected", "GET", "/notes", 401, headers=forged)
        if response is not None:
            self.tally.expected_rejections[response.status_code] += 1
