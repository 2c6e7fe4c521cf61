"""MkDocs adapter: the only module that imports MkDocs.

Runs check → index → render and hands every page to MkDocs as a generated file, so `docs/`
keeps only hand-written pages (DESIGN §2).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from casebook.cli import schemas
from casebook.export import write_exports
from casebook.index import build_index
from casebook.live import LiveSite, Update
from casebook.markup import ANCHOR_ID, to_html
from casebook.render import render_assets, render_processes, render_site
from casebook.search import SearchIndexError, SiteIndexer, index_site, preferred_binary_missing
from casebook.validate import Corpus, check

log = get_plugin_logger("casebook")
PACKAGE = Path(__file__).resolve().parent
STYLESHEET = "assets/casebook.css"
SCRIPT = "assets/casebook.js"
SEARCH = "assets/search.js"
"""The search page's query pipeline, a module its <head> loads (theme/main.html), not every page."""


class CasebookConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the `casebook` plugin in mkdocs.yml."""

    cases_dir = c.Type(str, default="cases")
    """Folder of the records, relative to mkdocs.yml."""

    edit_base_url = c.Type(str, default="")
    """Prefix of edit links; the record's path (e.g. `cases/municipal/goka.yaml`) is appended."""

    search = c.Type(bool, default=True)
    """Index the built site with Pagefind after each build."""


class CasebookPlugin(BasePlugin[CasebookConfig]):  # type: ignore[no-untyped-call]
    """Generates the knowledge base's pages from `cases/`."""

    def __init__(self) -> None:
        self._root = Path.cwd()
        self._cases = self._root / "cases"
        self._sources: dict[str, str] = {}
        self._generated: set[str] = set()
        self._corpus: Corpus | None = None
        self._serving = False
        self._dirty = False
        self._indexer: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending: tuple[Path, Update | None] | None = None
        self._streaming: SiteIndexer | None = None
        self._live: LiveSite | None = None
        self._update: Update | None = None
        self._trigger: Path | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether we serve (and dirty-rebuild) or build once."""
        self._serving = command == "serve"
        self._dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Resolve paths and register our stylesheet."""
        self._root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self._cases = (self._root / self.config.cases_dir).resolve()
        if STYLESHEET not in config.extra_css:
            config.extra_css.insert(0, STYLESHEET)
        if SCRIPT not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(SCRIPT)
        # Our Material overrides sit after the site's own custom_dir and before Material itself.
        theme_dir = str(PACKAGE / "theme")
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Validate the records and add every generated page; stop the build on errors."""
        if self._serving:
            if self._live is None:
                self._live = LiveSite(self._cases, self._root, (PACKAGE / "templates",))
            before = self._live.served  # what the last build served, for `--dirty`
            update = self._live.update()
            corpus, index, pages = update.corpus, update.index, update.pages
            self._update = update
        else:
            corpus = check([self._cases], cwd=self._root)
            index = None if corpus.errors else build_index(corpus)
            pages = render_site(index, processes=render_processes()) if index is not None else {}
            before = {}
        for d in corpus.warnings:
            log.warning(d.format())
        if corpus.errors or index is None:
            for d in corpus.errors:
                log.error(d.format())
            raise PluginError(
                f"記録にエラーが {len(corpus.errors)} 件あるため、サイトを作れません。"
                "上の各行の指示に従って直してください（`casebook check` でも確かめられます）。"
            )
        self._corpus = corpus
        for path, text in render_assets(index, config.site_url or "", config.site_name).items():
            files.append(File.generated(config, path, content=text))
        self._sources = {}
        self._generated = set(pages)
        for path, page in pages.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                log.warning(f"docs/{path} は生成ページと同じ場所にあるため、生成ページで置き換えます")
                files.remove(existing)
            generated = File.generated(config, path, content=page.markdown)
            if self._dirty and before.get(path) == page:
                # `mkdocs serve --dirty`: a generated page whose Markdown did not change keeps its HTML,
                # so saving one record re-renders only the pages that record appears on.
                generated.is_modified = lambda: False  # type: ignore[method-assign]
            files.append(generated)
            if page.source:
                self._sources[path] = page.source
        for asset in (STYLESHEET, SCRIPT, SEARCH):
            files.append(File.generated(config, asset, abs_src_path=str(PACKAGE / asset)))
        if self.config.search and preferred_binary_missing():
            log.warning(
                "Pagefind 1.6 がないため、PyPI の Pagefind 1.5 で検索索引を作ります（「東北」が「東」を含むページにも当たるなど"
                "検索の質が下がります） — `make build` か `npm ci --prefix tools/pagefind` で入れてください"
            )
        if self.config.search and not self._serving:
            # Pagefind indexes each page as MkDocs writes it, on the other core, instead of after.
            self._close_streaming()
            try:
                self._streaming = SiteIndexer()
            except SearchIndexError as exc:
                raise PluginError(str(exc)) from None
        return files

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        """Generated pages are HTML already: skip Python-Markdown, which only re-parsed it (half the build)."""
        if page.file.src_uri in self._generated:
            page.render = _render_generated.__get__(page)  # type: ignore[method-assign]
        return page

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Point the edit button of a record's page at its YAML file."""
        source = self._sources.get(page.file.src_uri)
        if source and self.config.edit_base_url:
            page.edit_url = self.config.edit_base_url + source
        elif page.file.generated_by:
            page.edit_url = None
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Stream a finished page to the search index (record-like pages only)."""
        if self._streaming is not None and "data-pagefind-body" in output:
            self._streaming.add("/" + page.url, output)
        return output

    def on_build_error(self, /, *, error: Exception) -> None:
        self._close_streaming()

    def _close_streaming(self) -> None:
        if self._streaming is not None:
            self._streaming.abandon()
            self._streaming = None

    def on_post_build(self, /, *, config: MkDocsConfig) -> None:
        """Write the data exports, then index the built site with Pagefind (extended)."""
        site = Path(config.site_dir)
        if self._serving:
            # While serving, the edited page is served at once; the rest of the site, the exports and
            # the search index follow in the background. Saves that arrive meanwhile are coalesced.
            with self._lock:
                self._pending = (site, self._update)
                if self._indexer is not None:  # the running worker picks the new build up
                    return
                self._indexer = threading.Thread(target=self._finish_pending, daemon=True)
                self._indexer.start()
            return
        self._finish_site(site, strict=True)

    def _finish_pending(self) -> None:
        while True:
            with self._lock:
                job, self._pending = self._pending, None
                if job is None:
                    self._indexer = None  # cleared under the lock, so no build is ever left unindexed
                    return
            site, update = job
            if update is not None and self._live is not None and self._live.complete(update):
                self._request_rebuild()  # the next build serves every page; exports and search follow it
                continue
            self._finish_site(site)

    def _request_rebuild(self) -> None:
        # A file in a folder the server watches: the public way to ask `mkdocs serve` for a build.
        if self._trigger is not None:
            (self._trigger / "complete").write_text(str(time.time_ns()), encoding="utf-8")

    def _finish_site(self, site: Path, strict: bool = False) -> None:
        if self._corpus is not None:
            write_exports(self._corpus, site / "data", schemas()["record.schema.json"])
        if not self.config.search:
            return
        streaming, self._streaming = self._streaming, None
        try:
            stats = streaming.write(site) if streaming is not None else index_site(site)
        except SearchIndexError as exc:
            if strict:
                raise PluginError(str(exc)) from None
            log.error(str(exc))
            return
        log.info(f"検索索引: {stats.pages} ページ、{stats.bytes / 1024:.0f} KiB、{stats.seconds:.1f} 秒")

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Rebuild when a record, the taxonomy or a template changes, or when the full render is ready."""
        server.watch(str(self._cases))
        server.watch(str(PACKAGE / "templates"))
        server.watch(str(PACKAGE / "assets"))
        if self._trigger is None:
            self._trigger = Path(tempfile.mkdtemp(prefix="casebook-serve-"))
        server.watch(str(self._trigger))
        return server

    def on_shutdown(self) -> None:
        if self._trigger is not None:
            shutil.rmtree(self._trigger, ignore_errors=True)
            self._trigger = None


def _render_generated(page: Page, config: MkDocsConfig, files: Files) -> None:
    """`Page.render` for a generated page: headings and table of contents only (see markup.py)."""
    html, toc = to_html(page.markdown or "")
    page.content = html
    page.toc = get_toc(toc)
    page.present_anchor_ids = set(ANCHOR_ID.findall(html))
    page.links_to_anchors = {}
