"""Declarations under ``from __future__ import annotations`` (R2.3): every annotation is a
string that the front end resolves in the module's namespace, so unknown names surface as LA001
instead of a NameError in the class body."""

from __future__ import annotations

import datetime
import decimal
from typing import Optional

from lightapi import Field, RestEndpoint


def declare_unresolvable() -> type[RestEndpoint]:
    class ReviewEndpoint(RestEndpoint):
        title: str
        author: Writer  # noqa: F821  # LA001

    return ReviewEndpoint


def declare_resolvable() -> type[RestEndpoint]:
    class LedgerEndpoint(RestEndpoint):
        title: str = Field(min_length=1)  # future-title
        amount: decimal.Decimal = Field(max_digits=8, decimal_places=2)  # future-amount
        booked: Optional[datetime.date] = None  # noqa: UP045  # future-booked
        note: str | None  # future-note

    return LedgerEndpoint


def declare_quoted() -> type[RestEndpoint]:
    class QuotedEndpoint(RestEndpoint):
        title: "str"  # noqa: UP037 - quoted on purpose: a string inside a string
        year: "Optional[int]" = None  # noqa: UP037, UP045

    return QuotedEndpoint
