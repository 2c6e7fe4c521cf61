"""Quality gates on every page type: offline, accessibility (axe-core, WCAG 2.1 A/AA), HTML validity (Nu Html Checker).

The tools come from npm (tools/package.json; `make test` installs them). Material's own markup has a few
known validator errors; they are listed below with the reason, and only they are suppressed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from sitecheck import ROOT, page_types, serve, settle, watch_outside

pytestmark = pytest.mark.browser

TOOLS = ROOT / "tools" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Material for MkDocs markup (not ours): (pattern of the message, why it is tolerated).
MATERIAL_KNOWN = [
    (
        r"Attribute “autocomplete” is only allowed when the input type is",
        "Material の開閉用チェックボックス（drawer / search）に autocomplete=off が付く",
    ),
    (
        r"The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
        "Material の目次見出しが非表示の __toc チェックボックスを指す",
    ),
    (
        r"Bad value “” for attribute “tabindex” on element “label”",
        "Material のナビゲーションが空の tabindex を出力する",
    ),
]


def _tool(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} がありません: `make test` が tools/ に npm で入れます（npm install --prefix tools）")
    return path


def _file_of(site: Path, url: str) -> Path:
    return site / url.split("?", 1)[0] / "index.html"


def test_html_is_valid_apart_from_materials_known_markup(built_site: Path) -> None:
    files = sorted({str(_file_of(built_site, url)) for url in page_types()})
    result = subprocess.run(
        ["java", "-jar", str(_tool(VNU)), "--errors-only", "--format", "json", *files],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    ours = [
        f"{m['url'].split('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" and not any(re.search(pattern, m["message"]) for pattern, _why in MATERIAL_KNOWN)
    ]
    assert ours == []
    assert len(files) >= 30


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: Any, url: str) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the open page (axe loaded as an init script).

    Only violations are collected (resultTypes): the passes are not needed and cost half the time.
    """
    violations = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations)",
        WCAG_AA,
    )
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def visit_every_page_type(
    browser: Any, site: Path, scheme: str = "light", widths: tuple[int, ...] = (1280,)
) -> dict[str, list[str]]:
    """Open one page of every kind, as a reader with no internet would; what went wrong, gate by gate.

    Every request outside the site's own origin is listed (no fonts, no CDN, no analytics: none may even
    be attempted); script errors are collected; the page must follow the reader's colour
    scheme (Material follows the system setting); axe-core checks WCAG 2.1 A/AA, at each of `widths` in turn
    (the page is narrowed as a reader turns a tablet, not loaded again). One visit serves all gates.
    """
    expected = "slate" if scheme == "dark" else "default"
    found: dict[str, list[str]] = {"outside": [], "errors": [], "scheme": [], "violations": []}
    with serve(site) as base:
        context = browser.new_context(color_scheme=scheme, viewport={"width": widths[0], "height": 900})
        found["outside"] = watch_outside(context, base)
        # axe-core goes in as an init script: it is compiled once for the context, not parsed again on every page.
        context.add_init_script(path=_tool(AXE))
        page = context.new_page()
        page.on("console", lambda m: found["errors"].append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: found["errors"].append(f"{page.url}: {e}"))
        for url in page_types():
            response = page.goto(base + url)
            if response is None or response.status != 200:
                found["errors"].append(f"{url}: HTTP {response and response.status}")
            settle(page)  # the search page fetches its index after the load event
            if page.evaluate("document.body.dataset.mdColorScheme") != expected:
                found["scheme"].append(url)
            found["violations"] += serious_violations(page, url)
            for width in widths[1:]:
                page.set_viewport_size({"width": width, "height": 900})
                # Scripts that follow a box's size (Material's code blocks, our tables) hear of it from a
                # ResizeObserver during the next rendering step: let two frames pass before checking.
                page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
                found["violations"] += serious_violations(page, f"{url} ({width}px)")
            page.set_viewport_size({"width": widths[0], "height": 900})
        context.close()
    return found


@pytest.mark.parametrize(("scheme", "widths"), [("light", (1280, 390)), ("dark", (1280,))], ids=["light", "dark"])
def test_every_page_type_works_offline_and_meets_wcag_aa(
    browser: Any, built_site: Path, scheme: str, widths: tuple[int, ...]
) -> None:
    # Both palettes, and a phone's width.
    assert visit_every_page_type(browser, built_site, scheme, widths) == {
        "outside": [], "errors": [], "scheme": [], "violations": []
    }  # fmt: skip


def test_the_offline_gate_sees_an_outside_request(browser: Any, tmp_path: Path) -> None:
    # The gate watches every request of the context: a page that asks for a web font, a CDN script or an
    # image elsewhere must be caught, and its own files must not be.
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Noto+Sans+JP">'
        '<script src="//cdn.example.com/x.js"></script><img src="http://127.0.0.2:9/pixel.png"><img src="own.png">',
        encoding="utf-8",
    )
    (tmp_path / "own.png").write_bytes(b"")
    with serve(tmp_path) as base:
        context = browser.new_context()
        outside = watch_outside(context, base)
        own: list[str] = []
        page = context.new_page()
        page.on("requestfinished", lambda r: own.append(r.url))
        page.goto(base)
        context.close()
    assert sorted(urlsplit(u).netloc for u in outside) == ["127.0.0.2:9", "cdn.example.com", "fonts.googleapis.com"]
    assert base + "own.png" in own
