"""Where the knowledge base is, and which of its files are records, roadmaps or mistakes.

The cases folder is the one given (or the current project's `cases/`), never a folder found by
walking above the project: a missing `keywords.yaml` must be an error, not a reason to check
someone else's records. Every file in it is accounted for: records and roadmaps are read,
documentation (`*.md`) is left alone, and anything else is reported rather than silently skipped.

| file | verdict |
|---|---|
| `keywords.yaml` … (the taxonomy files) at the top | read as the taxonomy |
| `*.yaml` in a sub-folder (`roadmaps/*.yaml` are roadmaps) | read as a record |
| `*.md` anywhere, hidden files and folders (`.gitkeep`, `.DS_Store`), `Thumbs.db` | left alone |
| `*.yml`, `*.YAML`; another `*.yaml` at the top; a folder inside `roadmaps/` | error (never read) |
| a link that leads outside the project, a link to a folder, a FIFO or device | error (never opened) |
| an editor backup or temporary file (`*~`, `*.bak`, `*.orig`, `*.swp`, …) and any other file | warning |

Warnings fail `casebook check --strict` and `mkdocs build --strict` alike.
"""

from __future__ import annotations

import functools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from casebook.diagnostics import Diagnostic, Severity, display_path
from casebook.taxonomy import closest

CASES = "cases"
TAXONOMY_NAMES = ("keywords.yaml", "categories.yaml", "challenges.yaml", "sources.yaml", "frameworks.yaml")
ROADMAPS = "roadmaps"
_BACKUP_SUFFIXES = {".bak", ".backup", ".orig", ".rej", ".swp", ".swo", ".tmp", ".old"}
_OS_FILES = {"thumbs.db", "desktop.ini"}


def find_root(paths: list[Path] | tuple[Path, ...], cwd: Path | None = None) -> Path:
    """The cases folder the paths belong to; never a folder above the project.

    The project is the nearest folder with `mkdocs.yml` at or above the working directory (`cwd`),
    or the working directory itself; no folder above the project is ever looked at. A folder named `cases` or holding a taxonomy file is a cases
    folder; a folder given explicitly outside the project's `cases/` is taken as the cases folder
    itself (the test corpus `tests/broken/cases`, or a plugin's `cases_dir`).
    """
    here_now = (cwd or Path.cwd()).resolve()
    # Run from inside a project (e.g. in cases/municipal/), the project is the folder with mkdocs.yml.
    project = next((p for p in (here_now, *here_now.parents) if (p / "mkdocs.yml").is_file()), here_now)
    if not paths:
        return project / CASES
    start = paths[0].resolve()
    folder = start if start.is_dir() else start.parent
    for here in (folder, *folder.parents):
        if (here / "mkdocs.yml").is_file():
            return _project_cases(here, start, folder)
        if here.name == CASES or any((here / name).is_file() for name in TAXONOMY_NAMES):
            return here
        if here == project:
            return _project_cases(here, start, folder)
    # A record file with no knowledge base around it (a copy in /tmp): the project's own cases/ is
    # checked, and the file is said to be outside it, instead of its folder taken for a cases folder.
    return folder if start.is_dir() else project / CASES


def _project_cases(project: Path, start: Path, folder: Path) -> Path:
    cases = project / CASES
    if start == project or not start.is_dir() or start.is_relative_to(cases):
        return cases
    return folder


@dataclass
class Layout:
    """The files of a cases folder, sorted into what is read and what is refused."""

    records: list[Path] = field(default_factory=list)
    roadmaps: list[Path] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def scan(root: Path, cwd: Path | None = None) -> Layout:
    """Every file under the cases folder, classified (taxonomy files are left to the taxonomy loader)."""
    layout = Layout()
    project = root.resolve().parent
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in sorted(dirs):
            if name.startswith(".") or (here / name).is_symlink():
                dirs.remove(name)
                if not name.startswith("."):
                    layout.problems.append(_refuse(here / name, cwd, "フォルダへのリンクは読み込みません", _REAL))
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or name.casefold() in _OS_FILES:
                continue
            if here == root and name in TAXONOMY_NAMES:
                continue  # the taxonomy loader reads (and checks) these itself
            problem = file_problem(path, project, cwd)
            if problem is not None:
                layout.problems.append(problem)
                continue
            _classify(path, root, layout, cwd)
    return layout


_REAL = "リンクではなく実体のファイル（フォルダ）を cases/ の中に置いてください"


def file_problem(path: Path, project: Path, cwd: Path | None) -> Diagnostic | None:
    """Why a file must not be opened: a link leading outside the project, or not a regular file.

    `stat` never blocks, while opening a FIFO waits for a writer forever.
    """
    try:
        st = path.stat()
    except OSError:
        return _refuse(path, cwd, "リンク先のファイルがありません", "リンクを消すか、実体のファイルを置いてください")
    if path.is_symlink() and not path.resolve().is_relative_to(project):
        return _refuse(path, cwd, "リンク先がプロジェクトの外にあります", _REAL)
    if not stat.S_ISREG(st.st_mode):
        return _refuse(
            path,
            cwd,
            "通常のファイルではありません（名前付きパイプ・デバイスなど）",
            "このファイルを消して、記録は通常の YAML ファイルとして置いてください",
        )
    return None


def shown_path(path: Path, cwd: Path | None = None) -> str:
    """How a file is named in messages: relative to the project, and a link as the link, not its target.

    A link's target may be a path on someone's machine, which must not reach a message or a page.
    """
    if path.parent == path:
        return display_path(path, cwd)
    return f"{_shown_folder(path.parent, cwd)}/{path.name}".removeprefix("./")


@functools.lru_cache(maxsize=4096)
def _shown_folder(folder: Path, cwd: Path | None) -> str:
    # Thousands of records share a few folders: resolve each folder once, not each file.
    return display_path(folder, cwd).removesuffix("/")


def _refuse(path: Path, cwd: Path | None, message: str, hint: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(shown_path(path, cwd), 1, 1, "", message, hint, severity)


def _classify(path: Path, root: Path, layout: Layout, cwd: Path | None) -> None:
    rel = path.relative_to(root)
    suffix = path.suffix
    if suffix == ".yaml":
        if len(rel.parts) == 1:
            layout.problems.append(_stray_top(path, cwd))
        elif rel.parts[0] != ROADMAPS:
            layout.records.append(path)
        elif len(rel.parts) == 2:
            layout.roadmaps.append(path)
        else:
            layout.problems.append(
                _refuse(
                    path,
                    cwd,
                    "roadmaps/ の中のフォルダにあるロードマップは読み込まれません",
                    f"{CASES}/{ROADMAPS}/ の直下に移してください",
                )
            )
    elif suffix.casefold() in (".yaml", ".yml"):
        layout.problems.append(
            _refuse(
                path,
                cwd,
                f"拡張子が「{suffix}」のファイルは読み込まれません",
                f"拡張子を小文字の .yaml にしてください（例: {path.stem}.yaml）",
            )
        )
    elif suffix.casefold() == ".md":
        return  # notes such as cases/SOURCES.md
    elif path.name.endswith("~") or suffix.casefold() in _BACKUP_SUFFIXES:
        layout.problems.append(
            _refuse(
                path,
                cwd,
                "バックアップか一時ファイルのようなので読み込みません",
                "不要なら消してください（記録なら拡張子を .yaml にします）",
                Severity.WARNING,
            )
        )
    else:
        layout.problems.append(
            _refuse(
                path,
                cwd,
                "cases/ の中にある YAML でも Markdown でもないファイルは読み込みません",
                "記録なら .yaml で書き、そうでなければ cases/ の外に移してください",
                Severity.WARNING,
            )
        )


def _stray_top(path: Path, cwd: Path | None) -> Diagnostic:
    guess = closest(path.name.casefold(), list(TAXONOMY_NAMES), cutoff=0.75)
    hint = (
        f"もしかして「{guess[0]}」ですか？"
        if guess
        else "記録なら種類ごとのフォルダ（例: cases/municipal/、cases/voices/）に移してください"
    )
    names = "、".join(TAXONOMY_NAMES)
    return _refuse(path, cwd, f"cases/ の直下に置けるのは {names} だけです", hint)
