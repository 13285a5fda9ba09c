"""Warnings only: LA015 and LA206."""

from lightapi import Field, LightApi, RestEndpoint, Serializer


class DraftEndpoint(RestEndpoint):
    title: str
    scratch: str = Field(default="", exclude=True, unique=True)  # LA015

    class Meta:
        serializer = Serializer(read=[])  # LA206


app = LightApi(database_url="sqlite:///drafts.db")
app.register({"/drafts": DraftEndpoint})
