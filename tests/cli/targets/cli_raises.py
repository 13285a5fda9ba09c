"""A module that cannot be imported: it raises before defining anything."""


def load_settings() -> None:
    raise RuntimeError("settings file 'prod.ini' is missing")


load_settings()
