"""One test per implemented diagnostic code (SPEC §3.6), each asserting the whole Diagnostic.

Every test declares the mistake inside a small ``declare`` function, then checks it twice: in
collect mode (R3.12) the exact list of diagnostics, and outside it the one ``SpecError`` whose
``.diagnostics`` holds the errors among them (R3.10). Code, severity, subject (R3.8), location
(R3.9, R23.4), message and hint are all compared. The main test of each code spells the message
and hint out literally as SPEC §3.6 writes them, so the catalogue templates are checked too;
variants build them from the templates (``from_catalogue``). The offending line of each
declaration ends with a marker comment that ``here(...)`` looks up.
"""

import datetime
import decimal
import warnings
from typing import Any, Optional

import pydantic
import pytest
from sqlalchemy import create_engine

from lightapi import (
    Cache,
    ConfigurationError,
    Field,
    HttpMethod,
    LightApi,
    LightApiWarning,
    Pagination,
    RestEndpoint,
    Serializer,
    SpecError,
    collect_diagnostics,
    inspect,
)
from lightapi.spec import CODES, Diagnostic, SourceLocation
from tests.spec import future_endpoints
from tests.spec.support import (
    ERROR,
    WARNING,
    at,
    check_app,
    check_declaration,
    check_record,
    collected,
    from_catalogue,
    literal,
    raised,
)

# The codes the compiler implements today; test_every_implemented_code_has_a_test keeps this
# list and the tests below in step.
IMPLEMENTED = (
    *(f"LA{number:03d}" for number in range(1, 17)),
    *(f"LA{number}" for number in range(101, 111)),
    *(f"LA{number}" for number in range(201, 207)),
    "LA310", "LA311", "LA312",
    "LA501", "LA502", "LA503",
    "LA803",
    *(f"LA{number}" for number in range(901, 909)),
)


def here(marker: str) -> SourceLocation:
    return at(__file__, marker)


def error(code: str, subject: str, marker: str, message: str, hint: str) -> Diagnostic:
    return literal(ERROR, code, subject, here(marker), message, hint)


def warning(code: str, subject: str, marker: str, message: str, hint: str) -> Diagnostic:
    return literal(WARNING, code, subject, here(marker), message, hint)


def sqlite_app(**kwargs: Any) -> LightApi:
    return LightApi(engine=create_engine("sqlite://"), **kwargs)


def test_every_implemented_code_has_a_test() -> None:
    tested = {name[5:10].upper() for name in globals() if name.startswith("test_la")}
    assert tested == set(IMPLEMENTED)
    assert set(IMPLEMENTED) <= set(CODES)


# -- fields: LA001-LA016 ------------------------------------------------------------------------


def test_la001_annotation_cannot_be_resolved() -> None:
    check_declaration(
        future_endpoints.declare_unresolvable,
        literal(
            ERROR, "LA001", "ReviewEndpoint.author", at(future_endpoints.__file__, "LA001"),
            "annotation of 'author' cannot be resolved: NameError: name 'Writer' is not defined",
            "import the name in the module",
        ),
    )


def test_la002_annotation_outside_the_type_table() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str
            tags: list[str]  # LA002

    check_declaration(
        declare,
        error("LA002", "BookEndpoint.tags", "LA002",
              "annotation 'list[str]' on field 'tags' is not in the type map",
              "use a supported type, or Field(exclude=True)"),
    )


class Colour:
    """A user class: outside the type table."""


@pytest.mark.parametrize(
    ("annotation", "shown"),
    [
        (dict, "dict"),
        (bytes, "bytes"),
        (datetime.time, "time"),
        (Colour, "Colour"),
        (int | str, "int | str"),
        (Optional[list[int]], "Optional[list[int]]"),  # noqa: UP045 - the Optional spelling is shown
    ],
)
def test_la002_names_the_annotation_as_written(annotation: Any, shown: str) -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            extra: annotation  # LA002-parametrized

    check_declaration(
        declare,
        from_catalogue("LA002", "BookEndpoint.extra", here("LA002-parametrized"),
                       annotation=shown, field="extra"),
    )


def test_la002_not_reported_for_an_excluded_field() -> None:
    class BookEndpoint(RestEndpoint):
        title: str
        scratch: list[str] = Field(default_factory=list, exclude=True)

    spec = BookEndpoint.__lightapi_spec__
    assert spec is not None and spec.excluded == ("scratch",)
    assert "scratch" not in spec.field_names


def test_la003_field_redeclares_an_automatic_column() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str
            version: int  # LA003

    check_declaration(
        declare,
        error("LA003", "BookEndpoint.version", "LA003",
              "field 'version' redeclares the automatic column 'version'",
              "remove it; automatic columns are added for you"),
    )


def test_la004_reserved_field_name() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            list: str  # LA004
            sub__title: str  # LA004-dunder

    check_declaration(
        declare,
        error("LA004", "BookEndpoint.list", "LA004",
              "field name 'list' is reserved by LightAPI", "rename the field"),
        error("LA004", "BookEndpoint.sub__title", "LA004-dunder",
              "field name 'sub__title' is reserved by LightAPI", "rename the field"),
    )


def test_la005_string_constraint_on_a_non_str_field() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            hits: int = Field(max_length=5)  # LA005

    check_declaration(
        declare,
        error("LA005", "BookEndpoint.hits", "LA005",
              "max_length applies to str fields, not to 'hits' (int)", "use ge/le for numbers"),
    )


def test_la006_numeric_constraint_on_str_bool_or_uuid() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str = Field(ge=1)  # LA006

    check_declaration(
        declare,
        error("LA006", "BookEndpoint.title", "LA006",
              "ge applies to numbers and dates, not to 'title' (str)",
              "use min_length/max_length"),
    )


def test_la007_decimal_constraint_on_a_non_decimal_field() -> None:
    def declare() -> None:
        class InvoiceEndpoint(RestEndpoint):
            amount: float = Field(decimal_places=2)  # LA007

    check_declaration(
        declare,
        error("LA007", "InvoiceEndpoint.amount", "LA007",
              "decimal_places applies to Decimal fields, not to 'amount' (float)",
              "annotate it as Decimal"),
    )


def test_la008_mutable_default() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            tags: str = []  # LA008

    check_declaration(
        declare,
        error("LA008", "BookEndpoint.tags", "LA008",
              "default of 'tags' is a mutable list", "use default_factory"),
    )


def test_la009_default_of_the_wrong_type() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            year: Optional[int] = "unknown"  # noqa: UP045  # LA009

    check_declaration(
        declare,
        error("LA009", "BookEndpoint.year", "LA009",
              "default 'unknown' of 'year' is not a valid Optional[int]",
              "fix the default or the annotation"),
    )


def test_la010_default_violates_the_constraints() -> None:
    def declare() -> None:
        class TagEndpoint(RestEndpoint):
            label: str = Field(default="", min_length=1)  # LA010

    check_declaration(
        declare,
        error("LA010", "TagEndpoint.label", "LA010",
              "default '' of 'label' violates min_length=1",
              "change the default or the constraint"),
    )


def test_la011_foreign_key_not_table_dot_column() -> None:
    def declare() -> None:
        class CommentEndpoint(RestEndpoint):
            article_id: int = Field(foreign_key="articles")  # LA011

    check_declaration(
        declare,
        error("LA011", "CommentEndpoint.article_id", "LA011",
              "foreign_key 'articles' of 'article_id' is not 'table.column'",
              "write e.g. 'articles.id'"),
    )


def test_la012_unknown_field_keyword() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str = Field(max_len=3)  # LA012

    check_declaration(
        declare,
        error("LA012", "BookEndpoint.title", "LA012",
              "Field() of 'title' got unknown option 'max_len'", "did you mean 'max_length'?"),
    )


def test_la013_contradictory_constraints() -> None:
    def declare() -> None:
        class CouponEndpoint(RestEndpoint):
            code: str = Field(min_length=5, max_length=3)  # LA013

    check_declaration(
        declare,
        error("LA013", "CouponEndpoint.code", "LA013",
              "min_length=5 exceeds max_length=3 on 'code'", "make the range non-empty"),
    )


def test_la014_alias_options_used() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str = Field(alias="name")  # LA014

    check_declaration(
        declare,
        error("LA014", "BookEndpoint.title", "LA014",
              "field 'title' uses an alias; aliases are not supported",
              "rename the field instead"),
    )


def test_la015_column_option_on_an_excluded_field() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str
            scratch: str = Field(exclude=True, unique=True)  # LA015

    check_declaration(
        declare,
        warning("LA015", "BookEndpoint.scratch", "LA015",
                "unique has no effect on excluded field 'scratch'",
                "drop the option or exclude=True"),
    )


def test_la016_pattern_is_not_a_regular_expression() -> None:
    def declare() -> None:
        class CouponEndpoint(RestEndpoint):
            code: str = Field(pattern="[a-z")  # LA016

    check_declaration(
        declare,
        error("LA016", "CouponEndpoint.code", "LA016",
              "pattern of 'code' is not a valid regular expression", "fix the pattern"),
    )


# -- defaults: order and excluded fields (R2.11, R23.15) ------------------------------------------


def test_defaults_report_at_most_one_diagnostic_per_field() -> None:
    def declare() -> None:
        class TagEndpoint(RestEndpoint):
            names: str = Field(default=[], min_length=3)  # mutable-and-too-short
            size: int = Field(default="big", ge=10)  # wrong-type-and-too-small

    check_declaration(
        declare,
        from_catalogue("LA008", "TagEndpoint.names", here("mutable-and-too-short"),
                       field="names", kind="list"),
        from_catalogue("LA009", "TagEndpoint.size", here("wrong-type-and-too-small"),
                       default="'big'", field="size", type="int"),
    )


def test_defaults_of_excluded_fields_are_checked() -> None:
    def declare() -> None:
        class TagEndpoint(RestEndpoint):
            title: str
            cache: list[str] = Field(default=[], exclude=True)  # excluded-mutable
            count: int = Field(default="many", exclude=True)  # excluded-wrong-type
            label: str = Field(default="", min_length=1, exclude=True)  # excluded-violation

    check_declaration(
        declare,
        from_catalogue("LA008", "TagEndpoint.cache", here("excluded-mutable"),
                       field="cache", kind="list"),
        from_catalogue("LA009", "TagEndpoint.count", here("excluded-wrong-type"),
                       default="'many'", field="count", type="int"),
        from_catalogue("LA010", "TagEndpoint.label", here("excluded-violation"),
                       default="''", field="label", constraint="min_length=1"),
    )


@pytest.mark.parametrize(
    ("annotation", "default"),
    [
        (float, 3),
        (decimal.Decimal, 3),
        (Optional[int], None),  # noqa: UP045
        (datetime.date, datetime.date(2024, 1, 1)),
    ],
)
def test_defaults_accepted_under_strict_validation(annotation: Any, default: Any) -> None:
    class PriceEndpoint(RestEndpoint):
        value: annotation = default

    assert inspect(PriceEndpoint).field("value").default == default


@pytest.mark.parametrize(
    ("annotation", "default", "shown", "type_shown"),
    [
        (int, True, "True", "int"),
        (int, "12", "'12'", "int"),
        (int, 1.0, "1.0", "int"),
        (float, float("nan"), "nan", "float"),
        (float, float("inf"), "inf", "float"),
        (datetime.date, datetime.datetime(2024, 1, 1), "datetime.datetime(2024, 1, ...", "date"),
        (str, None, "None", "str"),
    ],
)
def test_defaults_rejected_under_strict_validation(
    annotation: Any, default: Any, shown: str, type_shown: str
) -> None:
    def declare() -> None:
        class PriceEndpoint(RestEndpoint):
            value: annotation = default  # LA009-strict

    check_declaration(
        declare,
        from_catalogue("LA009", "PriceEndpoint.value", here("LA009-strict"), default=shown,
                       field="value", type=type_shown),
    )


def test_a_default_with_multiple_of_zero_does_not_crash_the_class_statement() -> None:
    class PriceEndpoint(RestEndpoint):
        value: int = Field(default=3, multiple_of=0)

    assert inspect(PriceEndpoint).field("value").default == 3


# -- Meta and hooks: LA101-LA110 ------------------------------------------------------------------


def test_la101_unknown_meta_option() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                paginaton = Pagination()  # LA101

    check_declaration(
        declare,
        error("LA101", "BookEndpoint.Meta.paginaton", "LA101",
              "unknown Meta option 'paginaton'", "did you mean 'pagination'?"),
    )


def test_la101_without_a_close_match_lists_every_option() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                colour = "red"  # LA101-no-match
                _private = "ignored"

    check_declaration(
        declare,
        error("LA101", "BookEndpoint.Meta.colour", "LA101-no-match",
              "unknown Meta option 'colour'",
              "known options: authentication, filtering, pagination, serializer, cache, reflect, "
              "table, table_name, description, tags"),
    )


def test_la102_meta_option_of_the_wrong_type() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                description = "Books"
                pagination = 20  # LA102

    check_declaration(
        declare,
        error("LA102", "BookEndpoint.Meta.pagination", "LA102",
              "Meta.pagination must be a Pagination, got int", "construct the option record"),
    )


def test_la102_points_at_the_attribute_of_an_inherited_meta() -> None:
    """R23.4: the attribute's own line, even when the Meta comes from a base class."""

    def declare() -> None:
        class BaseEndpoint(RestEndpoint):
            _base_only = True

            class Meta:
                cache = 60  # LA102-inherited

        class BookEndpoint(BaseEndpoint):
            title: str

    check_declaration(
        declare,
        error("LA102", "BookEndpoint.Meta.cache", "LA102-inherited",
              "Meta.cache must be a Cache, got int", "construct the option record"),
    )


def test_la102_points_at_the_attribute_of_a_parent_meta_class() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                tags = "books"  # LA102-parent-meta

        class EBookEndpoint(BookEndpoint):
            class Meta(BookEndpoint.Meta):
                description = "Electronic books"

    def tags_error(subject: str) -> Diagnostic:
        return error("LA102", subject, "LA102-parent-meta",
                     "Meta.tags must be a sequence of str, got str",
                     "construct the option record")

    # Outside collect mode the first class already raises; in collect mode the one wrong line
    # is one problem (R3.13), kept under the subject of its latest use.
    assert raised(declare).diagnostics == (tags_error("BookEndpoint.Meta.tags"),)
    assert collected(declare) == [tags_error("EBookEndpoint.Meta.tags")]


def test_la103_table_and_table_name_disagree() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                table = "a"  # LA103
                table_name = "b"

    check_declaration(
        declare,
        error("LA103", "BookEndpoint.Meta.table", "LA103",
              "Meta.table 'a' and Meta.table_name 'b' disagree", "keep one"),
    )


def test_la104_invalid_table_name() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                table = "my table"  # LA104

    check_declaration(
        declare,
        error("LA104", "BookEndpoint.Meta.table", "LA104",
              "table name 'my table' is not a valid identifier",
              "use letters, digits, underscores"),
    )


def test_la105_verb_override_for_an_excluded_verb() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint, HttpMethod.GET):
            title: str

            def put(self, request):  # LA105
                return {}

    check_declaration(
        declare,
        warning("LA105", "BookEndpoint.put", "LA105",
                "put() is defined but PUT is not an allowed method",
                "add HttpMethod.PUT or remove put()"),
    )


def test_la106_hook_with_a_wrong_signature() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            def get(self):  # LA106-signature
                return {}

    check_declaration(
        declare,
        error("LA106", "BookEndpoint.get", "LA106-signature",
              "get() must accept (self, request)", "fix the signature"),
    )


def test_la106_both_twins_of_a_helper_overridden() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            def create(self, data):  # LA106-twins
                return super().create(data)

            async def _create_async(self, data):
                return await super()._create_async(data)

    check_declaration(
        declare,
        error("LA106", "BookEndpoint.create", "LA106-twins",
              "create() and _create_async() are both overridden", "override only one of them"),
    )


def test_la107_queryset_neither_callable_nor_a_select() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str
            queryset = "published"  # LA107

    check_declaration(
        declare,
        error("LA107", "BookEndpoint.queryset", "LA107",
              "queryset must be a method or a Select, got str",
              "define def queryset(self, request)"),
    )


class NotAnEndpoint:
    """A class that is not a RestEndpoint subclass."""


class AbstractEndpoint(RestEndpoint):
    _base_only = True
    title: str


def test_la108_register_value_of_the_wrong_kind() -> None:
    app = sqlite_app()
    with collect_diagnostics() as found:
        app.register({"/x": NotAnEndpoint})  # LA108
    expected = error("LA108", "app.register['/x']", "LA108",
                     "register() value for '/x' is not a concrete RestEndpoint subclass",
                     "pass the endpoint class")
    assert found == [expected]
    with pytest.raises(ConfigurationError) as info:
        app.register({"/x": NotAnEndpoint})  # LA108-raised
    assert isinstance(info.value, SpecError)
    assert info.value.diagnostics == (
        literal(ERROR, "LA108", "app.register['/x']", here("LA108-raised"), expected.message,
                expected.hint),
    )
    assert dict(app.endpoints) == {}


def test_la108_abstract_bases_cannot_be_registered_and_nothing_of_the_call_is() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

    app = sqlite_app()
    with pytest.raises(SpecError) as info:
        app.register({"/books": BookEndpoint, "/abstract": AbstractEndpoint})  # LA108-abstract
    assert info.value.diagnostics == (
        error("LA108", "app.register['/abstract']", "LA108-abstract",
              "register() value for '/abstract' is not a concrete RestEndpoint subclass",
              "pass the endpoint class"),
    )
    assert dict(app.endpoints) == {}  # R3.11: nothing of that call is registered


def test_la108_register_argument_not_a_mapping_or_key_not_a_str() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

    app = sqlite_app()
    with collect_diagnostics() as found:
        app.register([("/books", BookEndpoint)])  # LA108-not-a-mapping
        app.register({1: BookEndpoint})  # LA108-key
    assert found == [
        from_catalogue("LA108", "app.register", here("LA108-not-a-mapping"),
                       problem="argument is not a mapping", fix="pass {'/path': EndpointClass}"),
        from_catalogue("LA108", "app.register[1]", here("LA108-key"),
                       problem="key 1 is not a str path", fix="use a str path"),
    ]
    assert dict(app.endpoints) == {}


def test_la109_invalid_route_path() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

    app = sqlite_app()
    with collect_diagnostics() as found:
        app.register({"books": BookEndpoint})  # LA109
    expected = error("LA109", "app.register['books']", "LA109",
                     "path 'books' is not a valid route path", "start with '/', no placeholders")
    assert found == [expected]
    with pytest.raises(SpecError) as info:
        app.register({"books": BookEndpoint})  # LA109-raised
    assert info.value.diagnostics == (
        literal(ERROR, "LA109", "app.register['books']", here("LA109-raised"),
                expected.message, expected.hint),
    )


@pytest.mark.parametrize("path", ["/books/{id}", "/books?x=1", "/books#top", "/my books", ""])
def test_la109_placeholders_queries_fragments_and_whitespace(path: str) -> None:
    class BookEndpoint(RestEndpoint):
        title: str

    app = sqlite_app()
    with collect_diagnostics() as found:
        app.register({path: BookEndpoint})  # LA109-parametrized
    assert found == [
        from_catalogue("LA109", f"app.register[{path!r}]", here("LA109-parametrized"), path=path)
    ]


def test_la110_list_option_with_get_overridden() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                cache = Cache(ttl=30)  # LA110

            def get(self, request):
                return []

    check_declaration(
        declare,
        warning("LA110", "BookEndpoint.Meta.cache", "LA110",
                "Meta.cache has no effect: BookEndpoint overrides get()", "remove the option"),
    )


def test_la110_list_option_with_get_not_allowed() -> None:
    def declare() -> None:
        class InboxEndpoint(RestEndpoint, HttpMethod.POST):
            title: str

            class Meta:
                pagination = Pagination(page_size=10)  # LA110-not-allowed

    check_declaration(
        declare,
        warning("LA110", "InboxEndpoint.Meta.pagination", "LA110-not-allowed",
                "Meta.pagination has no effect: GET is not an allowed method",
                "remove the option"),
    )


# -- serializer: LA201-LA206 ----------------------------------------------------------------------


def test_la201_serializer_names_an_unknown_field() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                serializer = Serializer(read=["title", "rating"])  # LA201

    check_declaration(
        declare,
        error("LA201", "BookEndpoint.Meta.serializer", "LA201",
              "'rating' in read= is not a field of BookEndpoint",
              "add the field or remove the name"),
    )


def test_la201_points_at_the_class_attribute_of_a_serializer_subclass() -> None:
    def declare() -> None:
        class BookSerializer(Serializer):
            read = ["title", "id"]
            write = ["title", "version", "ratings"]  # LA201-subclass

        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                serializer = BookSerializer

    check_declaration(
        declare,
        error("LA201", "BookEndpoint.Meta.serializer", "LA201-subclass",
              "'ratings' in write= is not a field of BookEndpoint",
              "add the field or remove the name"),
    )


def test_la201_points_at_the_call_when_an_instance_overrides_a_subclass_attribute() -> None:
    def declare() -> None:
        class BookSerializer(Serializer):
            write = ["title", "version"]

        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                serializer = BookSerializer(write=["title", "version", "isbn"])  # LA201-call

    check_declaration(
        declare,
        from_catalogue("LA201", "BookEndpoint.Meta.serializer", here("LA201-call"),
                       field="isbn", part="write", endpoint="BookEndpoint"),
    )


def test_la202_serializer_names_an_excluded_field() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str
            scratch: str = Field(default="", exclude=True)

            class Meta:
                serializer = Serializer(fields=["title", "scratch", "version"])  # LA202

    check_declaration(
        declare,
        error("LA202", "BookEndpoint.Meta.serializer", "LA202",
              "'scratch' in fields= is excluded and never serialized", "remove the name"),
    )


def test_la203_fields_together_with_read_or_write() -> None:
    def record() -> Serializer:
        return Serializer(fields=["title", "version"], read=["title"])  # LA203

    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                serializer = record()

    message = "Serializer sets fields= together with read=/write="
    # R1.4: outside collect mode the record raises at once, with the record as subject ...
    assert raised(record).diagnostics == (
        error("LA203", "Serializer.fields", "LA203", message, "use one form"),
    )
    # ... and once an endpoint uses it the problem is reported once, as the endpoint's (R3.13).
    assert collected(declare) == [
        error("LA203", "BookEndpoint.Meta.serializer", "LA203", message, "use one form"),
    ]


def test_la203_serializer_subclass_raises_at_class_creation() -> None:
    def declare() -> None:
        class BookSerializer(Serializer):
            fields = ["title"]  # LA203-subclass
            read = ["title"]

    check_declaration(
        declare,
        error("LA203", "BookSerializer.fields", "LA203-subclass",
              "Serializer sets fields= together with read=/write=", "use one form"),
    )


class UserModel(pydantic.BaseModel):
    title: str


def test_la204_serializer_of_the_wrong_kind() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                serializer = UserModel  # LA204

    check_declaration(
        declare,
        error("LA204", "BookEndpoint.Meta.serializer", "LA204",
              "Meta.serializer must be a Serializer, got UserModel",
              "wrap the names in Serializer(...)"),
    )


def test_la205_name_listed_twice_in_one_projection() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                serializer = Serializer(read=["title", "id", "title"])  # LA205

    check_declaration(
        declare,
        warning("LA205", "BookEndpoint.Meta.serializer", "LA205",
                "'title' is listed twice in read=", "remove the duplicate"),
    )


def test_la206_empty_projection_list() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                serializer = Serializer(read=())  # LA206

    check_declaration(
        declare,
        warning("LA206", "BookEndpoint.Meta.serializer", "LA206",
                "read= is empty; responses will be {}", "list at least one field"),
    )


# -- pagination: LA310-LA312 ---------------------------------------------------------------------


def test_la310_unknown_pagination_style() -> None:
    def record() -> Pagination:
        return Pagination(style="offset")  # LA310

    check_record(
        record, "pagination", "LA310",
        record_subject="Pagination.style",
        location=here("LA310"), message="unknown pagination style 'offset'",
        hint="use 'page_number' or 'cursor'",
    )


def test_la311_page_size_out_of_range() -> None:
    def record() -> Pagination:
        return Pagination(page_size=0)  # LA311

    check_record(
        record, "pagination", "LA311",
        record_subject="Pagination.page_size",
        location=here("LA311"), message="page_size 0 must be between 1 and 100",
        hint="fix page_size or max_page_size",
    )


def test_la311_page_size_above_max_page_size() -> None:
    def record() -> Pagination:
        return Pagination(page_size=50, max_page_size=10)  # LA311-above-max

    check_record(
        record, "pagination", "LA311",
        record_subject="Pagination.page_size",
        location=here("LA311-above-max"), message="page_size 50 must be between 1 and 10",
        hint="fix page_size or max_page_size",
    )


def test_la312_max_page_size_below_one() -> None:
    def record() -> Pagination:
        return Pagination(max_page_size=0)  # LA312

    check_record(
        record, "pagination", "LA312",
        record_subject="Pagination.max_page_size",
        location=here("LA312"), message="max_page_size 0 must be at least 1", hint="raise it",
    )


# -- cache and locking: LA501-LA503 --------------------------------------------------------------


def test_la501_cache_ttl_below_one() -> None:
    def record() -> Cache:
        return Cache(ttl=-5)  # LA501

    check_record(
        record, "cache", "LA501",
        record_subject="Cache.ttl",
        location=here("LA501"), message="cache ttl -5 must be at least 1 second",
        hint="use a positive ttl",
    )


def test_la502_vary_on_entry_is_not_a_header_name() -> None:
    def record() -> Cache:
        return Cache(vary_on=("Accept-Encoding", "Accept Language"))  # LA502

    check_record(
        record, "cache", "LA502",
        record_subject="Cache.vary_on",
        location=here("LA502"), message="vary_on entry 'Accept Language' is not a header name",
        hint="use e.g. 'Accept-Language'",
    )


def test_la503_write_projection_omits_version() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str

            class Meta:
                serializer = Serializer(write=["title", "id"])  # LA503

    check_declaration(
        declare,
        warning("LA503", "BookEndpoint.Meta.serializer", "LA503",
                "write= omits 'version'; clients need it for the next PUT",
                "add 'version', or rely on the ETag header"),
    )


def test_la503_points_at_fields_when_fields_sets_the_write_projection() -> None:
    def declare() -> None:
        class BookSerializer(Serializer):
            fields = ["title", "id"]  # LA503-fields

        class BookEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.PATCH):
            title: str

            class Meta:
                serializer = BookSerializer

    check_declaration(
        declare,
        from_catalogue("LA503", "BookEndpoint.Meta.serializer", here("LA503-fields")),
    )


def test_la503_not_reported_without_put_or_patch() -> None:
    class BookEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST):
        title: str

        class Meta:
            serializer = Serializer(write=["title", "id"])

    assert BookEndpoint.__lightapi_diagnostics__ == ()


# -- app arguments and links between endpoints: LA803, LA901-LA908 -------------------------------


class ArticleEndpoint(RestEndpoint):
    title: str


class Article(RestEndpoint):  # LA902
    """Its derived table name is ``articles`` too (R2.14)."""

    title: str


class CommentEndpoint(RestEndpoint):
    body: str
    article_id: int = Field(foreign_key="articles.id")  # LA903


class ReplyEndpoint(RestEndpoint):
    body: str
    article_id: int = Field(foreign_key="articles.uid")  # LA904


class NoteEndpoint(RestEndpoint):
    body: str
    article_id: str = Field(foreign_key="articles.id")  # LA905


def test_la803_cors_wildcard_with_credentials() -> None:
    engine = create_engine("sqlite://")
    app = LightApi(engine=engine, cors_origins=["*"], cors_allow_credentials=True)  # LA803
    app.register({"/articles": ArticleEndpoint})
    check_app(
        app,
        error("LA803", "app.cors_origins", "LA803",
              "CORS origin '*' cannot be combined with credentials",
              "list origins or disable credentials"),
    )


def test_la901_duplicate_paths() -> None:
    app = sqlite_app()
    app.register({"/articles": ArticleEndpoint})
    app.register({"/articles/": CommentEndpoint})  # LA901
    check_app(
        app,
        error("LA901", "app.register['/articles/']", "LA901",
              "path '/articles/' duplicates '/articles' (ArticleEndpoint)",
              "register each path once"),
    )


def test_la901_path_shadowed_by_a_detail_route() -> None:
    app = sqlite_app()
    app.register({"/articles": ArticleEndpoint})
    app.register({"/articles/7": CommentEndpoint})  # LA901-overlap
    check_app(
        app,
        from_catalogue("LA901", "app.register['/articles/7']", here("LA901-overlap"),
                       path="/articles/7", relation="overlaps", other="/articles/{id}",
                       endpoint="ArticleEndpoint"),
    )


def test_la902_two_endpoints_on_one_table() -> None:
    app = sqlite_app()
    app.register({"/articles": ArticleEndpoint, "/posts": Article})
    check_app(
        app,
        error("LA902", "Article", "LA902",
              "Article and ArticleEndpoint both use table 'articles'", "set Meta.table"),
    )


def test_la903_foreign_key_to_an_unknown_table() -> None:
    app = sqlite_app()
    app.register({"/comments": CommentEndpoint})
    check_app(
        app,
        error("LA903", "CommentEndpoint.article_id", "LA903",
              "foreign key 'articles.id' of 'article_id' names unknown table 'articles'",
              "register its endpoint"),
    )


def test_la904_foreign_key_to_an_unknown_column() -> None:
    app = sqlite_app()
    app.register({"/articles": ArticleEndpoint, "/replies": ReplyEndpoint})
    check_app(
        app,
        error("LA904", "ReplyEndpoint.article_id", "LA904",
              "foreign key 'articles.uid': table 'articles' has no column 'uid'",
              "fix the column"),
    )


def test_la905_foreign_key_type_differs_from_its_target() -> None:
    app = sqlite_app()
    app.register({"/articles": ArticleEndpoint, "/notes": NoteEndpoint})
    check_app(
        app,
        error("LA905", "NoteEndpoint.article_id", "LA905",
              "'article_id' is str but 'articles.id' is int", "align the types"),
    )


def test_foreign_keys_to_registered_tables_are_clean() -> None:
    app = sqlite_app()
    app.register({"/articles": ArticleEndpoint, "/comments": CommentEndpoint})
    assert app.check() == ()
    assert app.spec.endpoint("CommentEndpoint").field("article_id").foreign_key is not None


def test_la906_path_collides_with_a_built_in_route() -> None:
    app = sqlite_app()
    app.register({"/healthz": ArticleEndpoint})  # LA906
    check_app(
        app,
        error("LA906", "app.register['/healthz']", "LA906",
              "path '/healthz' collides with the health route", "choose another path"),
    )


def test_la906_names_the_path_as_written() -> None:
    app = sqlite_app()
    app.register({"/readyz/": ArticleEndpoint})  # LA906-as-written
    check_app(
        app,
        from_catalogue("LA906", "app.register['/readyz/']", here("LA906-as-written"),
                       path="/readyz/", route="ready"),
    )


def test_la906_not_reported_when_the_built_in_route_is_disabled() -> None:
    app = sqlite_app(health_url=None)
    app.register({"/healthz": ArticleEndpoint})
    assert app.check() == ()


def test_la907_one_class_registered_under_two_paths() -> None:
    app = sqlite_app()
    app.register({"/articles": ArticleEndpoint})
    app.register({"/a": ArticleEndpoint})  # LA907
    check_app(
        app,
        error("LA907", "app.register['/a']", "LA907",
              "ArticleEndpoint is registered twice ('/articles', '/a')", "register it once"),
    )


def test_la908_the_app_has_no_endpoints() -> None:
    app = LightApi(engine=create_engine("sqlite://"))  # LA908
    expected = warning("LA908", "app", "LA908", "no endpoints are registered",
                       "call app.register(...)")
    assert app.check() == (expected,)
    with collect_diagnostics() as found:
        app.spec  # noqa: B018
    assert found == [expected]
    with pytest.warns(LightApiWarning) as caught:
        app.build_app()
    assert [str(item.message) for item in caught] == [str(expected)]


def test_errors_of_registered_classes_are_reported_once_by_the_app() -> None:
    """R3.13: a class error is found at class creation and again by the app; listed once."""
    with collect_diagnostics() as found:

        class BookEndpoint(RestEndpoint):
            title: str
            version: int  # class-and-app

        app = sqlite_app()
        app.register({"/books": BookEndpoint})
        app.spec  # noqa: B018
    assert found == [
        from_catalogue("LA003", "BookEndpoint.version", here("class-and-app"), field="version")
    ]
    assert raised(lambda: app.spec).diagnostics == tuple(found)


# -- the acceptance test of the issue ------------------------------------------------------------


def test_one_class_with_several_mistakes_raises_one_spec_error_listing_all() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint):
            title: str = Field(max_len=200)  # acceptance-LA012
            tags: list[str]  # acceptance-LA002
            version: int  # acceptance-LA003
            pages: int = Field(default=-1, ge=0)  # acceptance-LA010

            class Meta:
                paginaton = Pagination(page_size=10)  # acceptance-LA101
                serializer = Serializer(read=["title", "rating"])  # acceptance-LA201

    expected = (
        from_catalogue("LA012", "BookEndpoint.title", here("acceptance-LA012"),
                       field="title", option="max_len", suggestion="did you mean 'max_length'?"),
        from_catalogue("LA002", "BookEndpoint.tags", here("acceptance-LA002"),
                       annotation="list[str]", field="tags"),
        from_catalogue("LA003", "BookEndpoint.version", here("acceptance-LA003"),
                       field="version"),
        from_catalogue("LA010", "BookEndpoint.pages", here("acceptance-LA010"),
                       default="-1", field="pages", constraint="ge=0"),
        from_catalogue("LA101", "BookEndpoint.Meta.paginaton", here("acceptance-LA101"),
                       option="paginaton", suggestion="did you mean 'pagination'?"),
        from_catalogue("LA201", "BookEndpoint.Meta.serializer", here("acceptance-LA201"),
                       field="rating", part="read", endpoint="BookEndpoint"),
    )
    error_raised = raised(declare)
    assert error_raised.diagnostics == expected
    assert isinstance(error_raised, ConfigurationError)

    file = here("acceptance-LA012").file
    lines = {marker: here(f"acceptance-{marker}").line for marker in
             ("LA012", "LA002", "LA003", "LA010", "LA101", "LA201")}
    # R4.6: one line per diagnostic, sorted by file and line, each followed by its hint.
    assert str(error_raised).splitlines() == [
        f"{file}:{lines['LA012']}: LA012 error: BookEndpoint.title: "
        "Field() of 'title' got unknown option 'max_len'",
        "    hint: did you mean 'max_length'?",
        f"{file}:{lines['LA002']}: LA002 error: BookEndpoint.tags: "
        "annotation 'list[str]' on field 'tags' is not in the type map",
        "    hint: use a supported type, or Field(exclude=True)",
        f"{file}:{lines['LA003']}: LA003 error: BookEndpoint.version: "
        "field 'version' redeclares the automatic column 'version'",
        "    hint: remove it; automatic columns are added for you",
        f"{file}:{lines['LA010']}: LA010 error: BookEndpoint.pages: "
        "default -1 of 'pages' violates ge=0",
        "    hint: change the default or the constraint",
        f"{file}:{lines['LA101']}: LA101 error: BookEndpoint.Meta.paginaton: "
        "unknown Meta option 'paginaton'",
        "    hint: did you mean 'pagination'?",
        f"{file}:{lines['LA201']}: LA201 error: BookEndpoint.Meta.serializer: "
        "'rating' in read= is not a field of BookEndpoint",
        "    hint: add the field or remove the name",
    ]
    assert collected(declare) == list(expected)


def test_warnings_alone_never_raise() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        class BookEndpoint(RestEndpoint, HttpMethod.GET):
            title: str
            scratch: str = Field(default="", exclude=True, index=True)

            def put(self, request):
                return {}

    assert [item.code for item in BookEndpoint.__lightapi_diagnostics__] == ["LA015", "LA105"]
