"""Rebuilding while serving: the saved record's page first, everything else right after.

Saving one record under `mkdocs serve` used to re-check, re-index and re-render the whole corpus
before the page could be served (about 2 s at 1,000 cases). `LiveSite` makes that step cheap:

1. only files whose size or mtime changed are read again (`RecordCache`);
2. when the change is confined to existing records, only those records' own pages are rendered,
   against a fresh index, and every other page keeps its last Markdown — the edited page is served
   at once (`Update.partial`);
3. the caller then asks for `complete()`, off the request path: a full render of the same state.
   If it differs from what is served (keyword pages, related cases, lists), the caller rebuilds once
   more with those pages (`take_complete`).

Any other change (a record added, removed or renamed, the taxonomy, a template) renders everything,
as a build does. Engine-agnostic: the MkDocs adapter decides when to call what.

Nothing lost, nothing injected: a save that breaks the records (or a template) keeps the last good
pages and reports the problems (`Update.errors`) for an error page (`error_page`, served by `gate`);
outputs of pages that are no longer made are deleted (`prune`), so an incremental server equals a
fresh build.
"""

from __future__ import annotations

import functools
import html
import os
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from jinja2 import Environment, PackageLoader, TemplateSyntaxError

from casebook.diagnostics import Diagnostic, display_path
from casebook.index import SiteIndex, build_index
from casebook.render import Page, render_site
from casebook.validate import Corpus, RecordCache, check

Snapshot = dict[str, tuple[int, int]]


def snapshot(*folders: Path) -> Snapshot:
    """(mtime, size) of every file under the folders: what a change is measured against."""
    out: Snapshot = {}
    for folder in folders:
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                out[path] = (st.st_mtime_ns, st.st_size)
    return out


@dataclass(frozen=True)
class Update:
    """The state to serve after a change."""

    corpus: Corpus
    index: SiteIndex | None
    pages: dict[str, Page]
    partial: bool
    """Only the changed records' pages were rendered; call `complete()` next."""
    rendered: int
    """Pages rendered for this update."""
    state: Snapshot
    """The files this update was made from."""
    errors: tuple[Diagnostic, ...] = ()
    """Why the site could not be updated; `index` and `pages` are then the last good ones (if any)."""


class LiveSite:
    """The corpus as last served, and what it takes to serve the next change."""

    def __init__(self, cases: Path, root: Path, watched: tuple[Path, ...] = ()) -> None:
        self._cases, self._root, self._watched = cases, root, watched
        self._cache = RecordCache()
        self._snapshot: Snapshot = {}
        self._served: dict[str, Page] = {}
        self._served_partial = False
        self._complete: tuple[Snapshot, dict[str, Page]] | None = None
        self._lock = threading.Lock()
        self._good: Update | None = None
        self._full = False
        self._outputs: set[str] = set()

    @property
    def served(self) -> dict[str, Page]:
        """The pages being served now (the last update's)."""
        return self._served

    def update(self) -> Update:
        """Check the corpus again and render what the change needs; on errors keep the last good pages."""
        now = snapshot(self._cases, *self._watched)
        corpus = check([self._cases], cwd=self._root, cache=self._cache)
        if corpus.errors:
            # The snapshot stays at what is served, so the fix is measured against the last good pages.
            return self._keep(corpus, corpus.errors, now)
        before, self._snapshot = self._snapshot, now
        try:
            return self._render(corpus, before, now)
        except Exception as exc:  # a template or generator error must not stop the server either
            self._snapshot = before
            return self._keep(corpus, [failure(exc, self._root)], now)

    def _render(self, corpus: Corpus, before: Snapshot, now: Snapshot) -> Update:
        index = build_index(corpus)
        with self._lock:
            complete, self._complete = self._complete, None
        if complete is not None and complete[0] == now:
            pages, partial, rendered = complete[1], False, 0
        else:
            own = None if self._full else self._own_pages(before, now)
            if own is None:
                pages = render_site(index)
                partial, rendered = False, len(pages)
            else:
                fresh = render_site(index, only=own)
                pages, rendered = {**self._served, **fresh}, len(fresh)
                partial = bool(fresh) or self._served_partial
        self._served, self._served_partial, self._full = pages, partial, False
        self._good = Update(corpus, index, pages, partial, rendered, now)
        return self._good

    def _keep(self, corpus: Corpus, errors: Sequence[Diagnostic], now: Snapshot) -> Update:
        """The last good pages with the problems that stop this update (nothing when none was ever good)."""
        if self._good is None:
            return Update(corpus, None, {}, partial=False, rendered=0, state=now, errors=tuple(errors))
        # Not partial: completing the kept pages would only ask for the same broken build again.
        return replace(self._good, corpus=corpus, partial=False, rendered=0, errors=tuple(errors))

    def _own_pages(self, before: Snapshot, now: Snapshot) -> set[str] | None:
        """Paths of the pages that belong to the changed records; None when everything must render."""
        if not self._served or before.keys() != now.keys():
            return None  # first build, or a file added, removed or renamed
        changed = [path for path, stamp in now.items() if before[path] != stamp]
        if not changed:
            return set()
        by_source: dict[str, list[str]] = {}
        for page_path, page in self._served.items():
            if page.source:
                by_source.setdefault(page.source, []).append(page_path)
        own: set[str] = set()
        for path in changed:
            pages = by_source.get(display_path(Path(path), self._root))
            if not pages:
                return None  # the taxonomy, a template, or a file without a page of its own
            own.update(pages)
        return own

    def complete(self, update: Update) -> bool:
        """Render everything for a partial update; True when that changes pages being served."""
        if not update.partial or update.index is None:
            return False
        if update.state != self._snapshot:
            return False  # a newer save arrived; its own update will be completed instead
        try:
            pages = render_site(update.index)
        except Exception:  # the next update renders everything and reports the error
            self._full = True
            return True
        with self._lock:
            if update.state != self._snapshot:
                return False
            self._complete = (update.state, pages)
        return pages != self._served

    def prune(self, site: Path, outputs: Iterable[str]) -> list[str]:
        """Delete what the last build wrote and this one does not (`outputs`: paths under `site`).

        An incremental build (`mkdocs serve --dirty`) overwrites files but never deletes them, so a
        removed or renamed record's page would still be served and indexed. Only files this site
        itself listed before are deleted, never anything outside `site`. Returns the deleted paths.
        """
        now = set(outputs)
        gone, self._outputs = sorted(self._outputs - now), now
        root = site.resolve()
        deleted: list[str] = []
        for rel in gone:
            path = (root / rel).resolve()
            if root not in path.parents or not path.is_file():
                continue
            path.unlink()
            deleted.append(rel)
            for folder in path.parents:  # a page's folder (`cases/goka/`) goes with its last file
                if folder == root or any(folder.iterdir()):
                    break
                folder.rmdir()
        return deleted


def failure(exc: BaseException, root: Path) -> Diagnostic:
    """An error raised while making pages, as a problem at its template line (or the code's)."""
    path, line = _origin(exc)
    message = " ".join(f"{type(exc).__name__}: {exc}".split())
    return Diagnostic(
        display_path(Path(path), root),
        line,
        1,
        "",
        f"ページを作れません（{message}）",
        "この行（テンプレートか生成器）か、端末に出ている MkDocs のエラーの箇所を直して保存してください",
    )


def _origin(exc: BaseException) -> tuple[str, int]:
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno
    frames = traceback.extract_tb(exc.__traceback__)
    templates = [f for f in frames if f.filename.endswith((".j2", ".html"))]
    for frame in reversed(templates or frames):  # the template line when there is one
        return frame.filename, frame.lineno or 1
    return "mkdocs.yml", 1


@functools.cache
def _templates() -> Environment:
    return Environment(loader=PackageLoader("casebook", "templates"), autoescape=True)


def error_page(errors: Sequence[Diagnostic]) -> str:
    """A standalone HTML page listing the problems (escaped); it reloads itself once the site is back."""
    problems = [d.format() for d in errors]
    try:
        return _templates().get_template("error.html.j2").render(problems=problems)
    except Exception as exc:  # the error page's own template is broken: say so, plainly
        lines = [*problems, failure(exc, Path.cwd()).format()]
        return "<!doctype html><meta charset=utf-8><pre>" + html.escape("\n".join(lines)) + "</pre>"


def gate(app: WSGIApplication, page: Callable[[], bytes | None], through: tuple[str, ...] = ()) -> WSGIApplication:
    """Answer every request with `page()` (HTTP 500) while it is not None; paths under `through` pass.

    A server that refuses to show a broken build must still answer at once: the error page says what
    to fix, and the last good site stays behind it for when the problems are fixed.
    """

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = page()
        if environ.get("QUERY_STRING") == STATUS_QUERY:
            # The error page asks this every second: the problems as they are now (none: the site is back).
            # A 200, so the browser's console does not log a failed request each time.
            state = body or b""
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), *_no_store(len(state))])
            return [state]
        if body is None or str(environ.get("PATH_INFO", "")).startswith(through):
            return app(environ, start_response)
        start_response(
            "500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8"), *_no_store(len(body))]
        )
        return [body]

    return serve


STATUS_QUERY = "casebook-status"
"""`?casebook-status` on any address: the error page's question to `gate`, answered with HTTP 200."""


def _no_store(length: int) -> list[tuple[str, str]]:
    return [("Content-Length", str(length)), ("Cache-Control", "no-store")]


class Catchup:
    """The after-build work of `mkdocs serve`, run off the request path: one job at a time, saves coalesced.

    While a job runs, newer builds replace each other; the worker then takes the newest, so no build is
    left without its exports and search index, and none is worked on twice.
    """

    def __init__(self, work: Callable[[Path, Update | None], None]) -> None:
        self._work = work
        self._lock = threading.Lock()
        self._pending: tuple[Path, Update | None] | None = None
        self._worker: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        """A job is queued or running."""
        with self._lock:
            return self._worker is not None

    def submit(self, site: Path, update: Update | None) -> None:
        """Queue the work for a finished build; start the worker unless one is running."""
        with self._lock:
            self._pending = (site, update)
            if self._worker is not None:  # the running worker picks the new build up
                return
            self._worker = threading.Thread(target=self._run, daemon=True)
            self._worker.start()

    def stop(self, timeout: float = 60) -> None:
        """Drop what waits and let the running job finish: nothing is written after the server has gone.

        MkDocs deletes its temporary site right after `on_shutdown`; a late write used to leave it behind.
        """
        with self._lock:
            self._pending, worker = None, self._worker
        if worker is not None:
            worker.join(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                job, self._pending = self._pending, None
                if job is None:
                    self._worker = None  # cleared under the lock, so no build is ever left unworked
                    return
            self._work(*job)
