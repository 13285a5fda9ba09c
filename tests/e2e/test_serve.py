"""``lightapi serve`` (R16.7): a YAML file under two uvicorn workers, stopped by SIGTERM
(issue #8 acceptance 3); usage errors and declaration errors before any port is bound."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx

from tests.e2e.server import ROOT, free_port, serving


def test_serve_yaml_with_two_workers_and_stop_on_sigterm(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "lightapi", "serve", str(ROOT / "examples" / "books.yaml"),
               "--workers", "2", "--port", str(port)]
    env = {"LIGHTAPI_DATABASE_URL": f"sqlite:///{tmp_path}/books.db", "PYTHONPATH": str(ROOT)}
    with serving(command, tmp_path, port, env=env) as (base, process):
        created = httpx.post(f"{base}/books", json={"title": "Dune", "author": "Herbert"})
        assert created.status_code == 201
        listed = httpx.get(f"{base}/books")
        assert listed.json()["count"] == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log
    assert f"Uvicorn running on http://127.0.0.1:{port}" in log


def run_cli(*arguments, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "lightapi", *arguments], cwd=cwd,
                          capture_output=True, text=True, timeout=60, env=env, check=False)


def test_serve_refuses_before_binding(tmp_path):
    missing = run_cli("serve")
    assert missing.returncode == 2 and "LIGHTAPI_CONFIG" in missing.stderr
    bad_port = run_cli("serve", "examples/books.yaml", "--port", "http")
    assert bad_port.returncode == 2 and "invalid port" in bad_port.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("endpoints:\n  - route: /books\n    fields:\n      n: {type: integr}\n")
    failed = run_cli("serve", str(broken), "--port", str(free_port()))
    assert failed.returncode == 1
    assert "LA705 error" in failed.stdout and "Uvicorn running" not in failed.stderr
