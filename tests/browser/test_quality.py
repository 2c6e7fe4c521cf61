"""Quality gates on every page type: accessibility (axe-core, WCAG 2 A/AA) and HTML validity (Nu Html Checker).

The tools come from npm (tools/package.json; `make test` installs them). Material's own markup has a few
known validator errors; they are listed below with the reason, and only they are suppressed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sitecheck import ROOT, page_types, serve, settle

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


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 390)])
def test_no_serious_accessibility_violations(browser: Any, built_site: Path, scheme: str, width: int) -> None:
    # Material follows the reader's system setting (prefers-color-scheme): check both palettes, and a phone.
    problems = []
    expected = "slate" if scheme == "dark" else "default"
    with serve(built_site) as base:
        context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
        # axe-core goes in as an init script: it is compiled once for the context, not parsed again on every page.
        context.add_init_script(path=_tool(AXE))
        page = context.new_page()
        for url in page_types():
            page.goto(base + url)
            settle(page)
            assert page.evaluate("document.body.dataset.mdColorScheme") == expected, url
            # Only violations are collected (resultTypes): the passes are not needed and cost half the time.
            violations = page.evaluate(
                "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},"
                " resultTypes: ['violations']}).then(r => r.violations)"
            )
            for v in violations:
                if v["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in v["nodes"]][:3]
                    problems.append(f"{url}: {v['id']} ({v['impact']}) {v['help']} {targets}")
        context.close()
    assert problems == []
