"""Index stage: everything the pages show that is computed, not typed (counts, order, related cases).

Templates only lay out what this module hands them (STYLE: presentation only in templates).
"""

from __future__ import annotations

import bisect
import functools
import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from casebook.dates import PartialDate, parse_date
from casebook.models import (
    Case,
    Category,
    Challenge,
    Dialogue,
    Framework,
    FrameworkItem,
    Keyword,
    OtherInitiative,
    Program,
    Roadmap,
    RoadmapStage,
    RoadmapStep,
    SourceDocument,
    Voice,
)
from casebook.municipality import (
    BAND_ORDER,
    PREFECTURE_SLUGS,
    PREFECTURE_YOMI,
    PREFECTURES,
    REGIONS,
    OrgKind,
    population_band,
    region_of,
)
from casebook.taxonomy import normalize_key
from casebook.validate import Corpus, Entry

T = TypeVar("T")

FREQUENT = 3
"""A keyword used by this many cases or more is highlighted, as the guidebook's 頻出キーワード table does."""

RELATED_MAX = 5

KIND_SLUGS: dict[OrgKind, str] = {
    OrgKind.DESIGNATED_CITY: "designated-city",
    OrgKind.CORE_CITY: "core-city",
    OrgKind.SPECIAL_CASE_CITY: "special-case-city",
    OrgKind.CITY: "city",
    OrgKind.TOWN: "town",
    OrgKind.VILLAGE: "village",
    OrgKind.SPECIAL_WARD: "special-ward",
    OrgKind.PREFECTURE: "prefecture",
}

_GOJUON_ROWS = (
    ("あ行", "あいうえおぁぃぅぇぉ"), ("か行", "かきくけこがぎぐげご"), ("さ行", "さしすせそざじずぜぞ"),
    ("た行", "たちつてとだぢづでどっ"), ("な行", "なにぬねの"), ("は行", "はひふへほばびぶべぼぱぴぷぺぽ"),
    ("ま行", "まみむめも"), ("や行", "やゆよゃゅょ"), ("ら行", "らりるれろ"), ("わ行", "わをんゎ"),
)  # fmt: skip


_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎ", "あいうえおつやゆよわ")


def gojuon_key(yomi: str) -> tuple[str, str]:
    """Sort key in 五十音 order: voiced and small kana sort with their plain kana first (JIS X 4061)."""
    plain = "".join(ch for ch in unicodedata.normalize("NFD", yomi) if ch not in "\u3099\u309a")
    return (unicodedata.normalize("NFC", plain).translate(_SMALL_KANA).replace("ー", ""), yomi)


def gojuon_row(yomi: str) -> str:
    """五十音 row of a reading's first kana (`あ行` …); `英数字` for anything else."""
    first = yomi[:1]
    for row, kana in _GOJUON_ROWS:
        if first in kana:
            return row
    return "英数字"


@dataclass
class CaseView:
    """A case with everything a page needs resolved."""

    id: str
    path: str
    case: Case
    keywords: list[Keyword]
    category: Category
    challenges: list[Challenge]
    programs: list[ProgramView] = field(repr=False)
    region: str
    region_slug: str
    prefecture_slug: str
    kind_slug: str
    band: str | None
    published: PartialDate
    updated: PartialDate
    related: list[CaseView] = field(default_factory=list, repr=False)
    skills: list[FrameworkItemView] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"cases/{self.id}/"

    @functools.cached_property
    def keyword_slugs(self) -> frozenset[str]:
        """Slugs of the keywords, for membership tests (the case × keyword matrix asks thousands)."""
        return frozenset(k.slug for k in self.keywords)

    @property
    def org_label(self) -> str:
        """`茨城県五霞町`, or just `奈良県` for a prefecture."""
        org = self.case.organization
        return org.name if org.kind is OrgKind.PREFECTURE else f"{org.prefecture}{org.name}"

    def facets(self) -> list[tuple[str, str]]:
        """Search facets of the page (DESIGN §6), as (filter key, value) pairs."""
        org = self.case.organization
        pairs = [
            ("type", "事例"),
            ("region", self.region),
            ("prefecture", org.prefecture),
            ("kind", org.kind.value),
            ("category", self.category.label),
            ("org", self.org_label),
        ]
        if self.band:
            pairs.append(("band", self.band))
        pairs += [("keyword", k.label) for k in self.keywords]
        pairs += [("challenge", c.label) for c in self.challenges]
        pairs += [("program", p.program.title) for p in self.programs]
        return pairs


OTHER_KINDS: dict[type, tuple[str, str]] = {
    OtherInitiative: ("取り組み", "initiatives"),
    Voice: ("メッセージ", "voices"),
    Dialogue: ("対談", "dialogues"),
}
"""Record types besides cases and programs: (種別 shown, URL folder)."""

INITIATIVE_KINDS = {
    "municipal": "市区町村の取り組み",
    "prefectural": "都道府県の取り組み",
    "association": "団体・組合",
    "community": "職員のコミュニティ",
    "national": "国の事業",
}


@dataclass
class RecordView:
    """A voice, the dialogue or another initiative, with references resolved."""

    id: str
    path: str
    record: Voice | Dialogue | OtherInitiative
    keywords: list[Keyword]
    challenges: list[Challenge]
    programs: list[ProgramView] = field(repr=False)

    @property
    def kind_label(self) -> str:
        """種別 as shown (取り組み, メッセージ, 対談)."""
        return OTHER_KINDS[type(self.record)][0]

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"{OTHER_KINDS[type(self.record)][1]}/{self.id}/"

    @property
    def title(self) -> str:
        """Page title."""
        return self.record.title

    @property
    def prefecture(self) -> str | None:
        """Prefecture of an initiative that belongs to one local government."""
        org = getattr(self.record, "organization", None)
        return org.prefecture if org is not None else None

    @property
    def subtitle(self) -> str:
        """Who: the person, the organisation or the organiser."""
        rec = self.record
        if isinstance(rec, Voice):
            return f"{rec.person}（{rec.affiliation}）"
        if isinstance(rec, Dialogue):
            return "・".join(s.name for s in rec.speakers)
        if rec.organization is not None:
            org = rec.organization
            return org.name if org.kind is OrgKind.PREFECTURE else f"{org.prefecture}{org.name}"
        return rec.organizer or INITIATIVE_KINDS[rec.kind]

    def facets(self) -> list[tuple[str, str]]:
        """Search facets of the page."""
        pairs = [("type", self.kind_label), ("name", self.title)]
        rec = self.record
        if isinstance(rec, OtherInitiative) and rec.organization is not None:
            org = rec.organization
            pairs += [
                ("region", region_of(org.prefecture)[0]),
                ("prefecture", org.prefecture),
                ("kind", org.kind.value),
                ("org", self.subtitle),
            ]
        if isinstance(rec, Voice):
            pairs.append(("name", rec.person))
        pairs += [("keyword", k.label) for k in self.keywords]
        pairs += [("challenge", c.label) for c in self.challenges]
        pairs += [("program", p.program.title) for p in self.programs]
        return pairs


@dataclass
class FrameworkItemView:
    """A framework item and the cases that build it (through its keywords)."""

    framework: Framework = field(repr=False)
    item: FrameworkItem
    keywords: list[Keyword]
    cases: list[CaseView] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        """Anchor of the item on its framework page."""
        return f"frameworks/{self.framework.slug}/#{self.item.slug}"


@dataclass
class FrameworkView:
    """A talent framework and its items."""

    framework: Framework
    items: list[FrameworkItemView]

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"frameworks/{self.framework.slug}/"


@dataclass
class ProgramView:
    """A support scheme and the cases that use it (computed from the cases' `programs`)."""

    id: str
    path: str
    program: Program
    keywords: list[Keyword]
    challenges: list[Challenge]
    cases: list[CaseView] = field(default_factory=list, repr=False)
    others: list[RecordView] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"programs/{self.id}/"

    def facets(self) -> list[tuple[str, str]]:
        """Search facets of the page."""
        pairs = [("type", "支援制度"), ("program", self.program.title)]
        pairs += [("keyword", k.label) for k in self.keywords]
        pairs += [("challenge", c.label) for c in self.challenges]
        return pairs


@dataclass
class Group:
    """A named set of cases (a keyword, a prefecture, a band …) with its page."""

    label: str
    slug: str
    cases: list[CaseView] = field(repr=False)
    yomi: str = ""
    description: str = ""
    url: str = ""

    @property
    def count(self) -> int:
        """How many cases the group holds."""
        return len(self.cases)


@dataclass
class KeywordView:
    """A keyword, its cases, and the keywords that appear beside it most often."""

    keyword: Keyword
    cases: list[CaseView] = field(repr=False)
    programs: list[ProgramView] = field(repr=False)
    related: list[Keyword]
    row: str
    others: list[RecordView] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"keywords/{self.keyword.slug}/"

    @property
    def count(self) -> int:
        """Cases tagged with the keyword."""
        return len(self.cases)

    @property
    def frequent(self) -> bool:
        """Highlighted as 頻出."""
        return self.count >= FREQUENT


@dataclass
class ChallengeView:
    """A challenge and the records that address it."""

    challenge: Challenge
    cases: list[CaseView] = field(repr=False)
    programs: list[ProgramView] = field(repr=False)
    others: list[RecordView] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"challenges/{self.challenge.slug}/"


@dataclass
class PrefectureView:
    """A prefecture in the region index: its cases (possibly none)."""

    name: str
    slug: str
    yomi: str
    cases: list[CaseView] = field(repr=False)
    others: list[RecordView] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        """Site path of the page (only prefectures with cases have one)."""
        return f"prefectures/{self.slug}/"


@dataclass
class RegionView:
    """One of the eight regions and its prefectures in code order."""

    name: str
    slug: str
    prefectures: list[PrefectureView]

    @property
    def count(self) -> int:
        """Cases in the region."""
        return sum(len(p.cases) + len(p.others) for p in self.prefectures)


@dataclass(repr=False)
class SiteIndex:
    """All cross-indexes of the corpus."""

    cases: list[CaseView]
    programs: list[ProgramView]
    keywords: list[KeywordView]
    categories: list[Group]
    challenges: list[ChallengeView]
    challenge_groups: list[tuple[str, list[ChallengeView]]]
    regions: list[RegionView]
    kinds: list[Group]
    bands: list[Group]
    newest: list[CaseView]
    sources: dict[str, SourceDocument]
    others: list[RecordView] = field(default_factory=list)
    frameworks: list[FrameworkView] = field(default_factory=list)
    roadmaps: list[RoadmapView] = field(default_factory=list)

    @property
    def prefectures(self) -> list[PrefectureView]:
        """Prefectures that have at least one case or other initiative."""
        return [p for r in self.regions for p in r.prefectures if p.cases or p.others]

    def others_of(self, kind: type) -> list[RecordView]:
        """Voices, dialogues or initiatives."""
        return [o for o in self.others if isinstance(o.record, kind)]

    def keywords_by_row(self) -> list[tuple[str, list[KeywordView]]]:
        """Keywords in 五十音 order, grouped by row."""
        rows: dict[str, list[KeywordView]] = defaultdict(list)
        for kv in self.keywords:
            rows[kv.row].append(kv)
        order = [r for r, _ in _GOJUON_ROWS] + ["英数字"]
        return [(r, rows[r]) for r in order if rows.get(r)]

    def top_keywords(self, n: int = 10) -> list[KeywordView]:
        """Most used keywords (ties in 五十音 order)."""
        return sorted((k for k in self.keywords if k.count), key=lambda k: (-k.count, gojuon_key(k.keyword.yomi)))[:n]


def build_index(corpus: Corpus) -> SiteIndex:
    """Resolve references and compute every cross-index (pure: no I/O)."""
    tax = corpus.taxonomy
    programs = {
        e.id: ProgramView(e.id, e.path, e.record, _keywords(corpus, e), _challenges(corpus, e))  # type: ignore[arg-type]
        for e in corpus.of_type(Program)
    }
    cases: list[CaseView] = []
    for e in corpus.of_type(Case):
        case: Case = e.record  # type: ignore[assignment]
        org = case.organization
        region, region_slug = region_of(org.prefecture)
        category = tax.category(case.category)
        assert category is not None  # guaranteed by validate
        view = CaseView(
            id=e.id,
            path=e.path,
            case=case,
            keywords=_keywords(corpus, e),
            category=category,
            challenges=_challenges(corpus, e),
            programs=[programs[p] for p in case.programs if p in programs],
            region=region,
            region_slug=region_slug,
            prefecture_slug=PREFECTURE_SLUGS[PREFECTURES.index(org.prefecture)],
            kind_slug=KIND_SLUGS[org.kind],
            band=population_band(org.kind, org.population.value) if org.population else None,
            published=parse_date(case.published),
            updated=parse_date(case.updated),
        )
        cases.append(view)
    cases.sort(key=_case_order)
    _related_all(cases)
    for view in cases:
        for program in view.programs:
            program.cases.append(view)

    others = [
        RecordView(
            e.id,
            e.path,
            e.record,  # type: ignore[arg-type]  # of_type(kind) holds only that kind
            _keywords(corpus, e),
            _challenges(corpus, e),
            [programs[p] for p in e.record.programs if p in programs],
        )
        for kind in OTHER_KINDS
        for e in corpus.of_type(kind)
    ]
    others.sort(key=lambda o: (list(OTHER_KINDS).index(type(o.record)), o.prefecture is None, _other_order(o), o.id))
    for other in others:
        for program in other.programs:
            program.others.append(other)

    program_views = list(programs.values())
    keyword_views = _keyword_views(tax.keywords, cases, program_views)
    others_by_keyword = _by_slug(others, lambda o: o.keywords)
    for kv in keyword_views:
        kv.others = others_by_keyword.get(kv.keyword.slug, [])
    cases_by_challenge = _by_slug(cases, lambda c: c.challenges)
    programs_by_challenge = _by_slug(program_views, lambda p: p.challenges)
    others_by_challenge = _by_slug(others, lambda o: o.challenges)
    challenge_views = [
        ChallengeView(
            ch,
            cases_by_challenge.get(ch.slug, []),
            programs_by_challenge.get(ch.slug, []),
            others_by_challenge.get(ch.slug, []),
        )
        for ch in tax.challenges
    ]
    frameworks = _frameworks(corpus, cases)
    groups: dict[str, list[ChallengeView]] = defaultdict(list)
    for cv in challenge_views:
        groups[cv.challenge.group].append(cv)

    index = SiteIndex(
        cases=cases,
        programs=sorted(programs.values(), key=lambda p: gojuon_key(p.program.yomi)),
        keywords=keyword_views,
        categories=[
            Group(
                c.label,
                c.slug,
                [v for v in cases if v.category.slug == c.slug],
                c.yomi,
                c.description,
                f"categories/{c.slug}/",
            )
            for c in tax.categories
        ],
        challenges=challenge_views,
        challenge_groups=list(groups.items()),
        regions=_regions(cases, others),
        kinds=[
            Group(kind.value, slug, [v for v in cases if v.case.organization.kind is kind], url=f"sizes/{slug}/")
            for kind, slug in KIND_SLUGS.items()
        ],
        bands=_bands(cases),
        newest=sorted(cases, key=lambda c: (c.updated.first_day(), c.id), reverse=True)[:6],
        sources={s.id: s for s in tax.sources},
        others=others,
        frameworks=frameworks,
    )
    index.roadmaps = build_roadmaps(corpus, index)
    return index


def _case_order(view: CaseView) -> tuple[int, int, str]:
    """Prefecture code order, then municipality code — the order of the 団体コード table."""
    code = view.case.organization.code
    return (int(code[:2]), int(code[2:5]), view.id)


def _keywords(corpus: Corpus, entry: Entry) -> list[Keyword]:
    seen: dict[str, Keyword] = {}
    for text in entry.record.keywords:
        kw = corpus.taxonomy.keyword(text)
        if kw is not None:
            seen.setdefault(kw.slug, kw)
    return list(seen.values())


def _challenges(corpus: Corpus, entry: Entry) -> list[Challenge]:
    return [c for slug in entry.record.challenges if (c := corpus.taxonomy.challenge(slug)) is not None]


COMMON_KEYWORD = 300
"""A keyword on more cases than this says little about similarity; it is left out of relatedness."""


def _related_all(cases: list[CaseView]) -> None:
    """For every case: cases sharing most keywords first, then the closest in population (log scale).

    Uses an inverted index so that thousands of cases do not cost N² comparisons.
    """
    postings: dict[str, list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        for kw in case.keywords:
            postings[kw.slug].append(i)
    logs = [
        math.log(c.case.organization.population.value)
        if c.case.organization.population and c.case.organization.population.value
        else math.inf
        for c in cases
    ]
    by_size = sorted(range(len(cases)), key=lambda i: logs[i])
    size_keys = [logs[j] for j in by_size]
    for i, case in enumerate(cases):
        shared: Counter[int] = Counter()
        for kw in case.keywords:
            members = postings[kw.slug]
            if len(members) <= COMMON_KEYWORD:
                shared.update(members)
        shared.pop(i, None)
        candidates = set(shared)
        if len(candidates) < RELATED_MAX:
            at = bisect.bisect_left(size_keys, logs[i])
            candidates |= set(by_size[max(0, at - RELATED_MAX - 1) : at + RELATED_MAX + 1]) - {i}

        def distance(j: int, me: int = i) -> float:
            return abs(logs[me] - logs[j]) if math.isfinite(logs[me]) and math.isfinite(logs[j]) else math.inf

        ranked = sorted(candidates, key=lambda j: (-shared.get(j, 0), distance(j), cases[j].id))
        case.related = [cases[j] for j in ranked[:RELATED_MAX]]


def _by_slug(items: list[T], terms: Callable[[T], list[Keyword] | list[Challenge]]) -> dict[str, list[T]]:
    """Inverted index: term slug → the items carrying it, in the items' order (no N×M scans)."""
    index: dict[str, list[T]] = defaultdict(list)
    for item in items:
        for term in terms(item):
            index[term.slug].append(item)
    return index


def _keyword_views(keywords: list[Keyword], cases: list[CaseView], programs: list[ProgramView]) -> list[KeywordView]:
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        slugs = [k.slug for k in case.keywords]
        for a in slugs:
            together[a].update(s for s in slugs if s != a)
    by_slug = {k.slug: k for k in keywords}
    cases_by_keyword = _by_slug(cases, lambda c: c.keywords)
    programs_by_keyword = _by_slug(programs, lambda p: p.keywords)
    views = [
        KeywordView(
            keyword=kw,
            cases=cases_by_keyword.get(kw.slug, []),
            programs=programs_by_keyword.get(kw.slug, []),
            related=[
                by_slug[s]
                for s, _n in sorted(together[kw.slug].items(), key=lambda i: (-i[1], gojuon_key(by_slug[i[0]].yomi)))[
                    :6
                ]
            ],
            row=gojuon_row(kw.yomi),
        )
        for kw in keywords
    ]
    return sorted(views, key=lambda v: (gojuon_key(v.keyword.yomi), v.keyword.label))


def _regions(cases: list[CaseView], others: list[RecordView]) -> list[RegionView]:
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


def _other_order(view: RecordView) -> tuple[int, int]:
    org = getattr(view.record, "organization", None)
    if org is None:
        return (99, 0)
    return (int(org.code[:2]), int(org.code[2:5]))


def _frameworks(corpus: Corpus, cases: list[CaseView]) -> list[FrameworkView]:
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


def _bands(cases: list[CaseView]) -> list[Group]:
    members: dict[str, list[CaseView]] = defaultdict(list)
    for c in cases:
        if c.band is not None:
            members[c.band].append(c)
    return [
        Group(band, f"band-{i + 1}", members[band], url=f"sizes/band-{i + 1}/")
        for i, band in enumerate(BAND_ORDER)
        if members.get(band)
    ]


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

_ORG_SUFFIXES = ("市", "町", "村", "区")
_PREF_SUFFIXES = ("都", "府", "県")


def search_vocabulary(index: SiteIndex) -> dict[str, object]:
    """Controlled terms → facet values, for the browser to match queries against.

    Pagefind segments kanji-only runs differently at index and query time (its issue #1237),
    so 「長野」 or 「松本」 can miss. Matching the query against our own vocabulary, in the same
    normalised form on both sides, finds those records through filters instead of segmentation.
    """
    terms: dict[tuple[str, str, str], None] = {}

    def add(spelling: str, facet: str, value: str) -> None:
        key = normalize_key(spelling)
        if key:
            terms[(key, facet, value)] = None

    # Keyword and challenge pages carry their own filter (`kwpage`, `chpage`) so that a query
    # naming them finds the page itself without the page counting in the facets.
    for kv in index.keywords:
        kw = kv.keyword
        for spelling in (kw.label, kw.yomi, *kw.aliases):
            add(spelling, "keyword", kw.label)
            add(spelling, "kwpage", kw.label)
    for region in index.regions:
        if region.count:
            add(region.name, "region", region.name)
        for pref in region.prefectures:
            if pref.cases:
                add(pref.name, "prefecture", pref.name)
                add(pref.yomi, "prefecture", pref.name)
                short = pref.name[:-1] if pref.name.endswith(_PREF_SUFFIXES) else pref.name
                add(short, "prefecture", pref.name)
    for view in index.cases:
        org = view.case.organization
        add(view.org_label, "org", view.org_label)
        add(org.name, "org", view.org_label)
        if org.yomi:
            add(org.yomi, "org", view.org_label)
        if org.name.endswith(_ORG_SUFFIXES) and len(org.name) > 2 and org.kind is not OrgKind.PREFECTURE:
            add(org.name[:-1], "org", view.org_label)
    for other in index.others:
        for key, value in other.facets():
            if key in ("name", "org"):
                add(value, key, value)
        other_org = getattr(other.record, "organization", None)
        if other_org is not None:
            add(other_org.name, "org", other.subtitle)
            name, kind = other_org.name, other_org.kind
            if name.endswith(_ORG_SUFFIXES) and len(name) > 2 and kind is not OrgKind.PREFECTURE:
                add(name[:-1], "org", other.subtitle)
    for group in index.categories:
        if group.count:
            add(group.label, "category", group.label)
    for cv in index.challenges:
        for spelling in (cv.challenge.label, *cv.challenge.aliases):
            add(spelling, "chpage", cv.challenge.label)
            if cv.cases or cv.programs:
                add(spelling, "challenge", cv.challenge.label)
    for pv in index.programs:
        add(pv.program.title, "program", pv.program.title)
        add(pv.program.yomi, "program", pv.program.title)
        add(pv.program.title.split("（")[0], "program", pv.program.title)
    for kind_group in index.kinds:
        if kind_group.count:
            add(kind_group.label, "kind", kind_group.label)

    # Every value a facet can take, in display order; the browser shows those the index holds.
    order = {
        "type": ["事例", "取り組み", "メッセージ", "対談", "支援制度", "キーワード", "課題"],
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
        "facets": [{"key": key, "label": label, "values": order[key]} for key, label in FACETS],
        "terms": [list(t) for t in terms],
    }


# --- roadmaps, timelines, comparisons --------------------------------------------------------


@dataclass(frozen=True)
class RecordLink:
    """Enough of any record to link to it."""

    id: str
    url: str
    title: str
    kind: str
    who: str


@dataclass
class StepView:
    """A roadmap step with its references resolved."""

    id: str
    number: str
    step: RoadmapStep
    records: list[RecordLink]
    keywords: list[Keyword]
    programs: list[ProgramView] = field(repr=False)
    challenges: list[Challenge]


@dataclass
class StageView:
    """A roadmap stage."""

    number: int
    stage: RoadmapStage
    steps: list[StepView]


@dataclass
class RoadmapView:
    """A roadmap ready to render."""

    id: str
    path: str
    roadmap: Roadmap
    stages: list[StageView]

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"roadmaps/{self.id}/"

    @property
    def step_count(self) -> int:
        """Steps in all stages."""
        return sum(len(s.steps) for s in self.stages)


@dataclass(frozen=True)
class TimelineEntry:
    """A dated event of some record, for the side-by-side timeline."""

    date: PartialDate
    event: str
    record: RecordLink


def record_links(index: SiteIndex) -> dict[str, RecordLink]:
    """Every record by id (cases, programs, initiatives, voices, the dialogue)."""
    links = {v.id: RecordLink(v.id, v.url, v.case.title, "事例", v.org_label) for v in index.cases}
    links.update(
        {p.id: RecordLink(p.id, p.url, p.program.title, "支援制度", p.program.operator) for p in index.programs}
    )
    links.update({o.id: RecordLink(o.id, o.url, o.title, o.kind_label, o.subtitle) for o in index.others})
    return links


def build_roadmaps(corpus: Corpus, index: SiteIndex) -> list[RoadmapView]:
    """Roadmaps with every step's records, keywords, programs and challenges resolved."""
    links = record_links(index)
    programs = {p.id: p for p in index.programs}
    views = []
    for entry in sorted(corpus.roadmaps.values(), key=lambda r: r.id):
        stages = []
        for s, stage in enumerate(entry.roadmap.stages, start=1):
            steps = []
            for t, step in enumerate(stage.steps, start=1):
                steps.append(
                    StepView(
                        id=f"s{s}-{t}",
                        number=f"{s}-{t}",
                        step=step,
                        records=[links[r] for r in step.records if r in links],
                        keywords=[k for text in step.keywords if (k := corpus.taxonomy.keyword(text)) is not None],
                        programs=[programs[p] for p in step.programs if p in programs],
                        challenges=[
                            c for slug in step.challenges if (c := corpus.taxonomy.challenge(slug)) is not None
                        ],
                    )
                )
            stages.append(StageView(s, stage, steps))
        views.append(RoadmapView(entry.id, entry.path, entry.roadmap, stages))
    return views


def timeline_entries(index: SiteIndex) -> list[tuple[int, list[TimelineEntry]]]:
    """Every dated event of every case and initiative, grouped by year (of its first day), oldest first."""
    links = record_links(index)
    entries: list[TimelineEntry] = []
    for view in index.cases:
        entries += [TimelineEntry(parse_date(e.date), e.event, links[view.id]) for e in view.case.timeline]
    for other in index.others:
        for e in getattr(other.record, "timeline", []):
            entries.append(TimelineEntry(parse_date(e.date), e.event, links[other.id]))
    entries.sort(key=lambda t: (t.date.first_day(), t.record.id))
    years: dict[int, list[TimelineEntry]] = defaultdict(list)
    for t in entries:
        years[t.date.first_day().year].append(t)
    return sorted(years.items())


def keyword_counts(index: SiteIndex) -> list[tuple[KeywordView, int]]:
    """Keywords by the number of records (cases and others) that carry them, most first."""
    counted = [(kv, len(kv.cases) + len(kv.others)) for kv in index.keywords]
    return sorted((c for c in counted if c[1]), key=lambda c: (-c[1], gojuon_key(c[0].keyword.yomi)))
