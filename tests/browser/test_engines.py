"""ProperDocs' and Zensical's sites in a browser (issue 17): offline, the same search results, axe clean.

The MkDocs site has the full browser suite; these repeat its gates on the other engines' builds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from browser.test_quality import AXE, _tool
from browser.test_search import QUERIES, SearchPage
from sitecheck import cut_off, page_types, serve

pytestmark = pytest.mark.browser

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
        found = {}
        for query, _expected in SAMPLE:
            page = search.open(f"?q={quote(query)}")
            found[query] = (search.results()[:5], sorted(page.evaluate(PAGEFIND_URLS, [base, query])))
        search.context.close()
    assert search.outside == [] and search.errors == []
    return found


@pytest.fixture(scope="module")
def mkdocs_results(browser: Any, built_site: Path) -> dict[str, tuple[list[str], list[str]]]:
    return _results(browser, built_site)


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


@pytest.fixture
def engine_page(browser: Any, engine_site: Path) -> Iterator[tuple[Any, str, list[str]]]:
    """A page on the served engine site that can reach only the site's own origin (and what it tried)."""
    with serve(engine_site) as base:
        context = browser.new_context()
        outside = cut_off(context, base.rstrip("/"))
        yield context.new_page(), base, outside
        context.close()


def test_engine_site_makes_no_outside_request(engine_page: tuple[Any, str, list[str]]) -> None:
    page, base, outside = engine_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    for path in page_types():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert outside == []
    assert errors == []


def test_engine_site_has_no_serious_accessibility_violation(engine_page: tuple[Any, str, list[str]]) -> None:
    page, base, _outside = engine_page
    axe = _tool(AXE).read_text(encoding="utf-8")
    problems = []
    for url in page_types():
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(content=axe)
        result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
        problems += [
            f"{url}: {v['id']} ({v['impact']}) {v['help']}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert problems == []
