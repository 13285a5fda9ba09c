"""``lightapi check`` (SPEC §4): what it reports, in which format, with which exit code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lightapi._commands.check import render
from lightapi._commands.gathering import OWNED, RECORDED, merge
from lightapi.spec import Diagnostic, Severity, SourceLocation
from tests.cli.support import ROOT, line_of, run_process, target

SAMPLE = target("cli_sample.py")
CLEAN = target("cli_clean.py")
WARNINGS = target("cli_warnings.py")
SILENCED = target("cli_silenced.py")
MISTAKES = target("cli_mistakes.py")


def sample_text() -> str:
    la015, la201 = line_of(SAMPLE, "LA015"), line_of(SAMPLE, "LA201")
    return (
        f"{SAMPLE}:{la015}: LA015 warning: BookEndpoint.scratch: unique has no effect on "
        "excluded field 'scratch'\n"
        "    hint: drop the option or exclude=True\n"
        f"{SAMPLE}:{la201}: LA201 error: BookEndpoint.Meta.serializer: 'rating' in read= is not "
        "a field of BookEndpoint\n"
        "    hint: add the field or remove the name\n"
        "1 error, 1 warning (0 silenced)\n"
    )


def sample_json() -> str:
    la015, la201 = line_of(SAMPLE, "LA015"), line_of(SAMPLE, "LA201")
    return f"""{{
  "format": 1,
  "diagnostics": [
    {{
      "code": "LA015",
      "severity": "warning",
      "subject": "BookEndpoint.scratch",
      "file": "{SAMPLE}",
      "line": {la015},
      "message": "unique has no effect on excluded field 'scratch'",
      "hint": "drop the option or exclude=True"
    }},
    {{
      "code": "LA201",
      "severity": "error",
      "subject": "BookEndpoint.Meta.serializer",
      "file": "{SAMPLE}",
      "line": {la201},
      "message": "'rating' in read= is not a field of BookEndpoint",
      "hint": "add the field or remove the name"
    }}
  ],
  "summary": {{
    "errors": 1,
    "warnings": 1,
    "silenced": 0
  }}
}}
"""


def sample_github() -> str:
    la015, la201 = line_of(SAMPLE, "LA015"), line_of(SAMPLE, "LA201")
    return (
        f"::warning file={SAMPLE},line={la015},title=LA015::BookEndpoint.scratch: unique has "
        "no effect on excluded field 'scratch' (hint: drop the option or exclude=True)\n"
        f"::error file={SAMPLE},line={la201},title=LA201::BookEndpoint.Meta.serializer: "
        "'rating' in read= is not a field of BookEndpoint (hint: add the field or remove the "
        "name)\n"
        "1 error, 1 warning (0 silenced)\n"
    )


EXPECTED = {"text": sample_text, "json": sample_json, "github": sample_github}


# -- formats (R4.6 - R4.8) -----------------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "json", "github"])
def test_each_format_prints_the_whole_report(cli, output):
    result = cli("check", SAMPLE, "--format", output)
    assert (result.code, result.out, result.err) == (1, EXPECTED[output](), "")


def test_text_is_the_default_format(cli):
    assert cli("check", SAMPLE).out == sample_text()


def test_a_clean_module_prints_exactly_no_problems_found(cli):
    result = cli("check", CLEAN)
    assert (result.code, result.out, result.err) == (0, "no problems found\n", "")


def test_a_clean_module_in_json_and_github(cli):
    document = json.loads(cli("check", CLEAN, "--format", "json").out)
    assert document == {
        "format": 1,
        "diagnostics": [],
        "summary": {"errors": 0, "warnings": 0, "silenced": 0},
    }
    assert cli("check", CLEAN, "--format", "github").out == "no problems found\n"


def test_github_escapes_percent_colon_and_comma(cli, tmp_path, monkeypatch):
    """R4.8: ``%`` everywhere, ``:`` and ``,`` in properties (here the file name)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "odd:name,1%.py").write_text(
        "from lightapi import RestEndpoint\n\n\n"
        "class RateEndpoint(RestEndpoint):\n"
        '    ratio: int = "100%"\n',
        encoding="utf-8",
    )
    result = cli("check", "odd:name,1%.py", "--format", "github")
    assert result.out == (
        "::error file=odd%3Aname%2C1%25.py,line=5,title=LA009::RateEndpoint.ratio: default "
        "'100%25' of 'ratio' is not a valid int (hint: fix the default or the annotation)\n"
        "1 error, 0 warnings (0 silenced)\n"
    )
    assert result.code == 1


def test_github_escapes_carriage_returns_and_line_feeds():
    """No catalogue message holds CR or LF today; the renderer the command uses escapes them."""
    item = Diagnostic(
        code="LA999",
        severity=Severity.WARNING,
        subject="a:b,c",
        location=SourceLocation(file="dir,x/a:b.py", line=3),
        message="50%\r\ndone: yes, no",
        hint="x\ny",
    )
    assert render([item], "github", silenced=2) == (
        "::warning file=dir%2Cx/a%3Ab.py,line=3,title=LA999::a:b,c: 50%25%0D%0Adone: yes, no "
        "(hint: x%0Ay)\n"
        "0 errors, 1 warning (2 silenced)"
    )


# -- what is checked (R4.4, R3.13) ---------------------------------------------------------------


def test_independent_mistakes_are_each_reported_once_at_their_line(cli):
    """Issue acceptance 1: six mistakes (import-time record, field, Meta, serializer, two app
    links) give six diagnostics, each at its own file:line, and exit 1."""
    result = cli("check", MISTAKES, "--format", "json")
    document = json.loads(result.out)
    found = [(item["code"], item["subject"], item["line"]) for item in document["diagnostics"]]
    assert found == [
        ("LA311", "Pagination.page_size", line_of(MISTAKES, "LA311")),
        ("LA002", "ShelfEndpoint.tags", line_of(MISTAKES, "LA002")),
        ("LA101", "ShelfEndpoint.Meta.paginaton", line_of(MISTAKES, "LA101")),
        ("LA201", "ShelfEndpoint.Meta.serializer", line_of(MISTAKES, "LA201")),
        ("LA902", "ShelfCopyEndpoint", line_of(MISTAKES, "LA902")),
        ("LA901", "app.register['/shelves/']", line_of(MISTAKES, "LA901")),
    ]
    assert {item["file"] for item in document["diagnostics"]} == {MISTAKES}
    assert document["summary"] == {"errors": 6, "warnings": 0, "silenced": 0}
    assert result.code == 1


def test_the_same_problem_from_a_record_and_its_endpoint_is_kept_under_the_endpoint():
    """R3.13: equal code, location and message are one problem; the endpoint subject wins."""

    def item(subject: str, line: int = 4) -> Diagnostic:
        return Diagnostic(
            code="LA311",
            severity=Severity.ERROR,
            subject=subject,
            location=SourceLocation(file="m.py", line=line),
            message="page_size 0 must be between 1 and 100",
            hint="fix page_size or max_page_size",
        )

    record, endpoint = item("Pagination.page_size"), item("BookEndpoint.Meta.pagination")
    other = item("Pagination.page_size", line=9)
    assert merge([(RECORDED, [record, other]), (OWNED, [endpoint, endpoint])]) == [
        endpoint,
        other,
    ]
    # A record sighting after the endpoint's does not take the subject back.
    assert merge([(OWNED, [endpoint]), (RECORDED, [record])]) == [endpoint]


def test_a_problem_reported_by_a_class_and_its_app_is_printed_once(cli):
    result = cli("check", SAMPLE, f"{SAMPLE}:app", f"{SAMPLE}:BookEndpoint")
    assert result.out == sample_text()


def test_several_targets_are_reported_together(cli):
    result = cli("check", CLEAN, WARNINGS)
    assert result.out.splitlines()[-1] == "0 errors, 2 warnings (0 silenced)"
    assert result.code == 0


def test_deploy_adds_phase_p(cli):
    assert cli("check", CLEAN).out == "no problems found\n"
    result = cli("check", CLEAN, "--deploy")
    assert result.out == (
        f"{CLEAN}:8: LA804 warning: PlainBookEndpoint: PlainBookEndpoint accepts writes without "
        "authentication\n"
        "    hint: add Meta.authentication\n"
        "0 errors, 1 warning (0 silenced)\n"
    )
    assert result.code == 0


# -- fail level and silencing (R4.9, R3.14) --------------------------------------------------------


def test_warnings_fail_only_at_fail_level_warning(cli):
    assert cli("check", WARNINGS).code == 0
    assert cli("check", WARNINGS, "--fail-level", "error").code == 0
    result = cli("check", WARNINGS, "--fail-level", "warning")
    assert result.code == 1
    assert result.out.splitlines()[-1] == "0 errors, 2 warnings (0 silenced)"


def test_the_apps_silence_hides_and_counts_warnings(cli):
    result = cli("check", SILENCED, "--fail-level", "warning")
    assert result.out == (
        f"{SILENCED}:{line_of(SILENCED, 'LA206')}: LA206 warning: MemoEndpoint.Meta.serializer: "
        "read= is empty; responses will be {}\n"
        "    hint: list at least one field\n"
        "0 errors, 1 warning (1 silenced)\n"
    )
    assert result.code == 1


def test_pyproject_silence_adds_to_the_apps_and_silenced_warnings_never_fail(
    cli, tmp_path, monkeypatch
):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lightapi]\nsilence = ["LA206"]\n', encoding="utf-8"
    )
    source = target("cli_silenced.py")
    monkeypatch.chdir(tmp_path)
    result = cli("check", str(ROOT / source), "--fail-level", "warning")
    assert (result.code, result.out) == (0, "0 errors, 0 warnings (2 silenced)\n")
    document = json.loads(cli("check", str(ROOT / source), "--format", "json").out)
    assert document["summary"] == {"errors": 0, "warnings": 0, "silenced": 2}


def test_silenced_warnings_are_counted_in_every_format(cli):
    assert cli("check", SILENCED, "--format", "github").out.endswith(
        "0 errors, 1 warning (1 silenced)\n"
    )


# -- the command line itself (R0.5, R4.1) -----------------------------------------------------


def test_python_dash_m_lightapi_behaves_like_the_console_script(cli):
    for output in ("text", "json", "github"):
        process = run_process("check", SAMPLE, "--format", output)
        assert (process.code, process.out, process.err) == (1, EXPECTED[output](), "")
    clean = run_process("check", CLEAN)
    assert (clean.code, clean.out) == (0, "no problems found\n")


def test_help_lists_every_command(cli):
    result = cli("--help")
    assert result.code == 0
    assert result.out.startswith("usage: lightapi")
    assert all(command in result.out for command in ("check", "inspect", "serve"))
    process = run_process("--help")
    assert (process.code, process.out) == (0, result.out)


def test_plain_lightapi_serves_and_needs_a_target(cli, monkeypatch):
    """R16.7: plain ``lightapi`` is ``lightapi serve``; no TARGET and no LIGHTAPI_CONFIG → 2."""
    monkeypatch.delenv("LIGHTAPI_CONFIG", raising=False)
    result = cli()
    assert result.code == 2
    assert "LIGHTAPI_CONFIG" in result.err


def test_usage_errors_exit_2(cli):
    result = cli("check", SAMPLE, "--format", "xml")
    assert result.code == 2
    assert "invalid choice: 'xml'" in result.err
    assert cli("check", SAMPLE, "--fail-level", "info").code == 2
    assert cli("frobnicate").code == 2


def test_checking_classes_without_an_app_loads_no_web_or_database_library():
    """ARCHITECTURE §3: the command imports the runtime only when a target does (LightApi)."""
    program = (
        "import contextlib, io, sys\n"
        "from lightapi.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['check', {target('cli_endpoints.py')!r}])\n"
        "heavy = {'starlette', 'sqlalchemy', 'redis', 'msgspec', 'apispec', 'uvicorn'}\n"
        "print(code, sorted(heavy & {name.split('.')[0] for name in sys.modules}))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout == "0 []\n"
