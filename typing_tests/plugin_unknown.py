"""Values the plugin cannot know are never judged (R18.2: no false positives): nothing here is
reported, although some of these values would be wrong at run time."""

import os
from typing import Any, Final

from sqlalchemy import select

from lightapi import Cache, Field, Filtering, Pagination, RestEndpoint, Serializer

LIMIT: Final = 3
PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "0"))
NAMES = ["title", "rating"]
OPTIONS: dict[str, Any] = {"max_length": 3}


def make_serializer() -> Serializer:
    return Serializer(read=["title"])


class UnknownValuesEndpoint(RestEndpoint):
    title: str = Field(min_length=LIMIT, max_length=int(os.environ.get("MAX", "1")))
    code: str = Field(**OPTIONS)
    label: str = Field(default=os.environ.get("LABEL", ""), min_length=1)
    hits: int = Field(max_length=PAGE_SIZE or None)
    queryset = select()

    class Meta:
        pagination = Pagination(page_size=PAGE_SIZE)
        filtering = Filtering(fields=NAMES, ordering=["title"])
        serializer = make_serializer()
        cache = Cache(ttl=PAGE_SIZE)
