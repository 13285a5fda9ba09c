"""Cyclic garbage collection paused while LightAPI builds long-lived objects.

Declaring, registering and building an app allocates hundreds of thousands of objects that live
as long as the process (pydantic validators, SQLAlchemy tables and mappers, the OpenAPI
document) and almost no garbage. Each allocation burst triggers collections that walk all of
them again: with 200 endpoints a quarter of the start-up went into collections that freed a
few dozen objects. Pausing the collector for the duration of each build step (never of a
request) removes that cost; reference counting still frees everything acyclic at once, and the
collector runs again as soon as the step ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; a caller that had disabled it keeps it so."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
