"""Where a command may write: a careless `--out` must never cost a record, a page or a project.

`build` replaces its folder whole and `export`, `schema`, `package` overwrite files in theirs, so
each writes only into a folder that is missing, empty, or holds nothing but what that command itself
writes there: a built site carries the marker file SITE_MARKER (a build replaces nothing else), and
exports, schemas and archives are known by name. The project itself, anything around it, and the records and hand-written pages
(`cases/`, `docs/`) are refused even when empty.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

SITE_MARKER = ".casebook-site"
"""Left in every built site, so the next build knows it may replace the folder."""

SITE_MARKER_TEXT = (
    "このフォルダは casebook build（mkdocs build）が作ったサイトです。\n"
    "次の casebook build は、このファイルがあるフォルダだけを丸ごと置き換えます。\n"
)

ARCHIVES = ("casebook-site.zip", "casebook-site.tar.gz")
"""What `casebook package` writes into its folder."""

SCRATCH = re.compile(r"\..+\.(building|old|staging|partial)(-\d+)?")
"""Temporary names casebook uses next to (or inside) its outputs while it writes them."""


class OutputRefused(Exception):
    """`--out` names a folder casebook must not write into; the text says why and what to do, in Japanese."""


def _own_names(command: str) -> frozenset[str]:
    """What this command itself writes into its folder; anything else there is someone else's.

    A build replaces its folder whole, so it owns nothing by name: only a folder with the site marker
    (or an empty one) may go. Schemas are not an export's, and archives are not a build's.
    """
    # Imported here: export and cli import this module, and only this check needs their names.
    from casebook.export import EXPORTS
    from casebook.schemas import SCHEMAS

    owned = {"build": (), "export": EXPORTS, "schema": (*SCHEMAS,), "package": (*ARCHIVES, *EXPORTS)}
    return frozenset(owned.get(command, ()))


def _foreign_entry(folder: Path, names: frozenset[str]) -> Path | None:
    """The first entry below `folder` that casebook did not write (it stops there: `~` is cheap to refuse)."""
    if (folder / SITE_MARKER).is_file():
        return _added_to_site(folder)
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            return entry
        if entry.is_dir():
            found = _foreign_entry(entry, names)
            if found is not None:
                return found
        elif entry.name not in names and not SCRATCH.fullmatch(entry.name):
            return entry
    return None


def _shown(path: Path) -> str:
    return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else path.as_posix()


EXAMPLES = {"build": "site", "package": "dist", "export": "dist/data", "schema": "schema"}


def check_output(folder: Path, command: str, project: Path, records: Iterable[Path] = ()) -> None:
    """Raise OutputRefused unless `casebook <command> --out folder` may (re)write it; nothing is touched either way.

    A folder is casebook's when it is missing, empty, a built site, or holds only casebook's own files.
    """
    target, home = folder.resolve(), project.resolve()
    given = f"casebook {command}: --out {folder.as_posix()}"
    remedy = f"新しいフォルダを指定してください（例: --out {EXAMPLES.get(command, 'out')}）"
    if target == home or target in home.parents:
        raise OutputRefused(
            f"{given}: プロジェクトのフォルダ（またはその上）です。中のものを消さないよう何もしませんでした — {remedy}"
        )
    kept_folders = [(home / "cases", "記録"), (home / "docs", "手書きのページ"), *((r, "記録") for r in records)]
    if command != "schema":
        kept_folders.append((home / "schema", "エディタ用の JSON Schema"))  # every record's line 1 points there
    for kept, what in kept_folders:
        kept = kept.resolve()
        if target == kept or kept in target.parents:
            raise OutputRefused(f"{given}: {_shown(kept)}/ は{what}のフォルダです。ここには書き出せません — {remedy}")
    if (site := next((p for p in target.parents if (p / SITE_MARKER).is_file()), None)) is not None:
        example = (
            f"サイトを作り直すなら --out {_shown(site)}"
            if command == "build"
            else f"例: --out {EXAMPLES.get(command, 'out')}"
        )
        raise OutputRefused(
            f"{given}: 作ったサイト（{_shown(site)}/）の中です。サイトの一部になり、次のビルドで置き換わるので"
            f"何もしませんでした — サイトの外のフォルダを指定してください（{example}）"
        )
    if target.exists() and not target.is_dir():
        raise OutputRefused(f"{given}: フォルダではなくファイルです。上書きしませんでした — {remedy}")
    if target.is_dir() and (foreign := _foreign_entry(target, _own_names(command))) is not None:
        if (target / SITE_MARKER).is_file():
            raise OutputRefused(
                f"{given}: 「{_shown(foreign)}」は、前のビルドのあとにサイトへ置かれたファイルです。置き換えると消えるので"
                "何もしませんでした — サイトに入れるものは docs/ に置き（ビルドがサイトへ写します）、要らなければ消してから"
                "もう一度実行してください"
            )
        raise OutputRefused(
            f"{given}: casebook が作ったものではない「{_shown(foreign)}」があります。消さないよう何もしませんでした"
            f" — 空のフォルダか{remedy}"
        )


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (a scratch folder named after a dead one is stale)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean up after
        return True
    return True


def stale_scratch(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Entries of `folder` whose name matches `pattern` (group `pid`) and whose process is gone."""
    found = []
    for entry in folder.iterdir() if folder.is_dir() else ():
        match = pattern.fullmatch(entry.name)
        if match and int(match["pid"]) != os.getpid() and not pid_alive(int(match["pid"])):
            found.append(entry)
    return sorted(found)


def mark_site(site: Path, listed: bool = False) -> None:
    """Leave the marker that lets the next build replace this folder; `listed`: with every file it holds.

    `casebook build` lists them, so that a file someone adds to the built site later (an attachment, a
    server setting) is seen as theirs and the next build refuses to replace the folder instead of losing it.
    """
    text = SITE_MARKER_TEXT
    if listed:
        files = sorted(
            p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p != site / SITE_MARKER
        )
        text += f"\n{FILES_HEADER}\n" + "".join(f"{f}\n" for f in files)
    (site / SITE_MARKER).write_text(text, encoding="utf-8")


FILES_HEADER = (
    "# このサイトのファイル（casebook build が書いたもの。これ以外のファイルがあれば、次のビルドは置き換えません）"
)


def _added_to_site(site: Path) -> Path | None:
    """A file of a built site that its build did not write (None when the marker lists no files)."""
    text = (site / SITE_MARKER).read_text(encoding="utf-8", errors="replace")
    if FILES_HEADER not in text:
        return None  # a site made by `mkdocs build`: the plugin's marker, without the list
    written = set(text.split(FILES_HEADER, 1)[1].splitlines())
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.is_symlink() or (path.is_file() and relative != SITE_MARKER and relative not in written):
            return path
    return None


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """Write to a scratch name beside `path` and rename at the end: a failure never leaves half a file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
