"""A sync-only install (no ``lightapi[async]`` extra, so no greenlet) serves a sync app, and an
async URL says what to install (R0.4, R13.5). Each case runs in a fresh interpreter in which
``import greenlet`` fails."""

from __future__ import annotations

import subprocess
import sys
import textwrap

WITHOUT_GREENLET = "import sys\nsys.modules['greenlet'] = None\n"


def run(program: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_GREENLET + textwrap.dedent(program)],
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_sync_app_serves_without_greenlet(tmp_path):
    result = run(
        f"""
        from typing import Optional
        from sqlalchemy import create_engine
        from starlette.testclient import TestClient
        from lightapi import Field, LightApi, RestEndpoint, get_sync_session

        class BookEndpoint(RestEndpoint):
            title: str = Field(min_length=1)
            year: Optional[int] = None

        app = LightApi(engine=create_engine("sqlite:///{tmp_path}/books.db"))
        app.register({{"/books": BookEndpoint}})
        client = TestClient(app.build_app())
        assert client.post("/books", json={{"title": "Dune"}}).status_code == 201
        assert client.get("/books/1").json()["title"] == "Dune"
        print("served")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "served"


def test_async_url_without_greenlet_names_the_extra(tmp_path):
    result = run(
        f"""
        from lightapi import ConfigurationError, LightApi
        try:
            LightApi(database_url="sqlite+aiosqlite:///{tmp_path}/a.db")
        except ConfigurationError as error:
            print(error)
        """
    )
    assert result.returncode == 0, result.stderr
    assert 'pip install "lightapi[async]"' in result.stdout
