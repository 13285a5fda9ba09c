"""With the plugin, fields and automatic columns read on the class are mapped columns (R18.3)."""

import datetime
from typing import Any, Optional

from sqlalchemy import select

from lightapi import RestEndpoint


class BookEndpoint(RestEndpoint):
    title: str
    year: Optional[int] = None

    def queryset(self, request: Any) -> Any:
        return select(BookEndpoint).where(BookEndpoint.title.like("a%"), BookEndpoint.id > 3)


reveal_type(BookEndpoint.title)  # noqa: F821  # N: Revealed type is "sqlalchemy.orm.attributes.InstrumentedAttribute[str]"
reveal_type(BookEndpoint.year)  # noqa: F821  # N: Revealed type is "sqlalchemy.orm.attributes.InstrumentedAttribute[int | None]"
reveal_type(BookEndpoint.version)  # noqa: F821  # N: Revealed type is "sqlalchemy.orm.attributes.InstrumentedAttribute[int]"
created: datetime.datetime = BookEndpoint().created_at  # instances keep the Python types
title: str = BookEndpoint().title
