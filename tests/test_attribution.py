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
