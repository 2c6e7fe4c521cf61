"""`mkdocs serve` rebuilds a record's page when its YAML changes (no restart)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitecheck import copy_project


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return str(r.read().decode("utf-8"))
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
        return ""


def _wait_for(url: str, text: str, seconds: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if text in _get(url):
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds}s")


@pytest.mark.parametrize("flags", [[], ["--dirty"]], ids=["full", "dirty"])
def test_editing_a_record_updates_the_served_page(tmp_path: Path, flags: list[str]) -> None:
    project = copy_project(tmp_path / "p")
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", *flags, "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/cases/goka/"
        _wait_for(url, "育成レベルに応じたデジタル人材の育成", 60)
        goka = project / "cases" / "municipal" / "goka.yaml"
        goka.write_text(
            goka.read_text(encoding="utf-8").replace("title: 育成レベルに応じた", "title: 編集後の"), encoding="utf-8"
        )
        _wait_for(url, "編集後のデジタル人材の育成", 30)
        # A keyword page that lists the case follows the edit too (cross-indexes are rebuilt).
        _wait_for(f"http://127.0.0.1:{port}/keywords/ojt/", "編集後のデジタル人材の育成", 10)
        # The search index and the data exports follow in the background.
        _wait_for(f"http://127.0.0.1:{port}/data/cases.csv", "編集後のデジタル人材の育成", 30)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_sigterm_stops_serve_without_leaving_temporary_folders(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    temp = tmp_path / "tmp"
    temp.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = temp / f"casebook-serve-{int(gone.stdout)}-abc123"  # left by a server that was killed
    stale.mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(temp)},
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/cases/goka/", "五霞町", 60)
        assert not stale.exists()
        assert [p.name.split("-")[2] for p in temp.glob("casebook-serve-*")] == [str(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert sorted(p.name for p in temp.iterdir()) == []
