"""``lightapi openapi`` (R17.9): exit codes and messages; the documents themselves are checked in
tests/openapi/."""

from __future__ import annotations

import json

from tests.cli.support import target

CLEAN = target("cli_clean.py")


def test_prints_the_document_with_indent_2(cli):
    result = cli("openapi", CLEAN)
    assert (result.code, result.err) == (0, "")
    document = json.loads(result.out)
    assert result.out == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert list(document["paths"]) == ["/books", "/books/{id}", "/healthz", "/readyz"]


def test_errors_of_the_target_are_printed_and_exit_1(cli):
    result = cli("openapi", target("cli_sample.py"))
    assert result.code == 1
    assert " LA" in result.out and "error" in result.out
    assert '"openapi"' not in result.out


def test_usage_errors_exit_2(cli, tmp_path):
    missing = cli("openapi", "no/such/module.py")
    assert missing.code == 2 and "cannot find" in missing.err
    two = cli("openapi", target("cli_two_apps.py"))
    assert two.code == 2 and "name one" in two.err
    endpoint = cli("openapi", f"{target('cli_endpoints.py')}:AuthorEndpoint")
    assert endpoint.code == 2 and "names no LightApi app" in endpoint.err
    no_file = cli("openapi", CLEAN, "--check", str(tmp_path / "absent.json"))
    assert no_file.code == 2 and "no such file" in no_file.err
    both = cli("openapi", CLEAN, "-o", "a.json", "--check", "b.json")
    assert both.code == 2 and "not allowed with argument" in both.err
    assert cli("openapi").code == 2


def test_check_compares_text_exactly(cli, tmp_path):
    written = tmp_path / "openapi.json"
    assert cli("openapi", CLEAN, "-o", str(written)).code == 0
    assert cli("openapi", CLEAN, "--check", str(written)).code == 0
    written.write_text(written.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    differs = cli("openapi", CLEAN, "--check", str(written))
    assert differs.code == 1
    assert differs.out.splitlines()[1] == (
        "  the same document, formatted otherwise (expected: indent 2, final newline)"
    )
