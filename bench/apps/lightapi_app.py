"""The LightAPI side: the endpoint declaration from the benchmark brief, unchanged.

Deliberately no ``from __future__ import annotations`` and the original ``Optional`` spelling,
so that this is exactly what a user would write.
"""

import os
from typing import Optional

from sqlalchemy import create_engine

from bench.apps import DB_PATH_ENV
from lightapi import Field, LightApi, RestEndpoint


class BookEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    author: str = Field(min_length=1)
    year: Optional[int] = None


path = os.environ[DB_PATH_ENV]
app = LightApi(engine=create_engine(f"sqlite:///{path}"))
app.register({"/books": BookEndpoint})
asgi = app.build_app()
