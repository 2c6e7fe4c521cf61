"""Views: a record or term with its references resolved, as the pages show it.

Templates only lay out what these hand them (STYLE: presentation only in templates); every address
comes from the routes.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from casebook.dates import PartialDate
from casebook.index.order import GOJUON_ROWS, gojuon_key
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
    RecordBase,
    SourceDocument,
    Voice,
)
from casebook.models.records import RECORD_TYPE_OF
from casebook.municipality import OrgKind, region_of
from casebook.routes import url_for

if TYPE_CHECKING:
    from casebook.index.roadmaps import RoadmapView

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
        return url_for("case", self.id)

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
            ("type", RECORD_TYPE_OF[Case].label),
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


OTHER_KINDS: tuple[type[RecordBase], ...] = (OtherInitiative, Voice, Dialogue)
"""Record types besides cases and programs, in the order the site lists them."""

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
        return RECORD_TYPE_OF[type(self.record)].label

    @property
    def url(self) -> str:
        """Site path of the page."""
        return url_for(RECORD_TYPE_OF[type(self.record)].name, self.id)  # a route per record type

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
    def org_kind(self) -> OrgKind | None:
        """団体区分 of an initiative that belongs to one local government."""
        org = getattr(self.record, "organization", None)
        return org.kind if org is not None else None

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
        return f"{url_for('framework', self.framework.slug)}#{self.item.slug}"


@dataclass
class FrameworkView:
    """A talent framework and its items."""

    framework: Framework
    items: list[FrameworkItemView]

    @property
    def url(self) -> str:
        """Site path of the page."""
        return url_for("framework", self.framework.slug)


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
        return url_for("program", self.id)

    def add(self, record: CaseView | RecordView) -> None:
        """Note a record that makes use of the scheme."""
        if isinstance(record, CaseView):
            self.cases.append(record)
        else:
            self.others.append(record)

    def facets(self) -> list[tuple[str, str]]:
        """Search facets of the page."""
        pairs = [("type", RECORD_TYPE_OF[Program].label), ("program", self.program.title)]
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
    others: list[RecordView] = field(default_factory=list, repr=False)
    """Initiatives of local governments that belong to the group (by 団体区分)."""

    @property
    def count(self) -> int:
        """Records on the group's page: what its search facet counts too."""
        return len(self.cases) + len(self.others)


@dataclass
class KeywordView:
    """A keyword, its cases, and the keywords that appear beside it most often."""

    keyword: Keyword
    cases: list[CaseView] = field(repr=False)
    programs: list[ProgramView] = field(repr=False)
    related: list[Keyword]
    row: str
    others: list[RecordView] = field(default_factory=list, repr=False)
    roadmaps: list[RoadmapView] = field(default_factory=list, repr=False)
    """Roadmaps with a step that names the keyword."""

    @property
    def url(self) -> str:
        """Site path of the page."""
        return url_for("keyword", self.keyword.slug)

    @property
    def count(self) -> int:
        """Records tagged with the keyword (cases, other records, programs): what its search facet counts."""
        return len(self.cases) + len(self.others) + len(self.programs)

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
    roadmaps: list[RoadmapView] = field(default_factory=list, repr=False)
    """Roadmaps with a step that faces the challenge."""

    @property
    def url(self) -> str:
        """Site path of the page."""
        return url_for("challenge", self.challenge.slug)


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
        return url_for("prefecture", self.slug)

    @property
    def count(self) -> int:
        """Records of the prefecture (cases and other initiatives)."""
        return len(self.cases) + len(self.others)


@dataclass
class RegionView:
    """One of the eight regions and its prefectures in code order."""

    name: str
    slug: str
    prefectures: list[PrefectureView]

    @property
    def count(self) -> int:
        """Cases in the region."""
        return sum(p.count for p in self.prefectures)


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
        order = [r for r, _ in GOJUON_ROWS] + ["英数字"]
        return [(r, rows[r]) for r in order if rows.get(r)]

    @property
    def used_keywords(self) -> int:
        """Keywords that at least one record carries."""
        return sum(1 for k in self.keywords if k.count)

    def top_keywords(self, n: int = 10) -> list[KeywordView]:
        """Most used keywords (ties in 五十音 order)."""
        return sorted((k for k in self.keywords if k.count), key=lambda k: (-k.count, gojuon_key(k.keyword.yomi)))[:n]
