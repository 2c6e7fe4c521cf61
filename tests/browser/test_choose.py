"""Choosing cases: pick them on any list, compare them side by side, print what you chose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitecheck import serve

pytestmark = pytest.mark.browser


@pytest.fixture
def tab(browser: Any, built_site: Path) -> Iterator[tuple[Any, str]]:
    with serve(built_site, "/kb/") as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, base
        context.close()
        assert errors == []


def test_two_chosen_cases_are_compared_side_by_side_and_the_choice_survives_a_reload(tab: tuple[Any, str]) -> None:
    page, base = tab
    page.goto(base + "keywords/ojt/")
    picks = page.locator(".cb-card .cb-pick")
    assert picks.count() >= 2
    picks.nth(0).click()
    assert (
        page.get_by_role("link", name="並べて比べる").get_attribute("aria-disabled") == "true"
    )  # one is not a comparison
    picks.nth(1).click()
    page.reload()
    assert page.locator(".cb-tray [role=status]").inner_text() == "選んだ事例 2 件"
    assert page.locator(".cb-card .cb-pick[aria-pressed=true]").count() == 2
    page.get_by_role("link", name="並べて比べる").click()
    table = page.locator(".cb-chosen__table")
    table.wait_for()
    assert table.locator("thead th").count() == 3  # 項目 + the two cases
    labels = table.locator("tbody th").all_inner_texts()
    assert "団体区分" in labels and "概要" in labels and any(label.startswith("①") for label in labels)


def test_a_keyword_list_prints_its_cases_without_related_cards(tab: tuple[Any, str]) -> None:
    page, base = tab
    page.goto(base + "keywords/ojt/")
    cards = page.locator(".cb-card").count()
    page.get_by_role("link", name="この一覧を印刷用にまとめる").click()
    # A locator waits across the navigation (a page function would run on the list page first and fail there).
    page.locator("[data-print] [role=status]", has_text="まとめました").wait_for()
    assert page.locator(".cb-print-case").count() == cards
    assert page.locator(".cb-print-case h2", has_text="関連する事例").count() == 0
    assert page.locator(".cb-print-case .cb-sources").count() == cards  # every printed case keeps its sources
    page.emulate_media(media="print")  # on paper: the cases, not the page's words about printing
    assert not page.locator("[data-print] [role=status]").is_visible()
    assert not page.locator(".cb-print-intro").is_visible()
    assert page.locator(".cb-print-case").first.is_visible()


def test_a_single_case_prints_without_related_cards(tab: tuple[Any, str]) -> None:
    page, base = tab
    page.goto(base + "cases/goka/")
    page.emulate_media(media="print")
    assert not page.locator("h2#関連する事例").is_visible()
    assert not page.locator(".cb-pick").first.is_visible()
    assert page.locator(".cb-sources").is_visible()


def test_the_print_page_refuses_a_list_from_another_origin(tab: tuple[Any, str]) -> None:
    page, base = tab
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "print/?from=https://example.com/keywords/ojt/")
    page.wait_for_function("document.querySelector('[data-print] [role=status]').textContent.length > 0")
    assert not [u for u in requests if not u.startswith(base.split("/kb/")[0])]
    assert page.locator(".cb-print-case").count() == 0


SIDE_BY_SIDE = """() => {
    const box = document.querySelector('.cb-chosen__table').parentElement;
    const edges = (el) => { const r = el.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right)]; };
    const cells = [...document.querySelector('.cb-chosen__table').rows[1].cells];
    return {box: edges(box), cells: cells.map(edges), scrolls: box.scrollWidth > box.clientWidth};
}"""
"""Where the box of the compare table and the cells of its first body row sit on screen."""


@pytest.mark.parametrize("width", [1280, 390])
def test_three_chosen_cases_are_all_in_view_or_keep_their_labels_in_view(tab: tuple[Any, str], width: int) -> None:
    # Long titles and row labels once set the column widths, so at 1280 px only one of three cases showed,
    # and on a phone a sideways scroll took the labels away with it.
    page, base = tab
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "compare/chosen/?c=goka&c=shonai&c=matsumoto")
    page.locator(".cb-chosen__table").wait_for()
    seen = page.evaluate(SIDE_BY_SIDE)
    (left, right), cells = seen["box"], seen["cells"]
    if width == 1280:
        assert not seen["scrolls"] and all(left <= a and b <= right for a, b in cells), seen
    else:
        page.evaluate("document.querySelector('.cb-chosen__table').parentElement.scrollLeft = 250")
        label = page.evaluate(SIDE_BY_SIDE)["cells"][0]
        assert seen["scrolls"] and label[0] == left, (seen, label)  # the label column stayed at the left edge


def test_the_tray_leaves_room_for_the_end_of_the_page_on_a_phone(tab: tuple[Any, str]) -> None:
    # The tray sits fixed at the bottom; at the end of the page the footer (sources, licence) must clear it.
    page, base = tab
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "keywords/ojt/")
    page.locator(".cb-card .cb-pick").first.click()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = page.evaluate("document.querySelector('.md-footer').getBoundingClientRect().bottom")
    tray = page.evaluate("document.querySelector('.cb-tray').getBoundingClientRect().top")
    assert footer <= tray, (footer, tray)
    page.get_by_role("button", name="選択を解除").click()
    assert page.evaluate("getComputedStyle(document.body).paddingBottom") == "0px"


def test_a_print_of_the_first_cases_of_a_longer_search_result_says_so(tab: tuple[Any, str]) -> None:
    # The search page sends at most 100 cases, with `cut` when more were found (casebook.js).
    page, base = tab
    page.goto(base + "print/?c=goka&c=shonai&cut=1")
    status = page.locator("[data-print] [role=status]", has_text="まとめました")
    status.wait_for()
    assert "2 件の事例をまとめました。一覧の先頭の 100 件です（まとめられるのは 100 件まで）。" in status.inner_text()
    page.goto(base + "print/?c=goka&c=shonai")
    status.wait_for()
    assert "先頭" not in status.inner_text()
