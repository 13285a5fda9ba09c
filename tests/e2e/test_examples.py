"""The examples in examples/ run as documented (each in its own working directory)."""

from __future__ import annotations

import runpy

import pytest
from starlette.testclient import TestClient

from tests.e2e.server import ROOT


@pytest.fixture
def example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def load(name: str) -> dict:
        return runpy.run_path(str(ROOT / "examples" / name), run_name="example")

    return load


def test_auth_notes(example, monkeypatch):
    monkeypatch.setenv("LIGHTAPI_JWT_SECRET", "example-secret-" + "e" * 40)
    with TestClient(example("auth_notes.py")["app"].build_app()) as client:
        assert client.get("/notes").status_code == 200
        assert client.post("/notes", json={"text": "hi"}).status_code == 401
        login = client.post("/auth/login", json={"username": "ann", "password": "ann-pw"})
        ann = {"Authorization": f"Bearer {login.json()['token']}"}
        assert client.post("/notes", json={"text": "hi"}, headers=ann).status_code == 201
        assert client.delete("/notes/1", headers=ann).status_code == 403
        root = client.post("/auth/login", json={"username": "root", "password": "root-pw"})
        admin = {"Authorization": f"Bearer {root.json()['token']}"}
        assert client.delete("/notes/1", headers=admin).status_code == 204
        wrong = client.post("/auth/login", json={"username": "ann", "password": "nope"})
        assert wrong.status_code == 401


def test_auth_notes_refuses_to_start_without_a_secret(example, monkeypatch):
    from lightapi import SpecError
    from lightapi.config import config

    monkeypatch.delenv("LIGHTAPI_JWT_SECRET", raising=False)
    monkeypatch.setattr(config, "jwt_secret", None)
    with pytest.raises(SpecError) as raised:
        example("auth_notes.py")["app"].build_app()
    assert [item.code for item in raised.value.diagnostics] == ["LA801"]  # R10.8


def test_hooks(example):
    namespace = example("hooks.py")
    with TestClient(namespace["app"].build_app()) as client:
        created = client.post("/orders", json={"item": "book", "quantity": 2})
        assert created.status_code == 201
        assert created.headers["server-timing"].startswith("app;dur=")
        invalid = client.post("/orders", json={"item": "book", "quantity": 0})
        assert invalid.status_code == 422 and "server-timing" in invalid.headers
    assert namespace["SENT"] == [created.json()["id"]]  # queued for the created order only
