"""Two apps in one module: check checks both; inspect needs one named (module:attr). The admin
app has no endpoint yet (LA908)."""

from lightapi import LightApi, RestEndpoint


class ArticleEndpoint(RestEndpoint):
    title: str


public = LightApi(database_url="sqlite:///public.db")
public.register({"/articles": ArticleEndpoint})
admin = LightApi(database_url="sqlite:///admin.db")  # LA908
