"""Meta option records (R1.3, R1.4): immutable, validated at construction, located, and their
problems reported once with the subject of the endpoint that uses them (R3.8, R3.13)."""

import pytest

import lightapi
from lightapi import (
    Authentication,
    Cache,
    Filtering,
    Pagination,
    RestEndpoint,
    Serializer,
    SpecError,
    collect_diagnostics,
    inspect,
)
from lightapi.spec import Diagnostic, Severity
from tests.spec.support import at, raised


def page_size_zero(subject: str, marker: str) -> Diagnostic:
    return Diagnostic(
        code="LA311",
        severity=Severity.ERROR,
        subject=subject,
        location=at(__file__, marker),
        message="page_size 0 must be between 1 and 100",
        hint="fix page_size or max_page_size",
    )


def test_invalid_record_raises_at_once_outside_collect_mode() -> None:
    with pytest.raises(SpecError) as info:
        Pagination(page_size=0)  # raised-at-once
    assert info.value.diagnostics == (page_size_zero("Pagination.page_size", "raised-at-once"),)
    assert str(info.value) == (
        f"{at(__file__, 'raised-at-once')}: LA311 error: Pagination.page_size: "
        "page_size 0 must be between 1 and 100\n"
        "    hint: fix page_size or max_page_size"
    )


def test_invalid_record_is_recorded_in_collect_mode_then_reported_once_by_its_endpoint() -> None:
    with collect_diagnostics() as found:
        record = Pagination(page_size=0)  # recorded
        assert found == [page_size_zero("Pagination.page_size", "recorded")]

        class XEndpoint(RestEndpoint):
            title: str

            class Meta:
                pagination = record

    assert record.page_size == 0  # created even though wrong (R3.12)
    reported = page_size_zero("XEndpoint.Meta.pagination", "recorded")
    assert found == [reported]
    assert lightapi.diagnose(XEndpoint) == (reported,)


def test_one_record_used_by_two_endpoints_is_one_problem() -> None:
    with collect_diagnostics() as found:
        shared = Pagination(page_size=0)  # shared-record

        class AEndpoint(RestEndpoint):
            title: str

            class Meta:
                pagination = shared

        class BEndpoint(RestEndpoint):
            title: str

            class Meta:
                pagination = shared

    # R3.13: one wrong line is one problem, kept under the subject of its latest use.
    assert found == [page_size_zero("BEndpoint.Meta.pagination", "shared-record")]


@pytest.mark.parametrize(
    ("record", "attribute"),
    [
        (Pagination(), "page_size"),
        (Cache(ttl=5), "ttl"),
        (Serializer(read=["title"]), "read"),
        (Filtering(fields=["title"]), "fields"),
        (Authentication(), "permission"),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else value,
)
def test_records_are_immutable(record: object, attribute: str) -> None:
    before = getattr(record, attribute)
    with pytest.raises(AttributeError):
        setattr(record, attribute, None)
    with pytest.raises(AttributeError):
        delattr(record, attribute)
    with pytest.raises(AttributeError):
        record.anything_else = 1  # type: ignore[attr-defined]
    assert getattr(record, attribute) == before


@pytest.mark.parametrize(
    "construct",
    [
        lambda: Pagination(size=10),
        lambda: Cache(ttl=5, vary=["Accept"]),
        lambda: Serializer(feilds=["title"]),
        lambda: Filtering(field=["title"]),
        lambda: Authentication(backends=None),
    ],
    ids=["Pagination", "Cache", "Serializer", "Filtering", "Authentication"],
)
def test_unknown_keyword_arguments_raise_type_error(construct) -> None:
    with pytest.raises(TypeError):
        construct()


def test_lists_and_tuples_are_accepted_alike() -> None:
    assert Serializer(read=["title", "id"]) == Serializer(read=("title", "id"))
    assert Serializer(read=["title"]).read == ("title",)
    assert Cache(vary_on=["Accept"]) == Cache(vary_on=("Accept",))
    assert Filtering(fields=["a"], search=["b"], ordering=["c"]) == Filtering(
        fields=("a",), search=("b",), ordering=("c",)
    )
    assert Filtering(fields=["a"]).fields == ("a",)
    assert Authentication(jwt_extra_claims=["role"]) == Authentication(jwt_extra_claims=("role",))

    class ListEndpoint(RestEndpoint):
        title: str

        class Meta:
            serializer = Serializer(read=["title", "id"])
            cache = Cache(vary_on=["Accept-Language"])

    class TupleEndpoint(RestEndpoint):
        title: str

        class Meta:
            serializer = Serializer(read=("title", "id"))
            cache = Cache(vary_on=("Accept-Language",))

    assert inspect(ListEndpoint).serializer == inspect(TupleEndpoint).serializer
    assert inspect(ListEndpoint).cache == inspect(TupleEndpoint).cache


def test_serializer_subclass_with_fields_and_read_raises_at_class_creation() -> None:
    error = raised(lambda: type("Projection", (Serializer,), {"fields": ["a"], "read": ["a"]}))
    assert [item.code for item in error.diagnostics] == ["LA203"]
    assert error.diagnostics[0].subject == "Projection.fields"

    with pytest.raises(SpecError) as info:

        class BookSerializer(Serializer):
            fields = ["title"]  # subclass-fields
            write = ["title"]

    assert info.value.diagnostics == (
        Diagnostic(
            code="LA203",
            severity=Severity.ERROR,
            subject="BookSerializer.fields",
            location=at(__file__, "subclass-fields"),
            message="Serializer sets fields= together with read=/write=",
            hint="use one form",
        ),
    )


def test_serializer_subclass_is_accepted_as_class_and_as_instance() -> None:
    class BookSerializer(Serializer):
        read = ["title", "id"]

    class ClassEndpoint(RestEndpoint):
        title: str

        class Meta:
            serializer = BookSerializer

    class InstanceEndpoint(RestEndpoint):
        title: str

        class Meta:
            serializer = BookSerializer()

    assert inspect(ClassEndpoint).serializer == inspect(InstanceEndpoint).serializer
    assert inspect(ClassEndpoint).serializer.read == ("title", "id")
    assert inspect(ClassEndpoint).serializer.write == (
        "title", "id", "created_at", "updated_at", "version",
    )


def test_records_compare_by_value() -> None:
    assert Pagination(page_size=10) == Pagination(page_size=10)
    assert Pagination(page_size=10) != Pagination(page_size=11)
    assert Cache(ttl=5) != Pagination()
