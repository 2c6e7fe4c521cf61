"""Validate stage: every file → typed records, every problem collected in one pass (DESIGN §8).

`corpus` (what check hands on), `records` (one file), `terms` (taxonomy files), `references`
(cross-checks), `addresses` (page-name collisions), `messages` (pydantic → Japanese).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from casebook.diagnostics import Diagnostic, sort_key
from casebook.layout import find_root, scan, shown_path
from casebook.taxonomy import Taxonomy
from casebook.validate.addresses import TERM_ROUTES, docs_pages, page_name_problem
from casebook.validate.corpus import Corpus, Entry, RoadmapEntry
from casebook.validate.lookup import Refs
from casebook.validate.records import RecordCache, is_safe_id, load_record, read_record
from casebook.validate.references import cross_check, load_roadmap
from casebook.validate.terms import load_taxonomy, read_taxonomy, record_files


def check(paths: Sequence[Path] = (), cwd: Path | None = None, cache: RecordCache | None = None) -> Corpus:
    """Load and validate the whole corpus; report problems only for `paths` (all when empty).

    With a `cache`, record files that did not change since the last check are not read again.
    """
    root = find_root(list(paths), cwd)
    corpus = Corpus(root, Taxonomy())
    always = _outside(paths, root, cwd)
    if not root.is_dir():
        corpus.diagnostics = sorted([*always, _missing_root(root, cwd)], key=sort_key)
        return corpus
    taxonomy, problems, gaps = read_taxonomy(root, cwd)
    corpus.taxonomy, corpus.diagnostics = taxonomy, problems
    always.extend(gaps.whole.values())  # without them no record can be checked: shown whatever was asked
    layout = scan(root, cwd)
    corpus.diagnostics.extend(layout.problems)
    corpus.diagnostics.extend(_duplicate_ids(layout.records, cwd))
    loaded = [item for path in layout.records if (item := load_record(path, corpus, cwd, cache)) is not None]
    corpus.files = [shown_path(p, cwd) for p in layout.records]
    refs = Refs(taxonomy, gaps, sorted({item.ident for item in loaded if item.kind == "program"}))
    cross_check(corpus, loaded, refs)
    for path in layout.roadmaps:
        load_roadmap(path, corpus, cwd, refs)
    corpus.diagnostics.extend(docs_pages(root, cwd))
    if not _whole(paths, root):
        wanted = _wanted(paths, cwd)
        corpus.diagnostics = [d for d in corpus.diagnostics if wanted(d.path) or d in always]
    corpus.diagnostics.extend(d for d in always if d not in corpus.diagnostics)
    corpus.diagnostics = sorted(gaps.annotate(corpus.diagnostics), key=sort_key)
    return corpus


def _missing_root(root: Path, cwd: Path | None) -> Diagnostic:
    shown = shown_path(root, cwd)
    return Diagnostic(
        shown,
        1,
        1,
        "",
        f"知識ベースのフォルダ「{shown}」がありません（keywords.yaml と記録を置くフォルダです）",
        "プロジェクトのフォルダ（mkdocs.yml のある所）で実行するか、cases フォルダを指定してください",
    )


def _whole(paths: Sequence[Path], root: Path) -> bool:
    """No paths, or one of them holds the whole cases folder: nothing is filtered."""
    return not paths or any(root.is_relative_to(p.resolve()) for p in paths)


def _wanted(paths: Sequence[Path], cwd: Path | None) -> Callable[[str], bool]:
    files = {shown_path(p, cwd) for p in paths if not p.is_dir()}
    folders = tuple(shown_path(p, cwd) + "/" for p in paths if p.is_dir())
    return lambda path: path in files or path.startswith(folders)


def _outside(paths: Sequence[Path], root: Path, cwd: Path | None) -> list[Diagnostic]:
    """Paths that are not in the cases folder being checked: they would silently pass."""
    out: list[Diagnostic] = []
    for p in paths:
        resolved = p.resolve()
        if not resolved.is_relative_to(root) and not root.is_relative_to(resolved):
            out.append(
                Diagnostic(
                    shown_path(p, cwd),
                    1,
                    1,
                    "",
                    f"検査する知識ベースのフォルダ「{shown_path(root, cwd)}」の外にあります",
                    "cases/ の中のファイルかフォルダを指定してください（別の知識ベースは別々に検査します）",
                )
            )
    return out


def _duplicate_ids(files: list[Path], cwd: Path | None) -> list[Diagnostic]:
    """Files with the same name anywhere under cases/ have the same ID: each is told where the other is."""
    groups: dict[str, list[str]] = {}
    for path in files:
        groups.setdefault(path.stem, []).append(shown_path(path, cwd))
    out: list[Diagnostic] = []
    for ident, shown in groups.items():
        for here in shown if len(shown) > 1 else []:
            others = "、".join(s for s in shown if s != here)
            out.append(
                Diagnostic(
                    here,
                    1,
                    1,
                    "",
                    f"ID「{ident}」は {others} と重複しています",
                    "どちらかのファイル名を変えてください（ファイル名が ID になります）",
                )
            )
    return out


__all__ = [
    "TERM_ROUTES",
    "Corpus",
    "Entry",
    "RecordCache",
    "RoadmapEntry",
    "check",
    "find_root",
    "is_safe_id",
    "load_taxonomy",
    "page_name_problem",
    "read_record",
    "record_files",
]
