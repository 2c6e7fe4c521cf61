"""Roadmaps remember their checkboxes; the map links to prefectures; comparison filters work."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casebook.index import build_index
from casebook.validate import check
from sitecheck import ROOT, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def index():  # type: ignore[no-untyped-def]
    return build_index(check([ROOT / "cases"]))


@pytest.fixture
def page(browser: Any, built_site: Path) -> Iterator[tuple[Any, str]]:
    with serve(built_site) as base:
        context = browser.new_context()
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        yield tab, base
        context.close()
        assert errors == []


def test_roadmap_checkbox_survives_a_reload(page: tuple[Any, str], index) -> None:  # type: ignore[no-untyped-def]
    tab, base = page
    assert len(index.roadmaps) >= 3
    roadmap = index.roadmaps[0]
    tab.goto(base + roadmap.url)
    progress = tab.locator(".cb-roadmap__progress")
    assert progress.inner_text() == f"0 / {roadmap.step_count} ステップ完了"
    first = tab.locator(".cb-step__check").first
    first.check()
    assert progress.inner_text() == f"1 / {roadmap.step_count} ステップ完了"
    tab.reload()
    assert tab.locator(".cb-step__check").first.is_checked()
    assert tab.locator(".cb-roadmap__progress").inner_text() == f"1 / {roadmap.step_count} ステップ完了"
    # A finished step starts folded and opens again on request.
    toggle = tab.locator(".cb-step__toggle").first
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert tab.locator(".cb-step__body").first.is_visible()
    tab.locator(".cb-roadmap__reset").click()
    tab.reload()
    assert not tab.locator(".cb-step__check").first.is_checked()


def test_roadmap_headings_are_in_order_and_print_shows_every_step(page: tuple[Any, str], index) -> None:  # type: ignore[no-untyped-def]
    tab, base = page
    roadmap = index.roadmaps[0]
    tab.goto(base + roadmap.url)
    levels = tab.eval_on_selector_all("article h1, article h2, article h3", "els => els.map(e => Number(e.tagName[1]))")
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    tab.locator(".cb-step__check").first.check()
    tab.reload()
    tab.emulate_media(media="print")
    assert tab.locator(".cb-step__body").first.is_visible()
    assert not tab.locator(".md-header").is_visible()


def test_every_map_link_opens_its_prefecture(page: tuple[Any, str], index) -> None:  # type: ignore[no-untyped-def]
    tab, base = page
    tab.goto(base + "overview/")
    links = tab.eval_on_selector_all(
        ".cb-map a",
        "els => els.map(a => [a.getAttribute('aria-label'), new URL(a.getAttribute('href'), location.href).href])",
    )
    # 「宮城 1件（宮城県）」: the visible text first (WCAG 2.5.3 label in name), the full name after.
    names = {label.rsplit("（", 1)[1].rstrip("）") for label, _ in links}
    assert names == {p.name for p in index.prefectures}
    visible = tab.eval_on_selector_all(
        ".cb-map a", "els => els.map(a => [...a.querySelectorAll('text')].map(t => t.textContent).join(' '))"
    )
    assert all(label.startswith(text) for (label, _), text in zip(links, visible, strict=True)), (links, visible)
    for label, href in links:
        response = tab.request.get(href)
        assert response.status == 200, href
        assert label.rsplit("（", 1)[1].rstrip("）") in response.text()
    tab.locator(".cb-map a").first.click()
    assert "/prefectures/" in tab.url


def test_comparison_filters_show_only_matching_rows(page: tuple[Any, str], index) -> None:  # type: ignore[no-untyped-def]
    tab, base = page
    tab.goto(base + "compare/difficulty/")
    rows = tab.locator(".cb-compare__table tbody tr")
    total = rows.count()
    towns = [
        v
        for v in index.cases
        if v.case.interview and v.case.interview.difficulty and v.case.organization.kind.value == "町"
    ]
    tab.select_option("select[data-filter=kind]", "町")
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == len(towns) < total
    assert all(r.get_attribute("data-kind") == "町" for r in visible)
    assert "kind=" in tab.url
    tab.reload()
    assert tab.locator("select[data-filter=kind]").input_value() == "町"
    tab.select_option("select[data-filter=kind]", "")
    assert len([r for r in rows.all() if r.is_visible()]) == total


def test_a_paged_comparison_says_the_filter_is_this_pages_and_carries_it_to_the_next(page) -> None:  # type: ignore[no-untyped-def]
    # The bundled records fill one page; a paged comparison (over 50 answers) is made by adding the
    # list's page links to the served page, as the build writes them.
    tab, base = page
    pager = '<nav class="cb-pager" aria-label="ページ送り"><ul><li><a href="page/2/" rel="next">2</a></li></ul></nav>'

    def paged(route):  # type: ignore[no-untyped-def]
        html = route.fetch().text()
        route.fulfill(body=html.replace("</article>", pager + "</article>", 1), content_type="text/html")

    tab.route(base + "compare/difficulty/", paged)
    tab.goto(base + "compare/difficulty/")
    rows = tab.locator(".cb-compare__table tbody tr").count()
    tab.select_option("select[data-filter=kind]", "町")
    shown = len([r for r in tab.locator(".cb-compare__table tbody tr").all() if r.is_visible()])
    assert tab.locator(".cb-compare__count").inner_text() == f"このページの {rows} 件のうち {shown} 件"
    assert tab.locator(".cb-pager a").get_attribute("href").endswith("page/2/?kind=%E7%94%BA")
