"""Cyclic garbage collection paused while LightAPI builds long-lived objects.

Declaring, registering and building an app allocates hundreds of thousands of objects that live
as long as the process (pydantic validators, SQLAlchemy tables and mappers, the OpenAPI
document) and almost no garbage. Each allocation burst triggers collections that walk all of
them again: with 200 endpoints a quarter of the start-up went into collections that freed a
few dozen objects. So the collector is paused for the duration of each build step (never of a
request), and what the step allocated then goes straight to the oldest generation, where only
a full collection looks at it, instead of being walked by the young collections that would
follow. Reference counting still frees everything acyclic at once; cyclic garbage made while
building waits for the next full collection.
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
        _to_oldest_generation()
        gc.enable()


def _to_oldest_generation() -> None:
    """``freeze()`` moves every tracked object out of the generations (and resets the young
    count); ``unfreeze()`` puts them all into the oldest one. Skipped when the program froze
    objects itself (a pre-fork server does), which ``unfreeze()`` would undo."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
