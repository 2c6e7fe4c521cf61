"""Groupings: terms to the records that carry them, places, sizes and frameworks."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import TypeVar

from casebook.index.order import gojuon_key, gojuon_row
from casebook.index.views import (
    CaseView,
    FrameworkItemView,
    FrameworkView,
    Group,
    KeywordView,
    PrefectureView,
    ProgramView,
    RecordView,
    RegionView,
    SiteIndex,
)
from casebook.models import Challenge, Keyword
from casebook.municipality import BAND_ORDER, PREFECTURE_SLUGS, PREFECTURE_YOMI, PREFECTURES, REGIONS
from casebook.routes import url_for
from casebook.validate import Corpus, Entry

T = TypeVar("T")


def keywords_of(corpus: Corpus, entry: Entry) -> list[Keyword]:
    """The registered keywords a record names, each once, in the record's order."""
    seen: dict[str, Keyword] = {}
    for text in entry.record.keywords:
        kw = corpus.taxonomy.keyword(text)
        if kw is not None:
            seen.setdefault(kw.slug, kw)
    return list(seen.values())


def challenges_of(corpus: Corpus, entry: Entry) -> list[Challenge]:
    """The registered challenges a record names, in the record's order."""
    return [c for slug in entry.record.challenges if (c := corpus.taxonomy.challenge(slug)) is not None]


def by_slug(items: list[T], terms: Callable[[T], list[Keyword] | list[Challenge]]) -> dict[str, list[T]]:
    """Inverted index: term slug → the items carrying it, in the items' order (no N×M scans)."""
    index: dict[str, list[T]] = defaultdict(list)
    for item in items:
        for term in terms(item):
            index[term.slug].append(item)
    return index


def keyword_views(keywords: list[Keyword], cases: list[CaseView], programs: list[ProgramView]) -> list[KeywordView]:
    """Every keyword with its cases and programmes, and the keywords most often beside it, in 五十音 order."""
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        slugs = [k.slug for k in case.keywords]
        for a in slugs:
            together[a].update(s for s in slugs if s != a)
    keyword = {k.slug: k for k in keywords}
    cases_by_keyword = by_slug(cases, lambda c: c.keywords)
    programs_by_keyword = by_slug(programs, lambda p: p.keywords)
    views = [
        KeywordView(
            keyword=kw,
            cases=cases_by_keyword.get(kw.slug, []),
            programs=programs_by_keyword.get(kw.slug, []),
            related=[
                keyword[s]
                for s, _n in sorted(together[kw.slug].items(), key=lambda i: (-i[1], gojuon_key(keyword[i[0]].yomi)))[
                    :6
                ]
            ],
            row=gojuon_row(kw.yomi),
        )
        for kw in keywords
    ]
    return sorted(views, key=lambda v: (gojuon_key(v.keyword.yomi), v.keyword.label))


def regions(cases: list[CaseView], others: list[RecordView]) -> list[RegionView]:
    """The eight regions, each with its prefectures in code order and their cases and other records."""
    by_pref: dict[str, list[CaseView]] = defaultdict(list)
    for c in cases:
        by_pref[c.case.organization.prefecture].append(c)
    others_by_pref: dict[str, list[RecordView]] = defaultdict(list)
    for o in others:
        if o.prefecture:
            others_by_pref[o.prefecture].append(o)
    return [
        RegionView(
            name,
            slug,
            [
                PrefectureView(
                    PREFECTURES[n - 1],
                    PREFECTURE_SLUGS[n - 1],
                    PREFECTURE_YOMI[n - 1],
                    by_pref.get(PREFECTURES[n - 1], []),
                    others_by_pref.get(PREFECTURES[n - 1], []),
                )
                for n in codes
            ],
        )
        for name, slug, codes in REGIONS
    ]


def frameworks(corpus: Corpus, cases: list[CaseView]) -> list[FrameworkView]:
    """Framework items and the cases sharing any of their keywords; cases get the back-links."""
    views: list[FrameworkView] = []
    for framework in corpus.taxonomy.frameworks:
        items = []
        for item in framework.items:
            keywords = [k for text in item.keywords if (k := corpus.taxonomy.keyword(text)) is not None]
            slugs = {k.slug for k in keywords}
            view = FrameworkItemView(
                framework, item, keywords, [c for c in cases if slugs & {k.slug for k in c.keywords}]
            )
            for case in view.cases:
                case.skills.append(view)
            items.append(view)
        views.append(FrameworkView(framework, items))
    return views


def bands(cases: list[CaseView]) -> list[Group]:
    """Every population band, empty ones too (規模から探す shows them all), at an address that never moves."""
    members: dict[str, list[CaseView]] = defaultdict(list)
    for c in cases:
        if c.band is not None:
            members[c.band].append(c)
    # The slug follows the band's place in BAND_ORDER, not its place among bands with cases: a new
    # case in an empty band must not move every other band's page.
    return [
        Group(band, f"band-{i + 1}", members[band], url=url_for("size", f"band-{i + 1}"))
        for i, band in enumerate(BAND_ORDER)
    ]


def keyword_counts(index: SiteIndex) -> list[tuple[KeywordView, int]]:
    """Keywords by the number of records (cases and others) that carry them, most first."""
    counted = [(kv, kv.count) for kv in index.keywords]
    return sorted((c for c in counted if c[1]), key=lambda c: (-c[1], gojuon_key(c[0].keyword.yomi)))
