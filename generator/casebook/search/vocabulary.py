"""Search vocabulary and facets, built into the pages Pagefind indexes (DESIGN §6).

Nothing is shipped whole to the reader. Each searchable page carries, in metadata that Pagefind
searches (`terms` on cases, `about` elsewhere, weighted in assets/search.js), every spelling of the
controlled terms it belongs to: keyword labels, aliases and readings, place names with and without
都府県/市町村, their readings, 地方, 団体区分 and so on. So 「おーじぇーてぃー」 or 「松本」 find their
records through Pagefind's own index, at Pagefind's cost.

Spellings are written in the normalised form the browser gives the query (`normalize_key`): full-width
and half-width, case and dash variants then meet. The same spellings, split by their first character,
are the 「もしかして」 suggestions a query fetches only when the results shown do not contain it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from casebook.index import KIND_SLUGS, SiteIndex
from casebook.municipality import BAND_ORDER, PREFECTURES, OrgKind
from casebook.routes import url_for
from casebook.taxonomy import normalize_key

FACETS: tuple[tuple[str, str], ...] = (
    ("type", "種別"),
    ("region", "地方"),
    ("prefecture", "都道府県"),
    ("kind", "団体区分"),
    ("band", "人口規模"),
    ("category", "カテゴリ"),
    ("keyword", "キーワード"),
    ("challenge", "課題"),
    ("program", "支援制度"),
)
"""Search facets in panel order: (Pagefind filter key, label shown)."""

FILTER_KEYS = frozenset(key for key, _label in FACETS)
"""Facet pairs that become Pagefind filters; the others (org, name, kwpage, chpage) only name the page."""

TYPES = ("事例", "取り組み", "メッセージ", "対談", "支援制度", "キーワード", "課題", "ロードマップ")
"""Values of the `type` facet, in display order."""

Spellings = dict[tuple[str, str], tuple[str, ...]]
"""(facet key, value) → every spelling of it, normalised."""

_PROPER_NAMES = frozenset({"org", "name"})
_WORD = re.compile(r"\w+")
_ENDS_UP_TO = 12
_ORG_SUFFIXES = ("市", "町", "村", "区")
_PREF_SUFFIXES = ("都", "府", "県")


_Add = Callable[..., None]


def spellings(index: SiteIndex, written: dict[str, str] | None = None) -> Spellings:
    """Every controlled term a page can carry → its spellings (the label first).

    `written`, if given, receives each normalised spelling's first form as written in the records
    (the 「もしかして」 suggestions): terms, places and programs, not the names of organisations and
    records, which are as many as the records and would make the suggestion files grow with them.
    """
    found: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)

    def add(key: str, value: str, *variants: str | None) -> None:
        for variant in (value, *variants):
            spelling = normalize_key(variant or "")
            if spelling:
                found[(key, value)][spelling] = None
                if written is not None and key not in _PROPER_NAMES:
                    written.setdefault(spelling, (variant or "").strip())

    _taxonomy(index, add)
    _places(index, add)
    _organisations(index, add)
    return {pair: tuple(spelled) for pair, spelled in found.items()}


def _taxonomy(index: SiteIndex, add: _Add) -> None:
    for kind in TYPES:
        add("type", kind)
    for kv in index.keywords:
        kw = kv.keyword
        add("keyword", kw.label, kw.yomi, *kw.aliases)
        add("kwpage", kw.label, kw.yomi, *kw.aliases)
    for cv in index.challenges:
        add("challenge", cv.challenge.label, *cv.challenge.aliases)
        add("chpage", cv.challenge.label, *cv.challenge.aliases)
    for pv in index.programs:
        program = pv.program
        add("program", program.title, program.yomi, program.title.split("（")[0])
    for category in index.categories:
        add("category", category.label)


def _places(index: SiteIndex, add: _Add) -> None:
    for region in index.regions:
        add("region", region.name)
        for pref in region.prefectures:
            add("prefecture", pref.name, pref.yomi, _short(pref.name, _PREF_SUFFIXES))
    for kind in index.kinds:
        add("kind", kind.label)
    for band in index.bands:
        add("band", band.label)


def _organisations(index: SiteIndex, add: _Add) -> None:
    for view in index.cases:
        org = view.case.organization
        short = _short(org.name, _ORG_SUFFIXES) if org.kind is not OrgKind.PREFECTURE else None
        add("org", view.org_label, org.name, org.yomi, short)
    for other in index.others:
        for key, value in other.facets():
            if key == "name":
                add("name", value)
        record_org = getattr(other.record, "organization", None)
        if record_org is not None:
            short = _short(record_org.name, _ORG_SUFFIXES) if record_org.kind is not OrgKind.PREFECTURE else None
            add("org", other.subtitle, record_org.name, getattr(record_org, "yomi", None), short)


def _short(name: str, suffixes: tuple[str, ...]) -> str | None:
    """「松本」 for 松本市, 「長野」 for 長野県 (北海道 and two-character names stay whole)."""
    return name[:-1] if name.endswith(suffixes) and len(name) > 2 else None


def page_terms(table: Spellings, facets: Iterable[tuple[str, str]]) -> str:
    """The page's `terms` metadata: every spelling of its terms, with the ends of each, space-separated.

    Pagefind matches each word of a query as the start of an indexed word, and the browser splits a
    query where its dictionary says (「職場内訓練」 → 職場 / 内 / 訓練), not where the indexer did. Every
    such piece is the start of some end of the spelling (内訓練, 訓練), so a query naming the term in
    any form matches all its words here, whatever either side's word splitting.
    """
    seen: dict[str, None] = {}
    for pair in facets:
        for spelling in table.get(pair, ()):
            seen.update(dict.fromkeys(word_ends(spelling)))
    return " ".join(seen)


def word_ends(spelling: str) -> Iterator[str]:
    """「dxアドバイザー」 → dxアドバイザー, アドバイザー, ドバイザー, …, ー (never inside an ASCII word).

    A spelling longer than a term (a sentence-like category name) is written whole: its page shows it,
    and Pagefind finds its words in the text.
    """
    for run in _WORD.findall(spelling):
        yield run
        if len(run) > _ENDS_UP_TO:
            continue
        for i in range(1, len(run)):
            if not (run[i - 1].isascii() and run[i].isascii()):
                yield run[i:]


def suggestions(written: dict[str, str]) -> dict[str, str]:
    """Suggestion shard address → [[spelling, as written], …] of the spellings starting with its character."""
    shards: dict[str, dict[str, str]] = defaultdict(dict)
    for spelling, form in written.items():
        shards[suggest_shard(spelling)][spelling] = form
    return {
        url_for("suggest", shard): json.dumps(sorted(entries.items()), ensure_ascii=False, separators=(",", ":"))
        for shard, entries in sorted(shards.items())
    }


def suggest_shard(spelling: str) -> str:
    """The shard of a normalised spelling: its first character's code point in hex."""
    return f"{ord(spelling[0]):x}"


def facet_values(index: SiteIndex) -> dict[str, object]:
    """Every facet's label and the values some page carries, in display order."""
    present = {pair for page in _searchable(index) for pair in page}
    values = {
        "type": list(TYPES),
        "region": [r.name for r in index.regions],
        "prefecture": list(PREFECTURES),
        "kind": [kind.value for kind in KIND_SLUGS],
        "band": list(BAND_ORDER),
        "category": [g.label for g in index.categories],
        "keyword": [k.keyword.label for k in index.keywords],
        "challenge": [c.challenge.label for c in index.challenges],
        "program": [p.program.title for p in index.programs],
    }
    return {
        "facets": [
            {"key": key, "label": label, "values": [v for v in values[key] if (key, v) in present]}
            for key, label in FACETS
        ]
    }


def _searchable(index: SiteIndex) -> Iterator[list[tuple[str, str]]]:
    """The facet pairs of every page Pagefind indexes."""
    yield from (view.facets() for view in index.cases)
    yield from (view.facets() for view in index.programs)
    yield from (view.facets() for view in index.others)
    yield from (view.facets() for view in index.roadmaps)
    yield [("type", "キーワード")] if index.keywords else []
    yield [("type", "課題")] if index.challenges else []


def search_assets(index: SiteIndex) -> dict[str, str]:
    """The search page's data files: facet values, and the suggestion shards."""
    written: dict[str, str] = {}
    spellings(index, written)
    return {
        url_for("facets"): json.dumps(facet_values(index), ensure_ascii=False, separators=(",", ":")),
        **suggestions(written),
    }
