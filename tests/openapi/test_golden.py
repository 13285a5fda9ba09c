"""Golden files of the examples' documents (issue #9 acceptance 4), and ``lightapi openapi
--check`` catching a change (R17.9).

After an intended change to the document, run ``scripts/regenerate-golden``, review the diff,
and commit it.
"""

from __future__ import annotations

import json

from tests.openapi.conftest import EXAMPLES, GOLDEN, ROOT, lightapi_openapi


def test_the_examples_documents_are_the_golden_files(example_output):
    name, text = example_output
    assert text == (GOLDEN / name).read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "openapi": "3.1.0",\n')


def test_check_accepts_the_golden_file_and_catches_a_change(tmp_path):
    example = EXAMPLES["books.json"]
    same = lightapi_openapi(example, "--check", str(GOLDEN / "books.json"))
    assert (same.returncode, same.stdout) == (0, f"{GOLDEN / 'books.json'} is up to date\n")

    committed = json.loads((GOLDEN / "books.json").read_text(encoding="utf-8"))
    committed["info"]["title"] = "Old title"
    del committed["paths"]["/books/{id}"]["delete"]
    committed["components"]["schemas"]["BookEndpointCreate"]["required"] = ["title"]
    stale = tmp_path / "openapi.json"
    stale.write_text(json.dumps(committed, indent=2) + "\n", encoding="utf-8")
    changed = lightapi_openapi(example, "--check", str(stale))
    assert changed.returncode == 1
    summary = changed.stdout.splitlines()[:4]
    assert summary == [
        f"{stale} differs from the generated document:",
        "  ~ path /books/{id}",
        "  ~ schema BookEndpointCreate",
        "  ~ other parts (info, responses or security schemes)",
    ]
    assert '-    "title": "Old title",' in changed.stdout
    assert '+    "title": "LightAPI",' in changed.stdout
    assert changed.stdout.endswith(f"regenerate it with: lightapi openapi {example} -o {stale}\n")


def test_export_to_a_file(tmp_path):
    written = tmp_path / "openapi.json"
    result = lightapi_openapi(EXAMPLES["books_yaml.json"], "-o", str(written))
    assert (result.returncode, result.stdout) == (0, "")
    assert written.read_text(encoding="utf-8") == (GOLDEN / "books_yaml.json").read_text(
        encoding="utf-8"
    )
    assert ROOT.joinpath(EXAMPLES["books_yaml.json"]).is_file()
