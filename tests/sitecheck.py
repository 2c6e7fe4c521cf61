"""Helpers for tests over a built site: build it, crawl its links, serve it over HTTP."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urldefrag, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SUBPATH_SITE_URL = "http://127.0.0.1/kb/"
"""`site_url` of the `subpath_site` fixture (a build served under /kb/)."""
EDIT_BASE_URL = "https://example.invalid/edit/main/"
"""`CASEBOOK_EDIT_BASE_URL` of the `subpath_site` fixture."""


def build(project: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of a project folder (mkdocs.yml, cases/, docs/) into `out`."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out), *extra],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


def casebook(*args: str, cwd: Path, answers: str | None = None) -> subprocess.CompletedProcess[str]:
    """`casebook …` run in this test process, with what a process would give: exit code, stdout, stderr.

    Starting Python again costs about 0.4 s a run, and the tests run the CLI a few hundred times. The
    console script itself is run as a process in tests/test_cli.py. `answers` is the whole of stdin (none:
    it ends at once, as /dev/null does). MkDocs still runs as casebook's own child process.
    """
    from casebook import cli

    out, err = io.StringIO(), io.StringIO()
    stdin, here = sys.stdin, Path.cwd()
    sys.stdin = io.StringIO(answers or "")
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(here)
        sys.stdin = stdin
    return subprocess.CompletedProcess(["casebook", *args], code, out.getvalue(), err.getvalue())


SAMPLE_CASES = ROOT / "tests" / "sample" / "cases"
"""Six records (and a hostile one) with their taxonomy: enough for a test of how a build behaves, a third quicker to build."""


def copy_project(dest: Path, cases: Path | None = None) -> Path:
    """A throwaway copy of the project (config, hand-written docs, records: the bundled ones unless `cases`)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(cases or ROOT / "cases", dest / "cases")
    return dest


@contextmanager
def mkdocs_serve(project: Path, log: Path, *flags: str) -> Iterator[str]:
    """`mkdocs serve` of a project folder on a free port, its output in `log`; yields the base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *flags, "-a", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if (name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("img", "script")):
                self.links.append(value)


@functools.lru_cache(maxsize=4096)
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path, prefix: str = "/") -> list[str]:
    """Every internal link or anchor in the built site that does not resolve, as `page -> link`.

    Root-relative links (404.html uses them) are resolved against `prefix`, the path the site is served under.
    """
    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target_url, fragment = urldefrag(link)
            target_url = target_url.partition("?")[0]  # a query (search/?q=…, print/?from=…) names the same file
            if target_url.startswith("/"):
                if not target_url.startswith(prefix):
                    problems.append(f"{page.relative_to(site)} -> {link} (サイトの外)")
                    continue
                target = (site / unquote(target_url[len(prefix) :])).resolve()
            else:
                target = (page.parent / unquote(target_url)).resolve() if target_url else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists() or (
                site.resolve() not in target.resolve().parents and target.resolve() != site.resolve()
            ):
                problems.append(f"{page.relative_to(site)} -> {link}")
                continue
            if fragment and target.suffix == ".html" and unquote(fragment) not in _parse(target).ids:
                problems.append(f"{page.relative_to(site)} -> {link} (アンカーなし)")
    return problems


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".pf_meta": "application/octet-stream",
        ".pf_index": "application/octet-stream",
        ".pf_fragment": "application/octet-stream",
        ".pf_filter": "application/octet-stream",
        ".pagefind": "application/octet-stream",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 under `prefix` (e.g. `/kb/`); yields the base URL."""
    root = folder
    if prefix != "/":
        # Mount the site under a subpath by serving a parent folder that links to it.
        parent = folder.parent / f"_mount_{folder.name}"
        target = parent / prefix.strip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(folder.resolve(), target_is_directory=True)
        root = parent
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A short poll: shutdown() waits for the loop to look (0.5 s by default, at the end of every test).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def _elsewhere(origin: str) -> re.Pattern[str]:
    """Addresses outside `origin` (a base URL); `data:` and `blob:` are the page's own, not requests out."""
    return re.compile("^(?!" + re.escape(origin.rstrip("/")) + "(?:[/?#]|$)|data:|blob:)")


def watch_outside(context: Any, origin: str) -> list[str]:
    """List every address outside the site's own origin that a browser context asks for.

    For gates that must see no such request at all: watching is enough (one attempt fails the test)
    and costs nothing per request, where routing (`cut_off`) pauses every request in the browser.
    """
    elsewhere = _elsewhere(origin)
    outside: list[str] = []
    context.on("request", lambda request: outside.append(request.url) if elsewhere.match(request.url) else None)
    return outside


def cut_off(context: Any, origin: str, stand_in: str | None = None) -> list[str]:
    """Let a browser context reach only the site's own origin; every other address it asks for is listed.

    Outside requests fail, or with `stand_in` get that body (a forge page a button opens in a new tab).
    The pattern is matched inside the browser driver, so the site's own requests skip the round trip
    through Python; the browser still pauses each of them, so gates that only need to see requests use
    `watch_outside`.
    """
    outside: list[str] = []

    def gate(route: Any) -> None:
        outside.append(route.request.url)
        if stand_in is None:
            route.abort()
        else:
            route.fulfill(status=200, body=stand_in)

    context.route(_elsewhere(origin), gate)
    return outside


def settle(page: Any) -> None:
    """Wait until a loaded page's own scripts are done, by their own signals (not by network silence).

    `page.goto` already waits for the load event, after which the theme and casebook.js have run;
    only the search page keeps working: it loads Pagefind, then marks `#cb-search` ready and not busy.
    """
    if page.locator("#cb-search").count():
        page.wait_for_function("document.querySelector('#cb-search').dataset.ready === 'true'")
        page.wait_for_function("document.querySelector('#cb-search').dataset.busy === 'false'")


def page_types() -> list[str]:
    """One URL (relative to the site root) of every kind of page the site has, from the page list."""
    from casebook.index import build_index
    from casebook.pages import page_list
    from casebook.routes import HAND_WRITTEN, url_for
    from casebook.validate import check

    first: dict[str, str] = {}
    for spec in page_list(build_index(check([ROOT / "cases"]))):
        first.setdefault(spec.kind, spec.url)
    first["search"] = url_for("search") + "?q=研修"  # the search page with results on it
    return [*first.values(), *(url_for(kind) for kind in sorted(HAND_WRITTEN))]


NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@contextmanager
def nginx(site: Path, workdir: Path) -> Iterator[str]:
    """Serve an unpacked package with real nginx and the package's own nginx.conf.sample; yields its base URL.

    The sample goes into a server block the way an administrator adds it: next to the distribution's
    standard `include mime.types; default_type application/octet-stream;`. It runs as the current user,
    on 127.0.0.1 with a free port, with every path in `workdir` (no root needed).
    """
    assert NGINX is not None
    sample = (site / "nginx.conf.sample").read_text(encoding="utf-8")
    location = sample.replace("alias /var/www/casebook/;", f"alias {site.resolve()}/;")
    prefix = re.search(r"^location (\S+) \{", location, re.M)
    assert prefix is not None and f"alias {site.resolve()}/;" in location, "nginx.conf.sample の形が変わった"
    mime = Path(_nginx_conf_path()).with_name("mime.types")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    workdir.mkdir(parents=True, exist_ok=True)
    temps = "\n".join(f"    {k}_temp_path {workdir}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (workdir / "nginx.conf").write_text(
        f"""master_process off;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{}}
http {{
    include {mime};
    default_type application/octet-stream;
    access_log off;
{temps}
    server {{
        listen 127.0.0.1:{port};
{location}
    }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-e", f"{workdir}/error.log", "-c", str(workdir / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process, workdir)
        yield f"http://127.0.0.1:{port}{prefix[1]}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _nginx_conf_path() -> str:
    info = subprocess.run([str(NGINX), "-V"], capture_output=True, text=True, check=True).stderr
    found = re.search(r"--conf-path=(\S+)", info)
    return found[1] if found else "/etc/nginx/nginx.conf"


def _wait_for_port(port: int, process: subprocess.Popen[bytes], workdir: Path) -> None:
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError("nginx が起動しませんでした:\n" + (workdir / "error.log").read_text(errors="replace"))
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("nginx が 10 秒以内に応答しませんでした")
