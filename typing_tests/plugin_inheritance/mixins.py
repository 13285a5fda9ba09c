"""A plain mixin: its fields are known to another module's plugin run by name and type."""


class Stamped:
    stamp: int = 0
