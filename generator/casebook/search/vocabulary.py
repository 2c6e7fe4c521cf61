"""Search vocabulary and facets: what the browser matches a query against, beside Pagefind.

Pagefind segments kanji-only runs differently at index and query time (its issue #1237), so
「長野」 or 「松本」 can miss. Matching the query against our own vocabulary, in the same normalised
form on both sides, finds those records through filters instead of segmentation.
"""

from __future__ import annotations

from casebook.index import KIND_SLUGS, SiteIndex
from casebook.index.views import OTHER_KINDS
from casebook.models import RECORD_TYPE_OF, Case, Program, RecordBase
from casebook.municipality import BAND_ORDER, PREFECTURES, OrgKind
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

_TYPE_ORDER: tuple[type[RecordBase], ...] = (Case, *OTHER_KINDS, Program)
_ORG_SUFFIXES = ("市", "町", "村", "区")
_PREF_SUFFIXES = ("都", "府", "県")


class _Terms:
    """Spellings → (facet, value), in the normalised form the browser uses too."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str, str], None] = {}

    def add(self, spelling: str, facet: str, value: str) -> None:
        key = normalize_key(spelling)
        if key:
            self.found[(key, facet, value)] = None

    def add_short(self, name: str, kind: OrgKind, value: str) -> None:
        """An organisation without 市/町/村/区 (「松本」 for 松本市)."""
        if name.endswith(_ORG_SUFFIXES) and len(name) > 2 and kind is not OrgKind.PREFECTURE:
            self.add(name[:-1], "org", value)


def search_vocabulary(index: SiteIndex) -> dict[str, object]:
    """Controlled terms → facet values, and every facet's values in display order."""
    terms = _Terms()
    _terms_of_keywords(index, terms)
    _terms_of_places(index, terms)
    _terms_of_records(index, terms)
    _terms_of_taxonomy(index, terms)
    values = _facet_values(index)
    return {
        "facets": [{"key": key, "label": label, "values": values[key]} for key, label in FACETS],
        "terms": [list(t) for t in terms.found],
    }


def _terms_of_keywords(index: SiteIndex, terms: _Terms) -> None:
    # Keyword and challenge pages carry their own filter (`kwpage`, `chpage`) so that a query
    # naming them finds the page itself without the page counting in the facets.
    for kv in index.keywords:
        kw = kv.keyword
        for spelling in (kw.label, kw.yomi, *kw.aliases):
            terms.add(spelling, "keyword", kw.label)
            terms.add(spelling, "kwpage", kw.label)


def _terms_of_taxonomy(index: SiteIndex, terms: _Terms) -> None:
    for group in index.categories:
        if group.count:
            terms.add(group.label, "category", group.label)
    for cv in index.challenges:
        for spelling in (cv.challenge.label, *cv.challenge.aliases):
            terms.add(spelling, "chpage", cv.challenge.label)
            if cv.cases or cv.programs:
                terms.add(spelling, "challenge", cv.challenge.label)
    for pv in index.programs:
        terms.add(pv.program.title, "program", pv.program.title)
        terms.add(pv.program.yomi, "program", pv.program.title)
        terms.add(pv.program.title.split("（")[0], "program", pv.program.title)
    for kind_group in index.kinds:
        if kind_group.count:
            terms.add(kind_group.label, "kind", kind_group.label)


def _terms_of_places(index: SiteIndex, terms: _Terms) -> None:
    for region in index.regions:
        if region.count:
            terms.add(region.name, "region", region.name)
        for pref in region.prefectures:
            if pref.cases:
                terms.add(pref.name, "prefecture", pref.name)
                terms.add(pref.yomi, "prefecture", pref.name)
                short = pref.name[:-1] if pref.name.endswith(_PREF_SUFFIXES) else pref.name
                terms.add(short, "prefecture", pref.name)


def _terms_of_records(index: SiteIndex, terms: _Terms) -> None:
    for view in index.cases:
        org = view.case.organization
        terms.add(view.org_label, "org", view.org_label)
        terms.add(org.name, "org", view.org_label)
        if org.yomi:
            terms.add(org.yomi, "org", view.org_label)
        terms.add_short(org.name, org.kind, view.org_label)
    for other in index.others:
        for key, value in other.facets():
            if key in ("name", "org"):
                terms.add(value, key, value)
        other_org = getattr(other.record, "organization", None)
        if other_org is not None:
            terms.add(other_org.name, "org", other.subtitle)
            terms.add_short(other_org.name, other_org.kind, other.subtitle)


def _facet_values(index: SiteIndex) -> dict[str, list[str]]:
    """Every value a facet can take, in display order; the browser shows those the index holds."""
    return {
        "type": [*(RECORD_TYPE_OF[m].label for m in _TYPE_ORDER), "キーワード", "課題"],
        "region": [r.name for r in index.regions],
        "prefecture": list(PREFECTURES),
        "kind": [kind.value for kind in KIND_SLUGS],
        "band": list(BAND_ORDER),
        "category": [g.label for g in index.categories],
        "keyword": [k.keyword.label for k in index.keywords],
        "challenge": [c.challenge.label for c in index.challenges],
        "program": [p.program.title for p in index.programs],
    }
