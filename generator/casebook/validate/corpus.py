"""What `check` hands on: the loaded records and roadmaps, the taxonomy, and every problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from casebook.diagnostics import Diagnostic, Severity
from casebook.load import Document, dotted
from casebook.models import (
    RECORD_TYPES,
    Case,
    Category,
    CategoryList,
    Challenge,
    ChallengeList,
    Dialogue,
    Framework,
    FrameworkList,
    Keyword,
    KeywordList,
    OtherInitiative,
    Program,
    Roadmap,
    SourceDocument,
    SourceList,
    Voice,
)
from casebook.taxonomy import Taxonomy

AnyRecord = Case | Voice | Dialogue | Program | OtherInitiative


MODELS: dict[str, type[BaseModel]] = {t.name: t.model for t in RECORD_TYPES}


TAXONOMY_FILES: dict[str, tuple[str, TypeAdapter[Any], type[BaseModel]]] = {
    "keywords.yaml": ("keywords", KeywordList, Keyword),
    "categories.yaml": ("categories", CategoryList, Category),
    "challenges.yaml": ("challenges", ChallengeList, Challenge),
    "sources.yaml": ("sources", SourceList, SourceDocument),
    "frameworks.yaml": ("frameworks", FrameworkList, Framework),
}


@dataclass
class Entry:
    """A record as loaded: its id, where it came from, the model, and the positions of its values."""

    id: str
    path: str
    record: AnyRecord
    doc: Document


@dataclass
class RoadmapEntry:
    """A roadmap as loaded."""

    id: str
    path: str
    roadmap: Roadmap
    doc: Document


@dataclass
class Corpus:
    """Everything `check` learned: valid records, the taxonomy, and every problem."""

    root: Path
    taxonomy: Taxonomy
    entries: dict[str, Entry] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    roadmaps: dict[str, RoadmapEntry] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    """Ids of record files that exist but did not validate (their own errors are reported)."""
    files: list[str] = field(default_factory=list)
    """Every record file found, valid or not (what `check` says it checked)."""

    @property
    def errors(self) -> list[Diagnostic]:
        """Problems that stop a build."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Problems a build survives (fail only `--strict`)."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def of_type(self, kind: type[Any]) -> list[Entry]:
        """Entries whose record is of the given model class, in id order."""
        return [e for e in self.entries.values() if isinstance(e.record, kind)]


Loc = tuple[str | int, ...]


@dataclass
class Reporter:
    """Adds a diagnostic at a field of one file."""

    path: str
    doc: Document
    out: list[Diagnostic]

    def __call__(self, loc: Loc, message: str, hint: str, severity: Severity = Severity.ERROR) -> None:
        """Report a problem at `loc` of this file (its line and column, its dotted field name)."""
        line, col = self.doc.position(loc)
        self.out.append(Diagnostic(self.path, line, col, dotted(loc), message, hint, severity))


def repeats(values: Iterable[tuple[Loc, str]]) -> list[tuple[Loc, Loc, str]]:
    """(where, where first, value) for every value seen before."""
    first: dict[str, Loc] = {}
    out: list[tuple[Loc, Loc, str]] = []
    for loc, value in values:
        if value in first:
            out.append((loc, first[value], value))
        else:
            first[value] = loc
    return out
