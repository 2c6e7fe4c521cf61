"""Zensical's site in a browser (issue 17): offline, the same search results, axe clean.

The MkDocs site has the full browser suite; these repeat its gates on Zensical's build, whose theme
renders the pages differently. ProperDocs needs no visit: it writes MkDocs's very files (tests/test_engines.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from browser.test_quality import visit_every_page_type
from browser.test_search import QUERIES, SearchPage
from sitecheck import serve

pytestmark = pytest.mark.browser

ZENSICAL_ONLY = pytest.mark.parametrize("engine_site", ["zensical"], indirect=True)
"""ProperDocs writes byte for byte the files MkDocs writes (tests/test_engines.py), so only Zensical's site is visited."""

SAMPLE = QUERIES[::4]
"""A handful of the search suite's queries (kanji, katakana, place names, people)."""


PAGEFIND_URLS = """async ([base, q]) => {
    const pagefind = await import(base + 'pagefind/pagefind.js');
    const found = await pagefind.search(q);
    return Promise.all(found.results.map(async (r) => (await r.data()).url));
}"""
"""Every page Pagefind itself finds for a query (its JS API, without the search page's ranking)."""


def _results(browser: Any, site: Path) -> dict[str, tuple[list[str], list[str]]]:
    """For each sampled query: the search page's top five, and every URL Pagefind finds (sorted)."""
    with serve(site) as base:
        search = SearchPage(browser, base)
        page = search.open()
        found = {}
        for query, _expected in SAMPLE:  # typed into the one open page, as the search suite does
            found[query] = (search.type_query(query)[:5], sorted(page.evaluate(PAGEFIND_URLS, [base, query])))
        search.context.close()
    assert search.outside == [] and search.errors == []
    return found


@pytest.fixture(scope="module")
def mkdocs_results(browser: Any, built_site: Path) -> dict[str, tuple[list[str], list[str]]]:
    return _results(browser, built_site)


@ZENSICAL_ONLY
def test_engine_search_finds_the_same_records(
    browser: Any, engine_site: Path, mkdocs_results: dict[str, tuple[list[str], list[str]]]
) -> None:
    # The index holds the same fragments (tests/test_engines.py) but in another order (MkDocs indexes
    # pages as it writes them, the others after the build), so results of equal score may swap places:
    # the same records must be found, and the search suite's criterion (expected in the top five) hold.
    assert len(SAMPLE) >= 5
    found = _results(browser, engine_site)
    assert [q for q, expected in SAMPLE if expected not in found[q][0]] == []
    assert {q: every for q, (_top, every) in found.items()} == {q: every for q, (_top, every) in mkdocs_results.items()}
    # (readings such as おーじぇーてぃー are found through casebook's vocabulary, not by Pagefind alone)
    assert sum(1 for _top, every in found.values() if every) >= 5


SHELLS = [
    "",
    "cases/",
    "cases/goka/",
    "keywords/ojt/",
    "compare/matrix/",
    "search/?q=研修",
    "propose/",
    "publish/",
    "404.html",
]
"""A page of each kind of Zensical shell: home, a list, a record, a taxonomy page, a wide table, the search page,
the form, a hand-written page with code (which Zensical highlights), the 404. Every page's content is the
MkDocs site's markup (tests/test_engines.py), which the MkDocs gates check on every page type."""


@ZENSICAL_ONLY
def test_engine_site_works_offline_and_meets_wcag_aa(browser: Any, engine_site: Path) -> None:
    # The MkDocs site's gates (test_quality.py) on Zensical's shells: nothing outside the origin is even
    # attempted, no script error, no serious axe-core violation.
    found = visit_every_page_type(browser, engine_site, urls=SHELLS)
    assert found == {"outside": [], "errors": [], "scheme": [], "violations": []}
