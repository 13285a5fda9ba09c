"""Issue acceptance 1: six independent mistakes, each reported once with its own file:line."""

from lightapi import Field, LightApi, Pagination, RestEndpoint, Serializer

unused_page = Pagination(page_size=0)  # LA311


class ShelfEndpoint(RestEndpoint):
    label: str = Field(min_length=1)
    tags: list[str]  # LA002

    class Meta:
        paginaton = Pagination(page_size=10)  # LA101
        serializer = Serializer(read=["label", "rating"])  # LA201


class ShelfCopyEndpoint(RestEndpoint):  # LA902
    label: str

    class Meta:
        table = "shelfs"


class CornerEndpoint(RestEndpoint):
    name: str


app = LightApi(database_url="sqlite:///mistakes.db")
app.register({"/shelves": ShelfEndpoint, "/copies": ShelfCopyEndpoint})
app.register({"/shelves/": CornerEndpoint})  # LA901
