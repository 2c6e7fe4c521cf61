"""`casebook` command line: check, schema (and the site commands added by later stages)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from casebook import __version__
from casebook.diagnostics import os_reason
from casebook.municipality import OrgKind
from casebook.schemas import SCHEMAS, schemas

_ARGPARSE_MESSAGES = (
    (r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)", r"\1 に \2 は使えません（使えるもの: \3）"),
    (
        r"argument (.+?): invalid int value: (.+)",
        r"\1 の値 \2 は整数ではありません — 半角数字だけで書いてください（例: \1 4）",
    ),
    (r"argument (.+?): invalid \w+ value: (.+)", r"\1 の値 \2 が正しくありません"),
    (r"argument (.+?): expected one argument", r"\1 の後に値を 1 つ書いてください"),
    (r"argument (.+?): not allowed with argument (.+)", r"\1 と \2 は一緒に使えません"),
    (r"argument (.+?): ignored explicit argument (.+)", r"\1 に値 \2 は付けられません"),
    (r"unrecognized arguments: (.+)", r"知らない引数です: \1"),
    (r"the following arguments are required: (.+)", r"次の引数が必要です: \1"),
    (r"ambiguous option: (.+?) could match (.+)", r"\1 は \2 のどれか分かりません"),
    (r"argument (.+?): (.+)", r"\1: \2"),  # our own checks of a value (ArgumentTypeError) say it in Japanese
)
"""argparse's English errors in Japanese (its help headings stay as Python writes them)."""


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "使い方: " if prefix is None else prefix)


# argparse's own messages, in Japanese (the parts our users meet: missing, unknown and wrong values).
class _Parser(argparse.ArgumentParser):
    """argparse in Japanese (help, headings, usage errors) with exit status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False  # our own -h, with Japanese help
        super().__init__(*args, **kwargs)
        self._positionals.title = "引数"
        self._optionals.title = "オプション"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="この説明を表示して終わる")

    def error(self, message: str) -> NoReturn:
        for english, japanese in _ARGPARSE_MESSAGES:
            if re.fullmatch(english, message):
                message = re.sub(english, japanese, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"casebook: 使い方の誤り: {message}\n`casebook --help` で使い方を確かめてください。\n")


@dataclass(frozen=True)
class Arg:
    """One argument of a subcommand, as `add_argument` takes it."""

    flags: tuple[str, ...]
    options: dict[str, Any]


def arg(*flags: str, **options: Any) -> Arg:
    """An `Arg` written like an `add_argument` call."""
    return Arg(flags, options)


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, its one-line help, its arguments and the function that runs it."""

    name: str
    help: str
    args: tuple[Arg, ...]
    run: Callable[[argparse.Namespace], int]


def _records_folder(text: str) -> Path:
    """`--root`: a folder that is there (a typo or a run from elsewhere is told as such, not as broken records)."""
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(
            f"{text} というフォルダがありません — 記録のフォルダ（既定: cases）を指定するか、プロジェクトのフォルダで実行してください"
        )
    return Path(text)


ROOT_ARG = arg("--root", type=_records_folder, default="cases", help="知識ベースのフォルダ（既定: cases）")


def _run_new(args: argparse.Namespace) -> int:
    from casebook.contribute import new_case, new_keyword

    try:
        return new_keyword(args) if args.keyword else new_case(args)
    except EOFError as exc:
        # Run from a script, an option left out becomes a question nobody answers: name it.
        question, option = (*exc.args, "", "")[:2]
        how = f"{option} で渡してください" if option else "その値をオプションで渡してください"
        missing = f"（「{question}」の答えがありません — {how}。`casebook new --help`）" if question else ""
        print(f"\ncasebook new: 入力が途中で終わったため、何も書き込みませんでした{missing}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ncasebook new: 中断しました。何も書き込みませんでした", file=sys.stderr)
        return 1


def _run_from_issue(args: argparse.Namespace) -> int:
    from casebook.issue import run

    return run(args.body, args.root, args.id, args.number)


def _run_report(args: argparse.Namespace) -> int:
    from casebook.contribute import report

    return report(args.root, args.older_than)


NEW_ARGS = (
    arg("--keyword", action="store_true", help="事例ではなくキーワードを keywords.yaml に追加する"),
    ROOT_ARG,
    arg("--org", help="団体名（例: 五霞町）"),
    arg("--code", help="全国地方公共団体コード 6 桁（例: 085421）"),
    arg("--kind", choices=[k.value for k in OrgKind], help="団体区分"),
    arg("--title", help="事例のタイトル"),
    arg("--category", help="カテゴリ（slug）"),
    arg("--keywords", help="キーワード（読点・カンマ区切り）"),
    arg("--summary", help="取り組みの概要（300 字以内）"),
    arg("--period", help="取り組みを始めた時期（例: 令和5年度、R5.4）"),
    arg("--source", help="出典資料の id（cases/sources.yaml）"),
    arg("--source-title", help="登録されていない出典の資料名（例: 五霞町デジタル人材育成プラン）"),
    arg("--source-publisher", help="登録されていない出典の発行者（例: 五霞町）"),
    arg("--source-date", help="登録されていない出典の日付"),
    arg("--source-url", help="登録されていない出典の URL"),
    arg("--page", type=int, help="出典のページ"),
    arg("--id", help="記録の ID（ファイル名。既定は団体コード）"),
    arg("--label", help="（--keyword）表示名"),
    arg("--slug", help="（--keyword）URL に使う英字の名前（例: one-person-it）"),
    arg("--yomi", help="（--keyword）読み（ひらがな）"),
    arg("--group", help="（--keyword）分類"),
    arg("--description", help="（--keyword）説明"),
    arg("--aliases", help="（--keyword）表記ゆれ（カンマ区切り）"),
    arg("--yes", action="store_true", help="（--keyword）似たキーワードがあっても確認せずに追加する"),
)

COMMANDS: tuple[Command, ...] = (
    Command(
        "check",
        "記録を検査する（エラーがあれば終了コード 1）",
        (
            arg("paths", nargs="*", type=Path, metavar="PATH", help="検査するファイルかフォルダ（既定: cases）"),
            arg(
                "--format", choices=["text", "github"], default="text", help="出力形式（github: GitHub Actions の注釈）"
            ),
            arg("--strict", action="store_true", help="警告も失敗にする（mkdocs build --strict と同じ判定）"),
        ),
        lambda a: _check(a.paths, a.format, a.strict),
    ),
    Command("new", "新しい事例の記録（または --keyword でキーワード）を作る", NEW_ARGS, _run_new),
    Command(
        "from-issue",
        "「事例を提案する」イシューの本文から記録のファイルを作る（検査つき）",
        (
            arg("body", type=Path, metavar="本文", help="イシューの本文を保存したファイル（- なら標準入力）"),
            ROOT_ARG,
            arg("--id", help="記録の ID（ファイル名。既定は団体コード）"),
            arg("--number", type=int, help="イシューの番号（記録の先頭の注記に書きます）"),
        ),
        _run_from_issue,
    ),
    Command(
        "report",
        "査読の手がかりを一覧にする（使われていないキーワード、重複の疑い、古い記録）",
        (
            ROOT_ARG,
            arg(
                "--older-than",
                type=int,
                default=365,
                metavar="DAYS",
                help="この日数より前に更新された記録を挙げる（既定: 365）",
            ),
        ),
        _run_report,
    ),
    Command(
        "build",
        "検査・ページ生成・MkDocs・検索索引を一度に行い、成功したときだけ site/ を入れ替える",
        (
            arg("--site-url", help="公開先の URL（例: https://intra.example.lg.jp/kb/）。サブパスも可"),
            arg("--out", type=Path, default=Path("site"), help="出力先（既定: site）"),
            arg(
                "--engine",
                choices=["mkdocs", "properdocs", "zensical"],
                default="mkdocs",
                help="サイトを作るエンジン（既定: mkdocs。docs/publish.md の「エンジン」を参照）",
            ),
        ),
        lambda a: _build(a.out, a.site_url, a.engine),
    ),
    Command(
        "package",
        "作ったサイトを .zip と .tar.gz にまとめる（web.config・SHA256SUMS 付き）",
        (
            arg("--site", type=Path, default=Path("site"), help="サイトのフォルダ（既定: site）"),
            arg("--out", type=Path, default=Path("dist"), help="出力先（既定: dist）"),
        ),
        lambda a: _package(a.site, a.out),
    ),
    Command(
        "export",
        "記録を JSON・CSV・XLSX・「事例」データモデルの CSV に書き出す",
        (arg("--out", type=Path, default=Path("dist/data"), help="出力先（既定: dist/data）"), ROOT_ARG),
        lambda a: _export(a.root, a.out),
    ),
    Command(
        "schema",
        "記録の JSON Schema を書き出す（エディタの入力補完用）",
        (arg("--out", type=Path, default=Path("schema"), help="書き出し先のフォルダ（既定: schema）"),),
        lambda a: _schema(a.out),
    ),
)
"""Every subcommand, in the order `casebook --help` lists them."""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="casebook", description="自治体デジタル人材育成の事例集（casebook）のツール")
    parser.add_argument("--version", action="version", version=f"casebook {__version__}", help="版を表示して終わる")
    sub = parser.add_subparsers(dest="command", metavar="コマンド", parser_class=_Parser)
    for command in COMMANDS:
        child = sub.add_parser(command.name, help=command.help)
        for a in command.args:
            child.add_argument(*a.flags, **a.options)
        child.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `casebook` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


def _check(paths: list[Path], fmt: str, strict: bool = False) -> int:
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
    print(f"casebook check: 記録 {len(corpus.files)} 件を検査 — {verdict}", file=sys.stderr)
    return 1 if errors or (strict and warnings) else 0


def _refused(out: Path, command: str, records: Sequence[Path] = ()) -> bool:
    """Print why `--out` may not be written (see outputs.py); True when refused."""
    from casebook.outputs import OutputRefused, check_output

    try:
        check_output(out, command, Path.cwd(), records)
    except OutputRefused as exc:
        print(exc, file=sys.stderr)
        return True
    return False


def _build(out: Path, site_url: str | None, engine: str = "mkdocs") -> int:
    from casebook.engines import EngineMissing, require
    from casebook.outputs import OutputRefused
    from casebook.publish import Interrupted, build_site, check_site_url
    from casebook.validate import check

    if site_url is not None:
        try:
            site_url = check_site_url(site_url)
        except ValueError as exc:
            print(f"casebook build: --site-url {site_url}: {exc}", file=sys.stderr)
            return 2
    if _refused(out, "build"):
        return 2
    try:
        require(engine)
    except EngineMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    corpus = check([Path("cases")])
    for d in corpus.diagnostics:
        print(d.format())
    if corpus.errors:
        print(
            f"casebook build: エラーが {len(corpus.errors)} 件あるため作りませんでした（{out.as_posix()} はそのままです）",
            file=sys.stderr,
        )
        return 1
    print(f"casebook build: 記録 {len(corpus.entries)} 件からサイトを作っています…", file=sys.stderr)
    try:
        result = build_site(Path.cwd(), out, site_url, engine)
    except OutputRefused as exc:
        print(exc, file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"casebook build: 中断しました（{exc}）。{out.as_posix()} は前のままです", file=sys.stderr)
        return 128 + exc.signum
    if not result.ok:
        print(result.log, file=sys.stderr)
        print(f"casebook build: サイトを作れませんでした。{out.as_posix()} は前のままです", file=sys.stderr)
        return 1
    print(f"casebook build: {out.as_posix()}/ を更新しました", file=sys.stderr)
    return 0


def _package(site: Path, out: Path) -> int:
    from casebook.archive import package, package_warnings
    from casebook.outputs import OutputRefused

    try:
        files = package(site, out, project=Path.cwd())
    except OutputRefused as exc:
        print(exc, file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"casebook package: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"casebook package: --out {out.as_posix()}: 書き込めません（{exc.strerror}）— 前のアーカイブはそのままです",
            file=sys.stderr,
        )
        return 1
    for f in files:
        print(f"casebook package: {f.as_posix()}（{f.stat().st_size / 1024 / 1024:.1f} MiB）", file=sys.stderr)
    for note in package_warnings(site, Path.cwd()):  # last, where the administrator reads on
        print(f"casebook package: 注意: {note}", file=sys.stderr)
    return 0


def _export(root: Path, out: Path) -> int:
    from casebook.export import write_exports
    from casebook.validate import check

    if _refused(out, "export", [root]):
        return 2
    corpus = check([root])
    if corpus.errors:
        for d in corpus.errors:
            print(d.format())
        return 1
    try:
        written = write_exports(corpus, out, schemas()["record.schema.json"])
    except OSError as exc:
        print(
            f"casebook export: --out {out.as_posix()}: 書き込めません（{exc.strerror}）— 書き込めるフォルダを指定してください",
            file=sys.stderr,
        )
        return 1
    for path in written:
        print(f"casebook export: {path.as_posix()}", file=sys.stderr)
    return 0


def _schema(out: Path) -> int:
    if _refused(out, "schema"):
        return 2
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, schema in schemas().items():
            (out / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"casebook: {out.as_posix()} に書き込めません（{os_reason(exc)}）", file=sys.stderr)
        return 1
    print(f"casebook schema: {len(SCHEMAS)} 個の JSON Schema を {out.as_posix()}/ に書き出しました", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
