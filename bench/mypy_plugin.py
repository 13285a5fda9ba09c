"""``python -m bench.mypy_plugin``: what the mypy plugin costs (issue #10, acceptance 3).

The plugin's promise is a red squiggle while typing; it is only worth enabling if it does not make
mypy noticeably slower. This benchmark generates a module of many endpoint classes (200 by
default) using a realistic mix of LightAPI's features, all valid, and times
``python -m mypy`` on it without and with ``plugins = lightapi.mypy``, alternately (A B A B).

Two phases, both per round:

- ``cold``: a fresh, empty ``--cache-dir`` for every run, which is what CI sees. mypy then also
  analyses lightapi, SQLAlchemy, pydantic, Starlette and the standard library, the same work
  for both variants, so the ratio understates the plugin's own cost.
- ``warm-deps``: the cache is first filled by a run over a tiny module that imports exactly what
  the generated module imports (once per variant: a cache written with other plugins is not
  reused), and each run gets its own copy of it. mypy then analyses the generated module alone
  and reads everything else from the cache: the sharp measure of the plugin's cost, and the one
  the 2x gate applies to. A second tiny module with the same imports is timed the same way
  (``probe``); generated minus probe is the generated module's own time, net of mypy's start-up
  and of reading the cache.

Every run must report nothing: a single mypy error or ``[lightapi]`` diagnostic stops the
benchmark (exit 2), and ``lightapi check`` is run on the module first, so that a complaint of the
plugin on a module the compiler accepts is told apart from a broken module. The exit status is
0, or 1 when the warm-deps ratio (the cold one with ``--phases cold``) is 2.0 or more. It is a
benchmark, not a test: the suite only runs it once on a few endpoints to prove the command works
(tests/bench/test_mypy_plugin.py).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

from bench.cpu import NOISY_CORES, _machine_busy_seconds
from bench.runner import say
from bench.servers import REPO_ROOT

RESULTS: Final = REPO_ROOT / "bench" / "results" / "mypy_plugin.json"
GATE: Final = 2.0  # issue #10: with the plugin, under 2x the time without it
MODULE: Final = "generated_endpoints"  # the generated module's name in its temporary directory
DEPS_MODULE: Final = "deps_only"  # fills the warm-deps cache
PROBE_MODULE: Final = "deps_probe"  # timed like the generated module, to subtract the overhead
WITHOUT, WITH = "without", "with"  # A, then B, in every round
PHASES: Final = ("cold", "warm-deps")
SOURCE_DIRS: Final = ("lightapi", "mypy_plugin")
TIMEOUT: Final = 600.0
JWT_SECRET: Final = "bench-mypy-plugin-secret-of-32-bytes-at-least"

# The configuration a strictly typed project would use. The two files differ by the plugin only.
CONFIG: Final = "[mypy]\nstrict = True\nshow_error_codes = True\n"
PLUGIN_LINE: Final = "plugins = lightapi.mypy\n"

IMPORTS: Final = """\
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import Select, column, select
from starlette.requests import Request

from lightapi import (
    AllowAny,
    Authentication,
    Cache,
    Field,
    Filtering,
    HttpMethod,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
    LightApi,
    Pagination,
    RestEndpoint,
    Serializer,
)
"""

ACCOUNT: Final = '''

class AccountEndpoint(RestEndpoint):
    """The accounts every other table points at (the foreign keys' target)."""

    email: str = Field(min_length=3, max_length=254, unique=True)
    name: str = Field(min_length=1, max_length=100)
    active: bool = True

    class Meta:
        table = "accounts"
        filtering = Filtering(fields=["active"], search=["name", "email"], ordering=["name"])
        pagination = Pagination(page_size=50)
'''


# -- the generated module ---------------------------------------------------------------------
# Six kinds of endpoint, cycled, so that every stretch of six classes uses every feature the
# plugin reads: Field options, Optional, Decimal/datetime/date/UUID, a foreign key, Filtering,
# both pagination styles, Serializer(read=/write=/fields=) and a Serializer subclass, Cache,
# Authentication with a permission map, HttpMethod mixins and overridden get()/queryset().


def _catalogue(name: str, index: int) -> str:
    """Page-number lists with filters, search and ordering, a read/write projection, a cache."""
    return f'''

class {name}(RestEndpoint):
    """Published pieces, listed and searched."""

    title: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=3, max_length=80, unique=True)
    summary: Optional[str] = Field(default=None, max_length=500)
    views: int = Field(default=0, ge=0)
    rating: float = Field(default=0.0, ge=0, le=5)
    published_on: Optional[datetime.date] = None
    account_id: int = Field(foreign_key="accounts.id", index=True)

    class Meta:
        filtering = Filtering(
            fields=["views", "published_on", "account_id"],
            search=["title", "summary"],
            ordering=["views", "title"],
        )
        pagination = Pagination(style="page_number", page_size=20, max_page_size=100)
        serializer = Serializer(
            read=["title", "slug", "views", "rating", "id", "version"], write=["id", "version"]
        )
        cache = Cache(ttl=60)
'''


def _ledger(name: str, index: int) -> str:
    """Money and time: Decimal, datetime and UUID fields, cursor pages, JWT with a verb map."""
    return f"""

class {name}(RestEndpoint, HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH):
    number: str = Field(min_length=1, max_length=32)
    amount: Decimal = Field(default=Decimal("0.00"), max_digits=12, decimal_places=2, ge=0)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    issued_at: datetime.datetime
    paid_at: Optional[datetime.datetime] = None
    reference: uuid.UUID = Field(default_factory=uuid.uuid4, unique=True)
    account_id: int = Field(foreign_key="accounts.id")

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication,
            permission={{"GET": AllowAny, "POST": IsAuthenticated, "PATCH": IsAdminUser}},
        )
        filtering = Filtering(
            fields=["currency", "amount", "issued_at"], ordering=["issued_at", "amount"]
        )
        pagination = Pagination(style="cursor", page_size=50)
"""


def _report(name: str, index: int) -> str:
    """A Serializer subclass, and a get() override answering its own shape."""
    serializer = name.removesuffix("Endpoint") + "Serializer"
    return f"""

class {serializer}(Serializer):
    read = ["title", "body", "score", "id", "created_at"]
    write = ["id", "version"]


class {name}(RestEndpoint):
    title: str = Field(min_length=1)
    body: str = ""
    score: int = Field(default=0, ge=-100, le=100)

    class Meta:
        serializer = {serializer}
        tags = ["reports"]

    def get(self, request: Request) -> dict[str, Any]:
        if "id" in request.path_params:
            return {{"id": int(request.path_params["id"]), "kind": "report"}}
        return {{"results": [], "kind": "report"}}
"""


def _ticket(name: str, index: int) -> str:
    """Rows scoped per user by an async queryset, behind JWT for every verb."""
    return f"""

class {name}(RestEndpoint):
    subject: str = Field(min_length=1, max_length=120)
    owner: str = Field(max_length=64, index=True)
    priority: int = Field(default=3, ge=1, le=5)
    token: Optional[uuid.UUID] = None
    due: Optional[datetime.datetime] = None

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)
        filtering = Filtering(fields=["priority", "owner", "due"], ordering=["priority", "subject"])
        pagination = Pagination(page_size=25)

    async def queryset(self, request: Request) -> Select[Any]:
        return select(type(self)).where(column("owner") == request.headers.get("x-user", ""))
"""


def _tag(name: str, index: int) -> str:
    """A read-only lookup table: a GET mixin, its own table name and tags, a long cache."""
    return f"""

class {name}(RestEndpoint, HttpMethod.GET):
    name: str = Field(min_length=1, max_length=50, unique=True)
    colour: Optional[str] = Field(default=None, pattern=r"^#[0-9a-f]{{6}}$")

    class Meta:
        table = "tags_{index:03d}"
        tags = ["taxonomy"]
        description = "Labels shared by every resource."
        cache = Cache(ttl=300, vary_on=["Accept-Language"])
        filtering = Filtering(fields=["name"], ordering=["name"])
"""


def _profile(name: str, index: int) -> str:
    """One projection for every answer, an authenticated-only permission instance."""
    return f"""

class {name}(RestEndpoint, HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE):
    handle: str = Field(min_length=2, max_length=30, unique=True)
    bio: Optional[str] = None
    born: Optional[datetime.date] = None
    credit: Decimal = Field(default=Decimal("0"), max_digits=8, decimal_places=2)
    account_id: Optional[int] = Field(default=None, foreign_key="accounts.id")

    class Meta:
        authentication = Authentication(backend=JWTAuthentication, permission=IsAuthenticated())
        serializer = Serializer(fields=["handle", "bio", "credit", "id", "version"])
        pagination = Pagination(page_size=10, max_page_size=50)
"""


LOGIN: Final = '''

def login(username: str, password: str) -> Optional[dict[str, Any]]:
    """The app's credential check (JWT endpoints need one to sign tokens)."""
    if username and password == "secret":
        return {"sub": username, "is_admin": False}
    return None
'''

NOUNS: Final = ("Article", "Invoice", "Report", "Ticket", "Tag", "Profile")
KINDS: Final = (_catalogue, _ledger, _report, _ticket, _tag, _profile)


def _endpoint(index: int) -> tuple[str, str, str]:
    """The class name, the URL path and the source of the index-th generated endpoint."""
    kind = (index - 1) % len(NOUNS)
    noun = NOUNS[kind]
    name = f"{noun}{index:03d}Endpoint"
    path = f"/{noun.lower()}s_{index:03d}"
    build: Callable[[str, int], str] = KINDS[kind]
    return name, path, build(name, index)


def endpoint_module(count: int) -> str:
    """The source of a module with ``count`` endpoint classes (the first one is the accounts the
    others point at), registered with one app as a project would."""
    if count < 1:
        raise ValueError("count must be at least 1")
    parts, routes = [IMPORTS, ACCOUNT], ['"/accounts": AccountEndpoint']
    for index in range(1, count):
        name, path, source = _endpoint(index)
        parts.append(source)
        routes.append(f'"{path}": {name}')
    registry = ",\n".join(f"        {route}" for route in routes)
    parts.append(LOGIN)
    parts.append(
        '\n\napp = LightApi(database_url="sqlite:///generated.db", login_validator=login)\n'
        f"app.register(\n    {{\n{registry},\n    }}\n)\n"
    )
    return "".join(parts)


def deps_module() -> str:
    """Only the generated module's imports: what fills (and probes) the warm-deps cache."""
    return IMPORTS


# -- one mypy run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MypyRun:
    """One timed mypy process: wall time, the CPU it used, and the CPU others used meanwhile."""

    wall: float
    cpu: float
    other_cores: float | None
    diagnostics: tuple[str, ...]

    @property
    def noisy(self) -> bool:
        return self.other_cores is not None and self.other_cores > NOISY_CORES


class Refused(Exception):
    """mypy crashed or reported something on a module that must check clean."""


def _children_cpu() -> float:
    """User and system CPU of the reaped children (microseconds; os.times() counts ticks)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _diagnostics(stdout: str) -> tuple[str, ...]:
    """mypy's JSON lines as ``file:line: severity: message  [code]``, as mypy prints them, one
    string per diagnostic with its hints (notes) on indented lines below."""
    found = []
    for line in stdout.splitlines():
        if not line.strip():  # printed on success
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:  # not a diagnostic, but output all the same: report it
            found.append(line)
            continue
        code = f"  [{record['code']}]" if record["code"] else ""
        hints = "".join(f"\n    {hint}" for hint in (record.get("hint") or "").splitlines())
        found.append(
            f"{record['file']}:{record['line']}: {record['severity']}: {record['message']}{code}"
            + hints
        )
    return tuple(found)


def run_mypy(workdir: Path, config: Path, cache_dir: Path, module: str) -> MypyRun:
    """``python -m mypy`` on ``module``.py in ``workdir``, timed, with its diagnostics.

    The interpreter is this one, so the mypy, lightapi and plugin measured are the installed
    ones; ``workdir`` is the current directory, so the repository's own mypy settings and
    modules are out of the way.
    """
    command = [
        sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir",
        str(cache_dir), "--output", "json", f"{module}.py",
    ]  # fmt: skip
    busy0, cpu0, started = _machine_busy_seconds(), _children_cpu(), time.perf_counter()
    result = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    wall = time.perf_counter() - started
    cpu, busy1 = _children_cpu() - cpu0, _machine_busy_seconds()
    if result.returncode not in (0, 1) or result.stderr.strip():
        raise Refused(f"mypy exited {result.returncode}:\n{result.stdout}{result.stderr}")
    other = None if busy0 is None or busy1 is None else max(0.0, busy1 - busy0 - cpu) / wall
    return MypyRun(wall, cpu, other, _diagnostics(result.stdout))


def require_clean(run: MypyRun, what: str) -> MypyRun:
    """Stop at the first run that reports anything: the module is valid, so a diagnostic is
    either a broken generator or a false positive of the plugin, and either voids the timing."""
    if run.diagnostics:
        shown = "\n".join(run.diagnostics[:40])
        more = len(run.diagnostics) - 40
        suffix = f"\n... and {more} more" if more > 0 else ""
        plugin = sum("[lightapi]" in line for line in run.diagnostics)
        verdict = (
            "; lightapi check accepted the module, so the [lightapi] lines are the plugin's"
            " false positives"
            if plugin
            else ""
        )
        raise Refused(
            f"{what}: mypy reported {len(run.diagnostics)} diagnostic(s), {plugin} of them"
            f" [lightapi]{verdict}:\n{shown}{suffix}"
        )
    return run


# -- the workspace ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """The temporary directory: the modules, the two configurations, the caches."""

    root: Path
    endpoints: int

    @property
    def configs(self) -> dict[str, Path]:
        return {WITHOUT: self.root / "without.ini", WITH: self.root / "with.ini"}

    def write(self) -> None:
        (self.root / f"{MODULE}.py").write_text(endpoint_module(self.endpoints))
        (self.root / f"{DEPS_MODULE}.py").write_text(deps_module())
        (self.root / f"{PROBE_MODULE}.py").write_text(deps_module())
        self.configs[WITHOUT].write_text(CONFIG)
        self.configs[WITH].write_text(CONFIG + PLUGIN_LINE)

    def fresh_cache(self, label: str, seed: Path | None = None) -> Path:
        """An empty cache directory, or a copy of ``seed``; the previous one of that label is
        removed, so the disk holds a handful of caches, not one per run."""
        target = self.root / "caches" / label
        shutil.rmtree(target, ignore_errors=True)
        if seed is None:
            target.mkdir(parents=True)
        else:
            shutil.copytree(seed, target)
        return target


def lightapi_check(workdir: Path) -> subprocess.CompletedProcess[str]:
    """``lightapi check --fail-level warning`` on the generated module: the compiler's verdict,
    independent of the plugin (a JWT secret long enough to draw no warning is set)."""
    return subprocess.run(
        [sys.executable, "-m", "lightapi", "check", "--fail-level", "warning", f"{MODULE}.py"],
        cwd=workdir,
        env={**os.environ, "LIGHTAPI_JWT_SECRET": JWT_SECRET},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def sources_digest() -> str:
    """A digest of lightapi/ and mypy_plugin/: if they change during a run (someone editing),
    the plugin's cache key changes too and a warm-deps cache silently turns cold."""
    digest = hashlib.sha256()
    for directory in SOURCE_DIRS:
        for source in sorted((REPO_ROOT / directory).rglob("*.py")):
            digest.update(source.as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


# -- the phases -------------------------------------------------------------------------------


@dataclass
class Series:
    """The runs of one variant in one phase, in round order."""

    runs: list[MypyRun] = field(default_factory=list)

    @property
    def walls(self) -> list[float]:
        return [run.wall for run in self.runs]

    @property
    def cpus(self) -> list[float]:
        return [run.cpu for run in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpus)

    def summary(self) -> dict[str, Any]:
        return {
            "median_s": round(self.median, 3),
            "min_s": round(min(self.walls), 3),
            "max_s": round(max(self.walls), 3),
            "median_cpu_s": round(self.cpu_median, 3),
            "noisy_runs": sum(run.noisy for run in self.runs),
            "runs": [
                {**asdict(run), "diagnostics": len(run.diagnostics), "noisy": run.noisy}
                for run in self.runs
            ],
        }


@dataclass
class Phase:
    """One phase's series per variant (and, for warm-deps, the probe's)."""

    name: str
    series: dict[str, Series] = field(default_factory=dict)

    def add(self, label: str, run: MypyRun) -> None:
        self.series.setdefault(label, Series()).runs.append(run)

    def ratio(self) -> float:
        return self.series[WITH].median / self.series[WITHOUT].median

    def round_ratios(self) -> list[float]:
        """with/without within each round (back-to-back runs): how much one ratio can move."""
        pairs = zip(self.series[WITH].walls, self.series[WITHOUT].walls, strict=True)
        return [with_ / without for with_, without in pairs]

    def net(self, variant: str, cpu: bool = False) -> list[float]:
        """Per round, the generated module's time less the probe's: its own share (wall time,
        or mypy's CPU time, which a busy neighbour disturbs less)."""
        generated, probe = self.series[variant], self.series[f"probe {variant}"]
        if cpu:
            pairs = zip(generated.cpus, probe.cpus, strict=True)
        else:
            pairs = zip(generated.walls, probe.walls, strict=True)
        return [mine - fixed for mine, fixed in pairs]


@dataclass
class Bench:
    """The run's state: where it works, what it measured, and what it noticed."""

    workspace: Workspace
    phases: dict[str, Phase]
    notes: list[str] = field(default_factory=list)
    seeds: dict[str, Path] = field(default_factory=dict)
    seeded_digest: str | None = None

    def timed(self, phase: str, label: str, config: str, cache: Path, module: str) -> MypyRun:
        run = run_mypy(self.workspace.root, self.workspace.configs[config], cache, module)
        require_clean(run, f"{phase}, {label}, {module}.py")
        self.phases[phase].add(label, run)
        noisy = f"  (noisy: others used {run.other_cores:.2f} cores)" if run.noisy else ""
        say(f"  {phase:<9} {label:<14} {run.wall:7.2f} s  (mypy CPU {run.cpu:.2f} s){noisy}")
        return run

    def seed_warm_deps(self) -> None:
        """Fill one dependency cache per variant; mypy drops a cache made with other plugins."""
        self.seeded_digest = sources_digest()
        for variant in (WITHOUT, WITH):
            seed = self.workspace.fresh_cache(f"seed-{variant}")
            run = run_mypy(self.workspace.root, self.workspace.configs[variant], seed, DEPS_MODULE)
            require_clean(run, f"filling the {variant} cache")
            self.seeds[variant] = seed
            say(f"  filled the {variant}-plugin dependency cache in {run.wall:.2f} s")

    def cold_round(self) -> None:
        for variant in (WITHOUT, WITH):
            self.timed("cold", variant, variant, self.workspace.fresh_cache("run"), MODULE)

    def note(self, text: str) -> None:
        self.notes.append(text)
        say(f"  NOTE: {text}")

    def warm_round(self) -> None:
        if self.seeded_digest != sources_digest():
            self.note("lightapi/ or mypy_plugin/ changed since the caches were filled; refilled")
            self.seed_warm_deps()
        for variant in (WITHOUT, WITH):
            for module, label in ((MODULE, variant), (PROBE_MODULE, f"probe {variant}")):
                cache = self.workspace.fresh_cache("run", self.seeds[variant])
                self.timed("warm-deps", label, variant, cache, module)
        if self.seeded_digest != sources_digest():
            self.note(
                "lightapi/ or mypy_plugin/ changed during a warm-deps round: some of its runs"
                " may have analysed the dependencies cold"
            )


# -- output -----------------------------------------------------------------------------------


def _spread(series: Series) -> str:
    return (
        f"{series.median:6.2f} s ({min(series.walls):.2f}-{max(series.walls):.2f}),"
        f" mypy CPU {series.cpu_median:.2f} s"
    )


def net_line(phase: Phase, cpu: bool) -> str:
    """The generated module's own time per variant; a ratio only when both are positive (on a
    few endpoints the difference is within the noise and can be negative)."""
    without, with_ = phase.net(WITHOUT, cpu), phase.net(WITH, cpu)
    medians = statistics.median(without), statistics.median(with_)
    ratio = f"{medians[1] / medians[0]:.2f}" if min(medians) > 0 else "n/a"
    return (
        f"without {medians[0]:.2f} s ({min(without):.2f} to {max(without):.2f}),"
        f" with {medians[1]:.2f} s ({min(with_):.2f} to {max(with_):.2f}), ratio {ratio}"
    )


def phase_lines(phase: Phase) -> list[str]:
    rounds = phase.round_ratios()
    lines = [
        f"{phase.name}:",
        f"  without plugin  {_spread(phase.series[WITHOUT])}",
        f"  with plugin     {_spread(phase.series[WITH])}",
        f"  with/without of medians: {phase.ratio():.2f}"
        f" (rounds {min(rounds):.2f}-{max(rounds):.2f})",
    ]
    if f"probe {WITH}" in phase.series:
        lines += [
            f"  probe without   {_spread(phase.series[f'probe {WITHOUT}'])}  (imports only)",
            f"  probe with      {_spread(phase.series[f'probe {WITH}'])}",
            "  generated module alone (generated - probe, per round, medians):",
            f"    wall      {net_line(phase, cpu=False)}",
            f"    mypy CPU  {net_line(phase, cpu=True)}",
        ]
    noisy = sum(run.noisy for series in phase.series.values() for run in series.runs)
    if noisy:
        lines.append(f"  {noisy} noisy run(s): other processes used over {NOISY_CORES} cores")
    return lines


def gated(phases: dict[str, Phase]) -> Phase:
    """The phase the 2x gate reads: warm-deps (the plugin's own cost) when it ran."""
    return phases["warm-deps"] if "warm-deps" in phases else phases["cold"]


def _git_revision() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    return revision + ("+dirty" if git("status", "--porcelain", "--", *SOURCE_DIRS) else "")


def metadata(args: argparse.Namespace, phases: Sequence[str]) -> dict[str, Any]:
    return {
        "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git": _git_revision(),
        "settings": {"endpoints": args.endpoints, "rounds": args.rounds, "phases": list(phases)},
        "mypy_config": CONFIG + f"({PLUGIN_LINE.strip()} in the with-plugin file)",
        "versions": {
            "python": platform.python_version(),
            **{name: version(name) for name in ("mypy", "sqlalchemy", "pydantic", "starlette")},
        },
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_start": os.getloadavg(),
        },
    }


def _net_summary(phase: Phase) -> dict[str, Any]:
    if f"probe {WITH}" not in phase.series:
        return {}
    return {
        f"generated_minus_probe_{measure}_s": {
            variant: [round(value, 3) for value in phase.net(variant, measure == "cpu")]
            for variant in (WITHOUT, WITH)
        }
        for measure in ("wall", "cpu")
    }


def write_json(path: Path, bench: Bench, meta: dict[str, Any]) -> None:
    document = {
        "meta": {**meta, "notes": bench.notes},
        "gate": {"phase": gated(bench.phases).name, "limit": GATE},
        "phases": {
            name: {
                "ratio_with_over_without": round(phase.ratio(), 3),
                "ratio_per_round": [round(ratio, 3) for ratio in phase.round_ratios()],
                **{label: series.summary() for label, series in phase.series.items()},
                **_net_summary(phase),
            }
            for name, phase in bench.phases.items()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


# -- the command line -------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.mypy_plugin",
        description="mypy on a generated module of endpoints, without and with lightapi.mypy.",
    )
    parser.add_argument("--endpoints", type=int, default=200, help="classes (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="A B rounds per phase (default 5)")
    parser.add_argument(
        "--phases", default=",".join(PHASES), help=f"comma-separated subset of {','.join(PHASES)}"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.endpoints < 1 or args.rounds < 1:
        parser.error("--endpoints and --rounds must be at least 1")
    return args


def phases_from(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names or any(name not in PHASES for name in names):
        raise SystemExit(f"unknown phases {names}; choose from {', '.join(PHASES)}")
    return names


def measure(bench: Bench, rounds: int) -> None:
    """Checks the module with lightapi, then runs the rounds: each phase, A then B."""
    checked = lightapi_check(bench.workspace.root)
    if checked.returncode != 0:
        raise Refused(f"lightapi check refused the generated module:\n{checked.stdout}")
    say(f"  lightapi check: {checked.stdout.strip().splitlines()[-1]}")
    if "warm-deps" in bench.phases:
        bench.seed_warm_deps()
    for number in range(1, rounds + 1):
        say(f"round {number}/{rounds}")
        if "cold" in bench.phases:
            bench.cold_round()
        if "warm-deps" in bench.phases:
            bench.warm_round()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = phases_from(args.phases)
    meta = metadata(args, names)
    root = Path(tempfile.mkdtemp(prefix="lightapi-mypy-bench-"))
    bench = Bench(Workspace(root, args.endpoints), {name: Phase(name) for name in names})
    bench.workspace.write()
    say(
        f"mypy {meta['versions']['mypy']}, {args.endpoints} endpoint classes"
        f" ({len(endpoint_module(args.endpoints).splitlines())} lines), {args.rounds} rounds of"
        f" {', '.join(names)}, without then with the plugin; in {root}"
    )
    try:
        measure(bench, args.rounds)
    except Refused as error:
        print(f"FAILED, nothing measured: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    say("")
    for phase in bench.phases.values():
        say("\n".join(phase_lines(phase)))
    for text in bench.notes:
        say(f"NOTE: {text}")
    write_json(args.output, bench, meta)
    say(f"\nresults: {args.output}")
    gate = gated(bench.phases)
    if gate.ratio() >= GATE:
        say(f"OVER THE GATE: {gate.name} with/without {gate.ratio():.2f} >= {GATE}")
        return 1
    say(f"gate ({gate.name}): with/without {gate.ratio():.2f} < {GATE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
