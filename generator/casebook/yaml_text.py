"""Reading a record's text: UTF-8, forbidden characters at their own line:col, PyYAML's errors in Japanese.

PyYAML reports problems in English and at the place it gave up; contributors need Japanese and the
place they can fix (a full-width space used for indentation shows up lines later as something else).
"""

from __future__ import annotations

import ast
import functools
import re
from bisect import bisect_right
from dataclasses import dataclass

import yaml

from casebook.chars import name
from casebook.diagnostics import Diagnostic

Path_ = tuple[str | int, ...]


class LoadError(Exception):
    """The file could not be read as a record; carries the diagnostics that say why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def error(path: str, line: int, col: int, message: str, hint: str) -> LoadError:
    """A LoadError with one diagnostic at line:col (no field)."""
    return LoadError([Diagnostic(path, line, col, "", message, hint)])


_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class Source:
    """The decoded text and where its lines start, to turn parser marks and offsets into line:col."""

    text: str

    @functools.cached_property
    def starts(self) -> tuple[int, ...]:
        """Offsets where each line starts (computed only for a file with a problem)."""
        # Only a file with a problem needs them.
        return (0, *(m.end() for m in _LINE_END.finditer(self.text)))

    def offset(self, mark: yaml.Mark) -> int:
        """Offset in the text of a parser mark."""
        return self.starts[min(mark.line, len(self.starts) - 1)] + mark.column

    def where(self, offset: int) -> tuple[int, int]:
        """(line, column), 1-based, of an offset."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line(self, number: int) -> str:
        """Line `number` (1-based) without its line end."""
        start = self.starts[number - 1]
        end = self.starts[number] if number < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
"""Forbidden characters YAML itself cannot take as written: it refuses most and reads NEL, U+2028 and
U+2029 as line ends (which shifts every line number after them). The rest of FORBIDDEN is reported
by the tree walk, which knows the field."""
_CHAR_HINT = "その文字を消してください（見えない文字や制御文字は、ほかの文書から貼り付けたときに紛れ込みます）"
_MAX_CHAR_LINES = 10


def bad_char(path: str, where: tuple[int, int], loc: Path_, ch: str) -> Diagnostic:
    """The diagnostic for a forbidden character: its name and code point, at its own place."""
    return Diagnostic(path, *where, dotted(loc), f"「{name(ch)}」は使えません", _CHAR_HINT)


def refuse_characters(src: Source, path: str) -> None:
    """Characters YAML cannot read, at their own line:col (the first of each line, for ten lines)."""
    problems: list[Diagnostic] = []
    for match in _UNREADABLE.finditer(src.text):
        where = src.where(match.start())
        if problems and problems[-1].line == where[0]:
            continue
        problems.append(bad_char(path, where, (), match[0]))
        if len(problems) == _MAX_CHAR_LINES:
            break
    if problems:
        raise LoadError(problems)


_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_NAMED_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "v": "\v",
    "f": "\f",
    "e": "\x1b",
    "N": "\x85",
    "L": "\u2028",
    "P": "\u2029",
}


def char_offset(written: str, ch: str, double_quoted: bool) -> int:
    r"""Where in the scalar as written `ch` comes from: the character itself or its `\…` escape."""
    if ch in written:
        return written.index(ch)
    for match in _ESCAPE.finditer(written) if double_quoted else ():
        code = match[1]
        if (chr(int(code[1:], 16)) if len(code) > 1 else _NAMED_ESCAPES.get(code)) == ch:
            return match.start()
    return 0


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text without a BOM, or a LoadError at the first byte that is not UTF-8."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            path,
            line,
            col,
            "UTF-8 として読めない文字があります",
            "ファイルを UTF-8 で保存し直してください（Shift_JIS などは使えません）",
        ) from None
    return text.removeprefix("\ufeff")


_YAML_PROBLEMS = (
    ("found unexpected end of stream", "ファイルが途中で終わっています（引用符や括弧の閉じ忘れ）"),
    ("found unexpected document separator", "引用符の中に「---」か「...」の行があります（引用符の閉じ忘れ）"),
    ("expected <block end>", "字下げ（インデント）がそろっていません"),
    ("invalid indentation or unclosed", "字下げがそろっていないか、[ や { が閉じていません"),
    ("mapping values are not allowed", "ここに「: 」は書けません（値に「: 」を含むときは引用符で囲みます）"),
    ("mapping keys are not allowed", "ここに「? 」は書けません（値が「?」で始まるときは引用符で囲みます）"),
    ("sequence entries are not allowed", "ここに「- 」の項目は書けません（字下げを確かめてください）"),
    ("'\\t' that cannot start any token", "タブは使えません（字下げは半角スペースで）"),
    ("cannot start any token", "「{char}」で始まる値は書けません（引用符で囲んでください）"),
    ("could not find expected ':'", "「:」が見つかりません"),
    ("found another document", "1 ファイルに書ける記録は 1 件だけです（--- で区切らないでください）"),
    ("expected a single document", "1 ファイルに書ける記録は 1 件だけです（--- で区切らないでください）"),
    ("expected '<document start>'", "「...」（文書の終わり）の後に続きがあります"),
    ("found duplicate anchor", "同じアンカー名が 2 回あります"),
    ("undefined alias", "エイリアス（*名前）は使えません"),
    ("expected ',' or ']'", "[ ] の中の区切りが正しくありません"),
    ("expected ',' or '}'", "{ } の中の区切りが正しくありません"),
    (
        "unknown escape character",
        "引用符 \" の中の「\\」の後が正しくありません（「\\」そのものは「\\\\」と書くか ' で囲みます）",
    ),
    ("expected escape sequence", "「\\x」「\\u」「\\U」の後の 16 進数の桁が足りません"),
    (
        "chomping or indentation indicators",
        "「|」「>」の後には「-」「+」か字下げの数字だけが書けます（本文は次の行から）",
    ),
    ("indentation indicator in the range", "「|」「>」の後の字下げの数字は 1〜9 です"),
    ("block scalar", "「|」「>」の行には本文を書けません（本文は次の行から）"),
    ("expected the node content", "値がありません（「-」「:」の後や、[ ] { } の中を確かめてください）"),
    ("incompatible YAML document", "「%YAML」の版が違います（「%YAML」の行を消してください）"),
    ("directive", "「%」で始まる指示（%YAML・%TAG）は使えません"),
    ("tag", "タグ（!）の書き方が正しくありません（タグは使えません）"),
    ("anchor", "「&」の後にはアンカー名（英数字）が必要です（値が「&」で始まるときは引用符で囲みます）"),
    ("alias", "「*」の後にはエイリアス名（英数字）が必要です（値が「*」で始まるときは引用符で囲みます）"),
    ("expected a comment or a line break", "この位置より後ろには何も書けません（引用符を閉じた後の余分な文字など）"),
)
_TOKEN_CHAR = re.compile(r"found character (.+) that cannot start")


def _yaml_problem(problem: str, context: str = "") -> str:
    """Japanese for the parser's English; a general Japanese sentence for anything not listed."""
    text = f"{problem} / {context}"
    for english, japanese in _YAML_PROBLEMS:
        if english in text:
            if "{char}" in japanese:
                found = _TOKEN_CHAR.search(problem)
                return japanese.format(char=ast.literal_eval(found[1]) if found else "?")
            return japanese
    return "YAML として読めない書き方です"


_KEY = r" *(?:- +)?[A-Za-z_][\w-]*"
"""A key at the start of a line (of a mapping, or of a mapping in a list item)."""
_SLIPS = (
    (
        re.compile(r" *(\u3000)[ \u3000]*(?:-[ \u3000]|[^\s:#][^:]*:(?:[ \u3000]|$))"),
        "全角スペースで字下げしています",
        "半角スペースにしてください",
    ),
    (
        re.compile(_KEY + r":(\u3000)"),
        "「:」の後が全角スペースです",
        "「:」の後は半角スペースにしてください",
    ),
    (
        re.compile(_KEY + r"(：)"),
        "項目名の後の「：」が全角です",
        "半角の「:」と半角スペースにしてください",
    ),
    # ASCII slips the parser reports elsewhere too: `title:育成` (read as one word, so the next line is
    # "missing its colon"), and a quote left open (the rest of the file becomes one string).
    (
        re.compile(_KEY + r":([^\s/])"),
        "項目名の後の「:」に半角スペースが続いていません",
        "「:」の後に半角スペースを 1 つ入れてください（{key}: {value}）",
    ),
    (
        re.compile(_KEY + r": +(\"(?:[^\"\\]|\\.)*|'(?:[^']|'')*)$"),
        "引用符が閉じていません",
        "値の終わりに、始めと同じ引用符を書き足してください",
    ),
)


def _slip(src: Source, first: int, last: int) -> tuple[int, int, str, str] | None:
    """A line near a syntax error with a slip the parser reports elsewhere, and what to say about it.

    A full-width space or colon where YAML needs ASCII (YAML does not count U+3000 as space), no space
    after a key's colon, a quote left open.
    """
    for number in range(max(first, 1), min(last, len(src.starts)) + 1):
        for pattern, message, hint in _SLIPS:
            if found := pattern.match(line := src.line(number)):
                # A hint may show the line as it should be: `{key}: {value}` from the line itself.
                key, _, value = line.strip().removeprefix("- ").partition(":")
                return number, found.start(1) + 1, message, hint.format(key=key.strip(), value=value.strip()[:40])
    return None


def syntax_error(exc: yaml.MarkedYAMLError, src: Source, path: str) -> LoadError:
    """PyYAML's syntax error in Japanese, at the line the contributor has to fix."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    first = min(line - 1, exc.context_mark.line + 1 if exc.context_mark else line)
    if found := _slip(src, first, line):
        return error(path, *found)
    what = _yaml_problem(exc.problem or "", exc.context or "")
    if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        what += f"（{exc.context_mark.line + 1} 行目から続く部分）"
    return error(
        path,
        line,
        col,
        f"YAML の書き方に誤りがあります: {what}",
        "字下げ（半角スペース）、「:」の後の空白、引用符や括弧の閉じ忘れを確かめてください",
    )


def dotted(loc: Path_) -> str:
    """`keywords[1]` / `interview.effect` — how DESIGN §8 names a field."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
