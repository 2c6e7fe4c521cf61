"""Robustness: generated records with hostile text go through check → index → render without a
crash, and nothing they contain comes out as markup."""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.diagnostics import Diagnostic
from casebook.index import build_index
from casebook.render import render_assets, render_site
from casebook.validate import check, read_record

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
            # Only text the models refuse on purpose (control, separator, direction or noncharacters named
            # by code point, over-long text, text of invisible characters only) may stop it.
            assert all(d.path.endswith("fuzz.yaml") for d in corpus.errors) and corpus.errors
            assert all(
                re.match(r"「U\+[0-9A-F]{4,6}（", d.message)
                or ("字を超えています" in d.message)
                or ("空にはできません" in d.message)
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


# --- every message is Japanese (issue 12) --------------------------------------------------------------

ENGLISH = re.compile(r"[A-Za-z]+(?: [A-Za-z]+){2,}")
"""Three ASCII words in a row: a sentence from PyYAML, pydantic or the OS that was passed through."""
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
BASE = yaml.load((SAMPLE / "municipal" / "goka.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
BASE |= {
    "figures": [{"label": "参加者", "value": "27", "unit": "人", "as_of": "R5.4"}],
    "timeline": [{"date": "2024-10", "event": "研修を始めた"}],
    "links": [{"title": "町のサイト", "url": "https://example.jp/"}],
}
BASE_TEXT = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False)


def _messages(raw: bytes) -> list[Diagnostic]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_bytes(raw)
        return list(read_record(path, Path(tmp)).diagnostics)


def _assert_japanese(problems: list[Diagnostic]) -> None:
    for d in problems:
        for text in (d.message, d.hint):
            # The user's own words are quoted in 「」; everything else is ours and must be Japanese.
            ours = re.sub(r"「[^」]*」", "", text)
            assert not ENGLISH.search(ours), d.format()
        assert JAPANESE.search(d.message), d.format()
        d.format().encode("utf-8")


def _with(path: tuple[str | int, ...], value: object) -> bytes:
    record = copy.deepcopy(BASE)
    node: Any = record
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return yaml.safe_dump(record, allow_unicode=True).encode()


MALFORMED: list[bytes] = [
    BASE_TEXT.replace("title: ", "title: a\0", 1).encode(),
    BASE_TEXT.replace("title: ", 'title: "\\ud800"\nx: ', 1).encode(),
    BASE_TEXT.replace("title: ", "title: |x\n  ", 1).encode(),
    BASE_TEXT.encode() + b'note: "abc',
    BASE_TEXT.encode() + b"note: [a, {b: c",
    BASE_TEXT.encode() + b"note: {a: [b",
    BASE_TEXT.encode() + b"note: 'abc\n---\n",
    BASE_TEXT.replace("title: ", 'title: "\\q"\nx: ', 1).encode(),
    BASE_TEXT.replace("title: ", 'title: "\\x4"\nx: ', 1).encode(),
    BASE_TEXT.replace("title: ", "title: @x\nx: ", 1).encode(),
    BASE_TEXT.replace("title: ", "title: `x\nx: ", 1).encode(),
    BASE_TEXT.replace("title: ", "title: |0\n  x\nx: ", 1).encode(),
    BASE_TEXT.replace("title: ", "title: &\nx: ", 1).encode(),
    BASE_TEXT.replace("title: ", "title: * x\nx: ", 1).encode(),
    BASE_TEXT.replace("title: ", "title: !<tag:x> a\nx: ", 1).encode(),
    BASE_TEXT.replace("title: ", "title: !x!y a\nx: ", 1).encode(),
    b"%YAML 2.0\n---\n" + BASE_TEXT.encode(),
    b"%TAG ! tag:a,2000:\n%TAG ! tag:b,2000:\n---\n" + BASE_TEXT.encode(),
    BASE_TEXT.encode() + b"...\nmore: 1\n",
    BASE_TEXT.encode() + b"a: &x 1\nb: &x 2\n",
    BASE_TEXT.encode() + b"? [a]\n: 1\n",
    BASE_TEXT.encode() + b"\tnote: x\n",
    BASE_TEXT.encode() + b"- a\n",
    BASE_TEXT.replace("\n", "\r", 5).encode() + b"a: [",
    "type: case\n\u3000summary: x\n".encode(),
    "type: case\norganization:\n  name: x\n\u3000\u3000code: '1'\n  kind: 町\n".encode(),
    _with(("title",), {"a": "1"}),
    _with(("title",), ["a"]),
    _with(("title",), "あ" * 101),
    _with(("organization", "name"), "町" * 51),
    _with(("sources", 0, "page"), "四"),
    _with(("sources", 0, "page"), ["1"]),
    _with(("sources", 0, "page"), "1.5"),
    _with(("sources", 0, "page"), "0"),
    _with(("sources", 0, "page"), "99999999999999999999999999"),
    _with(("figures", 0, "value"), "abc"),
    _with(("figures", 0, "value"), "nan"),
    _with(("figures", 0, "value"), "1e309"),
    _with(("figures", 0, "value"), {"a": "1"}),
    _with(("keywords",), "OJT"),
    _with(("keywords",), {"a": "1"}),
    _with(("organization",), "x"),
    _with(("organization",), ["x"]),
    _with(("organization", "population", "approximate"), "maybe"),
    _with(("organization", "population", "approximate"), {"a": "1"}),
    _with(("organization", "population", "value"), "0"),
    _with(("organization", "population", "value"), "99999999"),
    _with(("organization", "kind"), "まち"),
    _with(("organization", "kind"), ["町"]),
    _with(("organization", "prefecture"), ["茨城県"]),
    _with(("organization", "code"), {"a": "1"}),
    _with(("type",), "casee"),
    _with(("type",), ["case"]),
    _with(("published",), {"a": "1"}),
    _with(("published",), ["2024"]),
    _with(("published",), "2024-00"),
    _with(("published",), "2024-00-15"),
    _with(("published",), "R5.0"),
    _with(("published",), "令和5年0月"),
    _with(("published",), "2024-02-30"),
    _with(("links", 0, "url"), "javascript:alert(1)"),
    _with(("links", 0), "x"),
    _with(("skill_ladder", "levels", 0, "level"), "99"),
    _with(("skill_ladder", "levels"), []),
    _with(("interview", "other"), "x"),
    _with(("challenges", 0), "Not A Slug"),
    _with(("unknown field",), "x"),
]


@pytest.mark.parametrize("raw", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_records_get_japanese_messages(raw: bytes) -> None:
    problems = _messages(raw)
    assert problems
    _assert_japanese(problems)


def _paths(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    return [path, *(p for key, child in children for p in _paths(child, (*path, key)))]


PATHS = [p for p in _paths(BASE) if p]
WRONG = st.one_of(
    st.sampled_from(
        ["", "nan", "-1", "0", "1.5", "1e309", "true", "maybe", "2024-00", "R5.0", "令和5年0月", "\u3000x"]
    ),
    st.text(max_size=12),
    st.lists(st.text(max_size=4), max_size=2),
    st.dictionaries(st.text(max_size=6), st.text(max_size=4), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=WRONG)
def test_wrong_values_anywhere_get_japanese_messages(path: tuple[str | int, ...], value: object) -> None:
    _assert_japanese(_messages(_with(path, value)))


PUNCTUATION = [*":-[]{}&*!|>'\"%@`#?,\\\t\n\r \u3000\0", "\\u", "\\x", "---", "...", "\ud7ff", "：", "\x85"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    at=st.integers(0, len(BASE_TEXT)),
    cut=st.integers(0, 12),
    insert=st.lists(st.sampled_from(PUNCTUATION), max_size=3).map("".join),
    truncate=st.booleans(),
)
def test_mangled_yaml_gets_japanese_messages(at: int, cut: int, insert: str, truncate: bool) -> None:
    text = BASE_TEXT[:at] + insert + ("" if truncate else BASE_TEXT[at + cut :])
    _assert_japanese(_messages(text.encode("utf-8", "surrogatepass")))


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("keywords.yaml", "slug: ojt", "slug: [ojt]"),
        ("keywords.yaml", "slug: ojt", 'slug: "o\\u2028jt"'),
        ("categories.yaml", "label: ", "label: {a: 1}\n    x: "),
        ("sources.yaml", "id: guidebook", "id: guidebook\n    date: 2024-00"),
    ],
)
def test_malformed_taxonomy_gets_japanese_messages(tmp_path: Path, file: str, old: str, new: str) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(SAMPLE, cases)
    path = cases / file
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    problems = [d for d in check([cases], cwd=tmp_path).diagnostics if d.path.endswith(file)]
    assert problems
    _assert_japanese(problems)
