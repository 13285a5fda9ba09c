"""Import direction (ARCHITECTURE §3) and the public surface (SPEC R1.1), each in a fresh
interpreter so that nothing imported by other tests hides a violation."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("starlette", "sqlalchemy", "redis", "msgspec", "apispec", "uvicorn")


def loaded_after(statement: str) -> list[str]:
    program = (
        f"import sys, json\n{statement}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "statement",
    [
        "import lightapi.spec",
        "import lightapi",
        "from lightapi import RestEndpoint, Field, HttpMethod, Serializer, Pagination",
        "import lightapi.cli",
        "from lightapi import inspect, diagnose, collect_diagnostics",
    ],
)
def test_spec_and_front_ends_import_no_web_or_database_library(statement):
    assert loaded_after(statement) == []  # issue #2 acceptance 6, R1.1


def test_declaring_an_endpoint_imports_no_web_or_database_library():
    statement = (
        "from lightapi import RestEndpoint, Field\n"
        "class BookEndpoint(RestEndpoint):\n"
        "    title: str = Field(min_length=1)\n"
        "import lightapi\n"
        "lightapi.inspect(BookEndpoint)"
    )
    assert loaded_after(statement) == []


def test_runtime_never_imports_the_composition_root():
    program = (
        "import sys\nimport lightapi._runtime.routing, lightapi._runtime.handlers\n"
        "print('lightapi.app' in sys.modules, 'lightapi.cli' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]


def test_public_names_resolve_from_their_homes():
    import lightapi

    for name in lightapi.__all__:
        value = getattr(lightapi, name)
        assert value is not None, name
    from lightapi.app import LightApi
    from lightapi.lightapi import LightApi as CompatibleLightApi

    assert lightapi.LightApi is LightApi is CompatibleLightApi
    with pytest.raises(AttributeError):
        lightapi.SessionManager  # noqa: B018 - R1.7: dropped 0.x names stay dropped


@pytest.mark.parametrize(
    "module", ["lightapi.session_manager", "lightapi.constants", "lightapi.health",
               "lightapi.server", "lightapi.yaml_loader", "lightapi._login"]
)
def test_dropped_modules_are_gone(module):
    with pytest.raises(ImportError):
        __import__(module)
