"""Site engines: MkDocs (default), ProperDocs (MkDocs 1.6's continuation) and Zensical (REFERENCE: Engines).

MkDocs and ProperDocs run the casebook plugin from `mkdocs.yml`. Zensical runs no third-party
plugin, so for it the pipeline writes every generated page as Markdown (front matter + the HTML the
templates make) next to the hand-written pages and the assets, with a `mkdocs.yml` that has no
`plugins:`; the exports and the Pagefind index are then added to the finished site here.
Nothing in this module imports an engine: each runs in the build's child process (publish.py).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path
from typing import Any

import yaml

from casebook.export import write_exports
from casebook.pipeline import make_site
from casebook.propose import Forge, forge_of, page_actions
from casebook.schemas import schemas
from casebook.search import index_site
from casebook.validate import Corpus

ENGINES = ("mkdocs", "properdocs", "zensical")
"""`casebook build --engine`: the first is the default."""

CLI = {"mkdocs": "mkdocs.__main__", "properdocs": "properdocs.__main__", "zensical": "zensical.main"}
"""The module whose `cli` (a click group) each engine's command line is."""

INSTALL = {"mkdocs": "mkdocs>=1.6,<2", "properdocs": "properdocs>=1.6.7,<2", "zensical": "zensical<0.1"}
"""What `pip install` needs for each engine (also `pip install -e '.[engines]'`)."""

PACKAGE = Path(__file__).resolve().parent
ASSETS = ("casebook.css", "casebook.js", "choose.js")
"""Our stylesheets and scripts, in the order the MkDocs plugin adds them."""
MODULES = ("search.js", "search-core.js", "search-worker.js", "normalize.js", "propose.js", "propose.css")
"""Assets only the page that uses them loads (theme/main.html), copied but not listed: the search page's
query pipeline (its worker, the pipeline both it and the page import, normalize.js), the propose form's
script, styles and normalize.js."""
OVERRIDES = "overrides"
"""Our Material overrides (theme/), with the project's own custom_dir on top: Zensical reads them too."""


class EngineMissing(Exception):
    """The engine's package is not installed; the text says which `pip install` fixes it, in Japanese."""


def require(engine: str) -> None:
    """Raise EngineMissing unless `engine`'s command line can be imported."""
    if engine not in CLI:
        raise EngineMissing(
            f"casebook build: --engine {engine}: 知らないエンジンです — 使えるもの: {', '.join(ENGINES)}"
        )
    if importlib.util.find_spec(engine) is None:
        raise EngineMissing(
            f"casebook build: --engine {engine}: {engine} が入っていません"
            f" — `pip install '{INSTALL[engine]}'`（または `pip install -e '.[engines]'`）で入れてください"
        )


class _Lenient(yaml.SafeLoader):
    """mkdocs.yml's tags, read without running anything: `!ENV` from the environment, Python tags as data."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # As MkDocs reads it: `!ENV NAME`, or `!ENV [NAME, OTHER, default]`.
    if isinstance(node, yaml.SequenceNode):
        *variables, default = loader.construct_sequence(node)
    else:
        variables, default = [loader.construct_scalar(node)], None  # type: ignore[arg-type]
    return next((os.environ[v] for v in variables if v in os.environ), default)


def _python(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    # `!!python/object/apply:pymdownx.slugs.slugify {kwds: …}` → the form Zensical resolves itself.
    kwds = loader.construct_mapping(node, deep=True).get("kwds", {}) if isinstance(node, yaml.MappingNode) else {}
    return {"object": suffix, "kwds": kwds}


_Lenient.add_constructor("!ENV", _env)
_Lenient.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _python)


SITE_DIR = "site"
"""Where Zensical builds, inside the exported project (it refuses a site_dir outside it)."""


def zensical_config(project: Path, docs: Path, site_url: str | None) -> dict[str, Any]:
    """The project's mkdocs.yml for Zensical: no plugins, our assets listed, folders pointed at the export."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config: dict[str, Any] = yaml.load(text, Loader=_Lenient)  # _Lenient is a SafeLoader
    # No plugin runs; Zensical's own search (on unless turned off) would add a second search box.
    config["plugins"] = [{"search": {"enabled": False}}]
    config["nav"] = _nav(config.get("nav", []), docs)
    # Relative: Zensical panics on absolute folders and refuses a site_dir outside the project.
    config["docs_dir"] = docs.name
    config["site_dir"] = SITE_DIR
    if site_url is not None:
        config["site_url"] = site_url
    config["extra_css"] = [f"assets/{a}" for a in ASSETS if a.endswith(".css")] + list(config.get("extra_css", []))
    config["extra_javascript"] = list(config.get("extra_javascript", [])) + [
        f"assets/{a}" for a in ASSETS if a.endswith(".js")
    ]
    # Zensical would point every generated page's edit button at a docs/ file that does not exist (the
    # plugin points it at the record's YAML instead), so under Zensical there is no edit button
    # (an empty edit_uri does not do it: Zensical then links `repo_url//path.md`).
    theme = config.setdefault("theme", {})
    theme["features"] = [f for f in theme.get("features", []) if f != "content.action.edit"]
    # Material's look, which casebook.css and its checked colour contrast assume (Zensical's "modern"
    # variant has a light footer, where our footer text falls to 1.55:1).
    theme.setdefault("variant", "classic")
    return config


def export_docs(project: Path, dest: Path, site_url: str | None = None) -> Corpus:
    """Write a plugin-free project for Zensical into `dest` (docs/ and mkdocs.yml); return the checked corpus.

    Zensical builds it into `dest/site` (SITE_DIR); `finish_site` then adds exports and search.

    Raises ValueError when the records have errors (`casebook build` checks them first).
    """
    made = make_site(project / "cases", project)
    if made.index is None:
        raise ValueError(f"記録にエラーが {len(made.corpus.errors)} 件あります — `casebook check` で確かめてください")
    docs = dest / "docs"
    shutil.copytree(project / "docs", docs)
    forge = _forge(project)
    for path, page in made.pages.items():
        # The buttons the plugin adds while MkDocs renders (no plugin runs under Zensical): in the front matter.
        url = as_index(path).removesuffix("index.md")
        actions = "".join(
            f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in page_actions(url, page.source, forge).items()
        )
        _write(docs / as_index(path), page.markdown.replace("---\n", "---\n" + actions, 1))
    for path, text in made.assets(site_url or "").items():
        _write(docs / path, text)
    for asset in (*ASSETS, *MODULES):
        _write(docs / "assets" / asset, (PACKAGE / "assets" / asset).read_text(encoding="utf-8"))
    config = zensical_config(project, docs, site_url)
    _overrides(project, config, dest / OVERRIDES)
    _write(dest / "mkdocs.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return made.corpus


def _forge(project: Path) -> Forge | None:
    """The forge mkdocs.yml names (repo_url, edit_uri), as the plugin reads it."""
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Lenient)  # a SafeLoader
    return forge_of(config.get("repo_url"), config.get("edit_uri"), config.get("docs_dir", "docs"))


def _overrides(project: Path, config: dict[str, Any], dest: Path) -> None:
    """One custom_dir for Zensical: ours (the footer, edit button, `data-pagefind-body`), then the project's."""
    shutil.copytree(PACKAGE / "theme", dest)
    theme = config.setdefault("theme", {})
    if theme.get("custom_dir"):
        shutil.copytree(project / theme["custom_dir"], dest, dirs_exist_ok=True)
    theme["custom_dir"] = dest.name


def as_index(path: str) -> str:
    """`cases/goka.md` → `cases/goka/index.md`: the page's source sits in the folder of its address.

    The templates write links relative to the page's address (MkDocs leaves raw HTML alone); Zensical
    rewrites relative links in HTML as if they were relative to the source file, which then agrees.
    """
    if path == "index.md" or path.endswith("/index.md") or not path.endswith(".md"):
        return path
    return path.removesuffix(".md") + "/index.md"


def _nav(nav: Any, docs: Path) -> Any:
    """mkdocs.yml's nav with generated pages' files renamed by `as_index` (hand-written ones stay)."""
    if isinstance(nav, list):
        return [_nav(item, docs) for item in nav]
    if isinstance(nav, dict):
        return {title: _nav(item, docs) for title, item in nav.items()}
    if isinstance(nav, str) and not (docs / nav).is_file():
        return as_index(nav)
    return nav


def finish_site(site: Path, corpus: Corpus) -> str:
    """What the plugin does after MkDocs' build: the data exports, then the Pagefind index; returns the log line.

    Raises SearchIndexError when Pagefind fails (the build then fails and the old site stays).
    """
    write_exports(corpus, site / "data", schemas()["record.schema.json"])
    stats = index_site(site)
    return stats.summary()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
