"""`casebook build --engine`: ProperDocs and Zensical make the same site as MkDocs (issue 17).

The MkDocs site is covered by the whole suite; here the other engines' builds of the bundled site
are compared with it: the same HTML pages, no broken link, the same records in the search index
with the same facets, and the same output-folder safety.
"""

from __future__ import annotations

import gzip
import html
import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

from casebook import cli
from casebook.engines import ENGINES, INSTALL
from casebook.outputs import SITE_MARKER
from casebook.publish import build_site
from sitecheck import ROOT, broken_links

# `engine_site` (tests/conftest.py): the bundled site built by each engine other than MkDocs.

OTHERS = [e for e in ENGINES if e != "mkdocs"]


def _html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def _indexed(site: Path) -> dict[str, dict[str, object]]:
    """Every page in the site's Pagefind index: its URL → its fragment (text, filters, meta, anchors)."""
    found = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[data["url"]] = data
    return found


def test_engine_builds_every_page_with_no_broken_link(engine_site: Path, built_site: Path) -> None:
    assert _html_pages(engine_site) == _html_pages(built_site)
    assert broken_links(engine_site) == []
    assert (engine_site / ".casebook-site").is_file()  # the next build may replace it
    assert sorted(p.name for p in (engine_site / "data").iterdir()) == sorted(
        p.name for p in (built_site / "data").iterdir()
    )
    # Nothing left next to the site: no staging folder, no exported project.
    assert [p.name for p in engine_site.parent.iterdir()] == ["site"]


GENERATOR_LINE = re.compile(rb'\s*<meta name="generator" content="[^"]*">')


@pytest.mark.parametrize("engine_site", ["properdocs"], indirect=True)
def test_properdocs_writes_the_very_files_mkdocs_writes(engine_site: Path, built_site: Path) -> None:
    # Byte for byte, apart from the engine's name in <meta name="generator"> and the workbook's zip
    # timestamps: so the MkDocs site's browser gates (offline, axe, search) hold for ProperDocs's site as
    # they are, and tests/browser/test_engines.py repeats them only for Zensical, whose theme renders
    # differently. If this fails, ProperDocs's pages have diverged: add it to those browser tests.
    def files(site: Path) -> dict[str, bytes]:
        return {
            p.relative_to(site).as_posix(): GENERATOR_LINE.sub(b"", p.read_bytes())
            for p in site.rglob("*")
            if p.is_file() and p.suffix != ".xlsx" and p.name != SITE_MARKER  # `casebook build` lists its files there
        }

    mkdocs, properdocs = files(built_site), files(engine_site)
    assert sorted(mkdocs) == sorted(properdocs)
    assert [name for name in mkdocs if mkdocs[name] != properdocs[name]] == []


SKIP_TARGET = '<a id="__skip" tabindex="-1"></a>'
"""Zensical's theme puts the skip link's target at the top of every article."""


def _article(page: Path) -> str | None:
    """A page's <article>, as markup to compare across engines.

    Whitespace is collapsed, and a code block is reduced to its text: Zensical highlights code (spans
    inside `<div class="highlight">`) where MkDocs leaves it plain, and escapes quotes differently.
    """
    found = re.search(r"<article[^>]*>(.*?)</article>", page.read_text(encoding="utf-8"), re.S)
    if found is None:
        return None
    article = found[1].replace(SKIP_TARGET, "")
    article = re.sub(r'<div class="highlight">(<pre>.*?</pre>)</div>', r"\1", article, flags=re.S)
    article = re.sub(
        r"<pre>.*?</pre>",
        lambda m: "<pre>" + html.unescape(re.sub(r"<[^>]+>", "", m[0])) + "</pre>",
        article,
        flags=re.S,
    )
    return re.sub(r"\s+", " ", article).replace("> <", "><").strip()


@pytest.mark.parametrize("engine_site", ["zensical"], indirect=True)
def test_zensical_renders_every_pages_content_as_mkdocs_does(engine_site: Path, built_site: Path) -> None:
    # Every page's article is the same markup in both sites; only the theme around it (header, navigation,
    # footer) is Zensical's own. So the MkDocs site's browser gates hold for Zensical's content as they are,
    # and tests/browser/test_engines.py checks Zensical's theme on one page of each shell.
    pages = _html_pages(built_site)
    assert len(pages) > 100
    differing = [name for name in pages if _article(built_site / name) != _article(engine_site / name)]
    assert differing == []
    assert sum(_article(built_site / name) is not None for name in pages) > 100


def test_engine_indexes_the_same_records_with_the_same_text_and_facets(engine_site: Path, built_site: Path) -> None:
    expected = _indexed(built_site)
    assert len(expected) > 100
    assert _indexed(engine_site) == expected


def test_engine_keeps_the_site_footer_and_searchable_wrapper(engine_site: Path) -> None:
    # theme/ overrides: casebook's footer (licence, sources) and `data-pagefind-body` only on record-like pages.
    home = (engine_site / "index.html").read_text(encoding="utf-8")
    assert "creativecommons.org/licenses/by/4.0/deed.ja" in home
    assert "data-pagefind-body" not in home
    assert "md-search" not in home  # one search: Pagefind's (Zensical's own is off, as Material's is)
    keyword = next((engine_site / "keywords").glob("*/index.html")).read_text(encoding="utf-8")
    assert keyword.count("data-pagefind-body") == 1


def test_engine_case_pages_carry_the_labelled_propose_button(engine_site: Path) -> None:
    goka = (engine_site / "cases" / "goka" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\.\./\.\./propose/" class="cb-action">\s*<svg', goka)
    assert "事例を提案する</span>" in goka
    program = next((engine_site / "programs").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'class="cb-action"' not in program  # no repository named, nothing to propose from a program


def test_the_plugin_free_export_gives_record_pages_their_edit_buttons(tmp_path: Path) -> None:
    from casebook.engines import export_docs
    from sitecheck import SAMPLE_CASES, copy_project

    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace('repo_url: !ENV [CASEBOOK_REPO_URL, ""]', "repo_url: https://github.com/example/kb"),
        encoding="utf-8",
    )
    export_docs(project, tmp_path / "export")
    docs = tmp_path / "export" / "docs"
    goka = (docs / "cases" / "goka" / "index.md").read_text(encoding="utf-8")
    front = goka.split("---\n")[1]
    assert 'edit_href: "https://github.com/example/kb/edit/main/cases/municipal/goka.yaml"' in front
    assert 'edit_label: "この事例を編集"' in front and 'propose_url: "../../propose/"' in front
    assert "edit_href" not in (docs / "keywords" / "index.md").read_text(encoding="utf-8")  # not a record


def test_engine_refuses_a_folder_that_is_not_casebooks(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("大事なメモ", encoding="utf-8")
    with pytest.raises(Exception, match="casebook が作ったものではない"):
        build_site(ROOT, out, engine="zensical")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("engine", OTHERS)
def test_missing_engine_says_how_to_install_it(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == engine else real(name, *a))
    monkeypatch.chdir(ROOT)
    out = tmp_path / "site"
    assert cli.main(["build", "--engine", engine, "--out", os.fspath(out)]) == 2
    err = capsys.readouterr().err
    assert f"--engine {engine}: {engine} が入っていません" in err
    assert f"pip install '{INSTALL[engine]}'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_the_plugin_free_export_carries_every_asset_the_plugin_serves() -> None:
    from casebook.engines import ASSETS, MODULES

    shipped = {p.name for p in (ROOT / "generator" / "casebook" / "assets").iterdir() if p.is_file()}
    assert set(ASSETS) | set(MODULES) == shipped
