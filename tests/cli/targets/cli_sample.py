"""The sample of docs/cli.md: one error and one warning."""

from typing import Optional

from lightapi import Field, LightApi, RestEndpoint, Serializer


class BookEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    year: Optional[int] = None
    scratch: str = Field(default="", exclude=True, unique=True)  # LA015

    class Meta:
        serializer = Serializer(read=["title", "rating"])  # LA201


app = LightApi(database_url="sqlite:///books.db")
app.register({"/books": BookEndpoint})
