"""``SchemaFactory``: the 0.x way to reach an endpoint's pydantic models (R2.26, R23.20)."""

from __future__ import annotations

from pydantic import BaseModel

from lightapi.rest import RestEndpoint

__all__ = ["SchemaFactory"]


class SchemaFactory:
    @staticmethod
    def build(endpoint: type[RestEndpoint]) -> tuple[type[BaseModel], type[BaseModel]]:
        """``(create_model, read_model)``: the models on the class itself (R23.20)."""
        return endpoint.__schema_create__, endpoint.__schema_read__
