"""A module without any problem: one endpoint, one app."""

from typing import Optional

from lightapi import Field, LightApi, RestEndpoint


class PlainBookEndpoint(RestEndpoint):
    title: str = Field(min_length=1, max_length=200)
    year: Optional[int] = None


app = LightApi(database_url="sqlite:///clean.db")
app.register({"/books": PlainBookEndpoint})
