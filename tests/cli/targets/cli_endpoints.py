"""Endpoint classes and no app: inspect shows every concrete class, registered or not."""

from lightapi import Field, Pagination, RestEndpoint, Serializer


class TimestampedBase(RestEndpoint):
    _base_only = True


class AuthorEndpoint(TimestampedBase):
    name: str = Field(min_length=1, description="shown on the cover")

    class Meta:
        pagination = Pagination(page_size=10, max_page_size=50)


class ReviewEndpoint(RestEndpoint):
    stars: int = Field(ge=1, le=5)
    body: str = ""

    class Meta:
        serializer = Serializer(read=["stars", "body"])
