"""One test per diagnostic code of reflection (LA601-LA608, SPEC §15) and of the YAML front end
(LA701-LA708, SPEC §16), each asserting the whole Diagnostic.

The style is that of ``test_codes.py``: the main test of each code spells message and hint out
literally as SPEC §3.6 writes them; variants build them from the templates (``from_catalogue``).

Reflection reads real tables: each test creates a SQLite file with SQLAlchemy Core
(``metadata.create_all``) and registers an endpoint over it. A sync engine reflects inside
``register()`` (R15.5), so errors raise there and warnings are listed by ``app.check()``; in
collect mode ``register()`` never reflects (R3.12). Table-level codes point at the line of
``reflect = ...`` (their subject is ``Meta.reflect``), field-level ones at the field's line;
the lines are marked ``# LA604`` and looked up with ``here(...)``.

YAML tests write the file into ``tmp_path`` with a marker comment on the offending key's line
(YAML has ``#`` comments), and load it with ``LightApi.from_config``. Their diagnostics point at
the file and the key's line, with the key path as subject (R16.6). Each file is loaded twice: in
collect mode, as ``lightapi check`` loads YAML targets, and outside it, where one SpecError holds
every problem of the file (R3.10, R16.1).
"""

import textwrap
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Optional

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    text,
)
from sqlalchemy import inspect as inspect_database
from sqlalchemy.ext.asyncio import create_async_engine

from lightapi import ConfigurationError, LightApi, LightApiWarning, RestEndpoint
from lightapi.spec import CODES, Diagnostic, FieldOrigin, LockingSpec, SourceLocation
from tests.spec.support import (
    ERROR,
    WARNING,
    at,
    check_declaration,
    collected,
    errors_among,
    from_catalogue,
    literal,
    raised,
    shown_path,
)

# The codes tested here; with test_codes.IMPLEMENTED and test_codes_options.IMPLEMENTED they
# cover the whole catalogue (test_codes_options.test_every_code_is_tested).
IMPLEMENTED = (
    *(f"LA{number}" for number in range(601, 609)),
    *(f"LA{number}" for number in range(701, 709)),
)


def here(marker: str) -> SourceLocation:
    return at(__file__, marker)


def error(code: str, subject: str, marker: str, message: str, hint: str) -> Diagnostic:
    return literal(ERROR, code, subject, here(marker), message, hint)


def warning(code: str, subject: str, marker: str, message: str, hint: str) -> Diagnostic:
    return literal(WARNING, code, subject, here(marker), message, hint)


def test_every_implemented_code_has_a_test() -> None:
    tested = {name[5:10].upper() for name in globals() if name.startswith("test_la")}
    assert tested == set(IMPLEMENTED)
    assert set(IMPLEMENTED) <= set(CODES)


# -- reflection: LA601-LA608 ---------------------------------------------------------------------

Tables = Callable[..., Engine]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Tables]:
    """``database(legacy=[Column(...), ...])``: a sync engine over a SQLite file holding those
    tables, created with SQLAlchemy Core: LightAPI only reads reflected tables (R15.1)."""
    engines: list[Engine] = []

    def create(**tables: list[Column[Any]]) -> Engine:
        engine = create_engine(f"sqlite:///{tmp_path / 'legacy.db'}")
        metadata = MetaData()
        for name, columns in tables.items():
            Table(name, metadata, *columns)
        metadata.create_all(engine)
        engines.append(engine)
        return engine

    yield create
    for engine in engines:
        engine.dispose()


def key(name: str = "id") -> Column[Any]:
    return Column(name, Integer, primary_key=True)


def version() -> Column[Any]:
    return Column("version", Integer, nullable=False, server_default=text("1"))


def check_reflection(
    engine: Engine, endpoint: type[RestEndpoint], *expected: Diagnostic
) -> LightApi:
    """Phase R with a sync engine (R15.5): ``register()`` reads the table and raises one
    SpecError holding the errors among ``expected``; warnings never stop it (R3.14): then
    ``app.check()`` lists them and ``build_app()`` emits each once. In collect mode
    ``register()`` never reflects, so it reports nothing (R3.12). Returns the app."""
    paths = {"/legacy": endpoint}
    collecting = LightApi(engine=engine)
    assert collected(lambda: collecting.register(paths)) == []
    app = LightApi(engine=engine)
    errors = errors_among(expected)
    if errors:
        assert raised(lambda: app.register(paths)).diagnostics == errors
        return app
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        app.register(paths)
    assert app.check() == expected
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app.build_app()
    emitted = [item for item in caught if issubclass(item.category, LightApiWarning)]
    assert [str(item.message) for item in emitted] == [str(item) for item in expected]
    return app


def test_la601_reflected_table_missing(database: Tables) -> None:
    """R15.5: a sync engine reflects in register(), so a missing table raises there, as a
    ConfigurationError whose message says "does not exist"."""

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA601
            table = "legacy"

    engine = database(books=[key(), Column("title", String(40)), version()])
    check_reflection(
        engine, LegacyEndpoint,
        error("LA601", "LegacyEndpoint.Meta.reflect", "LA601",
              "table 'legacy' does not exist in the database", "create it or fix Meta.table"),
    )
    with pytest.raises(ConfigurationError, match="does not exist"):
        LightApi(engine=engine).register({"/legacy": LegacyEndpoint})


def test_la601_every_missing_table_of_one_register_call(database: Tables) -> None:
    """R3.10: the SpecError from register() carries every error of the call."""

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA601-first
            table = "legacy"

    class ArchiveEndpoint(RestEndpoint):
        class Meta:
            reflect = "partial"  # LA601-second

    app = LightApi(engine=database())
    problem = raised(lambda: app.register({"/legacy": LegacyEndpoint, "/old": ArchiveEndpoint}))
    assert problem.diagnostics == (
        from_catalogue("LA601", "LegacyEndpoint.Meta.reflect", here("LA601-first"),
                       table="legacy"),
        from_catalogue("LA601", "ArchiveEndpoint.Meta.reflect", here("LA601-second"),
                       table="archives"),
    )


def test_la601_with_an_async_engine_raises_when_the_app_is_built(tmp_path: Path) -> None:
    """R15.5: async engines reflect when the app starts, so register() does not raise."""

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA601-async
            table = "legacy"

    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'legacy.db'}")
    try:
        app = LightApi(engine=engine)
        app.register({"/legacy": LegacyEndpoint})
        assert raised(app.build_app).diagnostics == (
            from_catalogue("LA601", "LegacyEndpoint.Meta.reflect", here("LA601-async"),
                           table="legacy"),
        )
    finally:
        engine.sync_engine.dispose()


def test_la601_of_a_yaml_entry_names_its_key_path(tmp_path: Path) -> None:
    """R16.6: reflection diagnostics of a YAML endpoint name its key path, even when they
    raise from the registration inside from_config (R15.5)."""
    config = yaml_file(tmp_path, f"""
        database:
          url: "sqlite:///{tmp_path / 'legacy.db'}"
        endpoints:
          - route: /legacy
            reflect: true  # LA601-yaml
    """)
    assert raised(lambda: LightApi.from_config(config)).diagnostics == (
        from_catalogue("LA601", key_path(config, "endpoints[0].reflect"),
                       at(str(config), "LA601-yaml"), table="legacy"),
    )


def test_la602_reflected_table_without_a_single_integer_key(database: Tables) -> None:
    """R15.3: the primary key must be one integer column."""

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA602
            table = "legacy"

    engine = database(legacy=[key("shelf"), key("slot"), Column("title", Text), version()])
    check_reflection(
        engine, LegacyEndpoint,
        error("LA602", "LegacyEndpoint.Meta.reflect", "LA602",
              "table 'legacy' needs a single integer primary key", "add one or use an override"),
    )


@pytest.mark.parametrize(
    "columns",
    [
        [Column("code", String(8), primary_key=True), Column("title", Text)],
        [Column("title", Text)],
    ],
    ids=["text-key", "no-key"],
)
def test_la602_a_text_key_or_no_key(database: Tables, columns: list[Column[Any]]) -> None:
    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA602-kinds
            table = "legacy"

    check_reflection(
        database(legacy=[*columns, version()]), LegacyEndpoint,
        from_catalogue("LA602", "LegacyEndpoint.Meta.reflect", here("LA602-kinds"),
                       table="legacy"),
    )


def test_la602_the_key_may_have_any_name(database: Tables) -> None:
    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True
            table = "legacy"

    app = check_reflection(
        database(legacy=[key("sku"), Column("title", Text), version()]), LegacyEndpoint
    )
    sku = app.spec.endpoint("LegacyEndpoint").field("sku")
    assert (sku.primary_key, sku.read_only, sku.origin) == (True, True, FieldOrigin.REFLECTED)


def test_la603_reflected_table_without_version(database: Tables) -> None:
    """R15.4: a table without ``version`` is served without optimistic locking."""

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA603
            table = "legacy"

    app = check_reflection(
        database(legacy=[key(), Column("body", Text)]), LegacyEndpoint,
        warning("LA603", "LegacyEndpoint.Meta.reflect", "LA603",
                "table 'legacy' has no version column; optimistic locking is off",
                "add an integer version column"),
    )
    spec = app.spec.endpoint("LegacyEndpoint")
    assert spec.locking == LockingSpec(enabled=False, column=None)
    assert spec.field_names == ("body", "id")


def test_la604_partial_reflection_declares_a_field_that_is_not_a_column(
    database: Tables,
) -> None:
    """R15.2: with reflect="partial" each declared field must be a column; tables are never
    altered (R15.1)."""

    class DocEndpoint(RestEndpoint):
        title: str
        notes: str  # LA604

        class Meta:
            reflect = "partial"

    engine = database(docs=[key(), Column("title", String(80)), version()])
    check_reflection(
        engine, DocEndpoint,
        error("LA604", "DocEndpoint.notes", "LA604",
              "field 'notes' is not a column of table 'docs'",
              "add the column (LightAPI never alters tables)"),
    )
    columns = inspect_database(engine).get_columns("docs")
    assert [column["name"] for column in columns] == ["id", "title", "version"]


def test_la605_declared_type_conflicts_with_the_column_type(database: Tables) -> None:
    """R15.2: a declared field must have the column's type; the column is named by the
    database's own type name."""

    class ProductEndpoint(RestEndpoint):
        price: str  # LA605

        class Meta:
            reflect = "partial"

    check_reflection(
        database(products=[key(), Column("price", Integer), version()]), ProductEndpoint,
        error("LA605", "ProductEndpoint.price", "LA605",
              "type conflict: 'price' is declared str but column is INTEGER",
              "align the annotation"),
    )


def test_la605_not_reported_when_nullability_is_narrowed(database: Tables) -> None:
    """R15.2: a declared field may narrow a nullable column, and then decides requiredness."""

    class ProductEndpoint(RestEndpoint):
        name: str

        class Meta:
            reflect = "partial"

    app = check_reflection(
        database(products=[key(), Column("name", Text, nullable=True), version()]),
        ProductEndpoint,
    )
    name = app.spec.endpoint("ProductEndpoint").field("name")
    assert (name.nullable, name.required_on_create, name.origin) == (
        False, True, FieldOrigin.DECLARED
    )


def test_la606_reflected_column_type_not_mapped(database: Tables) -> None:
    """R15.1: a column of another type than the table lists is not served."""

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA606
            table = "legacy"

    app = check_reflection(
        database(legacy=[key(), Column("body", Text), Column("blob", LargeBinary), version()]),
        LegacyEndpoint,
        warning("LA606", "LegacyEndpoint.Meta.reflect", "LA606",
                "column 'blob' (BLOB) is not served", "exclude it or declare an override"),
    )
    assert "blob" not in app.spec.endpoint("LegacyEndpoint").field_names


def test_la606_not_la607_for_a_required_column_with_a_default(database: Tables) -> None:
    """R15.3: a NOT NULL column with a server default can be left out on create."""

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA606-default
            table = "legacy"

    blob = Column("blob", LargeBinary, nullable=False, server_default=text("x''"))
    check_reflection(
        database(legacy=[key(), blob, version()]), LegacyEndpoint,
        from_catalogue("LA606", "LegacyEndpoint.Meta.reflect", here("LA606-default"),
                       column="blob", type="BLOB"),
    )


def test_la607_unmapped_column_is_not_null_without_a_default(database: Tables) -> None:
    """R15.1, R15.3: such a column could never be written, so no row could be created."""

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True  # LA607
            table = "legacy"

    check_reflection(
        database(legacy=[key(), Column("blob", LargeBinary, nullable=False), version()]),
        LegacyEndpoint,
        error("LA607", "LegacyEndpoint.Meta.reflect", "LA607",
              "column 'blob' (BLOB) is required but cannot be served", "give it a default"),
    )


def test_la608_reflect_true_with_declared_fields() -> None:
    """R15.1: declared fields are ignored with reflect=True; found at class creation."""

    def declare() -> None:
        class LegacyEndpoint(RestEndpoint):
            body: str

            class Meta:
                reflect = True  # LA608
                table = "legacy"

    check_declaration(
        declare,
        warning("LA608", "LegacyEndpoint.Meta.reflect", "LA608",
                "declared fields are ignored with reflect=True", "use reflect='partial'"),
    )


def test_la608_the_columns_are_served_instead_and_partial_is_quiet(database: Tables) -> None:
    class LegacyEndpoint(RestEndpoint):
        body: Optional[int] = None

        class Meta:
            reflect = "full"  # LA608-full
            table = "legacy"

    class PartialEndpoint(RestEndpoint):
        body: str

        class Meta:
            reflect = "partial"
            table = "legacy"

    assert PartialEndpoint.__lightapi_diagnostics__ == ()
    app = check_reflection(
        database(legacy=[key(), Column("body", Text), version()]), LegacyEndpoint,
        from_catalogue("LA608", "LegacyEndpoint.Meta.reflect", here("LA608-full")),
    )
    body = app.spec.endpoint("LegacyEndpoint").field("body")
    assert (body.python_type, body.origin) == ("Optional[str]", FieldOrigin.REFLECTED)


# -- YAML: LA701-LA708 ---------------------------------------------------------------------------


def yaml_file(directory: Path, content: str, name: str = "lightapi.yaml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(content).lstrip(), encoding="utf-8")
    return path


def key_path(config: Path, keys: str) -> str:
    """The subject of a YAML key (R16.6): the file as shown (R3.9), then the key path."""
    return f"{shown_path(str(config))}:{keys}"


def yaml_error(config: Path, code: str, keys: str, marker: str, message: str, hint: str
               ) -> Diagnostic:
    return literal(ERROR, code, key_path(config, keys), at(str(config), marker), message, hint)


def yaml_catalogue(config: Path, code: str, keys: str, marker: str, **values: Any) -> Diagnostic:
    return from_catalogue(code, key_path(config, keys), at(str(config), marker), **values)


def check_yaml(config: Path, *expected: Diagnostic) -> None:
    """Phase Y: in collect mode ``from_config`` reports exactly ``expected`` (how ``lightapi
    check`` loads a YAML target); outside it, one SpecError holds all their errors (R16.1)."""
    assert collected(lambda: LightApi.from_config(config)) == list(expected)
    assert raised(lambda: LightApi.from_config(config)).diagnostics == errors_among(expected)


def test_la701_unknown_yaml_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """R16.3: every mapping rejects unknown keys; R16.6: inside the current directory the
    subject reads as the SPEC writes it."""
    monkeypatch.chdir(tmp_path)
    config = yaml_file(tmp_path, """
        endpoints:
          - route: /books
            fields:
              title: {type: str}
            meta:
              paginaton: {page_size: 10}  # LA701
    """)
    check_yaml(
        config,
        literal(ERROR, "LA701", "lightapi.yaml:endpoints[0].meta.paginaton",
                SourceLocation(file="lightapi.yaml", line=at(str(config), "LA701").line),
                "unknown key 'paginaton'", "did you mean 'pagination'?"),
    )


def test_la701_at_the_top_of_a_file_outside_the_current_directory(tmp_path: Path) -> None:
    """R3.9: a file outside the current directory is shown as it is; the entries are still
    checked when a top-level key is wrong (R16.1)."""
    config = yaml_file(tmp_path, """
        databse:  # LA701-top
          url: "sqlite://"
        zebra: 1  # LA701-no-match
        endpoints:
          - route: /books
            fields:
              title: {type: str, max_len: 3}  # LA701-field
    """)
    assert not shown_path(str(config)).startswith("lightapi.yaml")
    check_yaml(
        config,
        yaml_catalogue(config, "LA701", "endpoints[0].fields.title.max_len", "LA701-field",
                       key="max_len", suggestion="did you mean 'max_length'?"),
        yaml_catalogue(config, "LA701", "databse", "LA701-top",
                       key="databse", suggestion="did you mean 'database'?"),
        yaml_catalogue(config, "LA701", "zebra", "LA701-no-match", key="zebra",
                       suggestion="known keys: database, mode, cors_origins, cors, middleware, "
                       "auth, rate_limit, max_body_size, openapi_url, docs_url, title, version, "
                       "defaults, endpoints"),
    )


def test_la702_invalid_yaml_value(tmp_path: Path) -> None:
    """R16.3: values are validated against the schema; the message is pydantic's."""
    config = yaml_file(tmp_path, """
        endpoints:
          - route: /books
            fields:
              title: {type: str}
            meta:
              pagination:
                page_size: many  # LA702
    """)
    check_yaml(
        config,
        yaml_error(config, "LA702", "endpoints[0].meta.pagination.page_size", "LA702",
                   "Input should be a valid integer, unable to parse string as an integer",
                   "see the schema in the docs"),
    )


def test_la702_a_required_key_is_missing(tmp_path: Path) -> None:
    """R16.3: ``route`` is required; the entry's own line is reported."""
    config = yaml_file(tmp_path, """
        endpoints:
          - name: Books  # LA702-missing
            fields:
              title: {type: str}
    """)
    check_yaml(
        config,
        yaml_catalogue(config, "LA702", "endpoints[0]", "LA702-missing",
                       error="'route' is required"),
    )


def test_la703_environment_variable_not_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R16.2: ``${VAR}`` must be set when it has no default."""
    monkeypatch.delenv("DB_URL", raising=False)
    config = yaml_file(tmp_path, """
        database:
          url: ${DB_URL}  # LA703
        endpoints:
          - route: /books
            fields:
              title: {type: str}
    """)
    check_yaml(
        config,
        yaml_error(config, "LA703", "database.url", "LA703",
                   "environment variable 'DB_URL' is not set",
                   "export it or write ${DB_URL:-default}"),
    )


def test_la703_not_reported_with_a_default_or_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R16.2: ``${VAR:-default}`` when unset or empty, the variable when set (even empty:
    LA703 is for unset variables only), ``$$`` is ``$``."""
    monkeypatch.delenv("DB_URL", raising=False)
    monkeypatch.setenv("LIBRARY_TITLE", "")
    monkeypatch.setenv("LIBRARY_VERSION", "2.1.0")
    monkeypatch.setenv("LIBRARY_SUFFIX", "")
    config = yaml_file(tmp_path, """
        database:
          url: ${DB_URL:-sqlite://}
        title: ${LIBRARY_TITLE:-Library} costs $$5
        version: ${LIBRARY_VERSION}${LIBRARY_SUFFIX}
        endpoints:
          - route: /books
            fields:
              title: {type: str}
    """)
    assert collected(lambda: LightApi.from_config(config)) == []
    app = LightApi.from_config(config)
    assert (app.title, app.version, app.spec.database.url) == (
        "Library costs $5", "2.1.0", "sqlite://"
    )


def test_la704_dotted_path_not_importable(tmp_path: Path) -> None:
    """R16.3: ``auth.login_validator`` is a dotted path, imported when the file is loaded."""
    config = yaml_file(tmp_path, """
        auth:
          login_validator: pkg.auth.check  # LA704
        endpoints:
          - route: /books
            fields:
              title: {type: str}
    """)
    check_yaml(
        config,
        yaml_error(config, "LA704", "auth.login_validator", "LA704",
                   "cannot import 'pkg.auth.check' for auth.login_validator",
                   "fix the dotted path"),
    )


def test_la704_of_the_wrong_kind_and_inside_an_endpoint(tmp_path: Path) -> None:
    """R16.3: the login validator must accept two positional arguments; permission names are
    the built-in class names or dotted paths (R16.4)."""
    config = yaml_file(tmp_path, """
        auth:
          login_validator: os:getcwd  # LA704-kind
        endpoints:
          - route: /books
            fields:
              title: {type: str}
            meta:
              authentication:
                backend: JWTAuthentication
                permission: IsOwner  # LA704-permission
    """)
    check_yaml(
        config,
        yaml_catalogue(config, "LA704", "auth.login_validator", "LA704-kind",
                       path="os:getcwd", key="auth.login_validator"),
        yaml_catalogue(config, "LA704", "endpoints[0].meta.authentication.permission",
                       "LA704-permission", path="IsOwner", key="permission"),
    )


def test_la705_unknown_field_type_name(tmp_path: Path) -> None:
    """R16.3: a field's ``type`` is one of the names of the type table."""
    config = yaml_file(tmp_path, """
        endpoints:
          - route: /books
            fields:
              title:
                type: string  # LA705
    """)
    check_yaml(
        config,
        yaml_error(config, "LA705", "endpoints[0].fields.title.type", "LA705",
                   "unknown field type 'string'",
                   "use str, int, float, bool, datetime, date, Decimal, UUID"),
    )


def test_la705_from_a_dict_in_the_0x_shape_has_no_line() -> None:
    """R16.5: from_dict translates the 0.x shape; a dict has no file or lines (R3.7: line 0)."""
    mapping = {"endpoints": {"/books": {"fields": {"title": "string"}}}}
    expected = from_catalogue("LA705", "<dict>:endpoints[0].fields.title.type",
                              SourceLocation(file="<dict>", line=0), type="string")
    assert collected(lambda: LightApi.from_dict(mapping)) == [expected]
    assert raised(lambda: LightApi.from_dict(mapping)).diagnostics == (expected,)


def test_la706_the_same_route_twice(tmp_path: Path) -> None:
    """R16.3: each entry of ``endpoints`` has its own route; the repeated one is reported."""
    config = yaml_file(tmp_path, """
        endpoints:
          - route: /books
            fields:
              title: {type: str}
          - route: /books  # LA706
            fields:
              isbn: {type: str}
    """)
    check_yaml(
        config,
        yaml_error(config, "LA706", "endpoints[1].route", "LA706",
                   "route '/books' is declared twice", "merge the entries"),
    )


def test_la706_routes_are_compared_normalised_and_named_as_written(tmp_path: Path) -> None:
    """R5.1: ``/books/`` is the route ``/books``; the message quotes the file."""
    config = yaml_file(tmp_path, """
        endpoints:
          - route: /books
            fields:
              title: {type: str}
          - route: /books/  # LA706-slash
            name: ShelfEndpoint
            meta:
              table: shelves
            fields:
              isbn: {type: str}
    """)
    check_yaml(
        config,
        yaml_catalogue(config, "LA706", "endpoints[1].route", "LA706-slash", route="/books/"),
    )


def test_la707_yaml_syntax_error(tmp_path: Path) -> None:
    """R16.6: the parser's message, at the line where it failed."""
    config = yaml_file(tmp_path, """
        endpoints:
          - route: /books
            fields: title: str  # LA707
    """)
    literal_error = literal(ERROR, "LA707", shown_path(str(config)), at(str(config), "LA707"),
                            "invalid YAML: mapping values are not allowed here", "fix the syntax")
    check_yaml(config, literal_error)


def test_la707_the_app_of_an_unreadable_file_points_at_the_file(tmp_path: Path) -> None:
    """R3.9: what the app of such a file reports in collect mode points at the YAML file,
    never at LightAPI's own source."""
    config = yaml_file(tmp_path, "endpoints: [\n")
    apps: list[LightApi] = []
    found = collected(lambda: apps.append(LightApi.from_config(config)))
    assert [item.code for item in found] == ["LA707"]
    assert {item.location.file for item in apps[0].check()} <= {shown_path(str(config))}


def test_la708_reflect_set_twice_with_different_values(tmp_path: Path) -> None:
    """R16.3: ``reflect`` may be set on the entry or in its ``meta``; both only if equal."""
    config = yaml_file(tmp_path, """
        endpoints:
          - route: /legacy
            reflect: true
            meta:
              reflect: partial  # LA708
    """)
    check_yaml(
        config,
        yaml_error(config, "LA708", "endpoints[0].meta.reflect", "LA708",
                   "reflect is set twice with different values", "keep one"),
    )


def test_la708_not_reported_for_equal_values(tmp_path: Path) -> None:
    """R15.1: ``true`` and ``full`` are the same value."""
    config = yaml_file(tmp_path, """
        endpoints:
          - route: /legacy
            reflect: true
            meta:
              reflect: full
          - route: /archive
            reflect: partial
            meta:
              reflect: partial
    """)
    assert collected(lambda: LightApi.from_config(config)) == []


def test_every_problem_of_a_yaml_file_is_raised_together(tmp_path: Path) -> None:
    """R16.1, R3.10: the LA7xx of every entry and the checks of §3 on the generated endpoints,
    named by their key paths (R16.6), in one SpecError."""
    config = yaml_file(tmp_path, """
        auth:
          login_validator: pkg.auth.check  # together-LA704
        endpoints:
          - route: /books
            meta:
              paginaton: {}  # together-LA701
          - route: /shelves
            fields:
              label: {type: string}  # together-LA705
            meta:
              pagination: {page_size: 0}  # together-LA311
          - route: /shelves  # together-LA706
    """)
    expected = (
        yaml_catalogue(config, "LA701", "endpoints[0].meta.paginaton", "together-LA701",
                       key="paginaton", suggestion="did you mean 'pagination'?"),
        yaml_catalogue(config, "LA704", "auth.login_validator", "together-LA704",
                       path="pkg.auth.check", key="auth.login_validator"),
        yaml_catalogue(config, "LA705", "endpoints[1].fields.label.type", "together-LA705",
                       type="string"),
        yaml_catalogue(config, "LA311", "endpoints[1].meta.pagination", "together-LA311",
                       page_size=0, max_page_size=100),
        yaml_catalogue(config, "LA706", "endpoints[2].route", "together-LA706",
                       route="/shelves"),
    )
    check_yaml(config, *expected)
