"""The bundled knowledge base: the guidebook's 14 cases, complete and in our own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.models import Case
from casebook.validate import check

ROOT = Path(__file__).resolve().parent.parent
GUIDEBOOK = ROOT.parent / "shared" / "seeds" / "004_b78fbeb7f682da13.txt"

# (id, 団体, list page) — from the guidebook's list tables (p.2 and p.49).
GUIDEBOOK_CASES = [
    ("goka", "五霞町", 4),
    ("matsumoto", "松本市", 8),
    ("oyama", "小山町", 13),
    ("fukuchiyama", "福知山市", 17),
    ("motomiya", "本宮市", 21),
    ("tsukuba", "つくば市", 24),
    ("sanda", "三田市", 27),
    ("nankoku", "南国市", 30),
    ("shonai", "庄内町", 36),
    ("echizen", "越前市", 39),
    ("ibara", "井原市", 42),
    ("kasama", "笠間市", 45),
    ("nara", "奈良県", 50),
    ("kochi", "高知県", 56),
]


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    result = check([ROOT / "cases"])
    assert result.errors == []
    return result


@pytest.mark.parametrize(("ident", "name", "page"), GUIDEBOOK_CASES)
def test_guidebook_case_present_and_cited(corpus, ident: str, name: str, page: int) -> None:  # type: ignore[no-untyped-def]
    entry = corpus.entries[ident]
    case = entry.record
    assert isinstance(case, Case)
    assert case.organization.name == name
    assert case.sources[0].document == "guidebook"
    assert case.sources[0].page == page
    assert case.summary and case.initiatives and case.keywords
    assert case.organization.population is not None
    assert case.interview is not None


def _descriptive_texts(case: Case) -> list[str]:
    texts = [case.summary, case.outcomes or "", case.reason or "", case.purpose or "", case.lessons or ""]
    if case.interview:
        texts += [case.interview.effect or "", case.interview.difficulty or "", case.interview.hr_coordination or ""]
        texts += [case.interview.future or ""] + [qa.answer for qa in case.interview.other]
    return [t for t in texts if t]


def _longest_shared_run(text: str, source: str) -> str:
    best = ""
    for i in range(len(text)):
        size = len(best) + 1
        while i + size <= len(text) and text[i : i + size] in source:
            best = text[i : i + size]
            size += 1
    return best


@pytest.mark.skipif(not GUIDEBOOK.exists(), reason="the seeds are not next to this checkout")
@pytest.mark.parametrize(("ident", "name", "page"), GUIDEBOOK_CASES)
def test_prose_is_in_our_own_words(corpus, ident: str, name: str, page: int) -> None:  # type: ignore[no-untyped-def]
    source = re.sub(r"\s+", "", GUIDEBOOK.read_text(encoding="utf-8"))
    for text in _descriptive_texts(corpus.entries[ident].record):
        # Names and titles quoted in 「」 must carry over exactly; everything else is paraphrase.
        prose = re.sub(r"「[^」]*」", "「」", re.sub(r"\s+", "", text))
        run = _longest_shared_run(prose, source)
        assert len(run) < 26, f"{ident}: copied from the source: {run}"


def test_frequent_keywords_match_the_guidebook(corpus) -> None:  # type: ignore[no-untyped-def]
    # The guidebook's 頻出キーワード table (p.2): OJT ×4, 外部専門人材 ×3, DXアドバイザーの活用 ×3.
    counts: dict[str, set[str]] = {}
    for entry in corpus.of_type(Case):
        for text in entry.record.keywords:
            kw = corpus.taxonomy.keyword(text)
            counts.setdefault(kw.label, set()).add(entry.record.organization.name)
    assert counts["OJT(職場内訓練)"] == {"五霞町", "小山町", "南国市", "庄内町"}
    assert counts["外部専門人材"] == {"小山町", "福知山市", "三田市"}
    assert counts["DXアドバイザーの活用"] == {"庄内町", "越前市", "井原市"}
