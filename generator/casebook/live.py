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
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from casebook.diagnostics import display_path
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

    @property
    def served(self) -> dict[str, Page]:
        return self._served

    def update(self) -> Update:
        """Check the corpus again and render what the change needs."""
        now = snapshot(self._cases, *self._watched)
        before, self._snapshot = self._snapshot, now
        corpus = check([self._cases], cwd=self._root, cache=self._cache)
        if corpus.errors:
            return Update(corpus, None, {}, partial=False, rendered=0, state=now)
        index = build_index(corpus)
        with self._lock:
            complete, self._complete = self._complete, None
        if complete is not None and complete[0] == now:
            pages, partial, rendered = complete[1], False, 0
        else:
            own = self._own_pages(before, now)
            if own is None:
                pages = render_site(index)
                partial, rendered = False, len(pages)
            else:
                fresh = render_site(index, only=own)
                pages, rendered = {**self._served, **fresh}, len(fresh)
                partial = bool(fresh) or self._served_partial
        self._served, self._served_partial = pages, partial
        return Update(corpus, index, pages, partial, rendered, now)

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
        pages = render_site(update.index)
        with self._lock:
            if update.state != self._snapshot:
                return False
            self._complete = (update.state, pages)
        return pages != self._served
