"""Load stage: bytes → plain data plus the line and column of every value.

Scalars stay strings (the models decide their types), which keeps YAML 1.1 surprises out:
`085421` is not an octal number, `no` is not False, `2024-10` is not arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from casebook.diagnostics import Diagnostic

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
    ("expected <block end>", "字下げ（インデント）がそろっていません"),
    ("mapping values are not allowed", "ここに「: 」は書けません（値に「: 」を含むときは引用符で囲みます）"),
    ("cannot start any token", "使えない文字で始まっています（タブは使えません。字下げは半角スペースで）"),
    ("could not find expected ':'", "「:」が見つかりません"),
    ("found another document", "1 ファイルに書ける記録は 1 件だけです（--- で区切らないでください）"),
    ("expected a single document", "1 ファイルに書ける記録は 1 件だけです（--- で区切らないでください）"),
    ("found duplicate anchor", "同じアンカー名が 2 回あります"),
    ("expected ',' or ']'", "[ ] の中の区切りが正しくありません"),
    ("expected ',' or '}'", "{ } の中の区切りが正しくありません"),
)


def _yaml_problem(problem: str) -> str:
    """Japanese for the parser's English, keeping the original for the few we do not know."""
    for english, japanese in _YAML_PROBLEMS:
        if english in problem:
            return japanese
    return f"（{problem}）"


def parse(raw: bytes, path: str, max_bytes: int = MAX_BYTES) -> Document:
    """Parse one YAML record; raise LoadError (never anything else) when it cannot be used."""
    if len(raw) > max_bytes:
        raise _error(
            path,
            1,
            1,
            f"ファイルが大きすぎます（{len(raw):,} バイト、上限 {max_bytes:,} バイト）",
            "1 ファイルに 1 件の記録だけを書いてください",
        )
    text = _decode(raw, path)
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
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = _yaml_problem(exc.problem or exc.context or "")
        if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            what += f"（{exc.context_mark.line + 1} 行目から続く部分）"
        raise _error(
            path,
            line,
            col,
            f"YAML の書き方に誤りがあります: {what}",
            "字下げ（半角スペース）、「:」の後の空白、引用符や括弧の閉じ忘れを確かめてください",
        ) from None
    except yaml.YAMLError as exc:
        raise _error(
            path,
            1,
            1,
            f"YAML として読めません（{exc}）",
            "制御文字などの使えない文字を取り除いてください",
        ) from None
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
    doc.data = _to_data(root, (), doc, problems)
    if problems:
        raise LoadError(problems)
    return doc


def load(path: Path, display: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse a record file from disk."""
    shown = display or path.as_posix()
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _error(
            shown, 1, 1, f"ファイルを読めません（{exc.strerror}）", "パスと読み取り権限を確かめてください"
        ) from None
    return parse(raw, shown, max_bytes)


def _to_data(node: Node, loc: Path_, doc: Document, problems: list[Diagnostic]) -> Any:
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
        if node.style == ">":
            # The folded style joins lines with a space; between Japanese characters it is noise.
            return _FOLDED_SPACE.sub("", node.value)
        return node.value
    if isinstance(node, SequenceNode):
        return [_to_data(item, (*loc, i), doc, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, ScalarNode):
            problems.append(
                Diagnostic(doc.path, kline, kcol, dotted(loc), "項目名には文字列を書いてください", "例: `title:`")
            )
            continue
        key = key_node.value
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
        result[key] = _to_data(value_node, (*loc, key), doc, problems)
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
