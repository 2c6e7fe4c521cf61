"""Offline proof: every page type loads with every request outside the site's own origin blocked,
and none is even attempted (no fonts, no CDN, no analytics)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casebook.index import build_index
from casebook.validate import check
from sitecheck import ROOT, serve

pytestmark = pytest.mark.browser


def page_types() -> list[str]:
    index = build_index(check([ROOT / "cases"]))
    kinds = [
        "", "cases/", index.cases[0].url, index.programs[0].url, "programs/", "keywords/", index.keywords[0].url,
        "challenges/", index.challenges[0].url, "regions/", index.prefectures[0].url, "sizes/", "categories/",
        index.categories[0].url, "initiatives/", "voices/", "search/?q=研修", "roadmaps/", "compare/", "compare/effect/",
        "compare/matrix/", "timelines/", "overview/", "frameworks/", "updates/", "data/", "print/", "about/", "publish/",
    ]  # fmt: skip
    kinds += [o.url for o in index.others[:1]] + [o.url for o in index.others if o.kind_label == "メッセージ"][:1]
    kinds += [
        *[o.url for o in index.others if o.kind_label == "対談"][:1],
        index.roadmaps[0].url,
        index.frameworks[0].url,
    ]
    return kinds


def test_every_page_type_works_with_the_outside_world_blocked(browser: Any, built_site: Path) -> None:
    with serve(built_site) as base:
        origin = base.rstrip("/")
        context = browser.new_context()
        outside: list[str] = []
        errors: list[str] = []

        def gate(route: Any) -> None:
            if route.request.url.startswith(origin):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", gate)
        page = context.new_page()
        page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        for path in page_types():
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
        context.close()
    assert outside == []
    assert errors == []
