"""The documents of the example apps, as ``lightapi openapi`` prints them (R17.9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
# Golden file name -> the example it documents.
EXAMPLES = {
    "books.json": "examples/books.py",
    "auth_notes.json": "examples/auth_notes.py",
    "hooks.json": "examples/hooks.py",
    "books_yaml.json": "examples/books.yaml",
}
# The examples read their JWT secret from the environment, as a deployment would (R10.8).
ENVIRONMENT = {**os.environ, "LIGHTAPI_JWT_SECRET": "openapi-golden-secret-0123456789abcdef"}


def lightapi_openapi(*arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m lightapi openapi ...`` from the repository root, as CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "lightapi", "openapi", *arguments],
        cwd=ROOT, env=ENVIRONMENT, capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.fixture(scope="session", params=sorted(EXAMPLES))
def example_output(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(golden file name, the document text the command printed)."""
    result = lightapi_openapi(EXAMPLES[request.param])
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    return request.param, result.stdout


@pytest.fixture(scope="session")
def example_document(example_output: tuple[str, str]) -> dict:
    return json.loads(example_output[1])
