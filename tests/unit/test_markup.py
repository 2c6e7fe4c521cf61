"""Generated pages skip Python-Markdown: the result must be what Python-Markdown would have made."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymdownx.slugs import slugify as material_slugify

from casebook.index import build_index
from casebook.markup import TocToken, slugify, to_html
from casebook.render import render_site
from casebook.validate import check

ROOT = Path(__file__).resolve().parents[2]


def _python_markdown(body: str) -> tuple[str, list[TocToken]]:
    md = markdown.Markdown(
        extensions=["toc", "attr_list", "tables", "admonition"],
        extension_configs={"toc": {"slugify": material_slugify(case="lower")}},
    )
    html = md.convert(body)
    return html, md.toc_tokens  # type: ignore[attr-defined]


def _flat(tokens: list[TocToken]) -> list[tuple[int, str, str, int]]:
    out: list[tuple[int, str, str, int]] = []
    for t in tokens:
        out.append((t["level"], t["id"], t["name"], len(t["children"])))
        out.extend(_flat(t["children"]))
    return out


def _body(page_markdown: str) -> str:
    return page_markdown.split("---\n", 2)[2] if page_markdown.startswith("---\n") else page_markdown


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {path: _body(p.markdown) for path, p in render_site(build_index(check([ROOT / "cases"]))).items()}


def test_every_generated_page_matches_python_markdown(pages: dict[str, str]) -> None:
    assert len(pages) > 100
    for path, body in pages.items():
        ours, toc = to_html(body)
        theirs, their_toc = _python_markdown(body)
        assert re.sub(r"\s+", "", ours) == re.sub(r"\s+", "", theirs), path
        assert _flat(toc) == _flat(their_toc), path


def test_every_line_is_a_heading_or_html(pages: dict[str, str]) -> None:
    # The contract markup.to_html relies on: no bare text that Python-Markdown would wrap in <p>.
    for path, body in pages.items():
        for line in body.split("\n"):
            assert not line.strip() or line.startswith(("<", "#")), f"{path}: {line[:60]}"


def test_headings_get_unique_ids_and_nest() -> None:
    html, toc = to_html("# 表題\n\n## 概要\n\n### 細目\n\n## 概要\n\n## 近畿（3 件） {: #kinki }\n")
    assert '<h2 id="概要">概要</h2>' in html and '<h2 id="概要_1">概要</h2>' in html
    assert '<h2 id="kinki">近畿（3 件）</h2>' in html
    assert _flat(toc) == [
        (1, "表題", "表題", 3),
        (2, "概要", "概要", 1),
        (3, "細目", "細目", 0),
        (2, "概要_1", "概要", 0),
        (2, "kinki", "近畿（3 件）", 0),
    ]


def test_record_text_cannot_become_a_heading() -> None:
    # Record text reaches the page escaped and on one line (render._one_line), so `#` is never a line start.
    from casebook.render import _one_line

    text = str(_one_line("説明\n## 偽の見出し\n<script>"))
    html, toc = to_html(f"<p>{text}</p>")
    assert toc == [] and "<h2" not in html and "<script>" not in html


@given(st.text(alphabet=st.sampled_from("ab あア漢-_ .#&<>'\"AZ（）・"), max_size=30))
def test_slugify_agrees_with_material(text: str) -> None:
    assert slugify(text) == material_slugify(case="lower")(text, "-")
