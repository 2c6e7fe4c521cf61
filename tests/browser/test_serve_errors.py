"""An open page under `mkdocs serve --dirty` (`make serve`) turns into the list of problems when a record
breaks, and back into the page when it is fixed, without the reader reloading anything."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from sitecheck import copy_project, mkdocs_serve

pytestmark = pytest.mark.browser


def _open(page: Any, url: str, seconds: float) -> None:
    start = time.monotonic()
    while True:  # the server needs a moment for its first build
        try:
            page.goto(url)
            return
        except Exception:
            if time.monotonic() - start > seconds:
                raise
            time.sleep(0.5)


def test_an_open_page_shows_the_problems_and_comes_back_when_fixed(browser: Any, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    goka = project / "cases" / "municipal" / "goka.yaml"
    good = goka.read_text(encoding="utf-8")
    with mkdocs_serve(project, tmp_path / "serve.log", "--dirty") as base:
        page = browser.new_page()
        try:
            _open(page, f"{base}cases/goka/", 60)
            page.wait_for_selector("h1:has-text('育成レベルに応じたデジタル人材の育成')")

            goka.write_text(good.replace("title: 育成レベルに応じた", "title: [育成レベルに応じた"), encoding="utf-8")
            page.wait_for_selector("h1:has-text('サイトを更新できません')", timeout=30_000)
            assert "cases/municipal/goka.yaml:" in page.inner_text("ol")

            # Two problems, then one of them fixed: the open list follows each save, not only the last one.
            two = good.replace('code: "085421"', 'code: "085422"').replace("plans-and-systems", "no-such-category", 1)
            goka.write_text(two, encoding="utf-8")
            page.wait_for_selector("h1:has-text('（2 件）')", timeout=30_000)
            goka.write_text(two.replace('code: "085422"', 'code: "085421"'), encoding="utf-8")
            page.wait_for_selector("h1:has-text('（1 件）')", timeout=30_000)
            assert "no-such-category" in page.inner_text("ol") and "085422" not in page.inner_text("ol")

            goka.write_text(good.replace("title: 育成レベルに応じた", "title: 直した"), encoding="utf-8")
            page.wait_for_selector("h1:has-text('直したデジタル人材の育成')", timeout=30_000)
            assert page.url == f"{base}cases/goka/"
        finally:
            page.close()
