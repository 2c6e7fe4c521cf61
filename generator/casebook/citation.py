"""How pages cite their sources: the document, its publisher and chapter, and its own keyword index.

Pure functions over the SiteIndex, used by the templates (render.py registers them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from casebook.index import CaseView, KeywordView, SiteIndex
from casebook.models import Chapter, KeywordIndexTable, SourceDocument
from casebook.taxonomy import Taxonomy


@dataclass(frozen=True)
class IndexedEntry:
    """An organisation and page the document's index lists, with our case for it when we hold one."""

    organization: str
    page: int
    case: CaseView | None


@dataclass(frozen=True)
class IndexedTerm:
    """A term of a document's own keyword index, resolved to our keyword."""

    term: str
    keyword: KeywordView | None
    entries: list[IndexedEntry]


@dataclass(frozen=True)
class IndexedTable:
    """One table of a document's own keyword index (e.g. the guidebook's 頻出キーワード, p.3)."""

    document: SourceDocument
    table: KeywordIndexTable
    terms: list[IndexedTerm] = field(default_factory=list)


def chapter_of(document: SourceDocument | None, page: int | None) -> Chapter | None:
    """The chapter a cited page falls in: the last one that starts on or before it."""
    if document is None or page is None:
        return None
    started = [ch for ch in document.chapters if ch.page <= page]
    return max(started, key=lambda ch: ch.page) if started else None


def source_index_tables(index: SiteIndex) -> list[IndexedTable]:
    """Every document's own keyword index, its terms resolved to our keywords and its pages to our cases."""
    lookup = Taxonomy(keywords=[kv.keyword for kv in index.keywords])
    views = {kv.keyword.slug: kv for kv in index.keywords}
    by_org: dict[str, list[CaseView]] = defaultdict(list)
    for view in index.cases:
        by_org[view.org_label].append(view)
    tables = []
    for document in index.sources.values():
        for table in document.keyword_index:
            terms = []
            for item in table.terms:
                keyword = lookup.keyword(item.term)
                entries = [
                    IndexedEntry(e.organization, e.page, _case_on(by_org[e.organization], document.id, e.page))
                    for e in item.entries
                ]
                terms.append(IndexedTerm(item.term, views.get(keyword.slug) if keyword else None, entries))
            tables.append(IndexedTable(document, table, terms))
    return tables


def _case_on(views: list[CaseView], document: str, page: int) -> CaseView | None:
    for view in views:
        for src in view.case.sources:
            if src.document == document and src.page and src.page <= page <= (src.page_end or src.page):
                return view
    return None


def listings_by_keyword(tables: list[IndexedTable]) -> dict[str, list[tuple[IndexedTable, IndexedTerm]]]:
    """For each keyword slug, the index tables that list it."""
    out: dict[str, list[tuple[IndexedTable, IndexedTerm]]] = defaultdict(list)
    for table in tables:
        for term in table.terms:
            if term.keyword is not None:
                out[term.keyword.keyword.slug].append((table, term))
    return dict(out)
