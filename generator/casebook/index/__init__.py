"""Index stage: everything the pages show that is computed, not typed (counts, order, related cases).

`views` (a record or term as pages show it), `order` (五十音, 団体コード), `related` (similar cases),
`groups` (terms, places, sizes, frameworks), `roadmaps` (roadmaps and the timeline), `build` (all of it).
"""

from casebook.index.build import build_index
from casebook.index.groups import keyword_counts
from casebook.index.order import gojuon_key, gojuon_row
from casebook.index.roadmaps import RecordLink, RoadmapView, timeline_entries
from casebook.index.views import (
    FREQUENT,
    INITIATIVE_KINDS,
    KIND_SLUGS,
    CaseView,
    Group,
    KeywordView,
    ProgramView,
    RecordView,
    SiteIndex,
)

__all__ = [
    "FREQUENT",
    "INITIATIVE_KINDS",
    "KIND_SLUGS",
    "CaseView",
    "Group",
    "KeywordView",
    "ProgramView",
    "RecordLink",
    "RecordView",
    "RoadmapView",
    "SiteIndex",
    "build_index",
    "gojuon_key",
    "gojuon_row",
    "keyword_counts",
    "timeline_entries",
]
