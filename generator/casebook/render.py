"""Render stage: SiteIndex → {page path: Markdown}. Pure; the MkDocs adapter decides where pages go.

Safety: record text is placed only inside raw HTML blocks and is HTML-escaped by Jinja's
autoescape. Python-Markdown does not parse Markdown inside raw HTML blocks, so neither HTML nor
Markdown (links to `javascript:`, emphasis, …) nor template syntax in a record can become markup.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import re
import zlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from casebook.charts import bar_chart, japan_map
from casebook.citation import chapter_of, listings_by_keyword, source_index_tables
from casebook.dates import parse_date
from casebook.feed import FEED_PATH, atom_feed, updates
from casebook.index import (
    FREQUENT,
    INITIATIVE_KINDS,
    CaseView,
    Group,
    KeywordView,
    RecordView,
    SiteIndex,
    keyword_counts,
    search_vocabulary,
    timeline_entries,
)
from casebook.models import Dialogue, Event, Interview, OtherInitiative, Voice
from casebook.municipality import PREFECTURE_SLUGS, PREFECTURES

INTERVIEW_QUESTIONS = (
    ("effect", "① 実施によりどのような効果がありましたか"),
    ("difficulty", "② 苦労した点がありますか"),
    ("hr_coordination", "③ 人事担当者との調整はいかがでしたか"),
    ("future", "④ 今後の課題は何でしょうか"),
)
"""The guidebook's four standard interview questions, as printed."""

ROW_SLUGS = {
    "あ行": "row-a",
    "か行": "row-ka",
    "さ行": "row-sa",
    "た行": "row-ta",
    "な行": "row-na",
    "は行": "row-ha",
    "ま行": "row-ma",
    "や行": "row-ya",
    "ら行": "row-ra",
    "わ行": "row-wa",
    "英数字": "row-other",
}


SEARCH_TERMS = "search/terms.json"


@dataclass(frozen=True)
class Page:
    """One generated page: its Markdown and the record file it comes from (for edit links)."""

    markdown: str
    source: str | None = None


@dataclass(frozen=True)
class TimelineItem:
    """A timeline event ready to show: machine-readable and 西暦（和暦） forms."""

    iso: str
    display: str
    event: str


def page_url(path: str) -> str:
    """Site URL of a page path with directory URLs: `cases/goka.md` → `cases/goka/`."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


@functools.lru_cache(maxsize=65536)
def relative(target: str, here: str) -> str:
    """Link from page URL `here` to site URL `target` (both relative to the site root, may hold #).

    Plain string work: posixpath.relpath resolves against the working directory on every call,
    which dominated rendering at thousands of pages.
    """
    path, _, fragment = target.partition("#")
    mine = [p for p in here.split("/") if p]
    theirs = [p for p in path.split("/") if p]
    common = 0
    while common < min(len(mine), len(theirs)) and mine[common] == theirs[common]:
        common += 1
    parts = [".."] * (len(mine) - common) + theirs[common:]
    is_dir = not path or path.endswith("/")
    rel = "/".join(parts)
    if not rel:
        rel = "./"
    elif is_dir:
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


def _yaml_string(value: str) -> Markup:
    # Front matter feeds the theme's <title> and header, which Material prints unescaped.
    return Markup(json.dumps(str(escape(value)), ensure_ascii=False))


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else format(Decimal(str(value)), "f")


def _interview(interview: Interview) -> Iterator[tuple[str, str]]:
    for field, question in INTERVIEW_QUESTIONS:
        answer = getattr(interview, field)
        if answer:
            yield question, answer
    for qa in interview.other:
        yield qa.question, qa.answer


def _timeline(events: list[Event]) -> list[TimelineItem]:
    dated = sorted(((parse_date(e.date), i, e) for i, e in enumerate(events)), key=lambda t: (t[0].first_day(), t[1]))
    return [TimelineItem(d.iso().removeprefix("FY"), d.display(), e.event) for d, _i, e in dated]


_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _one_line(value: object) -> object:
    """Escape a value for output and keep it on one line.

    A line break in a record becomes a character reference, which HTML shows the same way; so a
    record can never start a line of the page, and `markup.to_html` may trust every line start.
    """
    if isinstance(value, str) and not isinstance(value, Markup):
        escaped = escape(value)
        if _LINE_BREAK.search(value):
            return Markup(_LINE_BREAK.sub(lambda m: f"&#{ord(m.group())};", escaped))
        return escaped
    return value


def environment(index: SiteIndex) -> Environment:
    """Jinja environment with autoescape on and the helpers the templates use."""
    env = Environment(
        loader=PackageLoader("casebook", "templates"),
        autoescape=True,
        finalize=_one_line,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    @pass_context
    def link(ctx: Context, target: str) -> str:
        return relative(target, ctx["here"])

    cards: dict[tuple[str, int], Markup] = {}

    @pass_context
    def case_card(ctx: Context, view: CaseView) -> Markup:
        # A case appears as a card on many pages (keywords, places, related cases): render it once
        # per page depth, with links from the site root, instead of thousands of times.
        depth = ctx["here"].count("/")
        card = cards.get((view.id, depth))
        if card is None:
            text = env.get_template("_card.j2").render(here="_/" * depth, view=view)
            card = cards[(view.id, depth)] = Markup(text.strip())
        return card

    tables = source_index_tables(index)
    listings = listings_by_keyword(tables)
    bands = {g.label: g.slug for g in index.bands}
    groups = {name: f"group-{i + 1}" for i, (name, _views) in enumerate(index.challenge_groups)}
    env.globals.update(
        link=link,
        case_card=case_card,
        date=lambda value: parse_date(value).display(),
        number=_number,
        interview=_interview,
        timeline=_timeline,
        source=index.sources.get,
        chapter=chapter_of,
        source_index=tables,
        source_index_of=lambda slug: listings.get(slug, []),
        band_slug=lambda label: bands.get(label, ""),
        row_slug=lambda row: ROW_SLUGS.get(row, "row-other"),
        group_slug=lambda name: groups.get(name, "group"),
        frequent=FREQUENT,
        initiative_kind=lambda kind: INITIATIVE_KINDS.get(kind, kind),
        pref_slug=lambda name: PREFECTURE_SLUGS[PREFECTURES.index(name)],
        year_label=lambda year: f"{year}年（{parse_date(str(year)).wareki()}）",
    )
    env.filters["yaml_string"] = _yaml_string
    # Pagefind reads `key:value` and splits several filters on commas; keep values whole.
    env.filters["facet_value"] = lambda value: str(value).replace(",", "，")
    return env


_SHARED: SiteIndex | None = None
"""The index a forked render worker inherits (set just before forking)."""


def render_processes() -> int:
    """Processes for a full render: two where the machine has them (see `render_site`)."""
    return min(2, os.cpu_count() or 1)


def _part(path: str, parts: int) -> int:
    return zlib.crc32(path.encode("utf-8")) % parts


def _render_part(part: int, parts: int, order: list[str] | None = None) -> dict[str, Page]:
    assert _SHARED is not None
    return render_site(_SHARED, only=lambda path: _part(path, parts) == part, order=order)


def render_site(
    index: SiteIndex,
    only: Collection[str] | Callable[[str], bool] | None = None,
    *,
    processes: int = 1,
    order: list[str] | None = None,
) -> dict[str, Page]:
    """Every generated page, keyed by its path under docs/ (e.g. `cases/goka.md`).

    Pages come in site order (home, cases, keywords, …); `order`, when given, receives that order
    for every page, rendered or not.

    `only` limits rendering to those paths (`mkdocs serve` renders a saved record's own page first).
    `processes` > 1 renders parts of the site in forked workers: a build has a second core idle
    until MkDocs starts writing pages, and rendering is pure, so the parts cannot disagree.
    """
    if processes > 1 and only is None and "fork" in multiprocessing.get_all_start_methods():
        global _SHARED
        _SHARED = index
        try:
            with multiprocessing.get_context("fork").Pool(processes - 1) as pool:
                parts = [pool.apply_async(_render_part, (part, processes)) for part in range(1, processes)]
                canonical: list[str] = []
                pages = _render_part(0, processes, canonical)
                for result in parts:
                    pages.update(result.get())
        finally:
            _SHARED = None
        # Site order, as a single process makes it: the search index keeps it for equal scores.
        return {path: pages[path] for path in canonical}
    env = environment(index)
    pages = {}

    recorded: set[str] = set()

    def want(path: str) -> bool:
        if order is not None and path not in recorded:
            recorded.add(path)
            order.append(path)
        if only is None:
            return True
        return only(path) if callable(only) else path in only

    def put(path: str, template: str, source: str | None = None, **context: object) -> None:
        if not want(path):
            return
        text = env.get_template(template).render(here=page_url(path), index=index, **context)
        pages[path] = Page(_tidy(text), source)

    put("index.md", "home.md.j2", used_keywords=sum(1 for k in index.keywords if k.count))
    put("cases/index.md", "cases_index.md.j2")
    for view in index.cases:
        put(f"cases/{view.id}.md", "case.md.j2", source=view.path, view=view)
    put("keywords/index.md", "keywords_index.md.j2", rows=index.keywords_by_row())
    for kv in index.keywords:
        put(f"keywords/{kv.keyword.slug}.md", "keyword.md.j2", kv=kv)
    put("categories/index.md", "categories_index.md.j2")
    for g in index.categories:
        put(
            f"categories/{g.slug}.md",
            "group.md.j2",
            group=g,
            title=g.label,
            heading=g.label,
            eyebrow="カテゴリ",
            description=g.description,
            others=[],
        )
    put("regions/index.md", "regions.md.j2")
    for region in index.regions:
        for pref in region.prefectures:
            if pref.cases or pref.others:
                put(
                    f"prefectures/{pref.slug}.md",
                    "group.md.j2",
                    group=_pref_group(pref.name, pref.slug, pref.cases),
                    title=pref.name,
                    heading=pref.name,
                    eyebrow=f"地域・{region.name}",
                    description="",
                    others=pref.others,
                )
    put("sizes/index.md", "sizes.md.j2")
    # One page per 団体区分 and per population band: at thousands of cases one page of them all is unusable.
    for eyebrow, groups in (("規模・団体区分", [g for g in index.kinds if g.count]), ("規模・人口規模", index.bands)):
        for g in groups:
            put(
                f"sizes/{g.slug}.md",
                "group.md.j2",
                group=g,
                title=g.label,
                heading=g.label,
                eyebrow=eyebrow,
                description="",
                others=[],
            )
    put("challenges/index.md", "challenges_index.md.j2")
    for cv in index.challenges:
        put(f"challenges/{cv.challenge.slug}.md", "challenge.md.j2", cv=cv)
    put("search/index.md", "search.md.j2")
    initiatives = index.others_of(OtherInitiative)
    put(
        "initiatives/index.md",
        "others_index.md.j2",
        title="その他の取り組み",
        intro="研究会の議事概要や報告書、ガイドブックの対談に登場する取り組みです。ガイドブックの事例ほど詳しくはありませんが、"
        "出典つきで要点をまとめています。",
        groups=_grouped(initiatives, _initiative_kind, list(INITIATIVE_KINDS.values())),
    )
    for rv in initiatives:
        put(f"initiatives/{rv.id}.md", "initiative.md.j2", source=rv.path, rv=rv)
    voices, dialogues = index.others_of(Voice), index.others_of(Dialogue)
    put(
        "voices/index.md",
        "others_index.md.j2",
        title="メッセージと対談",
        intro="自治体などでデジタル化を担ってきた人たちのメッセージと、首長の対談です（ガイドブック第3章・第4章）。",
        groups=[g for g in (("メッセージ", voices), ("対談", dialogues)) if g[1]],
    )
    for rv in voices:
        put(f"voices/{rv.id}.md", "voice.md.j2", source=rv.path, rv=rv)
    for rv in dialogues:
        put(f"dialogues/{rv.id}.md", "dialogue.md.j2", source=rv.path, rv=rv)
    if want("updates/index.md"):
        put("updates/index.md", "updates.md.j2", items=updates(index))
    put("data/index.md", "data.md.j2")
    put("print/index.md", "print.md.j2")
    put("roadmaps/index.md", "roadmaps_index.md.j2", roadmaps=index.roadmaps)
    for rm in index.roadmaps:
        put(f"roadmaps/{rm.id}.md", "roadmap.md.j2", source=rm.path, rv=rm)
    if want("timelines/index.md"):
        put("timelines/index.md", "timelines.md.j2", years=timeline_entries(index))
    if not want("compare/index.md") and not any(
        want(f"compare/{field.replace('_', '-')}.md") for field, _q in INTERVIEW_QUESTIONS
    ):
        questions: list[tuple[str, str, list[tuple[CaseView, str]]]] = []
    else:
        questions = [
            (
                field.replace("_", "-"),
                question,
                [
                    (v, getattr(v.case.interview, field))
                    for v in index.cases
                    if v.case.interview and getattr(v.case.interview, field)
                ],
            )
            for field, question in INTERVIEW_QUESTIONS
        ]
    put("compare/index.md", "compare_index.md.j2", questions=[(slug, q, len(rows)) for slug, q, rows in questions])
    kinds = [g.label for g in index.kinds if g.count]
    bands = [g.label for g in index.bands]
    for slug, question, rows in questions:
        put(f"compare/{slug}.md", "compare_question.md.j2", question=question, rows=rows, kinds=kinds, bands=bands)
    if want("compare/matrix.md") or want("overview/index.md"):
        keywords = keyword_counts(index)
        put("compare/matrix.md", "compare_matrix.md.j2", keywords=[kc for kc in keywords if kc[0].cases])
        if want("overview/index.md"):
            put("overview/index.md", "overview.md.j2", keywords=keywords, **_pictures(index, keywords))
    put("frameworks/index.md", "frameworks_index.md.j2")
    for fv in index.frameworks:
        put(f"frameworks/{fv.framework.slug}.md", "framework.md.j2", fv=fv)
    put("programs/index.md", "programs_index.md.j2")
    for pv in index.programs:
        put(f"programs/{pv.id}.md", "program.md.j2", source=pv.path, pv=pv)
    return pages


def render_assets(index: SiteIndex, site_url: str = "", site_name: str = "casebook") -> dict[str, str]:
    """Non-page files the site needs (search vocabulary, Atom feed), keyed by their path in the site."""
    vocabulary = search_vocabulary(index)
    return {
        SEARCH_TERMS: json.dumps(vocabulary, ensure_ascii=False, separators=(",", ":")),
        FEED_PATH: atom_feed(index, site_url, site_name),
    }


def _pictures(index: SiteIndex, keywords: list[tuple[KeywordView, int]]) -> dict[str, Markup]:
    here = page_url("overview/index.md")
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
            [(g.label, g.count, relative(g.url, here)) for g in index.bands],
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


def _pref_group(name: str, slug: str, cases: list[CaseView]) -> Group:
    return Group(name, slug, cases)


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by template conditionals (stable golden files)."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
