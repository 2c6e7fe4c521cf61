"""Render stage: SiteIndex → {page path: Markdown}. Pure; the MkDocs adapter decides where pages go.

Safety: record text is placed only inside raw HTML blocks and is HTML-escaped by Jinja's
autoescape. Python-Markdown does not parse Markdown inside raw HTML blocks, so neither HTML nor
Markdown (links to `javascript:`, emphasis, …) nor template syntax in a record can become markup.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing.connection import Connection

from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup, escape

from casebook.citation import chapter_of, listings_by_keyword, source_index_tables
from casebook.dates import parse_date
from casebook.feed import FEED_PATH, atom_feed
from casebook.index import FREQUENT, INITIATIVE_KINDS, CaseView, SiteIndex
from casebook.models import Event, Interview
from casebook.municipality import PREFECTURE_SLUGS, PREFECTURES
from casebook.pages import INTERVIEW_QUESTIONS, page_list
from casebook.pagespec import PageSpec
from casebook.paging import spread
from casebook.propose import Contribution, form_data
from casebook.routes import relative, search_url, url_for
from casebook.search import FACETS, FILTER_KEYS, page_terms, search_assets, spellings, suggest_shard

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


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by name and checked against the source.

    Every render makes a new environment (its helpers close over that index), so under `mkdocs serve`
    each save compiled all templates again: about a fifth of the time from save to served page.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja drops it if the template's source has changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def environment(index: SiteIndex) -> Environment:
    """Jinja environment with autoescape on and the helpers the templates use."""
    env = Environment(
        loader=PackageLoader("casebook", "templates"),
        bytecode_cache=_COMPILED,
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

    @pass_context
    def link_to(ctx: Context, kind: str, key: str | None = None) -> str:
        return relative(url_for(kind, key), ctx["here"])

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

    env.globals.update(link=link, link_to=link_to, case_card=case_card, **_helpers(index))
    env.filters["yaml_string"] = _yaml_string
    # Pagefind reads `key:value` and splits several filters on commas; keep values whole.
    env.filters["facet_value"] = lambda value: str(value).replace(",", "，")
    return env


def _helpers(index: SiteIndex) -> dict[str, object]:
    """The templates' helpers that need no page: formats, slugs, and lookups into the index."""
    tables = source_index_tables(index)
    listings = listings_by_keyword(tables)
    written: dict[str, str] = {}
    vocabulary = spellings(index, written)
    bands = {g.label: g.slug for g in index.bands}
    groups = {name: f"group-{i + 1}" for i, (name, _views) in enumerate(index.challenge_groups)}
    return dict(
        url_for=url_for,
        search_url=search_url,
        spread_of=spread,
        keyword_search=lambda keywords: search_url(*(("keyword", k.label) for k in keywords)),
        item_cards=ITEM_CARDS,
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
        search_terms=lambda facets: page_terms(vocabulary, facets),
        filter_keys=FILTER_KEYS,
        search_facets=FACETS,
        # The search page names the suggestion files that exist: no request (and no 404) for the others.
        suggest_shards=" ".join(sorted({suggest_shard(spelling) for spelling in written})),
    )


ITEM_CARDS = 12
"""Cards shown under each framework item; the rest are one click away in search (a page stays light)."""


def render_processes() -> int:
    """Processes for a full render: two where the machine has them (see `render_site`)."""
    return min(2, os.cpu_count() or 1)


Only = Collection[str] | Callable[[str], bool]


def render_site(index: SiteIndex, only: Only | None = None, *, processes: int = 1) -> dict[str, Page]:
    """Every generated page, keyed by its path under docs/ (e.g. `cases/goka.md`), in site order.

    `only` limits rendering to those paths (`mkdocs serve` renders a saved record's own page first).
    `processes` > 1 renders part of the list in a forked worker: a build has a second core idle
    until MkDocs starts writing pages, and rendering is pure, so the parts cannot disagree.
    """
    specs = page_list(index)
    if only is not None:
        wanted = only if callable(only) else only.__contains__
        specs = [s for s in specs if wanted(s.path)]
    if processes > 1 and len(specs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        pages = _render_forked(index, specs, processes)
    else:
        pages = render_pages(index, specs)
    return {s.path: pages[s.path] for s in specs}


def render_pages(index: SiteIndex, specs: list[PageSpec]) -> dict[str, Page]:
    """Render the given pages of the list."""
    env = environment(index)
    pages: dict[str, Page] = {}
    for spec in specs:
        template = env.get_template(spec.template)
        text = template.render(here=spec.url, index=index, **spec.context())
        pages[spec.path] = Page(_tidy(text), spec.source)
    return pages


def _render_forked(index: SiteIndex, specs: list[PageSpec], processes: int) -> dict[str, Page]:
    """Render every `processes`-th page in forked children (which inherit the index) and the rest here."""
    context = multiprocessing.get_context("fork")
    workers = []
    for part in range(1, processes):
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_render_part, args=(index, specs[part::processes], send), daemon=True)
        child.start()
        send.close()
        workers.append((child, receive))
    pages = render_pages(index, specs[0::processes])
    for child, receive in workers:
        pages.update(receive.recv())
        child.join()
    return pages


def _render_part(index: SiteIndex, specs: list[PageSpec], send: Connection) -> None:
    send.send(render_pages(index, specs))
    send.close()


def render_assets(
    index: SiteIndex, site_url: str = "", site_name: str = "casebook", contribution: Contribution | None = None
) -> dict[str, str]:
    """Non-page files the site needs (search facets and suggestions, Atom feed, the propose form's data)."""
    proposal = form_data(index, contribution or Contribution())
    return {
        **search_assets(index),
        FEED_PATH: atom_feed(index, site_url, site_name),
        url_for("proposal"): json.dumps(proposal, ensure_ascii=False, separators=(",", ":")),
    }


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by template conditionals (stable golden files)."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
