"""Content you can cite and reuse (issue 16 §1): licences, attribution on every page, the footer."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.index import build_index
from casebook.models import Case, Dialogue, OtherInitiative, Program, Voice
from casebook.render import Page, render_site
from casebook.validate import Corpus, check

ROOT = Path(__file__).resolve().parent.parent
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
