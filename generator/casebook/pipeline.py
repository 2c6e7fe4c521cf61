"""The pipeline: load → validate → index → pages, one call for every caller (DESIGN §2).

The MkDocs plugin, `casebook build`, `mkdocs serve`, the benchmarks and the tests all make a site
through `make_site`, so no caller can skip or reorder a stage. Pure apart from reading `cases/`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from casebook.index import SiteIndex, build_index
from casebook.render import Page, render_assets, render_site
from casebook.validate import Corpus, RecordCache, check


@dataclass(frozen=True)
class Site:
    """What the pipeline made: the checked corpus and, when it has no errors, the index and the pages."""

    corpus: Corpus
    index: SiteIndex | None = None
    pages: dict[str, Page] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No errors: the pages are the whole site."""
        return self.index is not None

    def assets(self, site_url: str = "", site_name: str = "casebook") -> dict[str, str]:
        """The non-page files (search vocabulary, feed) of a site without errors."""
        assert self.index is not None, "a site with errors has no assets"
        return render_assets(self.index, site_url, site_name)


def make_site(
    cases: Path,
    cwd: Path | None = None,
    *,
    cache: RecordCache | None = None,
    only: Collection[str] | Callable[[str], bool] | None = None,
    processes: int = 1,
) -> Site:
    """Check the records under `cases`; when nothing is wrong, index them and render the pages.

    `only` renders just those page paths (the rest of the site is known but not rendered);
    `processes` > 1 renders in forked workers (see `render.render_site`).
    """
    corpus = check([cases], cwd=cwd, cache=cache)
    if corpus.errors:
        return Site(corpus)
    index = build_index(corpus)
    return Site(corpus, index, render_site(index, only, processes=processes))
