"""The LightApi object: database configuration, registration, mapping and build (§19, R2.25)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session

from lightapi import ConfigurationError, LightApi, RestEndpoint, SpecError
from lightapi.session import get_async_session, get_sync_session
from tests.conftest import client_for
from tests.http.models import BookEndpoint, ReadOnlyEndpoint


def test_no_database_is_a_configuration_error(monkeypatch):
    monkeypatch.delenv("LIGHTAPI_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError) as raised:
        LightApi()
    assert "No database configured" in str(raised.value)  # R19.2 (compatible)
    assert "LIGHTAPI_DATABASE_URL" in str(raised.value)


def test_database_url_and_environment(monkeypatch, tmp_path):
    app = LightApi(database_url=f"sqlite:///{tmp_path}/a.db")
    assert str(app.engine.url).endswith("a.db")
    monkeypatch.setenv("LIGHTAPI_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/b.db")
    from_env = LightApi()
    assert from_env.engine.url.drivername == "sqlite+aiosqlite"  # async driver -> async engine
    assert hasattr(from_env.engine, "sync_engine")


def test_mode_must_match_the_engine():
    with pytest.raises(ConfigurationError):
        LightApi(engine=create_engine("sqlite://"), mode="async")
    with pytest.raises(ConfigurationError):
        LightApi(engine=create_async_engine("sqlite+aiosqlite://"), mode="sync")
    LightApi(engine=create_engine("sqlite://"), mode="sync")


def test_session_manager_must_be_none():
    with pytest.raises(ConfigurationError):
        LightApi(engine=create_engine("sqlite://"), session_manager=object())  # R19.3


def test_register_rejects_wrong_kinds_and_registers_nothing():
    class Abstract(RestEndpoint):
        _base_only = True
        name: str

    app = LightApi(engine=create_engine("sqlite://"))
    for mapping in ({"/x": Abstract}, {"/x": int}, {5: BookEndpoint}, "nope"):
        with pytest.raises(ConfigurationError):
            app.register(mapping)  # R3.11
    with pytest.raises(SpecError):
        app.register({"/books": BookEndpoint, "books": ReadOnlyEndpoint})  # LA109
    assert dict(app.endpoints) == {}


def test_register_after_build_is_refused():
    app = LightApi(engine=create_engine("sqlite://"))
    app.register({"/books": BookEndpoint})
    app.build_app()
    assert app.build_app() is app.build_app()  # R19.5: later calls return the same object
    with pytest.raises(ConfigurationError):
        app.register({"/read": ReadOnlyEndpoint})


def test_read_only_views():
    engine = create_engine("sqlite://")
    app = LightApi(engine=engine)
    app.register({"/books/": BookEndpoint, "/read": ReadOnlyEndpoint})
    assert list(app.endpoints) == ["/books", "/read"]  # normalised, registration order
    with pytest.raises(TypeError):
        app.endpoints["/x"] = BookEndpoint  # immutable
    assert app.engine is engine
    assert set(app.metadata.tables) == {"books", "read_onlys"}
    assert [column.name for column in app.metadata.tables["books"].columns] == [
        "id", "created_at", "updated_at", "version", "title", "author", "year", "pages"
    ]  # R2.12: automatic columns first
    assert app.spec.endpoints[0].path == "/books"


def test_class_level_orm_access_follows_the_latest_app(tmp_path):
    """R2.25: after registration, E.<field> is a column and select(E) reads its rows."""
    first = LightApi(engine=create_engine(f"sqlite:///{tmp_path}/one.db"))
    first.register({"/books": BookEndpoint})
    second = LightApi(engine=create_engine(f"sqlite:///{tmp_path}/two.db"))
    second.register({"/books": BookEndpoint})
    assert BookEndpoint.__table__ is second.metadata.tables["books"]
    assert BookEndpoint._model_class is BookEndpoint
    for app in (first, second):
        app.build_app()
    with get_sync_session(second.engine) as session:
        book = BookEndpoint()
        book.title, book.author = "Dune", "Herbert"
        session.add(book)
    with Session(second.engine) as session:
        titles = session.scalars(select(BookEndpoint.title).where(BookEndpoint.pages == 100)).all()
        assert titles == ["Dune"]
        assert session.scalars(select(BookEndpoint)).one().title == "Dune"
    with Session(first.engine) as session:  # the other app keeps its own database
        assert session.scalars(select(BookEndpoint)).all() == []


async def test_sessions_commit_or_roll_back(tmp_path):
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/s.db")
    app = LightApi(engine=engine)
    app.register({"/books": BookEndpoint})
    async with client_for(app) as client:
        await client.get("/books")  # creates the tables
        with pytest.raises(RuntimeError):
            async with get_async_session(engine) as session:
                book = BookEndpoint()
                book.title, book.author = "Lost", "X"
                session.add(book)
                await session.flush()
                raise RuntimeError("undo")
        assert (await client.get("/books")).json() == {"results": []}
    await engine.dispose()


async def test_user_memory_sqlite_engine_serves_one_database():
    """R13.2: a pool with one connection per thread still shows one database to requests."""
    app = LightApi(engine=create_engine("sqlite://"))
    app.register({"/books": BookEndpoint})
    async with client_for(app) as client:
        for title in ("a", "b", "c"):
            created = await client.post("/books", json={"title": title, "author": "x"})
            assert created.status_code == 201
        assert len((await client.get("/books")).json()["results"]) == 3


def test_run_refuses_reload_and_workers():
    app = LightApi(engine=create_engine("sqlite://"))
    app.register({"/books": BookEndpoint})
    with pytest.raises(ConfigurationError, match="lightapi serve"):
        app.run(reload=True)
    with pytest.raises(ConfigurationError, match="lightapi serve"):
        app.run(workers=2)


def test_build_refuses_an_app_with_errors_before_serving():
    class Clash(RestEndpoint):
        name: str

        class Meta:
            table = "books"

    app = LightApi(engine=create_engine("sqlite://"))
    app.register({"/books": BookEndpoint, "/clash": Clash})
    with pytest.raises(SpecError) as raised:
        app.build_app()
    assert [item.code for item in raised.value.diagnostics] == ["LA902"]


def test_warnings_never_stop_a_build():
    from lightapi import LightApiWarning, Serializer

    class Twice(RestEndpoint):
        title: str

        class Meta:
            serializer = Serializer(read=["title", "title"])  # LA205, a warning

    app = LightApi(engine=create_engine("sqlite://"))
    app.register({"/twice": Twice})
    with pytest.warns(LightApiWarning, match="LA205"):
        app.build_app()  # R3.14
    assert "twices" in app.metadata.tables


def test_silence_accepts_warning_codes_only():
    LightApi(engine=create_engine("sqlite://"), silence={"LA205", "LA908"})
    for codes in ({"LA002"}, {"LA999"}):
        with pytest.raises(ConfigurationError):
            LightApi(engine=create_engine("sqlite://"), silence=codes)  # R3.14
