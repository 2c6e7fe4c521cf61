"""Load stage: bytes → plain data plus the line and column of every value.

Scalars stay strings (the models decide their types), which keeps YAML 1.1 surprises out:
`085421` is not an octal number, `no` is not False, `2024-10` is not arithmetic.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from casebook.chars import FORBIDDEN, clean, plain
from casebook.diagnostics import Diagnostic, os_reason
from casebook.yaml_text import (
    LoadError,
    Path_,
    Source,
    bad_char,
    char_offset,
    decode,
    dotted,
    error,
    refuse_characters,
    syntax_error,
)

MAX_BYTES = 256 * 1024
"""A record is a page of text; anything bigger is a mistake (or an attack) and is refused."""

MAX_TAXONOMY_BYTES = 16 * 1024 * 1024
"""Taxonomy files list every term (10,000 keywords is about 1.5 MB); they get a larger allowance."""

MAX_DEPTH = 32
"""Records nest a few levels deep; a deeper document is refused before it can exhaust the stack."""

_CJK = "\u3000-\u30ff\u4e00-\u9fff\uff01-\uff60"
_FOLDED_SPACE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary", "merge")
}


@dataclass
class Document:
    """One loaded YAML file: its data and where each value (and each mapping key) sits."""

    path: str
    data: dict[str, Any]
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    """Errors that leave the data usable (a key written twice: the first value is kept; a key indented with
    full-width spaces: left out), so the rest of the file is still checked and every problem is reported
    in one run."""

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


def _too_big(path: str, size: int, max_bytes: int) -> LoadError:
    return error(
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
    text = decode(raw, path)
    src = Source(text)
    refuse_characters(src, path)
    try:
        root = _compose_fast(text)
        if root is _SLOW:
            # libyaml cannot say where an alias is, and its messages differ: the pure-Python
            # composer re-reads the (rare) problem files for exact positions.
            root = yaml.compose(text, Loader=_Composer)
    except _AliasFound as exc:
        raise error(
            path,
            exc.mark.line + 1,
            exc.mark.column + 1,
            "エイリアス（*名前）は使えません",
            "参照せずに値をそのまま書いてください",
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise syntax_error(exc, src, path) from None
    except yaml.YAMLError:
        # Only the reader raises unmarked errors, for characters refuse_characters already reports.
        raise error(path, 1, 1, "YAML として読めません", "使えない文字を取り除いてください") from None
    except RecursionError:
        raise error(path, 1, 1, "入れ子が深すぎます", f"入れ子は {MAX_DEPTH} 段までにしてください") from None
    if root is None:
        raise error(path, 1, 1, "ファイルが空です", "記録の項目（type: など）を書いてください")
    if not isinstance(root, MappingNode):
        line, col = root.start_mark.line + 1, root.start_mark.column + 1
        raise error(
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
        raise LoadError(sorted([*problems, *doc.problems], key=lambda d: (d.line, d.col)))
    return doc


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
        raise error(
            shown, 1, 1, f"ファイルを読めません（{os_reason(exc)}）", "パスと読み取り権限を確かめてください"
        ) from None
    return parse(raw, shown, max_bytes)


@dataclass(frozen=True)
class _Walk:
    """What the tree walk needs besides the node: the document it fills, the problems, the text."""

    doc: Document
    problems: list[Diagnostic]
    src: Source

    def report(self, node: Node, loc: Path_, value: str) -> str | None:
        """`value` as data: None (and a problem at the character) when it holds a forbidden character."""
        if plain(value):
            return value
        bad = FORBIDDEN.search(value)
        if bad is None:
            return clean(value)
        start, end = self.src.offset(node.start_mark), self.src.offset(node.end_mark)
        offset = char_offset(self.src.text[start:end], bad[0], getattr(node, "style", None) == '"')
        self.problems.append(bad_char(self.doc.path, self.src.where(start + offset), loc, bad[0]))
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
        # YAML joins the lines of a folded block (>) with a space, and so it does a plain or quoted value
        # written over several lines; between Japanese characters that space is noise.
        folded = node.style == ">" or (node.style != "|" and node.start_mark.line != node.end_mark.line)
        return walk.report(node, loc, _FOLDED_SPACE.sub("", node.value) if folded else node.value)
    if isinstance(node, SequenceNode):
        return [_to_data(item, (*loc, i), walk) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    return _mapping(node, loc, walk)


def _mapping(node: MappingNode, loc: Path_, walk: _Walk) -> dict[str, Any]:
    """A mapping's keys checked (strings, no merge key, no repeats, no full-width indentation) and its values walked."""
    doc, problems = walk.doc, walk.problems
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
        problem = _key_problem(key, loc, doc.key_positions.get((*loc, key)) if key in result else None)
        if problem is not None:
            name, message, hint, usable = problem  # usable: the rest of the file is still read and checked
            (doc.problems if usable else problems).append(Diagnostic(doc.path, kline, kcol, name, message, hint))
            continue
        doc.key_positions[(*loc, key)] = (kline, kcol)
        result[key] = _to_data(value_node, (*loc, key), walk)
    return result


def _key_problem(key: str, loc: Path_, first: tuple[int, int] | None) -> tuple[str, str, str, bool] | None:
    """(field, message, hint, usable) when a mapping key cannot be used; `first`: where it was written before.

    Usable problems leave the key out (a key written twice keeps its first value), so the file's other
    problems are found in the same run; a merge key refuses the file.
    """
    if first is not None:
        return (
            dotted((*loc, key)),
            f"項目「{key}」が 2 回書かれています（最初は {first[0]} 行目）",
            "どちらか一方を消してください",
            True,
        )
    if key.startswith("\u3000"):
        return "", "全角スペースで字下げしています", "半角スペースにしてください", True
    if key == "<<":
        return dotted(loc), "マージキー「<<」は使えません", "項目をそのまま書いてください", False
    return None


__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_TAXONOMY_BYTES", "Document", "LoadError", "dotted", "load", "parse"]
