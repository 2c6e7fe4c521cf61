"""Load stage: bytes → plain data plus the line and column of every value.

Scalars stay strings (the models decide their types), which keeps YAML 1.1 surprises out:
`085421` is not an octal number, `no` is not False, `2024-10` is not arithmetic.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from casebook.chars import FORBIDDEN, clean, name, plain
from casebook.diagnostics import Diagnostic, os_reason

MAX_BYTES = 256 * 1024
"""A record is a page of text; anything bigger is a mistake (or an attack) and is refused."""

MAX_TAXONOMY_BYTES = 16 * 1024 * 1024
"""Taxonomy files list every term (10,000 keywords is about 1.5 MB); they get a larger allowance."""

MAX_DEPTH = 32
"""Records nest a few levels deep; a deeper document is refused before it can exhaust the stack."""

Path_ = tuple[str | int, ...]
_CJK = "\u3000-\u30ff\u4e00-\u9fff\uff01-\uff60"
_FOLDED_SPACE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary", "merge")
}


class LoadError(Exception):
    """The file could not be read as a record; carries the diagnostics that say why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass
class Document:
    """One loaded YAML file: its data and where each value (and each mapping key) sits."""

    path: str
    data: dict[str, Any]
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `loc`, or of its nearest ancestor that exists in the file."""
        loc = tuple(loc)
        while True:
            if key and loc in self.key_positions:
                return self.key_positions[loc]
            if loc in self.positions:
                return self.positions[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]


class _AliasFound(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Composer(yaml.SafeLoader):
    """SafeLoader that refuses aliases as it meets them, so an alias bomb never expands."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            raise _AliasFound(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)


_SLOW = object()
# CBaseLoader: libyaml without implicit type resolution, which we never use (scalars stay strings).
_FastLoader = getattr(yaml, "CBaseLoader", None)


def _compose_fast(text: str) -> Any:
    """Compose with libyaml when available (about 10× faster); _SLOW when the slow path must decide."""
    if _FastLoader is None:
        return _SLOW
    try:
        root = yaml.compose(text, Loader=_FastLoader)
    except (yaml.YAMLError, RecursionError):
        return _SLOW
    # An alias is written `*name`: text without a `*` cannot hold one, so skip the walk.
    return _SLOW if root is not None and "*" in text and _has_shared_node(root) else root


def _has_shared_node(root: Node) -> bool:
    """An alias makes one node appear twice in the tree."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return False


def _error(path: str, line: int, col: int, message: str, hint: str) -> LoadError:
    return LoadError([Diagnostic(path, line, col, "", message, hint)])


_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class _Source:
    """The decoded text and where its lines start, to turn parser marks and offsets into line:col."""

    text: str

    @functools.cached_property
    def starts(self) -> tuple[int, ...]:
        # Only a file with a problem needs them.
        return (0, *(m.end() for m in _LINE_END.finditer(self.text)))

    def offset(self, mark: yaml.Mark) -> int:
        return self.starts[min(mark.line, len(self.starts) - 1)] + mark.column

    def where(self, offset: int) -> tuple[int, int]:
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


def _bad_char(path: str, where: tuple[int, int], loc: Path_, ch: str) -> Diagnostic:
    return Diagnostic(path, *where, dotted(loc), f"「{name(ch)}」は使えません", _CHAR_HINT)


def _refuse_characters(src: _Source, path: str) -> None:
    """Characters YAML cannot read, at their own line:col (the first of each line, for ten lines)."""
    problems: list[Diagnostic] = []
    for match in _UNREADABLE.finditer(src.text):
        where = src.where(match.start())
        if problems and problems[-1].line == where[0]:
            continue
        problems.append(_bad_char(path, where, (), match[0]))
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


def _char_offset(written: str, ch: str, double_quoted: bool) -> int:
    """Where in the scalar as written `ch` comes from: the character itself or its `\\…` escape."""
    if ch in written:
        return written.index(ch)
    for match in _ESCAPE.finditer(written) if double_quoted else ():
        code = match[1]
        if (chr(int(code[1:], 16)) if len(code) > 1 else _NAMED_ESCAPES.get(code)) == ch:
            return match.start()
    return 0


def _decode(raw: bytes, path: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _error(
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


_FULLWIDTH = (
    (
        re.compile(r" *(\u3000)[ \u3000]*(?:-[ \u3000]|[^\s:#][^:]*:(?:[ \u3000]|$))"),
        "全角スペースで字下げしています",
        "半角スペースにしてください",
    ),
    (
        re.compile(r" *(?:- +)?[A-Za-z_][\w-]*:(\u3000)"),
        "「:」の後が全角スペースです",
        "「:」の後は半角スペースにしてください",
    ),
    (
        re.compile(r" *(?:- +)?[A-Za-z_][\w-]*(：)"),
        "項目名の後の「：」が全角です",
        "半角の「:」と半角スペースにしてください",
    ),
)


def _fullwidth(src: _Source, first: int, last: int) -> tuple[int, int, str, str] | None:
    """A line near a syntax error that uses a full-width space or colon where YAML needs ASCII.

    YAML does not count U+3000 as space, so the parser's own complaint points somewhere else.
    """
    for number in range(max(first, 1), min(last, len(src.starts)) + 1):
        for pattern, message, hint in _FULLWIDTH:
            if found := pattern.match(src.line(number)):
                return number, found.start(1) + 1, message, hint
    return None


def _too_big(path: str, size: int, max_bytes: int) -> LoadError:
    return _error(
        path,
        1,
        1,
        f"ファイルが大きすぎます（{size:,} バイト、上限 {max_bytes:,} バイト）",
        "1 ファイルに 1 件の記録だけを書いてください",
    )


def parse(raw: bytes, path: str, max_bytes: int = MAX_BYTES) -> Document:
    """Parse one YAML record; raise LoadError (never anything else) when it cannot be used."""
    if len(raw) > max_bytes:
        raise _too_big(path, len(raw), max_bytes)
    text = _decode(raw, path)
    src = _Source(text)
    _refuse_characters(src, path)
    try:
        root = _compose_fast(text)
        if root is _SLOW:
            # libyaml cannot say where an alias is, and its messages differ: the pure-Python
            # composer re-reads the (rare) problem files for exact positions.
            root = yaml.compose(text, Loader=_Composer)
    except _AliasFound as exc:
        raise _error(
            path,
            exc.mark.line + 1,
            exc.mark.column + 1,
            "エイリアス（*名前）は使えません",
            "参照せずに値をそのまま書いてください",
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, src, path) from None
    except yaml.YAMLError:
        # Only the reader raises unmarked errors, for characters _refuse_characters already reports.
        raise _error(path, 1, 1, "YAML として読めません", "使えない文字を取り除いてください") from None
    except RecursionError:
        raise _error(path, 1, 1, "入れ子が深すぎます", f"入れ子は {MAX_DEPTH} 段までにしてください") from None
    if root is None:
        raise _error(path, 1, 1, "ファイルが空です", "記録の項目（type: など）を書いてください")
    if not isinstance(root, MappingNode):
        line, col = root.start_mark.line + 1, root.start_mark.column + 1
        raise _error(
            path,
            line,
            col,
            "記録の最上位は「項目名: 値」の形（マッピング）でなければなりません",
            "例: `title: 事例のタイトル` のように書いてください",
        )
    doc = Document(path=path, data={})
    problems: list[Diagnostic] = []
    doc.data = _to_data(root, (), _Walk(doc, problems, src))
    if problems:
        raise LoadError(problems)
    return doc


def _syntax_error(exc: yaml.MarkedYAMLError, src: _Source, path: str) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    first = min(line - 1, exc.context_mark.line + 1 if exc.context_mark else line)
    if found := _fullwidth(src, first, line):
        return _error(path, *found)
    what = _yaml_problem(exc.problem or "", exc.context or "")
    if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        what += f"（{exc.context_mark.line + 1} 行目から続く部分）"
    return _error(
        path,
        line,
        col,
        f"YAML の書き方に誤りがあります: {what}",
        "字下げ（半角スペース）、「:」の後の空白、引用符や括弧の閉じ忘れを確かめてください",
    )


def load(path: Path, display: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse a record file from disk."""
    shown = display or path.as_posix()
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
            if len(raw) > max_bytes:
                # Only max + 1 bytes were read: the size to report is the file's own.
                raise _too_big(shown, os.fstat(fh.fileno()).st_size, max_bytes)
    except OSError as exc:
        raise _error(
            shown, 1, 1, f"ファイルを読めません（{os_reason(exc)}）", "パスと読み取り権限を確かめてください"
        ) from None
    return parse(raw, shown, max_bytes)


@dataclass(frozen=True)
class _Walk:
    """What the tree walk needs besides the node: the document it fills, the problems, the text."""

    doc: Document
    problems: list[Diagnostic]
    src: _Source

    def report(self, node: Node, loc: Path_, value: str) -> str | None:
        """`value` as data: None (and a problem at the character) when it holds a forbidden character."""
        if plain(value):
            return value
        bad = FORBIDDEN.search(value)
        if bad is None:
            return clean(value)
        start, end = self.src.offset(node.start_mark), self.src.offset(node.end_mark)
        offset = _char_offset(self.src.text[start:end], bad[0], getattr(node, "style", None) == '"')
        self.problems.append(_bad_char(self.doc.path, self.src.where(start + offset), loc, bad[0]))
        return None


def _to_data(node: Node, loc: Path_, walk: _Walk) -> Any:
    doc, problems = walk.doc, walk.problems
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    doc.positions[loc] = (line, col)
    if len(loc) > MAX_DEPTH:
        problems.append(
            Diagnostic(doc.path, line, col, "", "入れ子が深すぎます", f"入れ子は {MAX_DEPTH} 段までにしてください")
        )
        return None
    if node.tag not in _STANDARD_TAGS:
        problems.append(
            Diagnostic(
                doc.path,
                line,
                col,
                dotted(loc),
                f"タグ「{node.tag.replace('tag:yaml.org,2002:', '!!')}」は使えません",
                "「!」で始まるタグを取り除いてください",
            )
        )
        return None
    if isinstance(node, ScalarNode):
        if not node.style and node.value in _NULLS:  # plain style: None in PyYAML, "" in libyaml
            return None
        # The folded style joins lines with a space; between Japanese characters it is noise.
        return walk.report(node, loc, _FOLDED_SPACE.sub("", node.value) if node.style == ">" else node.value)
    if isinstance(node, SequenceNode):
        return [_to_data(item, (*loc, i), walk) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, ScalarNode):
            problems.append(
                Diagnostic(doc.path, kline, kcol, dotted(loc), "項目名には文字列を書いてください", "例: `title:`")
            )
            continue
        key = walk.report(key_node, (*loc, key_node.value), key_node.value)
        if key is None:
            continue
        if key.startswith("\u3000"):
            problems.append(
                Diagnostic(doc.path, kline, kcol, "", "全角スペースで字下げしています", "半角スペースにしてください")
            )
            continue
        if key == "<<":
            problems.append(
                Diagnostic(
                    doc.path, kline, kcol, dotted(loc), "マージキー「<<」は使えません", "項目をそのまま書いてください"
                )
            )
            continue
        if key in result:
            first = doc.key_positions.get((*loc, key), (kline, kcol))
            problems.append(
                Diagnostic(
                    doc.path,
                    kline,
                    kcol,
                    dotted((*loc, key)),
                    f"項目「{key}」が 2 回書かれています（最初は {first[0]} 行目）",
                    "どちらか一方を消してください",
                )
            )
            continue
        doc.key_positions[(*loc, key)] = (kline, kcol)
        result[key] = _to_data(value_node, (*loc, key), walk)
    return result


def dotted(loc: Path_) -> str:
    """`keywords[1]` / `interview.effect` — how DESIGN §8 names a field."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
