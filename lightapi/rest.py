"""``RestEndpoint``: subclass it, annotate fields, and the class compiles into an EndpointSpec.

The class statement is the declaration phase (R2.4): the class is read into an ``EndpointDecl``
(``lightapi._declare``), compiled by ``lightapi.spec``, and every error is raised at once as
one ``SpecError`` (or recorded, in collect mode).
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec

from lightapi._declare import endpoint_declaration, take_defaults
from lightapi._gc import collection_paused
from lightapi._source import ClassSource
from lightapi.methods import HttpMethod, declared_verbs
from lightapi.spec.compile import compile_endpoint
from lightapi.spec.declarations import EndpointDecl
from lightapi.spec.diagnostics import Diagnostic, report
from lightapi.spec.model import VERBS, EndpointSpec

if TYPE_CHECKING:
    from pydantic import BaseModel
    from starlette.requests import Request

    from lightapi.app import LightApi

__all__ = ["HttpMethod", "RestEndpoint"]

_P = ParamSpec("_P")


class _SchemaModel:
    """``E.__schema_create__`` and friends: the endpoint's pydantic models, built on first use."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __get__(self, instance: object, owner: type[RestEndpoint]) -> type[BaseModel]:
        from lightapi._runtime.models import models_for, read_model

        models = models_for(owner)  # raises for abstract or invalid endpoints
        if self.kind != "read":
            model: type[BaseModel] = getattr(models, self.kind)
            return model
        cached: type[BaseModel] | None = owner.__dict__.get("_lightapi_read_model")
        if cached is None:
            assert owner.__lightapi_spec__ is not None
            cached = read_model(owner.__lightapi_spec__)
            owner._lightapi_read_model = cached  # type: ignore[attr-defined]
        return cached


class RestEndpoint:
    """Base of every endpoint: one annotated class is a table, a schema and a REST resource.

    Automatic columns ``id``, ``created_at``, ``updated_at`` and ``version`` are added to every
    table (R2.12). A class whose own body sets ``_base_only = True`` is an abstract base.
    """

    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int

    # Set by the app on the per-request instance hooks run on (R2.21, R23.6); declared here so
    # that hooks type-check (R18.3). The compiler reads user classes only, never these. ``body``
    # and ``data`` are Any: unlike ``request`` and ``app`` they are not reserved field names
    # (R2.15), and a field ``body: str`` must stay a valid override.
    request: Request
    app: LightApi
    body: Any
    data: Any

    _allowed_methods: ClassVar[frozenset[str]] = frozenset(VERBS)
    __lightapi_spec__: ClassVar[EndpointSpec | None] = None
    __lightapi_diagnostics__: ClassVar[tuple[Diagnostic, ...]] = ()
    __lightapi_source__: ClassVar[ClassSource]
    __lightapi_endpoint_decl__: ClassVar[EndpointDecl]
    __lightapi_defaults__: ClassVar[dict[str, Any]]

    __schema_create__ = _SchemaModel("create")
    __schema_read__ = _SchemaModel("read")
    __schema_update__ = _SchemaModel("update")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        with collection_paused():
            cls._lightapi_compile(sys._getframe(1))  # the frame running the class statement

    @classmethod
    def _lightapi_compile(cls, frame: FrameType) -> None:
        """Read the class statement into a declaration and compile it (phase A, R3.10)."""
        prebuilt = cls.__dict__.get("__lightapi_prebuilt__")
        if prebuilt is not None:  # made by another front end (YAML), already compiled
            cls.__lightapi_endpoint_decl__, cls.__lightapi_spec__, cls.__lightapi_diagnostics__ = (
                prebuilt
            )
            cls.__lightapi_source__ = ClassSource(
                cls.__lightapi_spec__.location.file, cls.__lightapi_spec__.location.line, None
            )
            cls.__lightapi_defaults__ = {}
            cls._allowed_methods = cls.__lightapi_spec__.methods
            return
        cls.__lightapi_source__ = ClassSource.find(
            frame.f_code.co_filename, frame.f_lineno, cls.__name__
        )
        cls.__lightapi_defaults__ = take_defaults(cls)
        cls._allowed_methods = declared_verbs(cls) or frozenset(VERBS)
        cls.__lightapi_spec__ = None
        cls.__lightapi_diagnostics__ = ()
        if cls.__dict__.get("_base_only") is True:
            return
        declaration = endpoint_declaration(cls, RestEndpoint)
        cls.__lightapi_endpoint_decl__ = declaration  # compiled again once a table is reflected
        spec, diagnostics = compile_endpoint(declaration)
        cls.__lightapi_spec__ = spec
        cls.__lightapi_diagnostics__ = diagnostics
        report(diagnostics)

    # -- per request (R2.21-R2.23) -------------------------------------------------------------

    def background(
        self, function: Callable[_P, object], /, *args: _P.args, **kwargs: _P.kwargs
    ) -> None:
        """Run ``function(*args, **kwargs)`` after the response is sent (R13.4).

        ``function`` may be sync or async (its result is not used); the ParamSpec lets a type
        checker hold the arguments against its parameters (R18.3).
        """
        tasks = self.__dict__.get("_lightapi_tasks")
        if tasks is None:
            raise RuntimeError("background() called outside request handler")
        from lightapi._runtime.overrides import task

        tasks.append(task(type(self).__name__, function, *args, **kwargs))

    async def _list_async(self, request: Any) -> Any:
        from lightapi._runtime import helpers

        return await helpers.list_async(self, request)

    async def _retrieve_async(self, request: Any, pk: int) -> Any:
        from lightapi._runtime import helpers

        return await helpers.retrieve_async(self, request, pk)

    async def _create_async(self, data: Any) -> Any:
        from lightapi._runtime import helpers

        return await helpers.create_async(self, data)

    async def _update_async(self, data: Any, pk: int, partial: bool = False) -> Any:
        from lightapi._runtime import helpers

        return await helpers.update_async(self, data, pk, partial)

    async def _destroy_async(self, request: Any, pk: int) -> Any:
        from lightapi._runtime import helpers

        return await helpers.destroy_async(self, request, pk)

    def list(self, request: Any) -> Any:
        return _twin(self, "list", "_list_async", request)

    def retrieve(self, request: Any, pk: int) -> Any:
        return _twin(self, "retrieve", "_retrieve_async", request, pk)

    def create(self, data: Any) -> Any:
        return _twin(self, "create", "_create_async", data)

    def update(self, data: Any, pk: int, partial: bool = False) -> Any:
        return _twin(self, "update", "_update_async", data, pk, partial)

    def destroy(self, request: Any, pk: int) -> Any:
        return _twin(self, "destroy", "_destroy_async", request, pk)

    @classmethod
    def __lightapi_compiled__(cls) -> tuple[EndpointSpec | None, tuple[Diagnostic, ...]]:
        if cls.__lightapi_spec__ is None:
            raise TypeError(f"{cls.__qualname__} is not a concrete endpoint")
        return cls.__lightapi_spec__, cls.__lightapi_diagnostics__


def _twin(view: RestEndpoint, sync_name: str, async_name: str, *arguments: Any) -> Any:
    from lightapi._runtime.helpers import run_twin

    return run_twin(view, sync_name, async_name, *arguments)


def is_concrete_endpoint(value: object) -> bool:
    """True for a RestEndpoint subclass that compiled (abstract bases are not)."""
    return (
        isinstance(value, type)
        and issubclass(value, RestEndpoint)
        and value is not RestEndpoint
        and value.__lightapi_spec__ is not None
    )
