"""Issue 12, nothing lost and nothing injected: characters, numbers, lengths, dates and messages."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from casebook.cli import main
from casebook.dates import parse_date
from casebook.diagnostics import Diagnostic, Severity
from casebook.load import MAX_BYTES, LoadError, load, parse
from casebook.models import Figure, Keyword, Organization, Slug, Text, Url
from casebook.validate import read_record

TEXT: TypeAdapter[str] = TypeAdapter(Text)


def _refusal(raw: str) -> Diagnostic:
    with pytest.raises(LoadError) as info:
        parse(raw.encode("utf-8"), "x.yaml")
    return info.value.diagnostics[0]


@pytest.mark.parametrize(
    ("raw", "where", "named"),
    [
        ('title: "前\\u2028後"\n', (1, 10), "U+2028（行区切り）"),
        ('a: 1\ntitle: "\\uFFFE"\n', (2, 9), "U+FFFE（非文字）"),
        ('title: "x\\x9b"\n', (1, 10), "U+009B（C1 制御文字）"),
        ('title: "\\ud800"\n', (1, 9), "U+D800（単独のサロゲート）"),
        ('title: "\\N"\n', (1, 9), "U+0085（次行 NEL）"),
        ('keywords:\n  - "OJT\\u200e"\n', (2, 9), "U+200E"),
        ("a: 1\ntitle: 前\x85後\n", (2, 9), "U+0085"),
        ("title: a\x00b\n", (1, 9), "U+0000（ヌル文字）"),
        ("title: ab\ufffe\n", (1, 10), "U+FFFE"),
        ("title: 右\u202e左\n", (1, 9), "U+202E（右から左への上書き）"),
        ("title: x\u2066y\u2069\n", (1, 9), "U+2066"),
        ("ti\u202etle: x\n", (1, 3), "U+202E"),
        ('"a\\eb": x\n', (1, 3), "U+001B（エスケープ）"),
        ("a: 1\nb: |\n  一行目\n  二\u2029行目\n", (4, 4), "U+2029（段落区切り）"),
    ],
)
def test_forbidden_characters_are_refused_where_they_are(raw: str, where: tuple[int, int], named: str) -> None:
    problem = _refusal(raw)
    assert (problem.line, problem.col) == where
    assert f"「{named}" in problem.message and "使えません" in problem.message


def test_invisible_characters_are_dropped_and_emoji_keep_their_joiner() -> None:
    doc = parse(
        'title: "研\\u200b修\\u2060"\nwho: 👩\u200d💻\nb: "a\\u200db\\ufeff"\nti\u200btle2: x\n'.encode(), "x.yaml"
    )
    assert doc.data == {"title": "研修", "who": "👩\u200d💻", "b": "ab", "title2": "x"}
    assert TEXT.validate_python("研\u200c修\r\n二行目") == "研修\n二行目"
    with pytest.raises(ValidationError, match="空にはできません"):
        TEXT.validate_python("\u200b\ufeff")


@pytest.mark.parametrize("ch", ["\x1b", "\x85", "\x9b", "\u2028", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff", "\u061c"])
def test_models_refuse_what_the_loader_refuses(ch: str) -> None:
    with pytest.raises(ValidationError) as info:
        TEXT.validate_python(f"前{ch}後")
    assert f"U+{ord(ch):04X}" in str(info.value) and "2 文字目" in str(info.value)
    with pytest.raises(ValidationError):
        TypeAdapter(Url).validate_python(f"https://example.jp/{ch}")


@pytest.mark.parametrize("value", ["nan", ".NaN", "inf", "-.inf", "Infinity", "1e309", "-1e400"])
def test_figures_must_be_finite(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        Figure.model_validate({"label": "職員数", "value": value})
    assert "非数・無限大" in info.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("value", "expected"), [("27", 27), ("0.5", 0.5), ("-3", -3), ("1e3", 1000.0), ("８０００", 8000)]
)
def test_figures_keep_what_the_source_says(value: str, expected: float) -> None:
    figure = Figure.model_validate({"label": "職員数", "value": value})
    assert figure.value == expected and type(figure.value) is type(expected)


@pytest.mark.parametrize(
    ("value", "message"), [("1e16", "大きすぎます"), ("1,000", "数値を書いてください"), ("true", "数値")]
)
def test_figures_refuse_typos(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Figure.model_validate({"label": "職員数", "value": value})


@pytest.mark.parametrize(
    ("population", "kind", "code", "problem"),
    [
        ("0", "町", "085421", "1 人以上"),
        ("-5", "町", "085421", "1 人以上"),
        ("4500000", "政令指定都市", "141003", "市区町村としては多すぎます"),
        ("16000000", "都道府県", "130001", "多すぎます"),
        ("3770000", "政令指定都市", "141003", None),
        ("14200000", "都道府県", "130001", None),
    ],
)
def test_population_must_be_a_real_population(population: str, kind: str, code: str, problem: str | None) -> None:
    org = {"name": "試験", "prefecture": "東京都", "code": code, "kind": kind, "population": {"value": population}}
    if problem is None:
        assert Organization.model_validate(org).population is not None
        return
    with pytest.raises(ValidationError, match=problem):
        Organization.model_validate(org)


def test_short_fields_have_a_maximum_length() -> None:
    keyword = {"label": "あ" * 100, "slug": "a", "yomi": "あ", "group": "分類", "description": "説明"}
    assert Keyword.model_validate(keyword).label == "あ" * 100
    with pytest.raises(ValidationError) as info:
        Keyword.model_validate({**keyword, "label": "あ" * 101})
    assert "too_long" in info.value.errors()[0]["type"]
    with pytest.raises(ValidationError):
        Organization.model_validate({"name": "町" * 51, "prefecture": "茨城県", "code": "085421", "kind": "町"})


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2024-00", "0月はありません"),
        ("2024-00-15", "0月はありません"),
        ("2024-01-00", "0日はありません"),
        ("R5.0", "0月はありません"),
        ("R5.1.0", "0日はありません"),
        ("令和5年0月", "0月はありません"),
        ("令和5年1月0日", "0日はありません"),
        ("2024/0", "0月はありません"),
    ],
)
def test_month_and_day_zero_are_refused_in_japanese(value: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as info:
        parse_date(value)
    assert not re.search(r"[A-Za-z]{3,}", str(info.value))  # calendar's "bad month number" was English


def test_terminal_output_shows_control_characters_instead_of_obeying_them() -> None:
    d = Diagnostic("a\x1b[2J.yaml", 1, 2, "ti\x1btle", "「\x1b[31m赤」\u202e\ud800\x85\u2028", "直す\n次")
    line = d.format()
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in line)
    for shown in (
        "a\\x1b[2J.yaml",
        "ti\\x1btle",
        "「\\x1b[31m赤」",
        "\\u202e",
        "\\ud800",
        "\\x85",
        "\\u2028",
        "直す\\n次",
    ):
        assert shown in line
    line.encode("utf-8")  # a lone surrogate would make print() raise


def test_github_annotations_escape_properties_and_data() -> None:
    d = Diagnostic("cases/a,b:c%.yaml", 3, 4, "title", "50% 完了\r\n次\x1b[1m", "", Severity.WARNING)
    assert d.format_github() == "::warning file=cases/a%2Cb%3Ac%25.yaml,line=3,col=4::title: 50%25 完了%0D%0A次\\x1b[1m"


def test_oversized_file_reports_its_real_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    size = MAX_BYTES * 4 + 7
    big.write_bytes(b"a: " + b"x" * (size - 3))
    with pytest.raises(LoadError) as info:
        load(big, "big.yaml")
    assert f"（{size:,} バイト、上限 {MAX_BYTES:,} バイト）" in info.value.diagnostics[0].message


@pytest.mark.parametrize(
    ("raw", "where", "message"),
    [
        (
            "type: case\norganization:\n  name: 五霞町\n\u3000\u3000prefecture: 茨城県\n  code: '1'\n",
            (4, 1),
            "全角スペースで字下げ",
        ),
        ("type: case\n\u3000summary: x\n", (2, 1), "全角スペースで字下げ"),
        ("keywords:\n\u3000- OJT\ntitle: x\n", (2, 1), "全角スペースで字下げ"),
        ("organization:\n  name: x\n  \u3000code: '1'\n", (3, 3), "全角スペースで字下げ"),
        ("title: x\nsummary:\u3000本文\ntype: case\n", (2, 9), "「:」の後が全角スペース"),
        ("title: x\nsummary：本文\ntype: case\n", (2, 8), "「：」が全角"),
    ],
)
def test_full_width_spaces_used_as_yaml_spaces_are_named(raw: str, where: tuple[int, int], message: str) -> None:
    try:  # a key indented with them is left out and the file read on (its other problems are reported too)
        problem = parse(raw.encode("utf-8"), "x.yaml").problems[0]
    except LoadError as refused:
        problem = refused.diagnostics[0]
    assert (problem.line, problem.col) == where
    assert message in problem.message and "半角" in problem.hint


def test_full_width_space_inside_text_is_text() -> None:
    doc = parse("summary: |\n  \u3000本町では、職員が教え合う。\ntitle: 第1回\u3000研修\n".encode(), "x.yaml")
    assert doc.data == {"summary": "\u3000本町では、職員が教え合う。\n", "title": "第1回\u3000研修"}


@pytest.mark.parametrize(
    "argv",
    [["check", "--format", "x"], ["bogus"], ["new", "--page", "abc"], ["check", "--bogus"], ["report", "--older-than"]],
)
def test_usage_errors_are_japanese(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    line = next(line for line in capsys.readouterr().err.splitlines() if "使い方の誤り" in line)
    assert not re.search(r"[A-Za-z]+ [A-Za-z]+", re.sub(r"'[^']*'", "", line)), line


def test_unreadable_files_are_explained_in_japanese(tmp_path: Path) -> None:
    for path, reason in ((tmp_path, "フォルダです"), (tmp_path / "none.yaml", "ファイルがありません")):
        with pytest.raises(LoadError) as info:
            load(path, "x.yaml")
        assert info.value.diagnostics[0].message == f"ファイルを読めません（{reason}）"


def test_ids_and_urls_have_a_maximum_length() -> None:
    # An id becomes a file name of the site: a 300-character slug would fail the build, not the check.
    with pytest.raises(ValidationError, match="80"):
        TypeAdapter(Slug).validate_python("a" * 81)
    with pytest.raises(ValidationError, match="2000"):
        TypeAdapter(Url).validate_python("https://example.jp/" + "a" * 2000)


def test_a_record_type_that_is_not_text_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("type: [case]\ntitle: x\n", encoding="utf-8")
    (problem,) = read_record(path, tmp_path).diagnostics
    assert problem.message == "記録の種類（type:）は文字列 1 つで書いてください"
