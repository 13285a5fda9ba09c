"""LightAPI: one annotated class is at once a SQLAlchemy table, a Pydantic schema and a REST
endpoint. Heavy names (``LightApi`` and everything that needs Starlette) load on first use."""
