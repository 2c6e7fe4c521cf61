"""`mkdocs serve` rebuilds a record's page when its YAML changes (no restart), and serves what a fresh build would.

Gone is gone (a deleted or renamed record's page and search entry disappear, also with `--dirty`),
and a broken save never makes the server hang: every address shows the problems until they are fixed.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import escape

from casebook.validate import check
from sitecheck import SAMPLE_CASES, copy_project, mkdocs_serve


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


def _fetch(url: str) -> tuple[int, bytes]:
    """Status and body; (0, b"") when the server does not answer within 10 s."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return int(r.status), bytes(r.read())
    except urllib.error.HTTPError as e:
        with e:
            return int(e.code), bytes(e.read())
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
        return 0, b""


def _until(what: str, probe: Callable[[], bool], seconds: float) -> None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if probe():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} within {seconds}s")


def _indexed(base: str) -> set[str] | None:
    """URLs of the pages in the served Pagefind index (read from its fragments over HTTP); None while it is rewritten."""
    try:
        ((code, language),) = json.loads(_fetch(f"{base}pagefind/pagefind-entry.json")[1])["languages"].items()
        meta = gzip.decompress(_fetch(f"{base}pagefind/pagefind.{language['hash']}.pf_meta")[1])
        urls: set[str] = set()
        # The meta file is CBOR; the fragments' names (language + "_" + hex) stand in it as plain strings.
        for name in set(re.findall(rf"{code}_[0-9a-f]+".encode(), meta)):
            status, fragment = _fetch(f"{base}pagefind/fragment/{name.decode()}.pf_fragment")
            if status == 200:
                urls.add(json.loads(gzip.decompress(fragment).removeprefix(b"pagefind_dcd"))["url"])
    except (ValueError, KeyError, EOFError, OSError):
        return None
    return urls if len(urls) == language["page_count"] else None


def _search_has(base: str, wanted: set[str], gone: set[str]) -> bool:
    urls = _indexed(base)
    return urls is not None and wanted <= urls and not gone & urls


def _wait_for(url: str, text: str, seconds: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if text in _get(url):
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds}s")


@pytest.mark.parametrize("flags", [[], ["--dirty"]], ids=["full", "dirty"])
def test_editing_a_record_updates_the_served_page(tmp_path: Path, flags: list[str]) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    with mkdocs_serve(project, tmp_path / "serve.log", *flags) as base:
        url = f"{base}cases/goka/"
        _wait_for(url, "育成レベルに応じたデジタル人材の育成", 60)
        goka = project / "cases" / "municipal" / "goka.yaml"
        goka.write_text(
            goka.read_text(encoding="utf-8").replace("title: 育成レベルに応じた", "title: 編集後の"), encoding="utf-8"
        )
        _wait_for(url, "編集後のデジタル人材の育成", 30)
        # A keyword page that lists the case follows the edit too (cross-indexes are rebuilt).
        _wait_for(f"{base}keywords/ojt/", "編集後のデジタル人材の育成", 30)
        # The search index and the data exports follow in the background.
        _wait_for(f"{base}data/cases.csv", "編集後のデジタル人材の育成", 30)
        # Then the server rests: reading the records during a build is no change (inotify reports opens and
        # reads; rebuilding on them rebuilt for ever, and an open page reloaded itself every second).
        if flags:  # `make serve`'s way (the watcher is the same without --dirty)
            time.sleep(1)
            builds = (tmp_path / "serve.log").read_text(encoding="utf-8").count("Detected file changes")
            time.sleep(3)  # the loop rebuilt more than once a second
            assert (tmp_path / "serve.log").read_text(encoding="utf-8").count("Detected file changes") == builds


def test_dirty_serve_forgets_deleted_and_renamed_records(tmp_path: Path) -> None:
    """`make serve` runs `mkdocs serve --dirty`, which never deletes files: the plugin must."""
    project = copy_project(tmp_path / "p")
    initiatives = project / "cases" / "initiatives"
    with mkdocs_serve(project, tmp_path / "serve.log", "--dirty") as base:
        _wait_for(f"{base}initiatives/seiyo/", "オフィス改革プロジェクト", 60)
        _until("seiyo indexed", lambda: _search_has(base, {"/initiatives/seiyo/"}, set()), 60)

        (initiatives / "seiyo.yaml").unlink()
        _until("deleted page 404", lambda: _fetch(f"{base}initiatives/seiyo/")[0] == 404, 30)
        _until("deleted page out of the search index", lambda: _search_has(base, set(), {"/initiatives/seiyo/"}), 30)

        (initiatives / "govtech-tokyo.yaml").rename(initiatives / "govtech-tokyo-moved.yaml")
        _wait_for(f"{base}initiatives/govtech-tokyo-moved/", "GovTech東京", 30)
        assert _fetch(f"{base}initiatives/govtech-tokyo/")[0] == 404
        old, new = {"/initiatives/govtech-tokyo/"}, {"/initiatives/govtech-tokyo-moved/"}
        _until("renamed page indexed under its new address only", lambda: _search_has(base, new, old), 30)
        assert _fetch(f"{base}cases/goka/")[0] == 200  # the rest of the site is untouched


@pytest.mark.parametrize("flags", [[], ["--dirty"]], ids=["full", "dirty"])
def test_a_broken_record_shows_its_problems_on_every_page_until_fixed(tmp_path: Path, flags: list[str]) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    goka = project / "cases" / "municipal" / "goka.yaml"
    good = goka.read_text(encoding="utf-8")
    with mkdocs_serve(project, tmp_path / "serve.log", *flags) as base:
        _wait_for(f"{base}cases/goka/", "育成レベルに応じたデジタル人材の育成", 60)
        goka.write_text(good.replace("title: 育成レベルに応じた", "title: [<b>育成レベルに応じた"), encoding="utf-8")
        problems = [str(escape(d.format())) for d in check([project / "cases"], cwd=project).errors]
        assert problems and all(p.startswith("cases/municipal/goka.yaml:") for p in problems)

        # Every request answers within 10 s (it used to hang until the record was fixed).
        _until("the error page", lambda: _fetch(base)[0] == 500, 30)
        for url in (base, f"{base}cases/goka/", f"{base}keywords/ojt/", f"{base}no/such/page/"):
            status, body = _fetch(url)
            assert status == 500, url
            page = body.decode("utf-8")
            assert "サイトを更新できません" in page and all(p in page for p in problems), page

        goka.write_text(good.replace("title: 育成レベルに応じた", "title: 直した"), encoding="utf-8")
        _wait_for(f"{base}cases/goka/", "直したデジタル人材の育成", 30)
        # The rest of the last good site is still there (with --dirty it is not written again).
        _wait_for(f"{base}cases/ibara/", "井原", 10)
        assert _fetch(base)[0] == 200


def test_serve_starts_on_broken_records_and_shows_them_until_fixed(tmp_path: Path) -> None:
    # `mkdocs serve` used to stop at once; now the problems are the page until the site can be made.
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    goka = project / "cases" / "municipal" / "goka.yaml"
    good = goka.read_text(encoding="utf-8")
    goka.write_text(good.replace("title: 育成レベルに応じた", "title: [育成レベルに応じた"), encoding="utf-8")
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log) as base:
        _until("the error page", lambda: _fetch(f"{base}cases/goka/")[0] == 500, 60)
        assert "cases/municipal/goka.yaml:" in _fetch(base)[1].decode("utf-8")
        goka.write_text(good, encoding="utf-8")
        _wait_for(f"{base}cases/goka/", "育成レベルに応じたデジタル人材の育成", 30)
    # The terminal shows the problem, not a screenful of nav warnings about the pages it could not make.
    assert "goka.yaml:" in log.read_text(encoding="utf-8") and "'nav'" not in log.read_text(encoding="utf-8")


def test_sigterm_stops_serve_without_leaving_temporary_folders(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
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
