"""Private runtime: consumers of the IR that need Starlette, SQLAlchemy and msgspec."""
