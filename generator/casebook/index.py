"""Index stage: everything the pages show that is computed, not typed (counts, order, related cases).

Templates only lay out what this module hands them (STYLE: presentation only in templates).
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from casebook.dates import PartialDate, parse_date
from casebook.models import Case, Category, Challenge, Keyword, Program
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
from casebook.validate import Corpus, Entry

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
    programs: list[ProgramView]
    region: str
    region_slug: str
    prefecture_slug: str
    kind_slug: str
    band: str | None
    published: PartialDate
    updated: PartialDate
    related: list[CaseView] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"cases/{self.id}/"

    @property
    def org_label(self) -> str:
        """`茨城県五霞町`, or just `奈良県` for a prefecture."""
        org = self.case.organization
        return org.name if org.kind is OrgKind.PREFECTURE else f"{org.prefecture}{org.name}"


@dataclass
class ProgramView:
    """A support scheme and the cases that use it (computed from the cases' `programs`)."""

    id: str
    path: str
    program: Program
    keywords: list[Keyword]
    challenges: list[Challenge]
    cases: list[CaseView] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Site path of the page."""
        return f"programs/{self.id}/"


@dataclass
class Group:
    """A named set of cases (a keyword, a prefecture, a band …) with its page."""

    label: str
    slug: str
    cases: list[CaseView]
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
    cases: list[CaseView]
    programs: list[ProgramView]
    related: list[Keyword]
    row: str

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
    cases: list[CaseView]
    programs: list[ProgramView]

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
    cases: list[CaseView]

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
        return sum(len(p.cases) for p in self.prefectures)


@dataclass
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
    sources: dict[str, str]

    @property
    def prefectures(self) -> list[PrefectureView]:
        """Prefectures that have at least one case."""
        return [p for r in self.regions for p in r.prefectures if p.cases]

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
    for view in cases:
        view.related = _related(view, cases)
        for program in view.programs:
            program.cases.append(view)

    keyword_views = _keyword_views(tax.keywords, cases, list(programs.values()))
    challenge_views = [
        ChallengeView(
            ch,
            [c for c in cases if ch in c.challenges],
            [p for p in programs.values() if ch in p.challenges],
        )
        for ch in tax.challenges
    ]
    groups: dict[str, list[ChallengeView]] = defaultdict(list)
    for cv in challenge_views:
        groups[cv.challenge.group].append(cv)

    return SiteIndex(
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
        regions=_regions(cases),
        kinds=[
            Group(kind.value, slug, [v for v in cases if v.case.organization.kind is kind], url=f"sizes/#{slug}")
            for kind, slug in KIND_SLUGS.items()
        ],
        bands=_bands(cases),
        newest=sorted(cases, key=lambda c: (c.updated.first_day(), c.id), reverse=True)[:6],
        sources={s.id: s.title for s in tax.sources},
    )


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


def _related(view: CaseView, cases: list[CaseView]) -> list[CaseView]:
    """Cases sharing most keywords first, then the closest in population (log scale)."""
    mine = {k.slug for k in view.keywords}
    pop = view.case.organization.population

    def distance(other: CaseView) -> float:
        theirs = other.case.organization.population
        if pop is None or theirs is None or not pop.value or not theirs.value:
            return math.inf
        return abs(math.log(pop.value) - math.log(theirs.value))

    scored = [
        (-len(mine & {k.slug for k in other.keywords}), distance(other), other.id, other)
        for other in cases
        if other.id != view.id
    ]
    scored.sort(key=lambda s: s[:3])
    return [s[3] for s in scored[:RELATED_MAX]]


def _keyword_views(keywords: list[Keyword], cases: list[CaseView], programs: list[ProgramView]) -> list[KeywordView]:
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        slugs = [k.slug for k in case.keywords]
        for a in slugs:
            together[a].update(s for s in slugs if s != a)
    by_slug = {k.slug: k for k in keywords}
    views = [
        KeywordView(
            keyword=kw,
            cases=[c for c in cases if kw in c.keywords],
            programs=[p for p in programs if kw in p.keywords],
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


def _regions(cases: list[CaseView]) -> list[RegionView]:
    by_pref: dict[str, list[CaseView]] = defaultdict(list)
    for c in cases:
        by_pref[c.case.organization.prefecture].append(c)
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
                )
                for n in codes
            ],
        )
        for name, slug, codes in REGIONS
    ]


def _bands(cases: list[CaseView]) -> list[Group]:
    members: dict[str, list[CaseView]] = defaultdict(list)
    for c in cases:
        if c.band is not None:
            members[c.band].append(c)
    return [
        Group(band, f"band-{i + 1}", members[band], url=f"sizes/#band-{i + 1}")
        for i, band in enumerate(BAND_ORDER)
        if members.get(band)
    ]
