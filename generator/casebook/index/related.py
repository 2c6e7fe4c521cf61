"""Related cases: shared keywords first, then the closest in population."""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict

from casebook.index.views import RELATED_MAX, CaseView

COMMON_KEYWORD = 300
"""A keyword on more cases than this says little about similarity; it is left out of relatedness."""


def link_related(cases: list[CaseView]) -> None:
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
