"""A SpecError escapes the import: lightapi.inspect() raises even in collect mode (R4.10)."""

import lightapi
from lightapi import RestEndpoint


class NoteEndpoint(RestEndpoint):
    tags: list[str]  # LA002


lightapi.inspect(NoteEndpoint)
