"""The page list: every page kind of the site declared once — its address, template and data.

A full build renders the whole list; `mkdocs serve` renders the saved record's own pages first;
the parallel render splits the list. All three filter this one list, so they cannot disagree about
which pages exist or what they hold. Data that costs something (the compare answers, the keyword
counts, the pictures) is computed only when a page that needs it is rendered.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from markupsafe import Markup

from casebook.charts import bar_chart, japan_map
from casebook.feed import updates
from casebook.index import (
    INITIATIVE_KINDS,
    CaseView,
    KeywordView,
    RecordView,
    SiteIndex,
    keyword_counts,
)
from casebook.index.roadmaps import TimelineEntry, timeline_events
from casebook.models import Dialogue, OtherInitiative, Voice
from casebook.municipality import OrgKind
from casebook.pagespec import Context, PageSpec
from casebook.paging import PAGE_SIZE, Paging, listing, paged
from casebook.routes import relative, url_for

INTERVIEW_QUESTIONS = (
    ("effect", "① 実施によりどのような効果がありましたか"),
    ("difficulty", "② 苦労した点がありますか"),
    ("hr_coordination", "③ 人事担当者との調整はいかがでしたか"),
    ("future", "④ 今後の課題は何でしょうか"),
)
"""The guidebook's four standard interview questions, as printed."""


def page_list(index: SiteIndex) -> list[PageSpec]:
    """Every generated page, in site order (home, cases, keywords, …); search keeps it for ties."""
    return list(_pages(index))


def _pages(index: SiteIndex) -> Iterator[PageSpec]:
    """The declarations, grouped as the navigation groups them."""
    yield from _browse_pages(index)
    yield from _record_pages(index)
    yield from _compare_pages(index)
    yield from _reference_pages(index)


def _data(**data: object) -> Callable[[], Context]:
    """Data the page list already holds (no work to defer)."""
    return lambda: data


def _fixed(kind: str, template: str, **data: object) -> PageSpec:
    return PageSpec(kind, None, template, _data(**data))


def _browse_pages(index: SiteIndex) -> Iterator[PageSpec]:
    yield _fixed("home", "home.md.j2")
    yield from paged("cases", None, "cases_index.md.j2", index.cases, listing())
    for view in index.cases:
        yield PageSpec("case", view.id, "case.md.j2", _data(view=view), view.path)
    yield PageSpec("keywords", None, "keywords_index.md.j2", lambda: {"rows": index.keywords_by_row()})
    for kv in index.keywords:
        yield from paged("keyword", kv.keyword.slug, "keyword.md.j2", kv.cases, listing(kv=kv))
    yield _fixed("categories", "categories_index.md.j2")
    for g in index.categories:
        trail = [("カテゴリ", url_for("categories"))]
        data = _group(g.label, "カテゴリ", g, g.description, [], ("category", g.label), trail)
        yield from paged("category", g.slug, "group.md.j2", g.cases, data)
    yield _fixed("regions", "regions.md.j2")
    # The folder above every prefecture's page: typed or trimmed from an address, it lists them all.
    yield _fixed("prefectures", "prefectures.md.j2")
    for region in index.regions:
        for pref in region.prefectures:
            if pref.cases or pref.others:
                trail = [("地域", url_for("regions")), (region.name, f"{url_for('regions')}#{region.slug}")]
                data = _group(
                    pref.name, f"地域・{region.name}", pref, "", pref.others, ("prefecture", pref.name), trail
                )
                yield from paged("prefecture", pref.slug, "group.md.j2", pref.cases, data)
    yield _fixed("sizes", "sizes.md.j2")
    # One page per 団体区分 and per population band: at thousands of cases one page of them all is unusable.
    sizes = (
        ("規模・団体区分", "kind", [g for g in index.kinds if g.count]),
        ("規模・人口規模", "band", [g for g in index.bands if g.count]),
    )
    for eyebrow, facet, groups in sizes:
        for g in groups:
            data = _group(g.label, eyebrow, g, "", g.others, (facet, g.label), [("規模から探す", url_for("sizes"))])
            yield from paged("size", g.slug, "group.md.j2", g.cases, data)
    yield _fixed("challenges", "challenges_index.md.j2")
    for cv in index.challenges:
        yield from paged("challenge", cv.challenge.slug, "challenge.md.j2", cv.cases, listing(cv=cv))
    yield _fixed("search", "search.md.j2")


def _group(
    title: str,
    eyebrow: str,
    group: object,
    description: str,
    others: list[RecordView],
    facet: tuple[str, str],
    trail: list[tuple[str, str]],
) -> Callable[[list[Any], Paging], Context]:
    """A category, prefecture or size page; `facet` selects the same cases on the search page, `trail` leads back."""
    return listing(
        group=group,
        title=title,
        heading=title,
        eyebrow=eyebrow,
        description=description,
        others=others,
        facet=facet,
        trail=trail,
    )


def _record_pages(index: SiteIndex) -> Iterator[PageSpec]:
    initiatives = index.others_of(OtherInitiative)
    yield _fixed(
        "initiatives",
        "others_index.md.j2",
        title="その他の取り組み",
        intro="研究会の議事概要や報告書、ガイドブックの対談に登場する取り組みです。ガイドブックの事例ほど詳しくはありませんが、"
        "出典つきで要点をまとめています。",
        groups=_grouped(initiatives, _initiative_kind, list(INITIATIVE_KINDS.values())),
    )
    for rv in initiatives:
        yield PageSpec("initiative", rv.id, "initiative.md.j2", _data(rv=rv), rv.path)
    voices, dialogues = index.others_of(Voice), index.others_of(Dialogue)
    yield _fixed(
        "voices",
        "others_index.md.j2",
        title="メッセージと対談",
        intro="自治体などでデジタル化を担ってきた人たちのメッセージと、首長の対談です（ガイドブック第3章・第4章）。",
        groups=[g for g in (("メッセージ", voices), ("対談", dialogues)) if g[1]],
    )
    for rv in voices:
        yield PageSpec("voice", rv.id, "voice.md.j2", _data(rv=rv), rv.path)
    if dialogues:  # the folder above each dialogue's page, as for the other kinds of record
        yield _fixed(
            "dialogues",
            "others_index.md.j2",
            title="対談",
            intro="首長の対談です（ガイドブック第4章）。実践者のメッセージとあわせた一覧は「メッセージと対談」にあります。",
            groups=[("対談", dialogues)],
        )
    for rv in dialogues:
        yield PageSpec("dialogue", rv.id, "dialogue.md.j2", _data(rv=rv), rv.path)
    records = len(index.cases) + len(index.programs) + len(index.others)
    yield from paged(
        "updates", None, "updates.md.j2", functools.cache(lambda: updates(index)), _rows, total=records, size=ROWS
    )
    yield _fixed("data", "data.md.j2")
    yield _fixed("print", "print.md.j2")
    yield _fixed("roadmaps", "roadmaps_index.md.j2", roadmaps=index.roadmaps)
    for rm in index.roadmaps:
        yield PageSpec("roadmap", rm.id, "roadmap.md.j2", _data(rv=rm), rm.path)
    events = sum(len(v.case.timeline) for v in index.cases) + sum(
        len(getattr(o.record, "timeline", [])) for o in index.others
    )
    timeline = functools.cache(lambda: timeline_events(index))
    yield from paged("timelines", None, "timelines.md.j2", timeline, _years_of(timeline), total=events, size=ROWS)


def _compare_pages(index: SiteIndex) -> Iterator[PageSpec]:
    answers = functools.cache(lambda: _answers(index))
    counts = functools.cache(lambda: keyword_counts(index))
    yield PageSpec(
        "compare",
        None,
        "compare_index.md.j2",
        lambda: {"questions": [(slug, q, len(rows)) for slug, q, rows in answers()]},
    )
    kinds = [g.label for g in index.kinds if g.cases]
    bands = [g.label for g in index.bands if g.cases]
    for i, (field_name, _text) in enumerate(INTERVIEW_QUESTIONS):
        rows = functools.partial(_rows_of, answers, i)
        yield from paged(
            "question",
            field_name.replace("_", "-"),
            "compare_question.md.j2",
            rows,
            _question_page(rows, question=_text, kinds=kinds, bands=bands),
            total=sum(1 for v in index.cases if v.case.interview and getattr(v.case.interview, field_name)),
        )
    keywords = functools.cache(lambda: [kc for kc in counts() if kc[0].cases])
    yield from paged(
        "matrix",
        None,
        "compare_matrix.md.j2",
        index.cases,
        lambda cards, paging: {"cards": cards, "paging": paging, "keywords": keywords()},
    )
    yield _fixed("chosen", "compare_chosen.md.j2")
    yield PageSpec("overview", None, "overview.md.j2", lambda: {"keywords": counts(), **_pictures(index, counts())})


Answers = list[tuple[str, str, list[tuple[CaseView, str]]]]


def _rows_of(answers: Callable[[], Answers], i: int) -> list[tuple[CaseView, str]]:
    return answers()[i][2]


ROWS = 200
"""Rows per page of a table of one-line entries (updates, the timeline)."""


def _rows(rows: list[Any], paging: Paging) -> Context:
    return {"items": rows, "paging": paging}


def _years_of(timeline: Callable[[], list[TimelineEntry]]) -> Callable[[list[TimelineEntry], Paging], Context]:
    """A timeline page's context: its events grouped by year, and where each year of the timeline starts.

    A year may run over two pages; with the starts a reader jumps to a year instead of paging through.
    """
    starts = functools.cache(lambda: _page_starts(timeline(), lambda t: t.date.first_day().year, ROWS))

    def context(events: list[TimelineEntry], paging: Paging) -> Context:
        years = [(y, list(group)) for y, group in itertools.groupby(events, key=lambda t: t.date.first_day().year)]
        return {"years": years, "paging": paging, "year_starts": starts()}

    return context


T = TypeVar("T")
K = TypeVar("K")


def _page_starts(items: list[T], group: Callable[[T], K | None], size: int) -> list[tuple[K, int]]:
    """Each group of a paged list (a year, a 人口規模), with the number of the page its first item is on."""
    first: dict[K, int] = {}
    for at, item in enumerate(items):
        key = group(item)
        if key is not None:
            first.setdefault(key, at // size + 1)
    return list(first.items())


def _answers(index: SiteIndex) -> Answers:
    """Each interview question with every case's answer to it (the 比べる pages).

    Smallest 人口規模 first (cases without one last), then in the case list's order: a reader compares a town
    with towns, and at thousands of cases a question's pages hold one size after another (`_page_starts`).
    """
    size_order = {g.label: at for at, g in enumerate(index.bands)}

    def by_size(row: tuple[CaseView, str]) -> int:
        return size_order.get(row[0].band or "", len(size_order))

    return [
        (
            field_name.replace("_", "-"),
            question,
            sorted(
                (
                    (v, getattr(v.case.interview, field_name))
                    for v in index.cases
                    if v.case.interview and getattr(v.case.interview, field_name)
                ),
                key=by_size,
            ),
        )
        for field_name, question in INTERVIEW_QUESTIONS
    ]


def _question_page(
    rows: Callable[[], list[tuple[CaseView, str]]], **data: object
) -> Callable[[list[Any], Paging], Context]:
    """A question page's context: its answers, and the page where each 人口規模 begins (made once)."""
    starts = functools.cache(lambda: _page_starts(rows(), lambda row: row[0].band or None, PAGE_SIZE))
    cards = listing(**data)
    return lambda page, paging: {**cards(page, paging), "band_starts": starts()}


def _reference_pages(index: SiteIndex) -> Iterator[PageSpec]:
    yield _fixed("frameworks", "frameworks_index.md.j2")
    for fv in index.frameworks:
        yield PageSpec("framework", fv.framework.slug, "framework.md.j2", _data(fv=fv))
    yield _fixed("programs", "programs_index.md.j2")
    for pv in index.programs:
        yield from paged("program", pv.id, "program.md.j2", pv.cases, listing(pv=pv), source=pv.path)
    yield _fixed("propose", "propose.md.j2", kinds=[k.value for k in OrgKind], questions=INTERVIEW_QUESTIONS)


def _pictures(index: SiteIndex, keywords: list[tuple[KeywordView, int]]) -> dict[str, Markup]:
    here = url_for("overview")
    counts = {p.name: len(p.cases) + len(p.others) for r in index.regions for p in r.prefectures}
    links = {p.name: relative(p.url, here) for p in index.prefectures}
    total = sum(counts.values())
    return {
        "map_svg": japan_map(
            counts,
            links,
            "都道府県ごとの記録の数",
            f"日本の都道府県を格子状に並べた地図。記録（事例とその他の取り組み）は全部で{total}件。"
            "色が濃いほど記録が多く、数字のある都道府県はその都道府県のページへのリンクです。",
        ),
        "keyword_svg": bar_chart(
            [(f"#{kv.keyword.label}", n, relative(kv.url, here)) for kv, n in keywords[:20]],
            "よく使われるキーワード（上位20）",
            "キーワードごとに、それが付いた記録の数を横棒で示したグラフ。",
            "kw",
        ),
        "band_svg": bar_chart(
            [(g.label, g.count, relative(g.url, here)) for g in index.bands if g.count],
            "人口規模ごとの事例の数",
            "人口規模の区分ごとに、事例の数を横棒で示したグラフ。",
            "band",
        ),
    }


def _initiative_kind(view: RecordView) -> str:
    record = view.record
    return INITIATIVE_KINDS[record.kind] if isinstance(record, OtherInitiative) else view.kind_label


def _grouped(
    records: list[RecordView], key: Callable[[RecordView], str], order: list[str]
) -> list[tuple[str, list[RecordView]]]:
    groups: dict[str, list[RecordView]] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r)
    return [(name, groups[name]) for name in order if name in groups]
