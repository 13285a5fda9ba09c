"""The same two warnings as cli_warnings.py; the app silences LA015 (R3.14)."""

from lightapi import Field, LightApi, RestEndpoint, Serializer


class MemoEndpoint(RestEndpoint):
    title: str
    scratch: str = Field(default="", exclude=True, unique=True)  # LA015

    class Meta:
        serializer = Serializer(read=[])  # LA206


app = LightApi(database_url="sqlite:///memos.db", silence={"LA015"})
app.register({"/memos": MemoEndpoint})
