"""Content you can cite and reuse (issue 16 §1): licences, attribution on every page, the footer."""

from __future__ import annotations

import datetime as dt
import fnmatch
import tomllib
from pathlib import Path
from typing import Any

import jinja2
import material
import pytest

from casebook.index import build_index
from casebook.models import Case, Dialogue, OtherInitiative, Program, Voice
from casebook.municipality import OrgKind
from casebook.render import Page, render_site
from casebook.scaffold import CaseDraft, case_yaml
from casebook.validate import Corpus, check

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "generator" / "casebook" / "theme"
MATERIAL = Path(material.__file__).resolve().parent / "templates"
CC_BY = "https://creativecommons.org/licenses/by/4.0/deed.ja"
OUR_KEYWORDS = "キーワードは当サイトが付けたもの"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    result = check([ROOT / "cases"])
    assert result.errors == []
    return result


@pytest.fixture(scope="module")
def pages(corpus: Corpus) -> dict[str, Page]:
    return render_site(build_index(corpus))


def _page_of(kind: type, ident: str) -> str:
    folder = {
        Case: "cases",
        Voice: "voices",
        Dialogue: "dialogues",
        OtherInitiative: "initiatives",
        Program: "programs",
    }
    return f"{folder[kind]}/{ident}.md"


@pytest.mark.parametrize("kind", [Voice, Dialogue, OtherInitiative, Program])
def test_pages_say_our_keywords_are_ours(corpus: Corpus, pages: dict[str, Page], kind: type) -> None:
    # The guidebook prints keywords only on its case pages; everywhere else the tags are the project's.
    tagged = [e for e in corpus.of_type(kind) if e.record.keywords]
    assert tagged
    for entry in tagged:
        assert OUR_KEYWORDS in pages[_page_of(kind, entry.id)].markdown, entry.id


def test_case_pages_keep_the_guidebook_keywords_unqualified(corpus: Corpus, pages: dict[str, Page]) -> None:
    for entry in corpus.of_type(Case):
        assert OUR_KEYWORDS not in pages[_page_of(Case, entry.id)].markdown


def _sources_block(markdown: str) -> str:
    return markdown[markdown.index("\n## 出典") :]


@pytest.mark.parametrize("kind", [Case, Voice, Dialogue, OtherInitiative, Program])
def test_every_record_page_credits_its_sources_as_edited_by_us(
    corpus: Corpus, pages: dict[str, Page], kind: type
) -> None:
    # 政府標準利用規約 第2.0版: name the source and its publisher, and say the content was edited (加工して作成).
    for entry in corpus.of_type(kind):
        block = _sources_block(pages[_page_of(kind, entry.id)].markdown)
        for src in entry.record.sources:
            doc = corpus.taxonomy.source(src.document)
            assert doc is not None
            assert f"「{doc.title}」（{doc.publisher}）" in block, entry.id
        assert "加工して作成" in block, entry.id


def test_pages_in_a_chapter_with_a_lead_in_show_it(corpus: Corpus, pages: dict[str, Page]) -> None:
    guidebook = corpus.taxonomy.source("guidebook")
    assert guidebook is not None
    shown = 0
    for kind in (Case, Dialogue, OtherInitiative, Program, Voice):
        for entry in corpus.of_type(kind):
            for src in entry.record.sources:
                if src.document != "guidebook" or src.page is None:
                    continue
                chapter = max((c for c in guidebook.chapters if c.page <= src.page), key=lambda c: c.page)
                if chapter.lead:
                    assert chapter.lead in _sources_block(pages[_page_of(kind, entry.id)].markdown), entry.id
                    shown += 1
    assert shown >= 3  # 奈良県, 高知県, the dialogue at least


def test_keyword_pages_show_the_guidebook_index(corpus: Corpus, pages: dict[str, Page]) -> None:
    guidebook = corpus.taxonomy.source("guidebook")
    assert guidebook is not None and guidebook.keyword_index
    index_page = pages["keywords/index.md"].markdown
    for table in guidebook.keyword_index:
        assert f"{table.title}（「{guidebook.title}」p.{table.page}）" in index_page
        for item in table.terms:
            keyword = corpus.taxonomy.keyword(item.term)
            assert keyword is not None
            page = pages[f"keywords/{keyword.slug}.md"].markdown
            listed = f"「{guidebook.title}」の索引に掲載（p.{table.page}「{table.title}」"
            assert listed in page, item.term
            line = next(s for s in page.splitlines() if listed in s)
            for entry in item.entries:
                assert f"{entry.organization}</a> p.{entry.page}" in line
                assert f"{entry.organization}</a> p.{entry.page}" in index_page


# --- licences ------------------------------------------------------------------------------------


def test_licence_files_exist_and_ship_with_the_package() -> None:
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    content = (ROOT / "LICENSE-CONTENT").read_text(encoding="utf-8")
    assert code.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in code
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"  # an SPDX expression: setuptools 77+ no longer takes {text = …}
    assert "Attribution 4.0 International" in content and "Section 1 -- Definitions." in content
    assert "cases/" in content and "docs/" in content and "加工して作成" in content  # what it covers, how to credit
    # No copy sits in package data: setuptools puts the files its license-files patterns match in every wheel and sdist.
    for name in ("LICENSE", "LICENSE-CONTENT"):
        assert any(fnmatch.fnmatch(name, p) for p in project["license-files"])


def _footer(repository: str = "") -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([THEME, MATERIAL]), autoescape=False)
    env.filters["url"] = lambda value: "../../" + value  # MkDocs makes site paths relative to the page
    config: dict[str, Any] = {"copyright": None, "repo_url": repository}
    return env.get_template("partials/copyright.html").render(config=config)


def test_footer_is_japanese_and_shows_licence_sources_and_repository() -> None:
    # Material's footer includes this partial; ours replaces its "Made with Material for MkDocs".
    assert '{% include "partials/copyright.html" %}' in (MATERIAL / "partials" / "footer.html").read_text("utf-8")
    html = _footer("https://github.com/example/casebook")
    assert "Made with" not in html
    assert f'<a href="{CC_BY}" rel="license">CC BY 4.0</a>' in html and "MIT" in html
    assert '<a href="../../about/#license">' in html and '<a href="../../about/#sources">' in html
    assert "出典: 総務省「デジタル人材の育成ガイドブック＜事例編＞」" in html and "加工して作成" in html
    assert '<a href="https://github.com/example/casebook">' in html
    assert "リポジトリ" not in _footer("")  # no repository configured: no dead link


def test_about_page_credits_every_source_and_has_the_sections_others_link_to(
    corpus: Corpus, pages: dict[str, Page]
) -> None:
    about = (ROOT / "docs" / "about.md").read_text(encoding="utf-8")
    for doc in corpus.taxonomy.sources:
        row = next((line for line in about.splitlines() if f"「{doc.title}」" in line), None)
        assert row is not None, doc.title
        assert f"| {doc.publisher} |" in row, doc.title
    assert "加工して作成" in about and CC_BY in about and "LICENSE-CONTENT" in about
    anchors = {"license": "## ライセンス {: #license }", "sources": "## 出典 {: #sources }"}
    assert all(heading in about for heading in anchors.values())
    # The data page and the footer point at those sections.
    data = pages["data/index.md"].markdown
    for anchor in anchors:
        assert f'href="../about/#{anchor}"' in data
    assert "CC BY 4.0" in data


@pytest.mark.parametrize(
    "path",
    [
        "CONTRIBUTING.md",
        "README.md",
        ".github/ISSUE_TEMPLATE/case.yml",
        ".github/PULL_REQUEST_TEMPLATE.md",
        "docs/about.md",
    ],
)
def test_every_way_to_contribute_says_contributions_are_cc_by(path: str) -> None:
    assert "CC BY 4.0" in (ROOT / path).read_text(encoding="utf-8")


def test_a_new_record_says_it_will_be_cc_by() -> None:
    draft = CaseDraft(organization="五霞町", code="085421", kind=OrgKind.TOWN, title="題", category="plans-and-systems")
    assert "CC BY 4.0" in case_yaml(draft, dt.date(2026, 11, 30))  # what `casebook new` writes


def test_built_pages_carry_the_japanese_footer(built_site: Path) -> None:
    for page in ("index.html", "cases/goka/index.html", "keywords/index.html", "about/index.html"):
        html = (built_site / page).read_text(encoding="utf-8")
        assert "Made with" not in html, page
        assert 'rel="license">CC BY 4.0</a>' in html and "加工して作成" in html, page
    about = (built_site / "about" / "index.html").read_text(encoding="utf-8")
    assert 'id="license"' in about and 'id="sources"' in about
