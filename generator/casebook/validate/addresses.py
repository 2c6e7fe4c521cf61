"""Page addresses: a record or term may not take another page's address, nor a hand-written page's."""

from __future__ import annotations

import re
from pathlib import Path

from casebook.diagnostics import Diagnostic
from casebook.layout import shown_path
from casebook.routes import HAND_WRITTEN, PAGED, ROUTES, collision

TERM_ROUTES: dict[str, str] = {
    "keywords": "keyword",
    "categories": "category",
    "challenges": "challenge",
    "frameworks": "framework",
}
"""The page kind of each taxonomy file's entries; a record's page kind is its `type:`."""


def page_name_problem(kind: str, name: str) -> tuple[str, str] | None:
    """(message, hint) when a record or term named `name` would take the address of another page."""
    try:
        taken = collision(kind, name)
    except ValueError:
        return None  # not a slug at all: reported as such where the name is checked
    if taken is None:
        return None
    hint = f"「index」と「{PAGED}」は一覧ページのために取ってあります。別の名前にしてください"
    if name == PAGED:
        return f"「{name}」は長い一覧の続きのページ（{taken}2/ など）の名前と重なるため使えません", hint
    return f"「{name}」は一覧ページ {taken} と同じ名前のため使えません", hint


def _generated_places() -> tuple[set[str], set[str]]:
    """(folders that hold generated pages, generated files at the top of docs/)."""
    made = [pattern for kind, pattern in ROUTES.items() if kind not in HAND_WRITTEN]
    folders = {pattern.split("/", 1)[0] for pattern in made if "/" in pattern}
    top = {"index.md"} | {pattern for pattern in made if pattern and "/" not in pattern}
    return folders, top


_DOCS_DIR = re.compile(r"^docs_dir:\s*['\"]?([^'\"#\s]+)", re.MULTILINE)


def docs_pages(root: Path, cwd: Path | None) -> list[Diagnostic]:
    """Hand-written pages in docs/ where a generated page goes: the build would replace them silently."""
    project = root.resolve().parent
    try:
        config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # no MkDocs project around this cases folder (e.g. a test corpus)
    found = _DOCS_DIR.search(config)
    docs = project / (found.group(1) if found else "docs")
    folders, top = _generated_places()
    out: list[Diagnostic] = []
    for path in sorted(docs.rglob("*")) if docs.is_dir() else []:
        rel = path.relative_to(docs)
        if any(part.startswith(".") for part in rel.parts) or path.is_dir():
            continue
        first = rel.parts[0]
        if len(rel.parts) > 1 and first in folders:
            message = f"手書きのページは、生成ページの置き場所 {first}/ に置けません"
        elif rel.as_posix() in top or (rel.suffix == ".md" and rel.stem in folders):
            message = f"{rel.as_posix()} は生成されるページ（ファイル）と同じ場所になり、置き換えられます"
        else:
            continue
        out.append(
            Diagnostic(shown_path(path, cwd), 1, 1, "", message, "docs/ の別の場所に移すか、別の名前にしてください")
        )
    return out
