"""Paged lists: at hundreds of cases every list is split into light pages that link to each other."""

from __future__ import annotations

import importlib.util
import posixpath
import re
from pathlib import Path

import pytest

from casebook.paging import PAGE_SIZE, Paging
from casebook.pipeline import make_site
from casebook.render import Page
from casebook.routes import page_url, resolve

ROOT = Path(__file__).resolve().parents[2]
CASES = 2 * PAGE_SIZE + 30


def _scale():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("scale", ROOT / "bench" / "scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Page]:
    project = tmp_path_factory.mktemp("scale")
    _scale().generate(project, CASES)
    site = make_site(project / "cases", project)
    assert site.corpus.errors == []
    return site.pages


def _front(page: Page) -> str:
    return page.markdown.split("---", 2)[1]


def _links(page: Page) -> list[str]:
    return re.findall(r'href="([^"#?]*)', page.markdown)


def test_the_case_list_is_split_into_pages_that_together_hold_every_case(pages: dict[str, Page]) -> None:
    assert [p for p in pages if p.startswith("cases/index") or p.startswith("cases/page/")] == [
        "cases/index.md",
        "cases/page/2.md",
        "cases/page/3.md",
    ]
    rows = [pages[p].markdown.count("<tr><td>") for p in ("cases/index.md", "cases/page/2.md", "cases/page/3.md")]
    assert rows == [PAGE_SIZE, PAGE_SIZE, CASES - 2 * PAGE_SIZE]


def test_later_pages_say_which_page_and_stay_out_of_search(pages: dict[str, Page]) -> None:
    first, second, last = (_front(pages[p]) for p in ("cases/index.md", "cases/page/2.md", "cases/page/3.md"))
    assert 'title: "事例の一覧"' in first and "paging_prev" not in first and 'paging_next: "page/2/"' in first
    assert 'title: "事例の一覧（2/3 ページ）"' in second
    assert 'paging_prev: "../../"' in second and 'paging_next: "../3/"' in second
    assert "paging_next" not in last
    keyword_pages = [p for p in pages if re.fullmatch(r"keywords/[a-z0-9-]+/page/\d+\.md", p)]
    assert keyword_pages, "the most used keywords have more than one page"
    for path in keyword_pages:
        assert "pagefind: true" not in _front(pages[path])
        assert "data-pagefind-filter" not in pages[path].markdown  # facets count the keyword once


def test_every_pager_link_leads_to_a_page_of_the_same_list(pages: dict[str, Page]) -> None:
    checked = 0
    for path, page in pages.items():
        for pager in re.findall(r'<nav class="cb-pager".*?</nav>', page.markdown, re.S):
            for href in re.findall(r'href="([^"]+)"', pager):
                target = posixpath.normpath(posixpath.join(page_url(path), href)) + "/"
                route, here = resolve(target), resolve(page_url(path))
                assert route is not None and here is not None, (path, href)
                assert (route.kind, route.key) == (here.kind, here.key), (path, href)
                checked += 1
    assert checked > 20


def test_a_long_list_shows_where_its_cases_are_with_links_into_search(pages: dict[str, Page]) -> None:
    md = pages["cases/index.md"].markdown
    spread = re.search(r'<div class="cb-spread".*?</div>', md, re.S)
    assert spread is not None
    counts = [int(n.replace(",", "")) for n in re.findall(r'<span class="cb-count">([\d,]+)</span>', spread.group())]
    assert sum(counts) == 2 * CASES  # every case once by 地方 and once by 団体区分
    assert "search/?type=%E4%BA%8B%E4%BE%8B&amp;region=" in spread.group()
    assert "cb-spread" not in pages["cases/page/2.md"].markdown


def test_no_generated_page_grows_with_the_knowledge_base(pages: dict[str, Page]) -> None:
    heaviest = max(pages, key=lambda p: len(pages[p].markdown.encode()))
    # 50 cards or rows at most per page: far below the 300 KB a page may weigh at 5,000 cases.
    assert len(pages[heaviest].markdown.encode()) < 120_000, heaviest


@pytest.mark.parametrize(
    ("number", "count", "window"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
        (10, 10, [1, None, 8, 9, 10]),
    ],
)
def test_page_links_show_the_ends_and_the_neighbourhood(number: int, count: int, window: list[int | None]) -> None:
    assert Paging("cases", None, number, count, count * 50, 50).window() == window


def test_every_timeline_page_leads_to_where_each_year_starts(pages: dict[str, Page]) -> None:
    # Thousands of events over dozens of pages: a reader jumps to a year, not through page after page.
    timeline = sorted((path for path in pages if path.startswith("timelines/")), key=lambda p: (len(p), p))
    assert len(timeline) >= 2
    first_page: dict[str, str] = {}  # year → the address of the page where its heading first appears
    for path in timeline:
        for year in re.findall(r'<h2 id="y(\d{4})"', pages[path].markdown):
            first_page.setdefault(year, page_url(path))
    for path in timeline:
        nav = re.search(r'<nav class="cb-years" aria-label="年で移動"[^>]*>(.*?)</nav>', pages[path].markdown)
        assert nav is not None, path
        links = {year: href for href, year in re.findall(r'<a href="([^"]*)#y(\d{4})">\d{4}</a>', nav[1])}
        assert set(links) == set(first_page)
        for year, href in links.items():
            target = posixpath.normpath(posixpath.join(page_url(path), href)) + "/"
            assert target == first_page[year], (path, year, href)


def test_a_long_comparison_goes_from_small_to_large_and_leads_to_where_each_size_starts(pages: dict[str, Page]) -> None:
    # At thousands of cases one question's answers fill dozens of pages and the filter reaches one page: the
    # answers come one 人口規模 after another, and every page links to where each size begins.
    question = sorted((p for p in pages if re.fullmatch(r"compare/difficulty(/page/\d+)?\.md", p)), key=len)
    assert len(question) >= 2
    order: list[str] = []  # each answer's 人口規模, in page order
    first_page: dict[str, str] = {}  # a size's anchor → the address of the page its first answer is on
    for path in question:
        for anchor, band in re.findall(
            r'<tr(?: id="([^"]+)")? data-kind="[^"]*" data-band="([^"]*)"', pages[path].markdown
        ):
            order.append(band)
            if anchor:
                first_page.setdefault(anchor, page_url(path))
    runs = [band for at, band in enumerate(order) if at == 0 or band != order[at - 1]]
    assert len(runs) == len(set(runs)) > 2  # one size after another, never back
    assert [int(a.rsplit("-", 1)[1]) for a in first_page] == sorted(int(a.rsplit("-", 1)[1]) for a in first_page)
    for path in question:
        nav = re.search(r'<nav class="cb-years" aria-label="人口規模で移動"[^>]*>(.*?)</nav>', pages[path].markdown)
        assert nav is not None, path
        links = re.findall(r'<a href="([^"]*)#([^"]+)">', nav[1])
        assert {anchor for _, anchor in links} == set(first_page)
        for href, anchor in links:
            target = posixpath.normpath(posixpath.join(page_url(path), href)) + "/"
            assert target == first_page[anchor], (path, anchor, href)
