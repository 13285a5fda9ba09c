"""Filtering and pagination options (R7, R8) reported by the plugin (R18.2)."""

import datetime
from typing import Optional

from lightapi import Filtering, Pagination, RestEndpoint


class UnknownFilterEndpoint(RestEndpoint):
    status: str

    class Meta:
        filtering = Filtering(fields=["statuss"])  # E: LA301 error: UnknownFilterEndpoint.Meta.filtering.fields: 'statuss' in Filtering.fields is not a field of UnknownFilterEndpoint  [lightapi] # N: hint: did you mean 'status'?


class UnknownSearchEndpoint(RestEndpoint):
    status: str

    class Meta:
        filtering = Filtering(search=["body"])  # E: LA302 error: UnknownSearchEndpoint.Meta.filtering.search: 'body' in Filtering.search is not a field of UnknownSearchEndpoint  [lightapi] # N: hint: fields: status, id, created_at, updated_at, version


class UnknownOrderingEndpoint(RestEndpoint):
    status: str

    class Meta:
        filtering = Filtering(ordering=["rank"])  # E: LA303 error: UnknownOrderingEndpoint.Meta.filtering.ordering: 'rank' in Filtering.ordering is not a field of UnknownOrderingEndpoint  [lightapi] # N: hint: fields: status, id, created_at, updated_at, version


class SearchOnIntEndpoint(RestEndpoint):
    views: int

    class Meta:
        filtering = Filtering(search=["views"])  # E: LA304 error: SearchOnIntEndpoint.Meta.filtering.search: search field 'views' is int; search needs str fields  [lightapi] # N: hint: remove it from search=


class ReservedFilterEndpoint(RestEndpoint):
    page: int

    class Meta:
        filtering = Filtering(fields=["page"])  # E: LA305 error: ReservedFilterEndpoint.Meta.filtering.fields: 'page' cannot be a filter: it is a reserved query parameter  [lightapi] # N: hint: rename or drop it


class UnknownStyleEndpoint(RestEndpoint):
    title: str

    class Meta:
        pagination = Pagination(style="offset")  # type: ignore[arg-type]  # E: LA310 error: UnknownStyleEndpoint.Meta.pagination: unknown pagination style 'offset'  [lightapi] # N: Error code "lightapi" not covered by "type: ignore[arg-type]" comment # N: hint: use 'page_number' or 'cursor'


class PageSizeEndpoint(RestEndpoint):
    title: str

    class Meta:
        pagination = Pagination(page_size=0)  # E: LA311 error: PageSizeEndpoint.Meta.pagination: page_size 0 must be between 1 and 100  [lightapi] # N: hint: fix page_size or max_page_size


class MaxPageSizeEndpoint(RestEndpoint):
    title: str

    class Meta:
        pagination = Pagination(page_size=1, max_page_size=0)  # E: LA312 error: MaxPageSizeEndpoint.Meta.pagination: max_page_size 0 must be at least 1  [lightapi] # N: hint: raise it


class NullableCursorEndpoint(RestEndpoint):
    published_at: Optional[datetime.datetime] = None

    class Meta:
        pagination = Pagination(style="cursor")
        filtering = Filtering(ordering=["published_at"])  # E: LA313 error: NullableCursorEndpoint.Meta.filtering.ordering: cursor pagination cannot order by nullable field 'published_at'  [lightapi] # N: hint: drop it from ordering=


class FineEndpoint(RestEndpoint):
    """Every filtering and pagination option, valid: nothing to report."""

    title: str
    views: int = 0

    class Meta:
        filtering = Filtering(fields=["title", "views"], search=["title"], ordering=["views"])
        pagination = Pagination(style="cursor", page_size=10, max_page_size=50)
