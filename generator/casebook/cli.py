"""`casebook` command line: check, schema (and the site commands added by later stages)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import TypeAdapter

from casebook import __version__
from casebook.models import RECORD_ADAPTER, CategoryList, ChallengeList, FrameworkList, KeywordList, SourceList


class _Parser(argparse.ArgumentParser):
    """argparse with Japanese usage errors and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"casebook: 使い方の誤り: {message}\n`casebook --help` で使い方を確かめてください。\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="casebook", description="自治体デジタル人材育成の事例集（casebook）のツール")
    parser.add_argument("--version", action="version", version=f"casebook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="コマンド", parser_class=_Parser)
    check = sub.add_parser("check", help="記録を検査する（エラーがあれば終了コード 1）")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="検査するファイルかフォルダ（既定: cases）")
    check.add_argument(
        "--format", choices=["text", "github"], default="text", help="出力形式（github: GitHub Actions の注釈）"
    )
    schema = sub.add_parser("schema", help="記録の JSON Schema を書き出す（エディタの入力補完用）")
    schema.add_argument("--out", type=Path, default=Path("schema"), help="書き出し先のフォルダ（既定: schema）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `casebook` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.paths, args.format)
    if args.command == "schema":
        return _schema(args.out)
    parser.print_help()
    return 2


def _check(paths: list[Path], fmt: str) -> int:
    from casebook.validate import check

    missing = [p for p in paths if not p.exists()]
    if missing:
        for p in missing:
            print(f"casebook: 使い方の誤り: {p.as_posix()} がありません", file=sys.stderr)
        return 2
    corpus = check(paths)
    for d in corpus.diagnostics:
        print(d.format_github() if fmt == "github" else d.format())
    errors, warnings = len(corpus.errors), len(corpus.warnings)
    verdict = "問題なし" if not errors and not warnings else f"エラー {errors} 件、警告 {warnings} 件"
    print(f"casebook check: 記録 {len(corpus.entries)} 件を検査 — {verdict}", file=sys.stderr)
    return 1 if errors else 0


SCHEMAS: dict[str, tuple[str, TypeAdapter[Any]]] = {
    "record.schema.json": ("casebook の記録（事例・メッセージ・支援制度など）", RECORD_ADAPTER),
    "keywords.schema.json": ("統制キーワード（cases/keywords.yaml）", KeywordList),
    "categories.schema.json": ("カテゴリ（cases/categories.yaml）", CategoryList),
    "challenges.schema.json": ("課題（cases/challenges.yaml）", ChallengeList),
    "sources.schema.json": ("出典資料（cases/sources.yaml）", SourceList),
    "frameworks.schema.json": ("人材像の枠組み（cases/frameworks.yaml）", FrameworkList),
}
_WRAPPER_KEYS = {
    "keywords.schema.json": "keywords",
    "categories.schema.json": "categories",
    "challenges.schema.json": "challenges",
    "sources.schema.json": "sources",
    "frameworks.schema.json": "frameworks",
}


def schemas() -> dict[str, dict[str, object]]:
    """Every JSON Schema the editor uses, by file name."""
    out: dict[str, dict[str, object]] = {}
    for name, (title, adapter) in SCHEMAS.items():
        schema = adapter.json_schema()
        if name in _WRAPPER_KEYS:
            defs = schema.pop("$defs", {})
            schema = {
                "type": "object",
                "properties": {_WRAPPER_KEYS[name]: schema},
                "required": [_WRAPPER_KEYS[name]],
                "additionalProperties": False,
                "$defs": defs,
            }
        out[name] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}
    return out


def _schema(out: Path) -> int:
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, schema in schemas().items():
            (out / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"casebook: {out.as_posix()} に書き込めません（{exc.strerror}）", file=sys.stderr)
        return 1
    print(f"casebook schema: {len(SCHEMAS)} 個の JSON Schema を {out.as_posix()}/ に書き出しました", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
