"""Building the index: resolve every reference once and compute every cross-index (pure: no I/O)."""

from __future__ import annotations

from collections import defaultdict

from casebook.dates import parse_date
from casebook.index.groups import (
    bands,
    by_slug,
    challenges_of,
    frameworks,
    keyword_views,
    keywords_of,
    regions,
)
from casebook.index.order import case_order, gojuon_key, other_order
from casebook.index.related import link_related
from casebook.index.roadmaps import build_roadmaps
from casebook.index.views import (
    KIND_SLUGS,
    OTHER_KINDS,
    CaseView,
    ChallengeView,
    Group,
    ProgramView,
    RecordView,
    SiteIndex,
)
from casebook.models import Case, Program
from casebook.municipality import PREFECTURE_SLUGS, PREFECTURES, population_band, region_of
from casebook.routes import url_for
from casebook.taxonomy import Taxonomy
from casebook.validate import Corpus, Entry


def build_index(corpus: Corpus) -> SiteIndex:
    """Resolve references and compute every cross-index (pure: no I/O)."""
    tax = corpus.taxonomy
    programs = {
        e.id: ProgramView(e.id, e.path, e.record, keywords_of(corpus, e), challenges_of(corpus, e))  # type: ignore[arg-type]
        for e in corpus.of_type(Program)
    }
    cases = sorted((_case_view(corpus, e, programs) for e in corpus.of_type(Case)), key=case_order)
    link_related(cases)
    others = _other_views(corpus, programs)
    records: list[CaseView | RecordView] = [*cases, *others]
    for record in records:
        for program in record.programs:
            program.add(record)
    program_views = list(programs.values())
    keywords = keyword_views(tax.keywords, cases, program_views)
    others_by_keyword = by_slug(others, lambda o: o.keywords)
    for kv in keywords:
        kv.others = others_by_keyword.get(kv.keyword.slug, [])
    challenges = _challenge_views(tax, cases, program_views, others)
    groups: dict[str, list[ChallengeView]] = defaultdict(list)
    for cv in challenges:
        groups[cv.challenge.group].append(cv)
    index = SiteIndex(
        cases=cases,
        programs=sorted(program_views, key=lambda p: gojuon_key(p.program.yomi)),
        keywords=keywords,
        categories=_categories(tax, cases),
        challenges=challenges,
        challenge_groups=list(groups.items()),
        regions=regions(cases, others),
        kinds=_kinds(cases, others),
        bands=bands(cases),
        newest=sorted(cases, key=lambda c: (c.updated.first_day(), c.id), reverse=True)[:6],
        sources={s.id: s for s in tax.sources},
        others=others,
        frameworks=frameworks(corpus, cases),
    )
    index.roadmaps = build_roadmaps(corpus, index)
    _link_roadmaps(index)
    return index


def _case_view(corpus: Corpus, e: Entry, programs: dict[str, ProgramView]) -> CaseView:
    case: Case = e.record  # type: ignore[assignment]  # of_type(Case) holds only cases
    org = case.organization
    region, region_slug = region_of(org.prefecture)
    category = corpus.taxonomy.category(case.category)
    assert category is not None  # guaranteed by validate
    return CaseView(
        id=e.id,
        path=e.path,
        case=case,
        keywords=keywords_of(corpus, e),
        category=category,
        challenges=challenges_of(corpus, e),
        programs=[programs[p] for p in case.programs if p in programs],
        region=region,
        region_slug=region_slug,
        prefecture_slug=PREFECTURE_SLUGS[PREFECTURES.index(org.prefecture)],
        kind_slug=KIND_SLUGS[org.kind],
        band=population_band(org.kind, org.population.value) if org.population else None,
        published=parse_date(case.published),
        updated=parse_date(case.updated),
    )


def _other_views(corpus: Corpus, programs: dict[str, ProgramView]) -> list[RecordView]:
    others = [
        RecordView(
            e.id,
            e.path,
            e.record,  # type: ignore[arg-type]  # of_type(kind) holds only that kind
            keywords_of(corpus, e),
            challenges_of(corpus, e),
            [programs[p] for p in e.record.programs if p in programs],
        )
        for kind in OTHER_KINDS
        for e in corpus.of_type(kind)
    ]
    kinds = list(OTHER_KINDS)
    return sorted(others, key=lambda o: (kinds.index(type(o.record)), o.prefecture is None, other_order(o), o.id))


def _challenge_views(
    tax: Taxonomy, cases: list[CaseView], programs: list[ProgramView], others: list[RecordView]
) -> list[ChallengeView]:
    cases_by = by_slug(cases, lambda c: c.challenges)
    programs_by = by_slug(programs, lambda p: p.challenges)
    others_by = by_slug(others, lambda o: o.challenges)
    return [
        ChallengeView(ch, cases_by.get(ch.slug, []), programs_by.get(ch.slug, []), others_by.get(ch.slug, []))
        for ch in tax.challenges
    ]


def _categories(tax: Taxonomy, cases: list[CaseView]) -> list[Group]:
    by_category = defaultdict(list)
    for v in cases:
        by_category[v.category.slug].append(v)
    return [
        Group(c.label, c.slug, by_category[c.slug], c.yomi, c.description, url_for("category", c.slug))
        for c in tax.categories
    ]


def _kinds(cases: list[CaseView], others: list[RecordView]) -> list[Group]:
    """One group per 団体区分: its cases and the initiatives of local governments of that kind."""
    return [
        Group(
            kind.value,
            slug,
            [v for v in cases if v.case.organization.kind is kind],
            url=url_for("size", slug),
            others=[o for o in others if o.org_kind is kind],
        )
        for kind, slug in KIND_SLUGS.items()
    ]


def _link_roadmaps(index: SiteIndex) -> None:
    """Each keyword and challenge learns the roadmaps whose steps name it (its page links them)."""
    keywords = {kv.keyword.slug: kv for kv in index.keywords}
    challenges = {cv.challenge.slug: cv for cv in index.challenges}
    for rm in index.roadmaps:
        steps = [step for stage in rm.stages for step in stage.steps]
        for slug in dict.fromkeys(k.slug for step in steps for k in step.keywords):
            keywords[slug].roadmaps.append(rm)
        for slug in dict.fromkeys(c.slug for step in steps for c in step.challenges):
            challenges[slug].roadmaps.append(rm)
