"""What a page of the site is: its kind and key (which decide its address), template and data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from casebook.routes import source_path, url_for

Context = Mapping[str, object]


def _nothing() -> Context:
    return {}


@dataclass(frozen=True)
class PageSpec:
    """One page: its kind and key (which decide its address), its template and its data."""

    kind: str
    key: str | None
    template: str
    context: Callable[[], Context] = field(default=_nothing, compare=False)
    """The template's data, computed when the page is rendered (not when the list is made)."""
    source: str | None = None
    """The record file the page shows, for edit links and for re-rendering it alone on save."""
    page: int = 1
    """Which page of a paged list."""

    @property
    def url(self) -> str:
        """Site address (`cases/goka/`)."""
        return url_for(self.kind, self.key, self.page)

    @property
    def path(self) -> str:
        """File under docs/ (`cases/goka.md`)."""
        return source_path(self.url)
