"""The quickstart: a books API on SQLite, served at http://127.0.0.1:8000."""

from typing import Optional

from sqlalchemy import create_engine

from lightapi import Field, LightApi, RestEndpoint


class BookEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    author: str = Field(min_length=1)
    year: Optional[int] = None


engine = create_engine("sqlite:///books.db")
app = LightApi(engine=engine)
app.register({"/books": BookEndpoint})

if __name__ == "__main__":
    app.run()
