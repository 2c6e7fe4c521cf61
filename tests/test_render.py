"""Render stage: golden Markdown of the sample site, links between pages, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.index import build_index
from casebook.pipeline import make_site
from casebook.render import render_site
from casebook.routes import page_url, relative
from casebook.validate import check

SAMPLE = Path(__file__).resolve().parent / "sample"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pages():  # type: ignore[no-untyped-def]
    site = make_site(SAMPLE / "cases", SAMPLE)
    assert site.corpus.errors == []
    return site.pages


EXPECTED = SAMPLE / "expected"
GOLDEN_PAGES = sorted(p.relative_to(EXPECTED).as_posix() for p in EXPECTED.rglob("*.md"))


@pytest.mark.parametrize("path", GOLDEN_PAGES)
def test_golden_markdown(pages, golden, path: str) -> None:  # type: ignore[no-untyped-def]
    # One case per page, so one mismatch does not hide the others.
    assert path in pages, f"{path}: no longer generated; delete tests/sample/expected/{path}"
    golden(pages[path].markdown, f"sample/expected/{path}")


def test_every_generated_page_has_a_golden_file(pages, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    missing = sorted(set(pages) - set(GOLDEN_PAGES))
    for path in missing:  # written now, so the next run compares them (review them before committing)
        (EXPECTED / path).parent.mkdir(parents=True, exist_ok=True)
        (EXPECTED / path).write_text(pages[path].markdown, encoding="utf-8")
    if not request.config.getoption("--update-goldens"):
        assert missing == [], "golden files were missing and have been written; re-run"


def test_case_pages_name_their_yaml(pages) -> None:  # type: ignore[no-untyped-def]
    assert pages["cases/goka.md"].source == "cases/municipal/goka.yaml"
    assert pages["keywords/ojt.md"].source is None


def test_hostile_text_stays_text(pages) -> None:  # type: ignore[no-untyped-def]
    md = pages["cases/hostile.md"].markdown
    assert "<script>" not in md and "<img" not in md and "<iframe" not in md and "<b>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "{{ 7*7 }}" in md and "49" not in md
    assert 'href="javascript:' not in md
    # The front matter title is escaped too: the theme prints it without escaping.
    assert md.splitlines()[1].startswith('title: "北海道試験町&lt;b&gt;')


@pytest.mark.parametrize(
    ("target", "here", "expected"),
    [
        ("keywords/ojt/", "cases/goka/", "../../keywords/ojt/"),
        ("", "cases/goka/", "../../"),
        ("sizes/#town", "cases/goka/", "../../sizes/#town"),
        ("cases/goka/", "", "cases/goka/"),
        ("keywords/", "keywords/", "./"),
    ],
)
def test_relative_links(target: str, here: str, expected: str) -> None:
    assert relative(target, here) == expected


def test_page_urls() -> None:
    assert page_url("index.md") == ""
    assert page_url("cases/index.md") == "cases/"
    assert page_url("cases/goka.md") == "cases/goka/"


def test_parallel_render_matches_a_single_process_page_for_page_and_in_order() -> None:
    index = build_index(check([ROOT / "cases"]))
    single = render_site(index)
    assert list(render_site(index, processes=2).items()) == list(single.items())
    subset = render_site(index, only={"keywords/ojt.md", "cases/goka.md"})
    assert list(subset) == ["cases/goka.md", "keywords/ojt.md"]  # site order, whatever order was asked


def test_search_excerpts_keep_labels_and_values_apart() -> None:
    # Pagefind's excerpt is the page's text: without a separator it read 「団体区分町. 人口約19,000人（」,
    # and on the other records' pages 「団体山形県村山市（一般市）都道府県山形県」. Every kind of record page.
    site = make_site(ROOT / "cases", ROOT)
    hidden = '<span class="cb-visually-hidden">'
    kinds = set()
    for path, page in site.pages.items():
        for facts in re.findall(r"<dl[ >].*?</dl>", page.markdown, re.S):  # header cards, roadmap steps, dialogues
            assert facts.count(f"{hidden}：</span></dt>") == facts.count("<dt>") > 0, path
            ends = re.findall(r"<dd>(.*?)</dd>", facts, re.S)
            unended = [end for end in ends if not re.sub(r"<[^>]+>", "", end).strip().endswith(("。", "！", "？"))]
            assert unended == [], f"{path}: a value runs into the next label"
            assert "。。" not in re.sub(r"<[^>]+>", "", facts), path
            kinds.add(path.split("/")[0])
    assert kinds >= {"cases", "initiatives", "voices", "dialogues", "programs", "keywords", "roadmaps"}


def test_counts_are_written_with_thousands_separators() -> None:
    # At thousands of cases a page said 「1264 件の事例」 above 「1,264 件中」: every count goes through number().
    templates = ROOT / "generator" / "casebook" / "templates"
    raw = []
    for template in sorted(templates.glob("*.j2")):
        text = template.read_text(encoding="utf-8")
        for found in re.finditer(r"\{\{([^{}]*)\}\}\s*(?=件|</span>)", text):
            shown = found[1].strip()
            if ("length" in shown or "count" in shown) and not shown.startswith(("number(", '"{:,}"')):
                raw.append(f"{template.name}: {{{{ {shown} }}}}")
    assert raw == []


def test_the_print_limit_the_pages_state_is_the_one_the_script_applies() -> None:
    package = ROOT / "generator" / "casebook"
    found = re.search(r"const MAX_PRINT = (\d+);", (package / "assets" / "choose.js").read_text(encoding="utf-8"))
    assert found is not None
    limit = found[1]
    assert f"（最大 {limit} 件）" in (package / "templates" / "print.md.j2").read_text(encoding="utf-8")
    macros = (package / "templates" / "_macros.j2").read_text(encoding="utf-8")
    assert f"paging.total > {limit} %}}（先頭の {limit} 件。まとめられるのは {limit} 件までです）" in macros
    assert f"（事例の先頭 {limit} 件まで）" in (package / "templates" / "search.md.j2").read_text(encoding="utf-8")
    assert f"const PRINT_LIMIT = {limit};" in (package / "assets" / "casebook.js").read_text(encoding="utf-8")
