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
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
"""The WCAG A/AA rules of axe-core that read colours: the only ones a change of palette can change (same markup)."""


def serious(violations: list[dict[str, Any]], url: str) -> list[str]:
    """The serious and critical ones among axe-core's violations, one line each."""
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def serious_violations(page: Any, url: str) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the open page (axe loaded as an init script).

    Only violations are collected (resultTypes): the passes are not needed and cost half the time.
    """
    violations = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations)",
        WCAG_AA,
    )
    return serious(violations, url)


DARK_COLOURS = """async (rules) => {
    // The reader presses the header's light/dark button; Material switches the body's colour attributes
    // at once (and lifts its no-transition guard a frame later, so colours are final after two frames).
    const press = async () => {
        document.querySelector("form[data-md-component=palette] label:not([hidden])").click();
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        return document.body.dataset.mdColorScheme;
    };
    const dark = await press();
    const found = await axe.run(document, {runOnly: {type: "rule", values: rules}, resultTypes: ["violations"]});
    return {dark, back: await press(), violations: found.violations};
}"""
"""Switch to the dark palette, run the colour rules, switch back: one round trip to the page."""


def dark_violations(page: Any, url: str) -> tuple[list[str], list[str]]:
    """The colour rules' serious violations in the dark palette, and what went wrong with the switch."""
    run = page.evaluate(DARK_COLOURS, COLOUR_RULES)
    switched = (run["dark"], run["back"]) == ("slate", "default")
    wrong = [] if switched else [f"{url}: 暗い配色 {run['dark']!r}、戻すと {run['back']!r}"]
    return serious(run["violations"], f"{url} (dark)"), wrong


def visit_every_page_type(
    browser: Any, site: Path, widths: tuple[int, ...] = (1280,), dark_too: bool = False, urls: list[str] | None = None
) -> dict[str, list[str]]:
    """Open one page of every kind (or `urls`), as a reader with no internet would; what went wrong, gate by gate.

    Every request outside the site's own origin is listed (no fonts, no CDN, no analytics: none may even
    be attempted); script errors are collected; axe-core checks WCAG 2.1 A/AA, at each of `widths` in turn
    (the page is narrowed as a reader turns a tablet, not loaded again). With `dark_too` the reader also
    switches to the dark palette on every page and the colour rules run again (the markup is the same, so
    the other rules cannot change). One visit serves all gates.
    """
    found: dict[str, list[str]] = {"outside": [], "errors": [], "scheme": [], "violations": []}
    with serve(site) as base:
        context = browser.new_context(viewport={"width": widths[0], "height": 900})
        found["outside"] = watch_outside(context, base)
        # axe-core goes in as an init script: it is compiled once for the context, not parsed again on every page.
        context.add_init_script(path=_tool(AXE))
        page = context.new_page()
        page.on("console", lambda m: found["errors"].append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: found["errors"].append(f"{page.url}: {e}"))
        for url in page_types() if urls is None else urls:
            response = page.goto(base + url)
            if response is None or response.status != 200:
                found["errors"].append(f"{url}: HTTP {response and response.status}")
            settle(page)  # the search page fetches its index after the load event
            found["violations"] += serious_violations(page, url)
            if dark_too:
                violations, wrong = dark_violations(page, url)
                found["violations"] += violations
                found["scheme"] += wrong
            for width in widths[1:]:
                page.set_viewport_size({"width": width, "height": 900})
                # Scripts that follow a box's size (Material's code blocks, our tables) hear of it from a
                # ResizeObserver during the next rendering step: let two frames pass before checking.
                page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
                found["violations"] += serious_violations(page, f"{url} ({width}px)")
            page.set_viewport_size({"width": widths[0], "height": 900})
        context.close()
    return found


def test_every_page_type_works_offline_and_meets_wcag_aa(browser: Any, built_site: Path) -> None:
    # Both palettes, and a phone's width.
    assert visit_every_page_type(browser, built_site, (1280, 390), dark_too=True) == {
        "outside": [], "errors": [], "scheme": [], "violations": []
    }  # fmt: skip


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_follow_the_readers_colour_setting(browser: Any, built_site: Path, scheme: str) -> None:
    # Material's palette script sits in the head of every page (one base template), so the page shells
    # that differ are enough: a list, a record, the search page, the form, a hand-written page, the 404.
    expected = "slate" if scheme == "dark" else "default"
    shells = ["", "cases/", "cases/goka/", "search/?q=研修", "propose/", "about/", "404.html"]
    with serve(built_site) as base:
        page = browser.new_page(color_scheme=scheme)
        followed = {}
        for url in shells:
            page.goto(base + url)
            followed[url] = page.evaluate("document.body.dataset.mdColorScheme")
        page.close()
    assert followed == dict.fromkeys(shells, expected)


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
