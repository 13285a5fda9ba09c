"""Dotted-path targets of tests/frontends/library.yaml."""

from __future__ import annotations

from lightapi import Middleware


def check_password(username: str, password: str) -> dict[str, object] | None:
    if password != "pw":
        return None
    return {"sub": username, "is_admin": username == "root", "role": "reader"}


class Stamp(Middleware):
    def process(self, request, response):
        if response is not None:
            response.headers["X-Stamp"] = "1"
