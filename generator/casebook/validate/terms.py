"""The taxonomy files (keywords, categories, challenges, sources, frameworks): each entry checked on its own."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from casebook.diagnostics import Diagnostic, sort_key
from casebook.layout import file_problem, scan, shown_path
from casebook.load import MAX_TAXONOMY_BYTES, Document, LoadError, dotted, load
from casebook.models import (
    Framework,
    Keyword,
    SourceDocument,
)
from casebook.taxonomy import Taxonomy, normalize_key
from casebook.validate.addresses import TERM_ROUTES, page_name_problem
from casebook.validate.corpus import TAXONOMY_FILES, Loc, Reporter, repeats
from casebook.validate.lookup import Gaps, Refs, check_keywords, check_sources, ref_key
from casebook.validate.messages import field_names, pydantic_diagnostics


def record_files(root: Path) -> list[Path]:
    """Record files under the cases folder (taxonomy files, roadmaps and refused files excluded), sorted."""
    return scan(root).records


def load_taxonomy(root: Path, cwd: Path | None = None) -> tuple[Taxonomy, list[Diagnostic]]:
    """Read and check keywords, categories, challenges, sources and frameworks."""
    taxonomy, problems, _gaps = read_taxonomy(root, cwd)
    return taxonomy, problems


def _entry_names(kind: str, item: object) -> list[str]:
    """Names a taxonomy entry can be referred to by, read from its raw data (it did not validate)."""
    if isinstance(item, str):
        return [item]
    if not isinstance(item, dict):
        return []
    keys = ("label", "slug", "aliases") if kind == "keywords" else ("id",) if kind == "sources" else ("slug",)
    names: list[str] = []
    for key in keys:
        value = item.get(key)
        names.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    return names


def read_taxonomy(root: Path, cwd: Path | None) -> tuple[Taxonomy, list[Diagnostic], Gaps]:
    """Read every taxonomy file entry by entry; return the taxonomy, its problems and what failed."""
    problems: list[Diagnostic] = []
    gaps = Gaps()
    parts: dict[str, list[tuple[int, Any]]] = {}
    docs: dict[str, Document] = {}
    for filename, (key, adapter, item_model) in TAXONOMY_FILES.items():
        doc, items, found = _taxonomy_file(root / filename, key, adapter, item_model, cwd, gaps)
        problems.extend(found)
        parts[key] = items
        if doc is not None:
            docs[key] = doc
            problems.extend(_repeated_terms(items, key, doc))
            problems.extend(_reserved_terms(items, key, doc))
    terms = {key: [item for _i, item in items] for key, items in parts.items()}
    taxonomy = Taxonomy(
        keywords=terms["keywords"],
        categories=terms["categories"],
        challenges=terms["challenges"],
        sources=terms["sources"],
        frameworks=terms["frameworks"],
    )
    if "keywords" in docs:
        problems.extend(_keyword_collisions(parts["keywords"], docs["keywords"]))
    refs = Refs(taxonomy, gaps)
    if "frameworks" in docs:
        problems.extend(_framework_keywords(parts["frameworks"], docs["frameworks"], refs))
        problems.extend(_framework_items(parts["frameworks"], docs["frameworks"]))
    if "sources" in docs:
        problems.extend(_source_index_keywords(parts["sources"], docs["sources"], refs))
    for key in ("challenges", "frameworks"):
        # Challenges and frameworks cite sources too: an unknown document id would show as a bare id.
        for i, term in parts[key]:
            check_sources(term.sources, refs, Reporter(docs[key].path, docs[key], problems), (key, i))
    return taxonomy, problems, gaps


def _taxonomy_file(
    path: Path, key: str, adapter: TypeAdapter[Any], item_model: type[BaseModel], cwd: Path | None, gaps: Gaps
) -> tuple[Document | None, list[tuple[int, Any]], list[Diagnostic]]:
    """One taxonomy file: its document and the entries that validate, with their index in the file.

    Entries are validated one by one, so one broken entry costs only itself, not the whole file.
    """
    shown = shown_path(path, cwd)
    if not path.exists() and not path.is_symlink():
        cause = Diagnostic(
            shown, 1, 1, "", f"{path.name} がありません", f"{path.parent.name}/{path.name} を作ってください"
        )
        gaps.whole[key] = cause
        return None, [], [cause]
    refused = file_problem(path, path.parent.resolve().parent, cwd)
    if refused is not None:
        gaps.whole[key] = refused
        return None, [], [refused]
    try:
        doc = load(path, shown, MAX_TAXONOMY_BYTES)
    except LoadError as exc:
        gaps.whole[key] = exc.diagnostics[0]
        return None, [], exc.diagnostics
    unknown = [_unknown_top_key(doc, k, key) for k in doc.data if k != key]
    problems = [*doc.problems, *unknown]  # a key written twice: the first is used, the rest still checked
    raw = doc.data.get(key)
    if key not in doc.data and any(unicodedata.normalize("NFKC", k) == key for k in doc.data):
        gaps.whole[key] = unknown[0]  # `ｋｅｙｗｏｒｄｓ:` is one slip, already reported; nothing else to say
        return doc, [], problems
    if not isinstance(raw, list):
        try:
            adapter.validate_python(raw)
        except ValidationError as exc:
            found = pydantic_diagnostics(exc, doc, (key,), field_names(item_model))
            gaps.whole[key] = found[0]
            return doc, [], problems + found
    items: list[tuple[int, Any]] = []
    fields = field_names(item_model)
    for i, item in enumerate(raw or []):
        try:
            items.append((i, item_model.model_validate(item)))
        except ValidationError as exc:
            found = sorted(pydantic_diagnostics(exc, doc, (key, i), fields), key=sort_key)
            problems.extend(found)
            for name in _entry_names(key, item):
                gaps.entries.setdefault(key, {}).setdefault(ref_key(key, name), found[0])
    return doc, items, problems


def _unknown_top_key(doc: Document, k: str, key: str) -> Diagnostic:
    line, col = doc.position((k,), key=True)
    if unicodedata.normalize("NFKC", k) == key:
        return Diagnostic(
            doc.path, line, col, k, f"項目名「{k}」が全角で書かれています", f"半角で「{key}:」と書いてください"
        )
    return Diagnostic(doc.path, line, col, k, f"未知の項目「{k}」", f"このファイルには「{key}:」だけを書きます")


def _repeat_diagnostics(doc: Document, values: Iterable[tuple[Loc, str]], what: str, hint: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for loc, first, value in repeats(values):
        line, col = doc.position(loc)
        out.append(
            Diagnostic(
                doc.path,
                line,
                col,
                dotted(loc),
                f"{what}「{value}」が重複しています（最初は {doc.position(first)[0]} 行目）",
                hint,
            )
        )
    return out


def _repeated_terms(items: list[tuple[int, Any]], key: str, doc: Document) -> list[Diagnostic]:
    ident = "id" if key == "sources" else "slug"
    out = _repeat_diagnostics(
        doc, (((key, i, ident), getattr(item, ident)) for i, item in items), "", "別の値にしてください"
    )
    if key in ("categories", "challenges", "frameworks"):
        # Two pages with one title cannot be told apart in lists, search results or the navigation.
        labels = (((key, i, "label"), item.label) for i, item in items)
        out += _repeat_diagnostics(doc, labels, "表示名", "別の表示名にするか、2 つを 1 つにまとめてください")
    return out


def _framework_items(frameworks: list[tuple[int, Framework]], doc: Document) -> list[Diagnostic]:
    """Item slugs are the anchors of one page: two equal ones make one item unreachable."""
    out: list[Diagnostic] = []
    for f, framework in frameworks:
        slugs = ((("frameworks", f, "items", i, "slug"), item.slug) for i, item in enumerate(framework.items))
        out.extend(
            _repeat_diagnostics(doc, slugs, "項目の slug", "同じページの中で区別できるよう、別の slug にしてください")
        )
    return out


def _reserved_terms(items: list[tuple[int, Any]], key: str, doc: Document) -> list[Diagnostic]:
    kind = TERM_ROUTES.get(key)
    out: list[Diagnostic] = []
    for i, item in items if kind else []:
        if problem := page_name_problem(kind or "", item.slug):
            line, col = doc.position((key, i, "slug"))
            out.append(Diagnostic(doc.path, line, col, f"{key}[{i}].slug", *problem))
    return out


def _framework_keywords(frameworks: list[tuple[int, Framework]], doc: Document, refs: Refs) -> list[Diagnostic]:
    """Every keyword a framework item names must be registered."""
    out: list[Diagnostic] = []
    at = Reporter(doc.path, doc, out)
    for f, framework in frameworks:
        for i, item in enumerate(framework.items):
            check_keywords(at, ("frameworks", f, "items", i), item.keywords, refs)
    return out


def _source_index_keywords(sources: list[tuple[int, SourceDocument]], doc: Document, refs: Refs) -> list[Diagnostic]:
    """Every term of a document's own keyword index must be a registered keyword (the keyword pages show it)."""
    out: list[Diagnostic] = []
    at = Reporter(doc.path, doc, out)
    for s, source in sources:
        for t, table in enumerate(source.keyword_index):
            for i, entry in enumerate(table.terms):
                if problem := refs.keyword(entry.term):
                    at(("sources", s, "keyword_index", t, "terms", i, "term"), *problem)
    return out


_SPELLING = {"label": "表示名", "slug": "slug", "aliases": "別名"}


def _keyword_collisions(keywords: list[tuple[int, Keyword]], doc: Document) -> list[Diagnostic]:
    """No spelling (label, slug or alias) of one keyword may match another's: records could not say which."""
    owner: dict[str, tuple[Keyword, str]] = {}
    out: list[Diagnostic] = []
    for i, kw in keywords:
        spellings: list[tuple[Loc, str]] = [(("label",), kw.label), (("slug",), kw.slug)]
        spellings += [(("aliases", j), alias) for j, alias in enumerate(kw.aliases)]
        for where, spelling in spellings:
            first, field_name = owner.setdefault(normalize_key(spelling), (kw, str(where[0])))
            if first is kw or (where == ("slug",) and field_name == "slug" and first.slug == kw.slug):
                continue  # its own spelling, or a repeated slug (reported on its own)
            loc = ("keywords", i, *where)
            line, col = doc.position(loc)
            out.append(
                Diagnostic(
                    doc.path,
                    line,
                    col,
                    dotted(loc),
                    f"「{spelling}」（{kw.label} の{_SPELLING[str(where[0])]}）は"
                    f"「{first.label}」の{_SPELLING[field_name]}と区別できません",
                    "どちらかの別名を消すか、キーワードを統合してください",
                )
            )
    return out
