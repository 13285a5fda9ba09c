"""``LightApi``: the composition root, the only module that imports every part (§19).

Phases (R3.1): ``register()`` checks paths and builds tables in the app's own MetaData;
``build_app()`` compiles the AppSpec (links between endpoints), then turns it into Starlette
routes over handlers that close over compiled statements, models and encoders.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware as StarletteMiddleware
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from lightapi._gc import collection_paused
from lightapi._refs import rate_limiter_ref
from lightapi._runtime.cache import ResponseCache
from lightapi._runtime.cors import cors_middleware
from lightapi._runtime.cursors import CursorCodec
from lightapi._runtime.db import Database
from lightapi._runtime.docs import page as docs_page
from lightapi._runtime.encoding import RowEncoder, encode
from lightapi._runtime.engines import database_summary, engine_from_url, is_async_engine
from lightapi._runtime.errors import DatabaseFailure, http_exception_handler, server_error_handler
from lightapi._runtime.handlers import EndpointRuntime
from lightapi._runtime.middleware import Pipeline, instances
from lightapi._runtime.models import EndpointModels, build_models, models_for
from lightapi._runtime.queries import Layout, Statements
from lightapi._runtime.reflection import adopt, describe, read_table
from lightapi._runtime.routing import (
    docs_routes,
    document_route,
    endpoint_routes,
    health_route,
    login_route,
    ready_route,
)
from lightapi._runtime.security import build_security
from lightapi._runtime.setup import TableSetup
from lightapi._runtime.tables import build_table, map_class
from lightapi.cache import DEFAULT_REDIS_URL, RedisCacheBackend
from lightapi.config import config
from lightapi.exceptions import ConfigurationError, LightApiWarning
from lightapi.rest import RestEndpoint, is_concrete_endpoint
from lightapi.spec.application import (
    check_path,
    compile_app,
    normalise_path,
    registration_subject,
)
from lightapi.spec.codes import CODES, Severity
from lightapi.spec.compile import compile_endpoint
from lightapi.spec.declarations import AppDecl, CallableDecl, CorsDecl, RegistrationDecl
from lightapi.spec.deploy import deploy_findings
from lightapi.spec.diagnostics import (
    Diagnostic,
    collecting,
    relative_path,
    report,
)
from lightapi.spec.findings import Findings
from lightapi.spec.login import DEFAULT_LIMITS
from lightapi.spec.model import AppSpec, EndpointSpec, ObjectRef, RefKind, RouteKind, SourceLocation

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["LightApi"]


# Declared options whose runtime has not landed yet: building an app that uses one fails loudly
# instead of silently serving without it.
def _caller_location(depth: int = 2) -> SourceLocation:
    frame = sys._getframe(depth)
    return SourceLocation(file=relative_path(frame.f_code.co_filename), line=frame.f_lineno)


class LightApi:
    """A REST API over registered endpoints; an ASGI application once built."""

    def __init__(
        self,
        engine: Engine | AsyncEngine | None = None,
        database_url: str | None = None,
        mode: Literal["sync", "async"] | None = None,
        cors_origins: Iterable[str] | None = None,
        middlewares: Iterable[Any] | None = None,
        auth_path: str = "/auth",
        session_manager: None = None,
        rate_limiter: Any = None,
        login_validator: Any = None,
        use_test_isolation: bool = False,
        *,
        jwt_secret: str | None = None,
        jwt_algorithm: str | None = None,
        jwt_expiration: int | None = None,
        jwt_issuer: str | None = None,
        jwt_audience: str | None = None,
        jwt_require_exp: bool = False,
        cors_allow_credentials: bool | None = None,
        cors_allow_methods: Iterable[str] | None = None,
        cors_allow_headers: Iterable[str] | None = None,
        cors_expose_headers: Iterable[str] | None = None,
        cors_max_age: int = 600,
        max_body_size: int | None = 1_048_576,
        openapi_url: str | None = "/openapi.json",
        docs_url: str | None = "/docs",
        title: str = "LightAPI",
        version: str = "1.0.0",
        description: str | None = None,
        health_url: str | None = "/healthz",
        ready_url: str | None = "/readyz",
        redis_url: str | None = None,
        cache_backend: Any = None,
        cache_prefix: str = "lightapi",
        engine_options: Mapping[str, Any] | None = None,
        silence: Iterable[str] = (),
    ) -> None:
        if session_manager is not None:
            raise ConfigurationError("session_manager is no longer supported; pass None (R19.3)")
        self._middlewares = instances(list(middlewares or ()))
        self._location = _caller_location()
        self._engine = self._resolve_engine(engine, database_url, engine_options)
        self._check_mode(mode)
        self._metadata = MetaData()
        self._registrations: list[tuple[RegistrationDecl, type[RestEndpoint]]] = []
        self._endpoints: dict[str, type[RestEndpoint]] = {}
        self._starlette: Starlette | None = None
        self._db: Database | None = None
        self._rename: Callable[[Diagnostic], Diagnostic] | None = None  # YAML key paths
        self._reflected: dict[str, EndpointSpec] = {}  # by table name
        self._reflection_diagnostics: dict[type[RestEndpoint], tuple[Diagnostic, ...]] = {}
        self._compiled: tuple[AppSpec, tuple[Diagnostic, ...]] | None = None
        self._silence = _warning_codes(silence)
        self._cors = (
            CorsDecl(
                origins=tuple(cors_origins),
                allow_credentials=cors_allow_credentials,
                allow_methods=tuple(cors_allow_methods) if cors_allow_methods else None,
                allow_headers=tuple(cors_allow_headers) if cors_allow_headers else None,
                expose_headers=tuple(cors_expose_headers) if cors_expose_headers else None,
                max_age=cors_max_age,
            )
            if cors_origins
            else None
        )
        # R10.8: the secret is kept here and resolved (with config and the environment) at build.
        self._jwt_secret = jwt_secret
        self._cache_backend = cache_backend
        self._login_validator = login_validator
        # The app's arguments as the compiler reads them; registrations and the JWT fallbacks
        # are added at compile.
        self._declared = AppDecl(
            registrations=(),
            location=self._location,
            auth_path=auth_path,
            cors=self._cors,
            middlewares=tuple(_qualified_name(item) for item in self._middlewares),
            max_body_size=max_body_size,
            openapi_url=openapi_url,
            docs_url=docs_url,
            title=title,
            version=version,
            description=description,
            health_url=health_url,
            ready_url=ready_url,
            database=database_summary(self._engine) if self._engine is not None else None,
            redis_url=redis_url or os.environ.get("LIGHTAPI_REDIS_URL") or None,
            cache_prefix=cache_prefix,
            jwt_algorithm=jwt_algorithm,
            jwt_expiration=jwt_expiration,
            jwt_issuer=jwt_issuer,
            jwt_audience=jwt_audience,
            jwt_require_exp=jwt_require_exp,
            login_validator=_callable_decl(login_validator, ("username", "password")),
            rate_limiter=_rate_limiter(rate_limiter),
            rate_limiter_disabled=rate_limiter is False,
        )
        self.title, self.version, self.description = title, version, description

    # -- database ---------------------------------------------------------------------------

    @staticmethod
    def _resolve_engine(
        engine: Engine | AsyncEngine | None,
        database_url: str | None,
        options: Mapping[str, Any] | None,
    ) -> Engine | AsyncEngine | None:
        """R19.2: the engine, else the URL, else LIGHTAPI_DATABASE_URL."""
        if engine is not None:
            return engine
        url = database_url or os.environ.get("LIGHTAPI_DATABASE_URL")
        if url:
            return engine_from_url(url, dict(options or {}))
        if collecting():
            return None
        raise ConfigurationError(
            "No database configured: pass engine= or database_url=, or set LIGHTAPI_DATABASE_URL"
        )

    def _check_mode(self, mode: str | None) -> None:
        if mode is None or self._engine is None:
            return
        is_async = is_async_engine(self._engine)
        if mode not in ("sync", "async") or (mode == "async") != is_async:
            raise ConfigurationError(
                f"mode={mode!r} does not match the {'async' if is_async else 'sync'} engine"
            )

    # -- registration (phase R) ---------------------------------------------------------------

    def register(self, mapping: Mapping[str, type[RestEndpoint]]) -> None:
        """Bind paths to endpoint classes (R19.4) and build their tables in ``self.metadata``."""
        if self._starlette is not None:
            raise ConfigurationError("register() called after build_app()")
        location = _caller_location()
        with collection_paused():
            self._register(mapping, location)

    def _register(
        self, mapping: Mapping[str, type[RestEndpoint]], location: SourceLocation
    ) -> None:
        found = Findings()
        if not isinstance(mapping, Mapping):
            found.add(
                "LA108",
                "app.register",
                location,
                problem="argument is not a mapping",
                fix="pass {'/path': EndpointClass}",
            )
            report(found.items)
            return
        valid: list[tuple[str, type[RestEndpoint]]] = []
        for path, cls in mapping.items():
            if not isinstance(path, str):
                found.add(
                    "LA108",
                    registration_subject(path),
                    location,
                    problem=f"key {path!r} is not a str path",
                    fix="use a str path",
                )
            elif not is_concrete_endpoint(cls):
                found.add(
                    "LA108",
                    registration_subject(path),
                    location,
                    problem=f"value for {path!r} is not a concrete RestEndpoint subclass",
                    fix="pass the endpoint class",
                )
            elif check_path(path, location, found):
                valid.append((path, cls))
        report(found.items)
        if found.has_errors:
            return
        reflection: list[Diagnostic] = []
        for path, cls in valid:
            spec = cls.__lightapi_spec__
            assert spec is not None
            registration = RegistrationDecl(path=path, endpoint=spec, location=location)
            self._registrations.append((registration, cls))
            self._endpoints.setdefault(normalise_path(path), cls)
            if self._reflects_now(spec):  # R15.5: sync engines, here
                reflection.extend(self._reflect(len(self._registrations) - 1))
            has_errors = any(item.is_error for item in cls.__lightapi_diagnostics__)
            if (
                spec.reflect == "none"
                and spec.table not in self._metadata.tables
                and not has_errors
            ):
                map_class(cls, build_table(spec, self._metadata))
        self._compiled = None
        # R3.10: one SpecError with the reflection errors of every endpoint of the call.
        report(self._renamed(reflection))

    # -- the YAML front end (§16) ----------------------------------------------------------------

    @classmethod
    def from_config(cls, path: str | os.PathLike[str], **overrides: Any) -> LightApi:
        """An app from a YAML file (R16.1); ``overrides`` are LightApi arguments and win."""
        from lightapi.yaml_config import parse

        file = relative_path(os.fspath(path))
        data, source, found = parse(Path(path).read_text(), file)
        return cls._from_data(data, source, found, overrides)

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any], **overrides: Any) -> LightApi:
        """An app from an already parsed configuration, in the shape of R16.3 or of 0.x."""
        from lightapi._yaml_legacy import translated
        from lightapi.yaml_config import Source

        return cls._from_data(translated(mapping), Source("<dict>"), [], overrides)

    @classmethod
    def _from_data(
        cls, data: Any, source: Any, found: list[Diagnostic], overrides: Mapping[str, Any]
    ) -> LightApi:
        """Phase Y: every problem of the file raised together (R16.1), then phase R."""
        from lightapi._yaml_endpoints import (
            Builder,
            app_arguments,
            endpoint_declaration,
            renamed,
        )
        from lightapi.yaml_config import validated

        builder = Builder(source)
        builder.found.extend(found)
        config = None
        if not found:
            config, problems = validated(data, source)
            builder.found.extend(problems)
        if config is None:
            report(builder.found)
            # Collect mode: nothing more can be read from the file, but the app is its.
            return cls(**overrides)._from_file(source)
        arguments = {**app_arguments(builder, config), **overrides}
        entries = [(index, entry) for index, entry in enumerate(config.endpoints) if entry]
        declarations = {
            index: endpoint_declaration(builder, config, index, entry) for index, entry in entries
        }
        names = {declaration.name: index for index, declaration in declarations.items()}
        seen: dict[str, int] = {}
        compiled = {}
        for index, entry in entries:
            route = normalise_path(entry.route)
            if route in seen:
                builder.add("LA706", ("endpoints", index, "route"), route=entry.route)
            seen.setdefault(route, index)
            spec, diagnostics = compile_endpoint(declarations[index])
            compiled[index] = (declarations[index], spec, diagnostics)
            own = {declarations[index].name: index}  # two entries may share a class name
            builder.found.extend(renamed(item, own, source) for item in diagnostics)
        report(builder.found)
        app = cls(**arguments)._from_file(source)
        app._rename = lambda item: renamed(item, names, source)
        classes = {
            entry.route: _prebuilt_class(*compiled[index])
            for index, entry in entries
            if seen[normalise_path(entry.route)] == index  # a repeated route is LA706
        }
        app.register(classes)
        app._registrations = [
            (
                dataclasses.replace(
                    registration, location=source.location(("endpoints", names[cls_.__name__]))
                ),
                cls_,
            )
            for registration, cls_ in app._registrations
        ]
        return app

    def _from_file(self, source: Any) -> LightApi:
        """App-level diagnostics of a YAML app point at its file (R3.9, R16.6)."""
        self._location = source.location(())
        self._declared = dataclasses.replace(self._declared, location=self._location)
        return self

    # -- reflection (§15) -----------------------------------------------------------------------

    def _reflects_now(self, spec: EndpointSpec) -> bool:
        """Sync engines reflect in register(); async ones when the app is built; collect mode
        never (R3.12, R15.5)."""
        engine = self._engine
        return (
            spec.reflect != "none"
            and engine is not None
            and not collecting()
            and not is_async_engine(engine)
            and spec.table not in self._reflected
        )

    def _reflect(self, index: int) -> tuple[Diagnostic, ...]:
        """Read the table of registration ``index``, recompile its endpoint with the columns,
        and serve the table as it is; the diagnostics are the caller's to report."""
        registration, cls = self._registrations[index]
        spec = registration.endpoint
        dialect = self._database().dialect

        def read(connection: Any) -> tuple[Any, Any]:
            table = read_table(connection, spec.table)
            return table, None if table is None else describe(table, dialect)

        try:
            table, columns = self._database().run_blocking(read)
        except DatabaseFailure as error:
            raise ConfigurationError(
                f"cannot reflect table {spec.table!r}: {error.detail}"
            ) from error
        # No columns at all means no table (LA601).
        reflected, diagnostics = compile_endpoint(cls.__lightapi_endpoint_decl__, columns or ())
        self._reflection_diagnostics[cls] = diagnostics
        self._registrations[index] = (dataclasses.replace(registration, endpoint=reflected), cls)
        if table is not None and not any(item.is_error for item in diagnostics):
            own = adopt(table, self._metadata)
            self._reflected[spec.table] = reflected
            map_class(cls, own)
        return diagnostics

    def _renamed(self, diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
        """A YAML app names its endpoints' problems by key path (R16.6)."""
        rename = self._rename
        return tuple(map(rename, diagnostics) if rename is not None else diagnostics)

    def _database(self) -> Database:
        if self._db is None:
            assert self._engine is not None
            self._db = Database(self._engine)
        return self._db

    # -- compilation (phase B) ---------------------------------------------------------------

    def _declaration(self) -> AppDecl:
        """The app's declaration now: ``config`` and the environment are read at build, not
        when ``LightApi(...)`` ran (R10.8, R10.9)."""
        return dataclasses.replace(
            self._declared,
            registrations=tuple(item for item, _ in self._registrations),
            jwt_secret_length=_secret_length(self._jwt_secret),
            jwt_algorithm_fallback=_fallback_algorithm(),
        )

    def __lightapi_compiled__(self) -> tuple[AppSpec, tuple[Diagnostic, ...]]:
        if self._compiled is None:
            spec, diagnostics = compile_app(self._declaration())
            endpoint_diagnostics = tuple(
                item
                for _, cls in self._registrations
                for item in self._reflection_diagnostics.get(cls, cls.__lightapi_diagnostics__)
            )
            merged = self._renamed(dict.fromkeys((*endpoint_diagnostics, *diagnostics)))
            self._compiled = (spec, merged)
        return self._compiled

    @property
    def spec(self) -> AppSpec:
        """The compiled AppSpec (R3.5); raises SpecError when the app has errors."""
        spec, diagnostics = self.__lightapi_compiled__()
        report(diagnostics)
        return spec

    def check(self, deploy: bool = False) -> tuple[Diagnostic, ...]:
        """Every diagnostic of the app (R19.7); ``deploy`` adds phase P (R3.5, R4.11)."""
        spec, diagnostics = self.__lightapi_compiled__()
        if not deploy:
            return diagnostics
        extra = deploy_findings(spec, self._declaration(), os.environ)
        return tuple(dict.fromkeys((*diagnostics, *extra)))

    # -- building the ASGI app ---------------------------------------------------------------

    def build_app(self) -> Starlette:
        """Compile, then build the Starlette application once (R19.5)."""
        if self._starlette is not None:
            return self._starlette
        with collection_paused():
            return self._build()

    def _build(self) -> Starlette:
        self._reflect_pending()
        spec, diagnostics = self.__lightapi_compiled__()
        report(diagnostics)
        self._emit_warnings(diagnostics)
        if collecting():
            return Starlette()
        engine = self._engine
        assert engine is not None
        db = self._database()
        setup = TableSetup(db, self._metadata, self._reflected)
        cache = self._response_cache(spec)
        routes = self._routes(spec, db, setup, cache)
        middleware: list[StarletteMiddleware] = []
        if spec.cors is not None:
            middleware.append(cors_middleware(spec.cors))
        if not db.is_async:
            setup.run_now()
        self._starlette = Starlette(
            routes=routes,
            middleware=middleware,
            exception_handlers={
                HTTPException: http_exception_handler,
                Exception: server_error_handler,
            },
            lifespan=_lifespan(setup if db.is_async else None, cache),
        )
        self._starlette.router.redirect_slashes = False
        return self._starlette

    def _reflect_pending(self) -> None:
        """R15.5: async engines reflect when the app starts (sync ones at register, except in
        collect mode); the diagnostics become the app's."""
        if self._engine is None or collecting():
            return
        for index, (registration, _) in enumerate(list(self._registrations)):
            spec = registration.endpoint
            if spec.reflect != "none" and spec.table not in self._reflected:
                self._reflect(index)
                self._compiled = None

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document (R17.1, R17.8): compiled, never touching the database
        except to reflect ``Meta.reflect`` tables."""
        from lightapi.openapi.document import build_document

        self._reflect_pending()
        spec, diagnostics = self.__lightapi_compiled__()
        report(diagnostics)
        return build_document(
            spec, {endpoint.name: self._models(endpoint) for endpoint in spec.endpoints}
        )

    def _models(self, spec: EndpointSpec) -> EndpointModels:
        """The pydantic models that validate the endpoint's bodies, built once."""
        assert spec.path is not None
        if spec.table in self._reflected:
            return build_models(spec)
        return models_for(self._endpoints[spec.path])

    def _emit_warnings(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        for item in diagnostics:
            if not item.is_error and item.code not in self._silence:
                warnings.warn(str(item), LightApiWarning, stacklevel=4)  # build_app's caller

    def _runtime(self, spec: EndpointSpec, db: Database) -> EndpointRuntime:
        table = self._metadata.tables[spec.table]
        locking = spec.locking.enabled
        statements = Statements(
            table,
            Layout(table, spec.serializer.read, locking),
            Layout(table, spec.serializer.write, locking),
            locking=locking,
        )
        assert spec.path is not None
        return EndpointRuntime(
            spec=spec,
            path=spec.path,
            db=db,
            statements=statements,
            read=RowEncoder(f"{spec.name}Read", spec.serializer.read),
            write=RowEncoder(f"{spec.name}Written", spec.serializer.write),
            models=self._models(spec),
            max_body_size=self._declared.max_body_size,
            endpoint_class=self._endpoints[spec.path],
            cursors=CursorCodec(self._cursor_key(spec)),
            app=self,
        )

    def _cursor_key(self, spec: EndpointSpec) -> bytes:
        """The JWT secret when there is one (unforgeable cursors), else a per-endpoint key."""
        fallback = f"lightapi-cursor:{spec.name}:{spec.table}"
        secret = _resolved_secret(self._jwt_secret) or fallback
        return hashlib.sha256(secret.encode()).digest()

    def _response_cache(self, spec: AppSpec) -> ResponseCache | None:
        """R14.5: the injected backend, else Redis at redis_url, LIGHTAPI_REDIS_URL or the
        default URL; only when an endpoint caches."""
        cached = [endpoint.name for endpoint in spec.endpoints if endpoint.cache is not None]
        if not cached:
            return None
        backend = self._cache_backend or RedisCacheBackend(
            spec.cache.redis_url or DEFAULT_REDIS_URL
        )
        return ResponseCache(backend, spec.cache.prefix, cached)

    def _routes(
        self, spec: AppSpec, db: Database, setup: TableSetup, cache: ResponseCache | None
    ) -> list[BaseRoute]:
        runtimes = {endpoint.name: self._runtime(endpoint, db) for endpoint in spec.endpoints}
        security = build_security(
            spec,
            _resolved_secret(self._jwt_secret),
            self._login_validator,
            self._declared.max_body_size,
            self._declared.cache_prefix,
        )
        pipeline = Pipeline(self._middlewares) if self._middlewares else None
        routes: list[BaseRoute] = []
        for route in spec.routes:
            if route.kind in (RouteKind.COLLECTION, RouteKind.DETAIL):
                assert route.endpoint is not None
                guard = security.guards.get(route.endpoint)
                runtime = runtimes[route.endpoint]
                routes.extend(endpoint_routes(route, runtime, setup, guard, pipeline, cache))
            elif route.kind in (RouteKind.LOGIN, RouteKind.TOKEN):
                assert security.login is not None
                routes.extend(login_route(route.path, security.login))
            elif route.kind is RouteKind.HEALTH:
                routes.extend(health_route(route.path))
            elif route.kind is RouteKind.READY:
                routes.extend(ready_route(route.path, db, setup))
            elif route.kind is RouteKind.OPENAPI:
                routes.extend(document_route(route.path, encode(self.openapi())))
            elif route.kind is RouteKind.DOCS:
                assert spec.openapi_url is not None
                page = docs_page(route.path, spec.openapi_url, spec.title)
                routes.extend(docs_routes(route.path, page))
        return routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An app is an ASGI application: it builds itself on first use."""
        await self.build_app()(scope, receive, send)

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool = False,
        reload: bool = False,
        workers: int = 1,
        log_level: str = "info",
    ) -> None:
        """Build (errors raise before any port is bound) and serve with uvicorn (R19.6)."""
        if reload or workers > 1:
            raise ConfigurationError(
                "reload and workers need an import string: use `lightapi serve module:app --reload`"
            )
        application = self.build_app()
        if collecting():
            return
        import uvicorn

        uvicorn.run(
            application,
            host=host or os.environ.get("LIGHTAPI_HOST", "127.0.0.1"),
            port=port or int(os.environ.get("LIGHTAPI_PORT", "8000")),
            log_level=log_level,
        )

    # -- read-only views (R19.7) --------------------------------------------------------------

    @property
    def endpoints(self) -> Mapping[str, type[RestEndpoint]]:
        return MappingProxyType(dict(self._endpoints))

    @property
    def engine(self) -> Engine | AsyncEngine | None:
        return self._engine

    @property
    def metadata(self) -> MetaData:
        return self._metadata


def _prebuilt_class(declaration: Any, spec: EndpointSpec, diagnostics: Any) -> type[RestEndpoint]:
    """The endpoint class of a YAML entry, compiled already (R16.1)."""
    namespace = {
        "__module__": declaration.module,
        "__qualname__": declaration.name,
        "__lightapi_prebuilt__": (declaration, spec, diagnostics),
    }
    return type(declaration.name, (RestEndpoint,), namespace)


def _qualified_name(value: Any) -> str:
    kind = value if isinstance(value, type) else type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _resolved_secret(secret: str | None) -> str | None:
    """R10.8: the argument, else ``config.jwt_secret``, else LIGHTAPI_JWT_SECRET."""
    return secret or config.jwt_secret or os.environ.get("LIGHTAPI_JWT_SECRET") or None


def _secret_length(secret: str | None) -> int | None:
    """Only the secret's length reaches the IR."""
    chosen = _resolved_secret(secret)
    return len(chosen.encode()) if chosen else None


def _fallback_algorithm() -> str | None:
    """R10.9: ``config.jwt_algorithm`` when changed from the default, else the environment."""
    if config.jwt_algorithm != "HS256":
        return config.jwt_algorithm
    return os.environ.get("LIGHTAPI_JWT_ALGORITHM")


def _callable_decl(function: Any, arguments: tuple[str, ...]) -> CallableDecl | None:
    if function is None:
        return None
    name = getattr(function, "__qualname__", type(function).__name__)
    try:
        inspect.signature(function).bind(*arguments)
    except TypeError:
        return CallableDecl(name=name, problem=f"must accept ({', '.join(arguments)})")
    except ValueError:  # no signature to read (a builtin): trust it
        pass
    return CallableDecl(name=name)


def _rate_limiter(value: Any) -> ObjectRef | None:
    """R10.16: a RateLimiter, a dict of windows, False (off) or None (defaults)."""
    if value is None or value is False:
        return None
    ref = rate_limiter_ref(value)
    if ref is None or ref.kind is RefKind.INVALID:
        raise ConfigurationError("rate_limiter must be a RateLimiter, a dict, False or None")
    if ref.kind is RefKind.LIMITS:
        unknown = sorted(set(value) - set(DEFAULT_LIMITS))
        if unknown:
            raise ConfigurationError(f"rate_limiter got unknown keys: {', '.join(unknown)}")
    return ref


def _warning_codes(codes: Iterable[str]) -> frozenset[str]:
    """R3.14: only warnings can be silenced; naming an error or unknown code is a mistake."""
    chosen = frozenset(codes)
    wrong = sorted(
        code for code in chosen if code not in CODES or CODES[code].severity is not Severity.WARNING
    )
    if wrong:
        raise ConfigurationError(f"silence= accepts warning codes only, not {', '.join(wrong)}")
    return chosen


def _lifespan(setup: TableSetup | None, cache: ResponseCache | None) -> Any:
    """At startup async engines create tables and a cache is pinged (R19.5, R14.6); failures
    are logged and retried later, never fatal."""
    import contextlib
    import logging

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        if setup is not None:
            try:
                await setup.ensure()
            except Exception as error:
                logging.getLogger("lightapi").warning(
                    "database unavailable at startup; will retry: %s", error
                )
        if cache is not None:
            await cache.startup()
        yield

    return lifespan
