"""MkDocs adapter: the only module that imports MkDocs.

Runs check → index → render and hands every page to MkDocs as a generated file, so `docs/`
keeps only hand-written pages (DESIGN §2).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from markupsafe import escape
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

from casebook.diagnostics import Diagnostic
from casebook.export import write_exports
from casebook.live import Catchup, LiveSite, Update, error_page, failure, gate
from casebook.markup import ANCHOR_ID, to_html
from casebook.outputs import mark_site, stale_scratch
from casebook.pipeline import make_site
from casebook.propose import Contribution, forge_of, page_actions
from casebook.publish import check_site_url
from casebook.render import Page as Page_
from casebook.render import render_assets, render_processes
from casebook.schemas import schemas
from casebook.search import SearchIndexError, SiteIndexer, index_site, preferred_binary_missing
from casebook.validate import Corpus
from casebook.watch import watch_natively

log = get_plugin_logger("casebook")
PACKAGE = Path(__file__).resolve().parent
SERVE_SCRATCH = re.compile(r"casebook-serve-(?P<pid>\d+)-.+")
"""`mkdocs serve`'s folder for rebuild requests, named after its process so a later serve can clean up."""
STYLESHEET = "assets/casebook.css"
STYLESHEETS = (STYLESHEET,)
SCRIPT = "assets/casebook.js"
SCRIPTS = (SCRIPT, "assets/choose.js")
OWN_PAGE_ASSETS = ("assets/search.js", "assets/normalize.js", "assets/propose.js", "assets/propose.css")
"""Loaded only by the pages that use them (theme/main.html): the search page's query pipeline (which
imports normalize.js), the propose form's script, styles and normalize.js. Every other page is 50 KB lighter."""


THEME_FILES_UNUSED = re.compile(r"assets/javascripts/(lunr|workers)/|assets/(javascripts|stylesheets)/[^/]+\.map$")
"""Material's files the site never loads: its own search (lunr and its worker; Pagefind searches here)
and the source maps. Left out, they are not copied: 1.5 MB less on every server and in every archive."""


class CasebookConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the `casebook` plugin in mkdocs.yml."""

    cases_dir = c.Type(str, default="cases")
    """Folder of the records, relative to mkdocs.yml."""

    send_instructions = c.Type(str, default="")
    """「送り方」 on the propose page: how this organisation takes a finished record (e.g. "… にメールで")."""

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
        self._catchup = Catchup(self._after_serve_build)
        self._streaming: SiteIndexer | None = None
        self._live: LiveSite | None = None
        self._update: Update | None = None
        self._trigger: Path | None = None
        self._error_page: bytes | None = None
        """What every request is answered with while the site cannot be built (serve only)."""
        self._gated = False
        self._broken = False
        self._contribution = Contribution()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether we serve (and dirty-rebuild) or build once."""
        self._serving = command == "serve"
        self._dirty = dirty
        if self._serving:
            _stop_on_sigterm()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Resolve paths and register our stylesheet."""
        self._root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self._cases = (self._root / self.config.cases_dir).resolve()
        if config.site_url:
            try:
                config.site_url = check_site_url(config.site_url)
            except ValueError as exc:
                raise PluginError(f"site_url「{config.site_url}」: {exc}（mkdocs.yml か CASEBOOK_SITE_URL）") from None
        for at, stylesheet in enumerate(STYLESHEETS):
            if stylesheet not in config.extra_css:
                config.extra_css.insert(at, stylesheet)
        # Edit links and the propose form use MkDocs' own repo_url and edit_uri (which points at docs/).
        docs = Path(config.docs_dir).resolve()
        docs_dir = docs.relative_to(self._root).as_posix() if docs.is_relative_to(self._root) else docs.name
        forge = forge_of(config.repo_url, config.edit_uri, docs_dir)
        if not config.repo_url:
            config.edit_uri = None  # mkdocs.yml names the branch; without a repository there is nothing to edit
        self._contribution = Contribution(forge, self.config.send_instructions, self.config.cases_dir)
        for script in SCRIPTS:
            if script not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(script)
        # Our Material overrides sit after the site's own custom_dir and before Material itself.
        theme_dir = str(PACKAGE / "theme")
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Validate the records and add every generated page; stop the build on errors (serve: show them)."""
        for unused in [f for f in files if THEME_FILES_UNUSED.match(f.src_uri)]:
            files.remove(unused)
        if self._serving:
            if self._live is None:
                self._live = LiveSite(self._cases, self._root, (PACKAGE / "templates",))
            before = self._live.served  # what the last build served, for `--dirty`
            update = self._live.update()
            corpus, index, pages, errors = update.corpus, update.index, update.pages, update.errors
            self._update = update
        else:
            site = make_site(self._cases, self._root, processes=render_processes())
            corpus, index, pages = site.corpus, site.index, site.pages
            before, errors = {}, tuple(corpus.errors)
        self._report(corpus, errors)
        if index is None:  # serving records that were never valid: only the error page is shown
            # The nav lists generated pages that could not be made; the errors above already say why.
            config.validation.nav.not_found = logging.DEBUG
            return files
        if not errors:
            self._corpus = corpus
        for path, text in render_assets(index, config.site_url or "", config.site_name, self._contribution).items():
            files.append(File.generated(config, path, content=text))
        self._add_pages(files, config, pages, before)
        for asset in (*STYLESHEETS, *SCRIPTS, *OWN_PAGE_ASSETS):
            files.append(File.generated(config, asset, abs_src_path=str(PACKAGE / asset)))
        if self.config.search and preferred_binary_missing():
            # Said, not a warning: a publisher with the wheel and no Node.js still gets a working search.
            log.info(
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
        if self._live is not None and (deleted := self._live.prune(Path(config.site_dir), (f.dest_uri for f in files))):
            log.info(f"生成されなくなったページを消しました: {', '.join(deleted)}")
        return files

    def _add_pages(self, files: Files, config: MkDocsConfig, pages: dict[str, Page_], before: dict[str, Page_]) -> None:
        """Hand every generated page to MkDocs as a generated file (docs/ keeps only hand-written pages)."""
        self._sources = {}
        self._generated = set(pages)
        for path, page in pages.items():
            existing = files.get_file_from_path(path)
            if existing is not None:  # check refuses such a docs/ page; a build past it still must not mix them
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

    def _report(self, corpus: Corpus, errors: tuple[Diagnostic, ...]) -> None:
        """Log the problems; a build stops, a server shows them on every page until they are fixed."""
        for d in corpus.warnings:
            log.warning(d.format())
        for d in errors:
            log.error(d.format())
        self._broken = bool(errors)
        if not errors:
            return  # the error page stays up until this build is written (on_post_build)
        if not (self._serving or self._gated):
            raise PluginError(
                f"記録にエラーが {len(errors)} 件あるため、サイトを作れません。"
                "上の各行の指示に従って直してください（`casebook check` でも確かめられます）。"
            )
        self._error_page = error_page(errors).encode("utf-8")
        log.error(
            f"エラーが {len(errors)} 件あるため、サイトを更新できません。ブラウザにも同じ一覧を表示しています。"
            "直して保存すると、サイトに戻ります。"
        )

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        """Generated pages are HTML already: skip Python-Markdown, which only re-parsed it (half the build)."""
        if page.file.src_uri in self._generated:
            page.render = _render_generated.__get__(page)  # type: ignore[method-assign]
        return page

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Point the edit button of a record's page at its YAML file, and label it (see theme/partials/actions.html)."""
        if page.canonical_url:
            # Material prints it into <link rel="canonical"> unescaped; the sitemap's `|e` keeps Markup as is.
            page.canonical_url = escape(page.canonical_url)
        actions = page_actions(page.url, self._sources.get(page.file.src_uri), self._contribution.forge)
        if "edit_href" in actions:
            page.edit_url = actions.pop("edit_href")
        elif page.file.generated_by:
            page.edit_url = None  # MkDocs would point it at a docs/ file that does not exist
        page.meta.update(actions)
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Stream a finished page to the search index (record-like pages only)."""
        if self._streaming is not None and "data-pagefind-body" in output:
            self._streaming.add("/" + page.url, output)
        return output

    def on_build_error(self, /, *, error: Exception) -> None:
        """Abandon the streaming index; while serving, show the failure on every page instead of waiting."""
        self._close_streaming()
        if self._serving or self._gated:  # MkDocs keeps the old site but would make every request wait
            self._error_page = error_page([failure(error, self._root)]).encode("utf-8")

    def _close_streaming(self) -> None:
        if self._streaming is not None:
            self._streaming.abandon()
            self._streaming = None

    def on_post_build(self, /, *, config: MkDocsConfig) -> None:
        """Write the data exports, then index the built site with Pagefind (extended)."""
        if not self._broken:
            self._error_page = None  # only now: a build that failed midway would leave requests waiting
        site = Path(config.site_dir)
        if self._serving:
            # While serving, the edited page is served at once; the rest of the site, the exports and
            # the search index follow in the background. Saves that arrive meanwhile are coalesced.
            self._catchup.submit(site, self._update)
            return
        self._finish_site(site, strict=True)

    def _after_serve_build(self, site: Path, update: Update | None) -> None:
        """The rest of a served build: every page if the saved one went first, then exports and search."""
        if update is not None and self._live is not None and self._live.complete(update):
            self._request_rebuild()  # the next build serves every page; exports and search follow it
            return
        try:
            self._finish_site(site)
        except Exception as exc:  # the worker must live on, or no later save would reach search and exports
            log.error(
                f"検索索引かデータの書き出しに失敗しました（{type(exc).__name__}: {exc}） — 次に保存したときに作り直します"
            )

    def _request_rebuild(self) -> None:
        # A file in a folder the server watches: the public way to ask `mkdocs serve` for a build.
        if self._trigger is not None:
            (self._trigger / "complete").write_text(str(time.time_ns()), encoding="utf-8")

    def _finish_site(self, site: Path, strict: bool = False) -> None:
        mark_site(site)
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
        log.info(stats.summary())

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Rebuild when a record, the taxonomy or a template changes, or when the full render is ready."""
        # While the site cannot be built, every address answers at once with the list of problems.
        app = server.get_app()
        assert app is not None  # LiveReloadServer sets its app when it is made
        server.set_app(gate(app, lambda: self._error_page, ("/livereload/",)))
        self._gated = True
        server.watch(str(self._cases))
        server.watch(str(PACKAGE / "templates"))
        server.watch(str(PACKAGE / "assets"))
        _stop_on_sigterm()
        if self._trigger is None:
            for stale in stale_scratch(Path(tempfile.gettempdir()), SERVE_SCRATCH):
                shutil.rmtree(stale, ignore_errors=True)
            self._trigger = Path(tempfile.mkdtemp(prefix=f"casebook-serve-{os.getpid()}-"))
        server.watch(str(self._trigger))
        watch_natively(server)  # last: every watched folder's filesystem decides, and all move together
        return server

    def on_shutdown(self) -> None:
        """Finish the running search index and exports, then remove the folder watched for rebuild requests."""
        self._catchup.stop()
        if self._trigger is not None:
            shutil.rmtree(self._trigger, ignore_errors=True)
            self._trigger = None


def _stop_on_sigterm() -> None:
    """Let SIGTERM stop `mkdocs serve` the way Ctrl-C does, so its `finally` removes the temporary folders."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, signal.default_int_handler)


def _render_generated(page: Page, config: MkDocsConfig, files: Files) -> None:
    """`Page.render` for a generated page: headings and table of contents only (see markup.py)."""
    html, toc = to_html(page.markdown or "")
    page.content = html
    page.toc = get_toc(toc)
    page.present_anchor_ids = set(ANCHOR_ID.findall(html))
    page.links_to_anchors = {}
