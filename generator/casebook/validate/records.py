"""One record file → its model, or the problems that stopped it; cached per file while serving."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, PydanticUserError, TypeAdapter, ValidationError

from casebook.diagnostics import Diagnostic
from casebook.layout import shown_path
from casebook.load import Document, LoadError, load
from casebook.models import (
    SLUG_PATTERN,
    RecordBase,
)
from casebook.taxonomy import closest
from casebook.validate.corpus import MODELS, AnyRecord, Corpus, Entry
from casebook.validate.messages import field_names, pydantic_diagnostics, slugs_for_labels


@dataclass
class Loaded:
    """A record file that could be read: its type (None when unknown) and the fields that are valid."""

    ident: str
    doc: Document
    kind: str | None
    values: Mapping[str, Any]


def load_record(path: Path, corpus: Corpus, cwd: Path | None, cache: RecordCache | None) -> Loaded | None:
    """Read one record file into the corpus (valid or not); what the cross-checks need comes back."""
    result = cache.read(path, cwd) if cache is not None else read_record(path, cwd)
    corpus.diagnostics.extend(slugs_for_labels(result.diagnostics, corpus.taxonomy))
    ident = path.stem
    if result.record is None and result.diagnostics:
        corpus.failed.add(ident)
    if result.doc is None:
        return None
    if result.record is not None:
        corpus.entries.setdefault(ident, Entry(ident, result.doc.path, result.record, result.doc))
        return Loaded(ident, result.doc, result.kind, result.record.__dict__)
    return Loaded(ident, result.doc, result.kind, result.partial)


def read_into_corpus(path: Path, corpus: Corpus, cwd: Path | None) -> Document | None:
    """Load a roadmap file whose name is a safe id; problems go to the corpus."""
    doc, problems = _read_file(path, cwd)
    corpus.diagnostics.extend(problems)
    return None if problems else doc


def _read_file(path: Path, cwd: Path | None) -> tuple[Document | None, list[Diagnostic]]:
    """The parsed file (None when it cannot be parsed) and its problems, a file name unfit for an ID included."""
    shown = shown_path(path, cwd)
    try:
        doc = load(path, shown)
    except LoadError as exc:
        # Not read at all: say so, or a contributor takes the one problem shown for the only one.
        *first, last = exc.diagnostics
        return None, [
            *first,
            replace(last, hint=f"{last.hint}（このファイルのほかの項目は、これを直してから調べます）"),
        ]
    if not is_safe_id(path.stem):
        return doc, [
            *doc.problems,
            Diagnostic(
                shown,
                1,
                1,
                "",
                f"ファイル名「{path.name}」は ID に使えません",
                "ファイル名を半角英小文字・数字・ハイフンだけにしてください（例: goka.yaml）",
            ),
        ]
    return doc, list(doc.problems)


@dataclass(frozen=True)
class FileResult:
    """What one record file gives on its own: its model, or the problems that stopped it.

    When the model failed, `partial` holds the fields that are valid on their own, so the checks
    against the taxonomy still run on them (all problems in one run, not one layer per fix).
    """

    doc: Document | None
    record: AnyRecord | None
    diagnostics: tuple[Diagnostic, ...] = ()
    kind: str | None = None
    partial: Mapping[str, Any] = field(default_factory=dict)


def read_record(path: Path, cwd: Path | None) -> FileResult:
    """Load and validate one record file against its model (no cross-file checks). Pure per file."""
    doc, problems = _read_file(path, cwd)
    if doc is None:
        return FileResult(None, None, tuple(problems))
    result = _validate_record(doc)
    if problems:  # the file name is no usable ID: the record is not published, but all else is checked
        values = result.partial if result.record is None else result.record.__dict__
        return FileResult(doc, None, (*problems, *result.diagnostics), result.kind, values)
    return result


def _validate_record(doc: Document) -> FileResult:
    shown = doc.path
    kind = doc.data.get("type")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        line, col = doc.position(("type",)) if "type" in doc.data else (1, 1)
        guess = closest(kind, list(MODELS)) if isinstance(kind, str) and kind else []
        hint = f"もしかして「{guess[0]}」ですか？" if guess else f"次のいずれかを書いてください: {', '.join(MODELS)}"
        message = f"記録の種類「{kind}」は使えません" if kind else "記録の種類（type:）がありません"
        if not isinstance(kind, str | None):
            message = "記録の種類（type:）は文字列 1 つで書いてください"
        if kind == "roadmap":
            hint = "ロードマップは cases/roadmaps/ に置きます"
        problem = Diagnostic(shown, line, col, "type", message, hint)
        return FileResult(doc, None, (problem,), partial=_lenient(RecordBase, doc.data, set()))
    assert isinstance(kind, str)
    try:
        record = model.model_validate(doc.data)
    except ValidationError as exc:
        failed = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        found = tuple(pydantic_diagnostics(exc, doc, (), field_names(model)))
        return FileResult(doc, None, found, kind, _lenient(model, doc.data, failed))
    return FileResult(doc, record, kind=kind)  # type: ignore[arg-type]


def _lenient(model: type[BaseModel], data: dict[str, Any], failed: set[str]) -> dict[str, Any]:
    """The fields of `data` that are valid on their own (defaults for absent optional ones)."""
    values: dict[str, Any] = {}
    for name, adapter in _field_adapters(model).items():
        info = model.model_fields[name]
        if name in failed:
            continue
        if name not in data:
            if not info.is_required():
                values[name] = info.get_default(call_default_factory=True)
            continue
        try:
            values[name] = adapter.validate_python(data[name])
        except ValidationError:
            continue
    return values


@functools.cache
def _field_adapters(model: type[BaseModel]) -> dict[str, TypeAdapter[Any]]:
    adapters: dict[str, TypeAdapter[Any]] = {}
    for name, info in model.model_fields.items():
        annotated = Annotated[info.annotation, info]  # type: ignore[name-defined]
        try:
            adapters[name] = TypeAdapter(annotated, config=model.model_config)
        except PydanticUserError:  # a model field keeps its own settings
            adapters[name] = TypeAdapter(annotated)
    return adapters


class RecordCache:
    """Per-file results of `read_record`, reused while a file keeps its size, mtime and inode.

    `mkdocs serve` checks the corpus on every save; with the cache only the saved file is read again.
    """

    def __init__(self) -> None:
        self._files: dict[tuple[Path, str], tuple[tuple[int, int, int], FileResult]] = {}
        self.reads = 0
        """Files actually read (not served from the cache), for tests and benchmarks."""

    def read(self, path: Path, cwd: Path | None) -> FileResult:
        """`read_record` of the file, from the cache while its size, mtime and inode stay the same."""
        try:
            st = path.stat()
        except OSError:
            return read_record(path, cwd)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        key = (path, str(cwd))
        cached = self._files.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        self.reads += 1
        result = read_record(path, cwd)
        self._files[key] = (stamp, result)
        return result


def is_safe_id(ident: str) -> bool:
    """A record id is a short ASCII slug: it names a file and a URL, so it can never climb out of a folder."""
    return bool(re.fullmatch(SLUG_PATTERN, ident)) and len(ident) <= 80
