"""Long lists in pages: split into numbered pages, with a summary of where their cases are.

Hugo's taxonomy pagination is the model: page 1 keeps the list's address, page n is `…/page/n/`,
every page links the first, the last and its neighbours, and only page 1 is in search.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from casebook.index import CaseView
from casebook.municipality import REGIONS, OrgKind
from casebook.pagespec import Context, PageSpec
from casebook.routes import search_url, url_for

T = TypeVar("T")


PAGE_SIZE = 50
"""Cards or rows per page of a long list: a page stays well under 300 KB at any size of the knowledge base."""


@dataclass(frozen=True)
class Paging:
    """Where one page sits in a paged list: its number, how many pages, which items it shows."""

    kind: str
    key: str | None
    number: int
    count: int
    total: int
    size: int

    @property
    def first(self) -> int:
        """Position (1-based) of the page's first item in the whole list."""
        return (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        """Position of the page's last item."""
        return min(self.number * self.size, self.total)

    @property
    def paged(self) -> bool:
        """More than one page."""
        return self.count > 1

    def url(self, number: int) -> str:
        """Address of another page of the same list."""
        return url_for(self.kind, self.key, number)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: first, last and those near this one; None where numbers are left out."""
        near = range(max(1, self.number - around), min(self.count, self.number + around) + 1)
        out: list[int | None] = []
        for n in sorted({1, self.count, *near}):
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


Items = list[T] | Callable[[], list[T]]


def paged(
    kind: str,
    key: str | None,
    template: str,
    items: Items[T],
    data: Callable[[list[T], Paging], Context],
    *,
    total: int | None = None,
    source: str | None = None,
    size: int = PAGE_SIZE,
) -> Iterator[PageSpec]:
    """One page per `size` items (at least one, so an empty list still has its page).

    `items` may be a function, with `total` given: the list is then made only when a page is rendered.
    """
    count_of = len(items) if isinstance(items, list) else total
    assert count_of is not None, "a lazy list needs its total"
    pages = max(1, -(-count_of // size))
    for number in range(1, pages + 1):
        paging = Paging(kind, key, number, pages, count_of, size)
        yield PageSpec(kind, key, template, functools.partial(_page_data, items, paging, data), source, number)


def _page_data(items: Items[T], paging: Paging, data: Callable[[list[T], Paging], Context]) -> Context:
    whole = items if isinstance(items, list) else items()
    return data(whole[paging.first - 1 : paging.last], paging)


def listing(**data: object) -> Callable[[list[Any], Paging], Context]:
    """Page data of a paged list of cards: the fixed data, this page's `cards`, and its `paging`."""
    return lambda cards, paging: {**data, "cards": cards, "paging": paging}


Spread = list[tuple[str, list[tuple[str, int, str]]]]


def spread(cases: list[CaseView], facet: str, value: str) -> Spread:
    """How a long list's cases fall by 地方 and by 団体区分, each with a search address that selects them."""
    by_region = Counter(v.region for v in cases)
    by_kind = Counter(v.case.organization.kind.value for v in cases)
    regions = [r for r, _slug, _codes in REGIONS if by_region[r]]
    kinds = [k.value for k in OrgKind if by_kind[k.value]]
    return [
        ("地方", [(r, by_region[r], search_url((facet, value), ("region", r))) for r in regions]),
        ("団体区分", [(k, by_kind[k], search_url((facet, value), ("kind", k))) for k in kinds]),
    ]
