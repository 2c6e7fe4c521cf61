"""A contributor adds a case with one new keyword and one typo; the checker names exactly the typo;
once fixed, the case is on its keyword pages, its prefecture page, the feed and in search."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from casebook.municipality import check_digit
from casebook.validate import check
from sitecheck import build, casebook, copy_project, serve

pytestmark = pytest.mark.browser


def test_a_contributor_adds_a_case(browser: Any, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    added = casebook("new", "--keyword", "--label", "庁内勉強会", "--slug", "study-meetings", "--yomi", "ちょうないべんきょうかい",
                     "--group", "研修・学び方", "--description", "職員が自主的に開く勉強会。", cwd=project)  # fmt: skip
    assert added.returncode == 0, added.stderr
    code = "20599" + str(check_digit("20599"))
    new = casebook("new", "--org", "試験村", "--code", code, "--kind", "村", "--title", "はじめての庁内勉強会",
                   "--category", "practical-training", "--keywords", "庁内勉強会", "--source", "guidebook", "--page", "4",
                   "--id", "trial-village", cwd=project)  # fmt: skip
    assert new.returncode == 0, new.stderr
    record = project / "cases" / "municipal" / "trial-village.yaml"
    text = record.read_text(encoding="utf-8").replace(
        'keywords: ["庁内勉強会"]', 'keywords: ["庁内勉強会", "グループウエア"]'
    )
    text = text.replace(
        "（ここに取り組みの概要を書いてください）", "若手職員が月に一度、業務の工夫を持ち寄る勉強会を始めた。"
    )
    record.write_text(text, encoding="utf-8")

    corpus = check([project / "cases"], cwd=project)
    line_no, line = next((n, t) for n, t in enumerate(text.splitlines(), start=1) if t.startswith("keywords:"))
    col = line.index('"グループウエア"') + 1
    assert len(corpus.diagnostics) == 1
    (problem,) = corpus.diagnostics
    assert problem.format().startswith(
        f"cases/municipal/trial-village.yaml:{line_no}:{col}: keywords[1]: 未登録のキーワード「グループウエア」 — 候補: グループウェア"
    )
    record.write_text(text.replace("グループウエア", "グループウェア"), encoding="utf-8")
    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr

    for page in ("keywords/study-meetings", "keywords/groupware", "prefectures/nagano"):
        assert "cases/trial-village/" in (site / page / "index.html").read_text(encoding="utf-8").replace(
            "../../", ""
        ), page
    assert "はじめての庁内勉強会" in (site / "feed.xml").read_text(encoding="utf-8")

    with serve(site) as base:
        tab = browser.new_page()
        tab.goto(f"{base}search/?q={quote('庁内勉強会')}")
        tab.wait_for_function("document.querySelector('#cb-search')?.dataset.busy === 'false'")
        hrefs = tab.eval_on_selector_all(".cb-result__title", "els => els.map(e => e.getAttribute('href'))")
        assert any(h.endswith("/cases/trial-village/") for h in hrefs[:5]), hrefs
        tab.close()
