"""Target resolution (R4.2, R4.3) and the exit code 2 cases of R4.10, through ``lightapi check``."""

from __future__ import annotations

import json
import sys

import pytest

from tests.cli.support import ROOT, line_of, run_process, target

SAMPLE = target("cli_sample.py")
CLEAN = target("cli_clean.py")
TWO_APPS = target("cli_two_apps.py")
SAMPLE_LINES = (
    f"{SAMPLE}:{line_of(SAMPLE, 'LA015')}: LA015 warning: BookEndpoint.scratch: unique has no "
    "effect on excluded field 'scratch'",
    f"{SAMPLE}:{line_of(SAMPLE, 'LA201')}: LA201 error: BookEndpoint.Meta.serializer: 'rating' "
    "in read= is not a field of BookEndpoint",
)


def reported(out: str) -> tuple[str, ...]:
    """The diagnostic lines of a text report (hints and summary left out)."""
    return tuple(line for line in out.splitlines()[:-1] if not line.startswith("    hint: "))


# -- the forms of TARGET ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        SAMPLE,
        str(ROOT / SAMPLE),  # an absolute path
        "tests.cli.targets.cli_sample",  # a dotted module, from the current directory
        "tests.cli.targets.cli_sample:app",  # module:attr naming the app
        "tests.cli.targets.cli_sample:BookEndpoint",  # module:attr naming an endpoint class
        f"{SAMPLE}:app",  # file.py:attr
    ],
)
def test_every_target_form_reports_the_same_problems(cli, form):
    result = cli("check", form)
    assert reported(result.out) == SAMPLE_LINES
    assert (result.code, result.err) == (1, "")


def test_a_file_is_imported_under_its_stem_with_its_folder_first_on_sys_path(cli):
    result = cli("inspect", CLEAN, "--json")
    assert json.loads(result.out)["endpoints"][0]["module"] == "cli_clean"
    assert sys.path[0] == str((ROOT / CLEAN).parent)


def test_a_file_named_like_an_imported_module_does_not_replace_it(cli, tmp_path):
    (tmp_path / "json.py").write_text(
        "from lightapi import RestEndpoint\n\n\n"
        "class JsonEndpoint(RestEndpoint):\n    tags: list\n",
        encoding="utf-8",
    )
    original = sys.modules["json"]
    result = cli("check", str(tmp_path / "json.py"))
    assert sys.modules["json"] is original
    assert "LA002 error: JsonEndpoint.tags" in result.out
    assert result.code == 1


def test_module_attr_naming_one_app_checks_that_app_only(cli):
    """R4.4: the named attribute instead of every app of the module; 'admin' has no
    endpoints (LA908), 'public' is clean."""
    la908 = (
        f"{TWO_APPS}:{line_of(TWO_APPS, 'LA908')}: LA908 warning: app: no endpoints are registered"
    )
    assert reported(cli("check", TWO_APPS).out) == (la908,)
    assert cli("check", f"{TWO_APPS}:public").out == "no problems found\n"
    assert reported(cli("check", "tests.cli.targets.cli_two_apps:admin").out) == (la908,)


def test_a_module_without_an_app_checks_its_endpoint_classes(cli):
    assert cli("check", target("cli_endpoints.py")).out == "no problems found\n"


# -- pyproject.toml (R4.3, R3.14) ------------------------------------------------------------------


def write_project(folder, table: str) -> None:
    (folder / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n{table}", encoding="utf-8")
    (folder / "proj_books.py").write_text(
        "from lightapi import LightApi, RestEndpoint\n\n\n"
        "class ShelfEndpoint(RestEndpoint):\n"
        "    tags: list[str]\n\n\n"
        'app = LightApi(database_url="sqlite:///shelves.db")\n'
        'app.register({"/shelves": ShelfEndpoint})\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("default", ["proj_books:app", "proj_books.py", "proj_books"])
def test_without_target_the_pyproject_app_is_checked(cli, tmp_path, monkeypatch, default):
    """Found at or above the current directory; resolved from the pyproject.toml's folder."""
    write_project(tmp_path, f'[tool.lightapi]\napp = "{default}"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    result = cli("check")
    assert reported(result.out) == (
        f"{tmp_path}/proj_books.py:5: LA002 error: ShelfEndpoint.tags: annotation 'list[str]' "
        "on field 'tags' is not in the type map",
    )
    assert result.code == 1


def test_without_target_and_without_the_pyproject_key_exit_2(cli, tmp_path, monkeypatch):
    write_project(tmp_path, "[tool.lightapi]\nsilence = []\n")
    monkeypatch.chdir(tmp_path)
    result = cli("check")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: no TARGET given and no [tool.lightapi] app in pyproject.toml (pyproject.toml); "
        'pass a TARGET or set app = "module:app" under [tool.lightapi]\n'
    )
    assert cli("inspect").code == 2


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        (
            '[tool.lightapi]\napp = "proj_books"\nsilenced = ["LA015"]\n',
            "unknown key 'silenced' (known keys: app, silence)",
        ),
        ("[tool.lightapi]\napp = 3\n", "'app' must be a non-empty string"),
        ('[tool.lightapi]\nsilence = "LA015"\n', "'silence' must be a list of warning codes"),
        (
            '[tool.lightapi]\nsilence = ["LA002"]\n',
            "'silence' names LA002, an error; only warnings can be silenced",
        ),
        ('[tool.lightapi]\nsilence = ["LA999"]\n', "'silence' names unknown code 'LA999'"),
        ('[tool]\nlightapi = "proj_books"\n', "it must be a table"),
    ],
)
def test_an_invalid_tool_lightapi_table_exits_2(cli, tmp_path, monkeypatch, table, problem):
    write_project(tmp_path, table)
    monkeypatch.chdir(tmp_path)
    result = cli("check", "proj_books.py")
    assert (result.code, result.out) == (2, "")
    assert result.err == f"error: invalid [tool.lightapi] in pyproject.toml: {problem}\n"


def test_an_unreadable_pyproject_exits_2(cli, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.lightapi\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", str(ROOT / CLEAN))
    assert result.code == 2
    assert result.err.startswith("error: cannot read pyproject.toml: ")


# -- targets that cannot be found or imported (R4.10) ----------------------------------------------


def test_yaml_targets_are_checked(cli, tmp_path):
    """R4.2: a YAML file is loaded per §16; its problems are reported at their keys."""
    assert cli("check", target("cli_books.yaml")).code == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text("endpoints:\n  - route: /books\n    meta:\n      paginaton: {}\n")
    result = cli("check", str(broken))
    assert result.code == 1
    assert f"{broken}:4: LA701 error: {broken}:endpoints[0].meta.paginaton:" in result.out


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            "tests/cli/targets/cli_missing.py",
            "cannot find tests/cli/targets/cli_missing.py: no such file",
        ),
        (
            "tests/cli/targets/cli_missing.yaml",
            "cannot find tests/cli/targets/cli_missing.yaml: no such file",
        ),
        (
            "cli_no_such_module",
            "cannot import cli_no_such_module: ModuleNotFoundError: No module named "
            "'cli_no_such_module'",
        ),
        (
            "tests.cli.targets.cli_sample:nothing",
            "cannot find tests.cli.targets.cli_sample:nothing: module "
            "'tests.cli.targets.cli_sample' has no attribute 'nothing'",
        ),
        (
            "tests.cli.targets.cli_sample:Serializer",
            "tests.cli.targets.cli_sample:Serializer is type, not a LightApi app or a concrete "
            "RestEndpoint subclass",
        ),
        (
            "tests.cli.targets.cli_endpoints:TimestampedBase",
            "tests.cli.targets.cli_endpoints:TimestampedBase is type, not a LightApi app or a "
            "concrete RestEndpoint subclass",
        ),
        (
            "not a module",
            "invalid target not a module: expected a .py or .yaml file, a module, or module:attr",
        ),
    ],
)
def test_a_target_that_cannot_be_found_exits_2(cli, form, message):
    result = cli("check", form)
    assert (result.code, result.out, result.err) == (2, "", f"error: {message}\n")


def test_an_import_error_exits_2_without_traceback(cli):
    result = cli("check", target("cli_raises.py"))
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: cannot import tests/cli/targets/cli_raises.py: RuntimeError: settings file "
        "'prod.ini' is missing\n"
    )


def test_traceback_shows_the_targets_frames(cli):
    result = cli("check", target("cli_raises.py"), "--traceback")
    path = ROOT / target("cli_raises.py")
    assert result.code == 2
    assert result.err.startswith("Traceback (most recent call last):\n")
    assert f'  File "{path}", line 8, in <module>\n    load_settings()\n' in result.err
    assert "importlib" not in result.err
    assert result.err.endswith(
        "RuntimeError: settings file 'prod.ini' is missing\n"
        "error: cannot import tests/cli/targets/cli_raises.py: RuntimeError: settings file "
        "'prod.ini' is missing\n"
    )


def test_a_syntax_error_is_an_import_failure(cli, tmp_path):
    broken = tmp_path / "cli_broken.py"
    broken.write_text("from lightapi import RestEndpoint\nx = (\n", encoding="utf-8")
    result = cli("check", str(broken))
    assert result.code == 2
    assert result.err == (
        f"error: cannot import {broken}: SyntaxError: '(' was never closed (cli_broken.py, "
        "line 2)\n"
    )
    assert "Traceback" not in result.err
    assert "^" in cli("check", str(broken), "--traceback").err


def test_a_configuration_error_at_import_exits_2(cli, tmp_path):
    """R3.14: an error code in LightApi(silence=...) is a ConfigurationError (CLI: exit 2)."""
    module = tmp_path / "cli_bad_silence.py"
    module.write_text(
        'from lightapi import LightApi\napp = LightApi(database_url="sqlite://", '
        'silence={"LA002"})\n',
        encoding="utf-8",
    )
    result = cli("check", str(module))
    assert result.code == 2
    assert result.err == (
        f"error: cannot import {module}: ConfigurationError: silence= accepts warning codes "
        "only, not LA002\n"
    )


def test_a_spec_error_escaping_the_import_is_reported_normally(cli):
    """R4.10: the module called lightapi.inspect() on a broken class at top level."""
    escape = target("cli_escape.py")
    result = cli("check", escape)
    assert result.out == (
        f"{escape}:{line_of(escape, 'LA002')}: LA002 error: NoteEndpoint.tags: annotation "
        "'list[str]' on field 'tags' is not in the type map\n"
        "    hint: use a supported type, or Field(exclude=True)\n"
        "1 error, 0 warnings (0 silenced)\n"
    )
    assert (result.code, result.err) == (1, "")


def test_what_a_target_prints_goes_to_stderr(cli, tmp_path):
    """stdout carries the report only, so --format json stays one JSON document."""
    module = tmp_path / "cli_chatty.py"
    module.write_text('print("connecting...")\n', encoding="utf-8")
    result = cli("check", str(module), "--format", "json")
    assert json.loads(result.out)["summary"] == {"errors": 0, "warnings": 0, "silenced": 0}
    assert result.err == "connecting...\n"


def test_import_failures_in_a_real_process(tmp_path):
    result = run_process("check", target("cli_raises.py"))
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: cannot import tests/cli/targets/cli_raises.py: RuntimeError: settings file "
        "'prod.ini' is missing\n"
    )
    yaml = run_process("check", target("cli_books.yaml"))
    assert (yaml.code, yaml.out) == (0, "no problems found\n")
