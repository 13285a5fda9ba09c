"""Statement building is pure: checked by compiling SQL, without a database (issue #4)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from lightapi._runtime.listing import FilterTerm, OrderItem
from lightapi._runtime.queries import (
    count_statement,
    escape_like,
    filter_condition,
    keyset_condition,
    order_clauses,
    ordering_items,
    search_condition,
)

metadata = MetaData()
books = Table(
    "books", metadata, Column("id", Integer, primary_key=True), Column("title", String),
    Column("views", Integer),
)


def sql(element, dialect=sqlite.dialect()) -> str:
    compiled = element.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return " ".join(str(compiled).split())


def test_operators_compile_to_bound_comparisons():
    views = books.c.views
    assert sql(filter_condition(views, FilterTerm("views", "gte", 3))) == "books.views >= 3"
    assert sql(filter_condition(views, FilterTerm("views", "ne", 3))) == (
        "books.views != 3 OR books.views IS NULL"
    )
    assert sql(filter_condition(views, FilterTerm("views", "in", (1, 2)))) == (
        "books.views IN (1, 2)"
    )
    assert sql(filter_condition(views, FilterTerm("views", "isnull", False))) == (
        "books.views IS NOT NULL"
    )
    unbound = filter_condition(views, FilterTerm("views", "exact", "1; DROP TABLE books"))
    assert str(unbound.compile(dialect=sqlite.dialect())) == "books.views = ?"  # a parameter


def test_search_escapes_like_metacharacters():
    assert escape_like("100%_\\") == "100\\%\\_\\\\"
    condition = search_condition([books.c.title], "50%_off")
    assert sql(condition) == "lower(books.title) LIKE lower('%50\\%\\_off%') ESCAPE '\\'"
    assert sql(condition, postgresql.dialect()) == (
        "books.title ILIKE '%%50\\%%\\_off%%' ESCAPE '\\'"
    )


def test_ordering_appends_id_once():
    items = ordering_items([OrderItem("views", True)], books)
    assert [sql(clause) for clause in order_clauses(items)] == ["books.views DESC", "books.id ASC"]
    assert ordering_items([OrderItem("id", True)], books) == ((books.c.id, True),)


def test_keyset_condition_follows_each_key_direction():
    items = ordering_items([OrderItem("views", True), OrderItem("title", False)], books)
    forward = keyset_condition(items, [5, "m", 9], forward=True)
    assert sql(forward) == (
        "books.views < 5 OR books.views = 5 AND books.title > 'm' "
        "OR books.views = 5 AND books.title = 'm' AND books.id > 9"
    )
    backward = keyset_condition(items, [5, "m", 9], forward=False)
    assert sql(backward) == (
        "books.views > 5 OR books.views = 5 AND books.title < 'm' "
        "OR books.views = 5 AND books.title = 'm' AND books.id < 9"
    )


def test_count_ignores_ordering_and_limits():
    statement = select(books.c.id).where(books.c.views > 1).order_by(books.c.title).limit(5)
    assert sql(count_statement(statement, books, single_table=True)) == (
        "SELECT count(*) AS count_1 FROM books WHERE books.views > 1"
    )
    owners = Table("owners_count", metadata, Column("id", Integer))
    joined = select(books.c.id).join(owners, owners.c.id == books.c.views).order_by(books.c.id)
    assert sql(count_statement(joined, books, single_table=False)) == (
        "SELECT count(*) AS count_1 FROM (SELECT books.id AS id FROM books "
        "JOIN owners_count ON owners_count.id = books.views) AS anon_1"
    )


def test_scope_of_a_plain_queryset_keeps_its_where_and_order():
    from lightapi._runtime.scope import scope_of

    other = MetaData()
    mapped = Table("books", other, Column("id", Integer), Column("title", String),
                   Column("views", Integer))  # the same table, mapped by another app (R2.25)
    scope = scope_of(books, select(mapped).where(mapped.c.views > 2).order_by(mapped.c.title))
    assert sql(scope.where) == "books.views > 2"
    assert scope.where.left is books.c.views  # moved onto this app's table
    assert [sql(clause) for clause in scope.order_by] == ["books.title"]


def test_scope_of_a_joined_queryset_is_an_id_subquery():
    from lightapi._runtime.scope import scope_of

    owners = Table("owners", metadata, Column("id", Integer), Column("name", String))
    joined = select(books).join(owners, owners.c.id == books.c.views).where(owners.c.name == "a")
    scope = scope_of(books, joined)
    statement = select(books.c.id).where(scope.where)
    assert sql(statement) == (
        "SELECT books.id FROM books WHERE books.id IN (SELECT books.id FROM books "
        "JOIN owners ON owners.id = books.views WHERE owners.name = 'a')"
    )
