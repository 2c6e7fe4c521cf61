"""Offline proof: every page type loads with every request outside the site's own origin blocked,
and none is even attempted (no fonts, no CDN, no analytics)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sitecheck import cut_off, page_types, serve, settle

pytestmark = pytest.mark.browser


def test_every_page_type_works_with_the_outside_world_blocked(browser: Any, built_site: Path) -> None:
    with serve(built_site) as base:
        origin = base.rstrip("/")
        context = browser.new_context()
        outside = cut_off(context, origin)
        errors: list[str] = []
        page = context.new_page()
        page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        for path in page_types():
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            settle(page)  # the search page fetches its index after the load event
        context.close()
    assert outside == []
    assert errors == []
