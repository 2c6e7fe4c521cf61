"""Robustness: generated records with hostile text go through check → index → render without a
crash, and nothing they contain comes out as markup."""

from __future__ import annotations

import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.index import build_index
from casebook.render import render_assets, render_site
from casebook.validate import check

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample" / "cases"

HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "{{ 7*7 }}", "{% raw %}",
    "**太字**", "<!--", "]]>", "\u202eRTL", "\u200b", "&amp;", "`code`", "# 見出し", "| 表 |", "---", "\\", "\"'",
    "研修" * 50, "𠮷野家", "ｶﾀｶﾅ", "①②", "〜", "\t", "\r\n",
]  # fmt: skip
text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)), min_size=1, max_size=6).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=text,
    summary=text,
    heading=text,
    point=text,
    answer=text,
    keyword=st.sampled_from(["OJT", "#ＯＪＴ", "BPR"]),
    figure=text,
)
def test_hostile_records_never_crash_or_inject(
    title: str, summary: str, heading: str, point: str, answer: str, keyword: str, figure: str
) -> None:
    record = {
        "type": "case",
        "title": title,
        "organization": {"name": "試験町", "prefecture": "茨城県", "code": "085421", "kind": "町"},
        "category": "practical-training",
        # A keyword written twice is an error (issue 12): the fixed one is another keyword than those sampled.
        "keywords": ["WG", keyword],
        "summary": summary,
        "initiatives": [{"heading": heading, "points": [point]}],
        "interview": {"effect": answer},
        "figures": [{"label": figure, "value": 1}],
        "sources": [{"document": "guidebook", "page": 4}],
        "published": "2026-11-23",
        "updated": "2026-11-23",
    }
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases"
        shutil.copytree(SAMPLE, cases)
        (cases / "municipal" / "fuzz.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
        corpus = check([cases], cwd=Path(tmp))
        if "fuzz" not in corpus.entries:
            # Only text the models refuse on purpose (control or direction characters, > 300 字) may stop it.
            assert all(d.path.endswith("fuzz.yaml") for d in corpus.errors) and corpus.errors
            assert all(
                ("制御文字" in d.message) or ("字を超えています" in d.message) or ("空にはできません" in d.message)
                for d in corpus.errors
            ), [d.format() for d in corpus.errors]
            return
        index = build_index(corpus)
        pages = render_site(index)
        render_assets(index)
        markup = _Tags()
        markup.feed(pages["cases/fuzz.md"].markdown)
        assert markup.bad == []
        assert not re.search(r"<script", "".join(p.markdown for p in pages.values()))


class _Tags(HTMLParser):
    """Collects anything in the output that a browser would run or load."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "img", "iframe", "object", "embed", "style"):
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (
                name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")
            ):
                self.bad.append(f"{tag} {name}={value}")

    def handle_comment(self, data: str) -> None:
        self.bad.append(f"<!--{data}-->")


def test_ten_thousand_keywords(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(SAMPLE, cases)
    lines = (cases / "keywords.yaml").read_text(encoding="utf-8").rstrip("\n").splitlines()
    extra = [
        f"  - label: 合成キーワード{i}\n    slug: synthetic-{i}\n    yomi: ごうせい\n    group: 合成\n    description: 試験用。\n    aliases: []"
        for i in range(10_000)
    ]
    (cases / "keywords.yaml").write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    goka = cases / "municipal" / "goka.yaml"
    many = ", ".join(f"合成キーワード{i}" for i in range(0, 10_000, 50))
    goka.write_text(
        goka.read_text(encoding="utf-8").replace("keywords: [定期アンケート,", f"keywords: [{many}, 定期アンケート,"),
        encoding="utf-8",
    )
    corpus = check([cases], cwd=tmp_path)
    assert corpus.errors == []
    index = build_index(corpus)
    assert len(index.keywords) > 10_000
    pages = render_site(index)
    assert "keywords/synthetic-9950.md" in pages
    assert pages["cases/goka.md"].markdown.count("cb-chip") >= 200
