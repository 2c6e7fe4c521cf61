"""A reader's first visit: home, a case, a keyword page — visible, linked, offline, no errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sitecheck import ROOT, serve

pytestmark = pytest.mark.browser


class Visit:
    """A page with every request and console error it caused."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _request(self, request: Any) -> None:
        if not request.url.startswith("http://127.0.0.1:"):
            self.outside.append(request.url)

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        return self.page


@pytest.fixture
def visit(browser: Any, built_site: Path):  # type: ignore[no-untyped-def]
    with serve(built_site) as base:
        v = Visit(browser, base)
        yield v
        v.context.close()


def test_home_case_keyword_journey(visit: Visit) -> None:
    page = visit.go("")
    assert page.title().startswith("ホーム")
    assert page.locator("h1").first.inner_text() == "自治体デジタル人材育成 事例集"
    assert page.locator(".cb-card").count() >= 3

    page = visit.go("cases/goka/")
    assert page.locator("h1").first.is_visible()
    assert page.locator("h1").first.inner_text() == "育成レベルに応じたデジタル人材の育成"
    assert "五霞町" in page.locator(".cb-header-card").inner_text()
    page.locator(".cb-header-card .cb-chip", has_text="OJT(職場内訓練)").click()
    page.wait_for_url("**/keywords/ojt/")
    assert page.locator("h1").first.inner_text() == "#OJT(職場内訓練)"
    cards = page.locator(".cb-card__title a")
    assert cards.count() == 4
    cards.filter(has_text="OJTとデジタルワーキングの推進").click()
    page.wait_for_url("**/cases/shonai/")

    assert visit.outside == []
    assert visit.errors == []


def test_phone_width_has_no_horizontal_scroll(browser: Any, built_site: Path) -> None:
    with serve(built_site) as base:
        context = browser.new_context(viewport={"width": 375, "height": 800})
        page = context.new_page()
        for path in ("", "cases/goka/", "keywords/ojt/", "cases/"):
            page.goto(base + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px"
        # The case list keeps the title readable: 区分 and 人口 give way (five columns left it 64 px wide).
        shown = "[...document.querySelector('.cb-cases').rows[1].cells].map(c => Math.round(c.getBoundingClientRect().width))"
        org, kind, population, title, category = page.evaluate(shown)
        assert kind == population == 0 and title >= 150 and min(org, category) > 0
        page.set_viewport_size({"width": 1280, "height": 800})
        assert 0 not in page.evaluate(shown)  # on a wide screen every column is there
        context.close()


def test_print_hides_navigation_and_keeps_keywords(visit: Visit) -> None:
    page = visit.go("cases/goka/")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".cb-chips").first.is_visible()
    assert page.locator(".cb-sources").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def _families(css: str, variable: str) -> list[str]:
    """The font families a custom property of casebook.css names, in order."""
    stack = re.search(rf"{variable}:\s*([^;]+);", css)
    assert stack, f"casebook.css sets no {variable}"
    return [name.strip().strip('"') for name in stack.group(1).split(",")]


def test_japanese_text_is_drawn_with_a_font_the_site_names(visit: Visit) -> None:
    # Without Japanese fonts in the stack the browser looks up a system fallback for each new kanji:
    # the search page's first layout took 60–220 ms longer and its results came later (BENCHMARKS.md).
    css = (ROOT / "generator/casebook/assets/casebook.css").read_text(encoding="utf-8")
    named = _families(css, "--md-text-font") + _families(css, "--md-code-font")
    if not shutil.which("fc-list"):
        pytest.skip("fc-list（fontconfig）がないため、入っている日本語フォントを調べられません")
    listed = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
    installed = {family for line in listed.splitlines() for family in line.split(",")}
    if not installed & set(named):
        pytest.skip(f"この機械にはサイトが指定する日本語フォントがありません（fc-list :lang=ja: {sorted(installed)}）")
    page = visit.go("cases/goka/")
    cdp = visit.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    # Headings, the header card's facts, the sidebar and the footer: each node's own text, as drawn.
    nodes = cdp.send(
        "DOM.querySelectorAll", {"nodeId": root, "selector": "h1, .cb-facts dd, .md-nav__link, .md-copyright p"}
    )
    drawn = [
        {font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
        for node in nodes["nodeIds"]
    ]
    drawn = [families for families in drawn if families]  # hidden nodes draw nothing
    assert len(drawn) >= 10
    strays = sorted(set().union(*drawn) - set(named))
    assert strays == [], f"drawn with fonts the site does not name: {strays}"
