"""Target resolution for the command line (R4.2, R4.3): what ``TARGET`` names, and importing it.

Shared by ``lightapi check``, ``inspect`` and, later, ``openapi`` and ``serve`` (R4.12, R16.7).
A target is a ``.py`` file, a ``.yaml``/``.yml`` file, a dotted module name, or ``module:attr``
(``file.py:attr`` too); with none, ``[tool.lightapi] app`` of the nearest pyproject.toml.

Nothing here imports the web or database libraries: a target that uses ``LightApi`` imports
``lightapi.app`` itself, so apps are found through ``sys.modules`` (ARCHITECTURE §3). Importing
runs inside the caller's ``collect_diagnostics()`` block (R3.12); this module only executes code.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import re
import sys
import traceback
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, cast

from lightapi.exceptions import LightApiWarning, SpecError
from lightapi.spec.codes import CODES, Severity
from lightapi.spec.diagnostics import Diagnostic, relative_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib

if TYPE_CHECKING:
    from lightapi.app import LightApi
    from lightapi.rest import RestEndpoint

__all__ = [
    "ImportFailure",
    "Loaded",
    "ProjectConfig",
    "Target",
    "TargetError",
    "Workspace",
    "parse_target",
    "project_config",
    "resolve_targets",
]

TargetKind = Literal["file", "module", "yaml"]

PROJECT_KEYS = ("app", "silence")
FILE_SUFFIXES = (".py", ".yaml", ".yml")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


class TargetError(Exception):
    """A usage problem with a target or the project table: the command exits 2 (R4.10)."""


class ImportFailure(TargetError):
    """The target raised while being imported (exit 2; R4.10). ``error`` is what it raised."""

    def __init__(self, target: str, error: BaseException) -> None:
        self.target = target
        self.error = error
        message = " ".join(str(error).split())
        super().__init__(f"cannot import {target}: {type(error).__name__}: {message}")

    def format_traceback(self) -> str:
        """The traceback from the target's own frames: the import machinery's are left out."""
        frames = self.error.__traceback__
        while frames is not None and _is_machinery(frames.tb_frame.f_code.co_filename):
            frames = frames.tb_next
        return "".join(traceback.format_exception(type(self.error), self.error, frames))


def _is_machinery(filename: str) -> bool:
    return filename == __file__ or filename.startswith("<frozen importlib")


# -- [tool.lightapi] (R4.3, R3.14) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """``[tool.lightapi]`` of the nearest pyproject.toml; ``path`` is None when there is none."""

    path: Path | None = None
    app: str | None = None
    silence: frozenset[str] = frozenset()

    @property
    def root(self) -> Path:
        """Where a default target is resolved from: the pyproject.toml's folder."""
        return self.path.parent if self.path is not None else Path.cwd()


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def project_config(start: Path | None = None) -> ProjectConfig:
    """Read ``[tool.lightapi]`` of the nearest pyproject.toml at or above ``start`` (the cwd).

    Keys: ``app`` (a TARGET string) and ``silence`` (warning codes). Anything else, a value of
    the wrong type, or an error or unknown code in ``silence`` makes the table invalid."""
    path = find_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return ProjectConfig()
    shown = relative_path(str(path))
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TargetError(f"cannot read {shown}: {error}") from None
    tool = document.get("tool", {})
    table = tool.get("lightapi") if isinstance(tool, dict) else None
    if table is None:
        return ProjectConfig(path=path)

    def invalid(problem: str) -> TargetError:
        return TargetError(f"invalid [tool.lightapi] in {shown}: {problem}")

    if not isinstance(table, dict):
        raise invalid("it must be a table")
    unknown = sorted(key for key in table if key not in PROJECT_KEYS)
    if unknown:
        known = ", ".join(PROJECT_KEYS)
        raise invalid(f"unknown key {unknown[0]!r} (known keys: {known})")
    app = table.get("app")
    if app is not None and (not isinstance(app, str) or not app.strip()):
        raise invalid("'app' must be a non-empty string")
    silence = table.get("silence", [])
    if not isinstance(silence, list) or not all(isinstance(code, str) for code in silence):
        raise invalid("'silence' must be a list of warning codes")
    for code in silence:
        if code not in CODES:
            raise invalid(f"'silence' names unknown code {code!r}")
        if CODES[code].severity is not Severity.WARNING:
            raise invalid(f"'silence' names {code}, an error; only warnings can be silenced")
    return ProjectConfig(path=path, app=app, silence=frozenset(silence))


# -- parsing a TARGET (R4.2) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed TARGET: what to import (``path`` or ``module``) and the attribute it names."""

    text: str
    kind: TargetKind
    path: Path | None = None
    module: str | None = None
    attr: str | None = None
    base: Path = field(default_factory=Path.cwd)


def parse_target(text: str, base: Path | None = None) -> Target:
    """Tell a file path from a module name; relative paths are taken from ``base`` (the cwd)."""
    folder = base if base is not None else Path.cwd()
    location, attr = text, None
    head, colon, tail = text.rpartition(":")
    # A file name may hold a colon: only a text not ending in a file suffix has an attribute.
    if colon and not text.lower().endswith(FILE_SUFFIXES) and "/" not in tail:
        location, attr = head, tail
    suffix = Path(location).suffix.lower()
    if suffix in FILE_SUFFIXES:
        kind: TargetKind = "file" if suffix == ".py" else "yaml"
        if kind == "yaml" and attr is not None:
            raise TargetError(f"YAML target {text} cannot name an attribute")
        # abspath, not resolve(): a symlinked folder keeps the name the user sees (R3.9).
        path = Path(os.path.abspath(folder / location))
        if not path.is_file():
            raise TargetError(f"cannot find {text}: no such file")
        if attr is not None and not _DOTTED.match(attr):
            raise TargetError(f"invalid target {text}: {attr!r} is not an attribute name")
        return Target(text=text, kind=kind, path=path, attr=attr, base=folder)
    if not _DOTTED.match(location) or (attr is not None and not _DOTTED.match(attr)):
        raise TargetError(
            f"invalid target {text}: expected a .py or .yaml file, a module, or module:attr"
        )
    return Target(text=text, kind="module", module=location, attr=attr, base=folder)


def resolve_targets(texts: Sequence[str], config: ProjectConfig) -> list[Target]:
    """The command's targets, or ``[tool.lightapi] app`` when none is given (R4.3)."""
    if texts:
        return [parse_target(text) for text in texts]
    if config.app is None:
        where = relative_path(str(config.path)) if config.path else "no pyproject.toml found"
        raise TargetError(
            f"no TARGET given and no [tool.lightapi] app in pyproject.toml ({where}); "
            'pass a TARGET or set app = "module:app" under [tool.lightapi]'
        )
    return [parse_target(config.app, config.root)]


# -- importing -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Loaded:
    """One imported target: its module (None if it raised a SpecError before any module object
    existed), the object its ``:attr`` names, and errors of a SpecError escaping the import."""

    target: Target
    module_name: str
    module: ModuleType | None
    obj: object = None
    escaped: tuple[Diagnostic, ...] = ()


def _file_module_name(path: Path) -> str:
    """The file's stem as a module name, or a derived one when another module holds the stem."""
    stem = re.sub(r"\W", "_", path.stem) or "_"
    if stem[0].isdigit():
        stem = f"_{stem}"
    name, number = stem, 1
    while name in sys.modules:
        number += 1
        name = f"{stem}__lightapi{number}"
    return name


def _same_file(module: ModuleType, path: Path) -> bool:
    filename = getattr(module, "__file__", None)
    if not filename:
        return False
    with contextlib.suppress(OSError):
        return Path(filename).resolve() == path.resolve()
    return False


def _already_imported(path: Path) -> ModuleType | None:
    """A module of this process loaded from ``path`` (e.g. by an earlier target importing it)."""
    for module in list(sys.modules.values()):
        if isinstance(module, ModuleType) and _same_file(module, path):
            return module
    return None


def _first_on_path(folder: Path) -> None:
    entry = str(folder)
    if sys.path[:1] != [entry]:
        sys.path.insert(0, entry)


@contextlib.contextmanager
def _quiet_import() -> Iterator[None]:
    """While a target is imported: what it prints goes to stderr (stdout carries the report),
    and warning diagnostics are not also emitted as Python warnings (the report lists them)."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
        warnings.simplefilter("ignore", LightApiWarning)
        yield


def _execute(name: str, target: Target, spec: importlib.machinery.ModuleSpec) -> Loaded:
    """Run a module as ``import`` would (module in sys.modules while it runs, removed if it
    raises); a SpecError escaping it is not an import failure (R4.10)."""
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with _quiet_import():
            spec.loader.exec_module(module)
    except SpecError as error:
        sys.modules.pop(name, None)
        return Loaded(target, name, module, escaped=tuple(error.diagnostics))
    except (Exception, SystemExit) as error:
        sys.modules.pop(name, None)
        raise ImportFailure(target.text, error) from error
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], child, module)
    return Loaded(target, name, module)


def _import_file(target: Target) -> Loaded:
    assert target.path is not None
    _first_on_path(target.path.parent)
    existing = _already_imported(target.path)
    if existing is not None:
        return Loaded(target, existing.__name__, existing)
    name = _file_module_name(target.path)
    spec = importlib.util.spec_from_file_location(name, target.path)
    if spec is None:
        raise TargetError(f"cannot import {target.text}: not a Python module")
    return _execute(name, target, spec)


def _import_module(target: Target) -> Loaded:
    assert target.module is not None
    name = target.module
    _first_on_path(target.base)
    if name in sys.modules:
        return Loaded(target, name, sys.modules[name])
    try:
        with _quiet_import():
            spec = importlib.util.find_spec(name)
    except SpecError as error:  # raised by a parent package
        return Loaded(target, name, None, escaped=tuple(error.diagnostics))
    except (Exception, SystemExit) as error:
        raise ImportFailure(target.text, error) from error
    if spec is None:
        raise ImportFailure(target.text, ModuleNotFoundError(f"No module named {name!r}"))
    if name in sys.modules:  # importing a parent package imported it
        return Loaded(target, name, sys.modules[name])
    return _execute(name, target, spec)


def load_yaml_target(target: Target) -> Loaded:
    """A YAML file, loaded per §16 (R4.2): its app, whose endpoints come from the file."""
    assert target.path is not None
    from lightapi.app import LightApi
    from lightapi.spec.diagnostics import relative_path

    try:
        app = LightApi.from_config(target.path)
    except OSError as error:
        raise ImportFailure(target.text, error) from error
    return Loaded(target, f"lightapi.yaml:{relative_path(str(target.path))}", None, obj=app)


def load(target: Target) -> Loaded:
    """Import ``target`` and look up its ``:attr``; call inside ``collect_diagnostics()``."""
    if target.kind == "yaml":
        return load_yaml_target(target)
    loaded = _import_file(target) if target.kind == "file" else _import_module(target)
    if target.attr is not None and not loaded.escaped:
        # After an escaped SpecError the module stopped half-way: its errors are the report.
        loaded.obj = _attribute(loaded, target.attr)
    return loaded


def _attribute(loaded: Loaded, attr: str) -> object:
    """The named LightApi or endpoint class (R4.2); anything else is a target error."""
    if loaded.module is None:
        raise TargetError(f"cannot find {loaded.target.text}: the module did not finish importing")
    value: Any = loaded.module
    for part in attr.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise TargetError(
                f"cannot find {loaded.target.text}: module {loaded.module_name!r} has no "
                f"attribute {attr!r}"
            ) from None
    if _is_app(value) or _is_endpoint(value):
        return value
    raise TargetError(
        f"{loaded.target.text} is {type(value).__name__}, not a LightApi app or a concrete "
        "RestEndpoint subclass"
    )


# -- what a target holds (R4.4) ------------------------------------------------------------------


def _app_class() -> type[LightApi] | None:
    """LightApi, if anything imported it: a target without an app never loads the runtime."""
    module = sys.modules.get("lightapi.app")
    app_class: type[LightApi] | None = getattr(module, "LightApi", None)
    return app_class


def _is_app(value: object) -> bool:
    app_class = _app_class()
    return app_class is not None and isinstance(value, app_class)


def _is_endpoint(value: object) -> bool:
    from lightapi.rest import is_concrete_endpoint

    return is_concrete_endpoint(value)


def endpoint_classes() -> list[type[RestEndpoint]]:
    """Every RestEndpoint subclass alive, abstract ones included, walked recursively."""
    from lightapi.rest import RestEndpoint

    found: dict[type[RestEndpoint], None] = {}
    stack = list(RestEndpoint.__subclasses__())
    while stack:
        cls = stack.pop(0)
        if cls not in found:
            found[cls] = None
            stack.extend(cls.__subclasses__())
    return list(found)


def apps_of(module: ModuleType) -> list[tuple[str, LightApi]]:
    """LightApi instances bound at the top level of ``module``, each once, in binding order."""
    app_class = _app_class()
    if app_class is None:
        return []
    seen: set[int] = set()
    apps: list[tuple[str, LightApi]] = []
    for name, value in list(vars(module).items()):
        if isinstance(value, app_class) and id(value) not in seen:
            seen.add(id(value))
            apps.append((name, value))
    return apps


@dataclass(slots=True)
class Workspace:
    """The targets of one command, imported: the endpoint classes and apps to check (R4.4).

    ``load_all`` is called inside ``collect_diagnostics()``. Endpoint classes are those whose
    ``__module__`` is a target module and that this command's imports created, or, for a module
    imported earlier in the process, that the module binds (see ``_bound_in``)."""

    loaded: list[Loaded] = field(default_factory=list)
    _before: frozenset[type[Any]] = frozenset()

    def load_all(self, targets: Iterable[Target]) -> None:
        self._before = frozenset(endpoint_classes())
        for target in targets:
            self.loaded.append(load(target))

    @property
    def escaped(self) -> list[Diagnostic]:
        return [item for loaded in self.loaded for item in loaded.escaped]

    def endpoints(self, loaded: Loaded | None = None) -> list[type[RestEndpoint]]:
        """Concrete endpoint classes of every target module (or of one), in source order."""
        chosen = [loaded] if loaded is not None else self.loaded
        modules = {item.module_name: item.module for item in chosen}
        classes = [
            cls
            for cls in endpoint_classes()
            if cls.__module__ in modules
            and cls.__lightapi_spec__ is not None
            and (cls not in self._before or _bound_in(modules[cls.__module__], cls))
        ]
        return sorted(classes, key=_source_order)

    def apps(self) -> list[tuple[str, LightApi]]:
        """The named app of each ``module:app`` target, else every app bound at top level."""
        seen: set[int] = set()
        apps: list[tuple[str, LightApi]] = []
        for loaded in self.loaded:
            found: list[tuple[str, LightApi]] = []
            if loaded.target.attr is not None:
                if _is_app(loaded.obj):
                    found = [(loaded.target.attr, cast("LightApi", loaded.obj))]
            elif loaded.module is not None:
                found = apps_of(loaded.module)
            elif _is_app(loaded.obj):  # a YAML target
                found = [("app", cast("LightApi", loaded.obj))]
            for name, app in found:
                if id(app) not in seen:
                    seen.add(id(app))
                    apps.append((name, app))
        return apps


def _bound_in(module: ModuleType | None, cls: type[Any]) -> bool:
    """True when ``cls`` is what its qualified name names in ``module``: the test for classes
    of a module imported before this command, which may have left stale classes of that name
    (a module run again in one process); classes made by this command's imports always count."""
    value: Any = module
    for part in cls.__qualname__.split("."):
        value = getattr(value, part, None)
    return value is cls


def _source_order(cls: type[RestEndpoint]) -> tuple[str, int, str]:
    spec = cls.__lightapi_spec__
    assert spec is not None
    return (spec.location.file, spec.location.line, spec.qualname)
