"""Roadmaps and the timeline: records cited step by step, and every dated event side by side."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from casebook.dates import PartialDate, parse_date
from casebook.index.views import ProgramView, SiteIndex
from casebook.models import Challenge, Keyword, Roadmap, RoadmapStage, RoadmapStep
from casebook.routes import url_for
from casebook.validate import Corpus


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
        return url_for("roadmap", self.id)

    @property
    def step_count(self) -> int:
        """Steps in all stages."""
        return sum(len(s.steps) for s in self.stages)

    def facets(self) -> list[tuple[str, str]]:
        """Search facets of the page: its type and the terms its steps use."""
        steps = [step for stage in self.stages for step in stage.steps]
        pairs = [("type", "ロードマップ")]
        pairs += [("keyword", k.label) for s in steps for k in s.keywords]
        pairs += [("challenge", c.label) for s in steps for c in s.challenges]
        pairs += [("program", p.program.title) for s in steps for p in s.programs]
        return list(dict.fromkeys(pairs))


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


def timeline_events(index: SiteIndex) -> list[TimelineEntry]:
    """Every dated event of every case and initiative, oldest first."""
    links = record_links(index)
    entries: list[TimelineEntry] = []
    for view in index.cases:
        entries += [TimelineEntry(parse_date(e.date), e.event, links[view.id]) for e in view.case.timeline]
    for other in index.others:
        for e in getattr(other.record, "timeline", []):
            entries.append(TimelineEntry(parse_date(e.date), e.event, links[other.id]))
    entries.sort(key=lambda t: (t.date.first_day(), t.record.id))
    return entries


def timeline_entries(index: SiteIndex) -> list[tuple[int, list[TimelineEntry]]]:
    """The same events grouped by year (of their first day)."""
    years: dict[int, list[TimelineEntry]] = defaultdict(list)
    for t in timeline_events(index):
        years[t.date.first_day().year].append(t)
    return sorted(years.items())
