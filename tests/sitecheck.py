"""Helpers for tests over a built site: build it, crawl its links, serve it over HTTP."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
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


def copy_project(dest: Path, cases: Path | None = None) -> Path:
    """A throwaway copy of the project (config, hand-written docs, records)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(cases or ROOT / "cases", dest / "cases")
    return dest


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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def settle(page: Any) -> None:
    """Wait until a loaded page's own scripts are done, by their own signals (not by network silence).

    `page.goto` already waits for the load event, after which the theme and casebook.js have run;
    only the search page keeps working: it loads Pagefind, then marks `#cb-search` ready and not busy.
    """
    if page.locator("#cb-search").count():
        page.wait_for_function("document.querySelector('#cb-search').dataset.ready === 'true'")
        page.wait_for_function("document.querySelector('#cb-search').dataset.busy === 'false'")


def page_types() -> list[str]:
    """One URL (relative to the site root) of every kind of page the site has."""
    from casebook.index import build_index
    from casebook.validate import check

    index = build_index(check([ROOT / "cases"]))
    kinds = [
        "", "cases/", index.cases[0].url, index.programs[0].url, "programs/", "keywords/", index.keywords[0].url,
        "challenges/", index.challenges[0].url, "regions/", index.prefectures[0].url, "sizes/", "categories/",
        index.categories[0].url, "initiatives/", "voices/", "search/?q=研修", "roadmaps/", "compare/", "compare/effect/",
        "compare/matrix/", "timelines/", "overview/", "frameworks/", "updates/", "data/", "print/", "about/", "publish/",
    ]  # fmt: skip
    for label in ("取り組み", "メッセージ", "対談"):
        kinds += [o.url for o in index.others if o.kind_label == label][:1]
    return [*kinds, index.roadmaps[0].url, index.frameworks[0].url]
