"""Validate stage: every file → typed records, every problem collected in one pass (DESIGN §8)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, PydanticUserError, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from casebook.dates import parse_date
from casebook.diagnostics import Diagnostic, Severity, sort_key
from casebook.layout import file_problem, find_root, scan, shown_path
from casebook.load import MAX_TAXONOMY_BYTES, Document, LoadError, dotted, load
from casebook.models import (
    RECORD_TYPES,
    SLUG_PATTERN,
    SUMMARY_MAX,
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
    Organization,
    OtherInitiative,
    Program,
    RecordBase,
    Roadmap,
    SourceDocument,
    SourceList,
    SourceRef,
    Voice,
)
from casebook.municipality import PREFECTURES, OrgKind, kind_problem, prefecture_of_code
from casebook.routes import HAND_WRITTEN, PAGED, ROUTES, collision
from casebook.taxonomy import Taxonomy, closest, normalize_key

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


# --- pydantic errors → Japanese diagnostics ------------------------------------------------------

_TYPE_WORDS = {"int": "整数", "float": "数値", "str": "文字列", "bool": "true / false"}


_FIXED: dict[str, tuple[str, str]] = {
    "string_type": ("文字列を書いてください", "値を引用符で囲むか、文章をそのまま書いてください"),
    "string_unicode": ("文字として読めない値です（単独のサロゲートなど）", "その文字を消してください"),
    "list_type": ("リストで書いてください", "各行を「- 」で始めるか、[a, b] の形で書いてください"),
    "model_type": ("「項目: 値」の形（マッピング）で書いてください", "下の行を字下げして項目を並べてください"),
    "string_too_short": ("空にはできません", "少なくとも 1 つ値を書いてください"),
    "too_short": ("空にはできません", "少なくとも 1 つ値を書いてください"),
    "int_parsing_size": ("整数の桁が多すぎます", "資料に書かれた数を確かめてください"),
    "finite_number": ("有限の数を書いてください（非数・無限大は書けません）", "例: 27 や 0.5"),
}
_FIXED["model_attributes_type"] = _FIXED["dict_type"] = _FIXED["model_type"]
_CUSTOM_HINTS = {
    "date": "例: 2024-10-01、2024-10、令和5年度、R4.2",
    "code": '総務省の全国地方公共団体コード（6 桁）を引用符つきで書いてください（例: "085421"）',
    "url": "https:// で始まる URL にしてください",
    "slug": "半角英小文字・数字・ハイフンだけで書いてください（例: dx-advisor）",
    "text": "その文字を取り除いてください",
    "yomi": "例: ごかまち",
    "number": "資料に書かれた数を半角数字で書いてください（例: 27、0.5、1200000。単位は unit に書きます）",
    "population": "資料の人口の桁を確かめてください",
}
"""Hints for the errors our own validators raise (their messages are already Japanese)."""


_BOUNDS = {"ge": "以上に", "gt": "より大きく", "le": "以下に", "lt": "より小さく"}


def _quoted(shown: str) -> str:
    return f"（「{shown[:40]}」）" if shown else ""


def _explain(err: ErrorDetails, fields: list[str]) -> tuple[str, str]:
    """(what is wrong, how to fix it) for one pydantic error; always Japanese, never pydantic's English."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    name = str(err["loc"][-1]) if err["loc"] else ""
    shown = value if isinstance(value, str) else ""
    if kind in _FIXED:
        return _FIXED[kind]
    if kind == "missing":
        return f"必須項目「{name}」がありません", f"「{name}: …」を書き足してください"
    if kind == "extra_forbidden":
        return _unknown_key(name, fields)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"整数を書いてください{_quoted(shown)}", "例: 8000（カンマや「約」「人」は付けません）"
    if kind in ("float_parsing", "float_type"):
        return f"数値を書いてください{_quoted(shown)}", "例: 27 や 0.5（単位は unit に書きます）"
    if kind in ("bool_parsing", "bool_type"):
        return f"true か false を書いてください{_quoted(shown)}", "例: approximate: true"
    if kind in ("literal_error", "enum"):
        return _explain_choice(name, shown, str(ctx.get("expected", "")))
    if kind in ("string_too_long", "too_long"):  # too_long: the limit of Text-based types (after cleaning)
        limit = ctx.get("max_length")
        how = "要約してください" if limit == SUMMARY_MAX else "短くしてください"
        return f"{limit} 字を超えています（{len(shown)} 字）", f"{limit} 字以内に{how}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(k for k in _BOUNDS if k in ctx)
        return f"値「{value}」は範囲外です", f"{ctx[bound]} {_BOUNDS[bound]}してください"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return (
                f"「{shown}」は ID に使えません",
                "半角英小文字・数字・ハイフンだけで書いてください（例: dx-advisor）",
            )
        return f"「{shown}」は形式に合いません", f"形式: {ctx.get('pattern')}"
    if kind in _CUSTOM_HINTS:
        return err["msg"], _CUSTOM_HINTS[kind]
    return (
        "この項目には書けない値です",
        "書ける値はエディタの入力補完（JSON Schema）か CONTRIBUTING.md で確かめてください",
    )


def _explain_choice(name: str, shown: str, expected: str) -> tuple[str, str]:
    """A value outside a fixed list (type, prefecture, 団体区分…): the closest choice, or the list."""
    options = [o.strip(" '\"") for o in expected.replace(" or ", ",").split(",") if o.strip()]
    guess = closest(shown, options) if shown else []
    hint = f"もしかして「{guess[0]}」ですか？" if guess else f"次のいずれかを書いてください: {'、'.join(options)}"
    if name == "prefecture":
        hint = (
            f"もしかして「{guess[0]}」ですか？" if guess else ""
        ) + "都道府県名は「県」「府」「都」まで書きます（例: 茨城県、京都府、東京都、北海道）"
    return (f"「{shown}」は使えません" if shown else "ここには文字列で次の値のどれかを書きます"), hint


def _meant_key(name: str, fields: list[str]) -> str | None:
    """The known field an unknown key most likely means (full-width letters are a common slip)."""
    folded = unicodedata.normalize("NFKC", name)
    guess = [folded] if folded in fields else closest(folded.casefold(), fields)
    return guess[0] if guess else None


def _unknown_key(name: str, fields: list[str]) -> tuple[str, str]:
    """An unknown field name, with the nearest known one."""
    folded = unicodedata.normalize("NFKC", name)
    wide = "（全角で書かれています）" if folded != name and folded.isascii() else ""
    guess = _meant_key(name, fields)
    if wide and guess:
        return f"未知の項目「{name}」{wide}", f"半角で「{guess}」と書いてください"
    hint = f"もしかして「{guess}」ですか？" if guess else f"使える項目: {', '.join(fields)}"
    return f"未知の項目「{name}」{wide}", hint


def _is_key(data: Any, loc: tuple[str | int, ...]) -> bool:
    """Whether `loc` names a key written in the file (not a type name pydantic adds to a location)."""
    for part in loc[:-1]:
        if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            continue
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return isinstance(data, dict) and loc[-1] in data


def _pydantic_diagnostics(
    exc: ValidationError, doc: Document, prefix: tuple[str | int, ...], model_fields: dict[str, list[str]]
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    errors = [_field_error(err, doc, prefix) for err in exc.errors()]
    # `summry:` (or `ｓｕｍｍａｒｙ:`) is one slip: its unknown-key message names the field, so the
    # field is not reported missing as well.
    meant = {
        (*err["loc"][:-1], _meant_key(str(err["loc"][-1]), _fields_at(err["loc"], model_fields)))
        for err in errors
        if err["type"] == "extra_forbidden" and err["loc"]
    }
    for err in errors:
        loc = tuple(err["loc"])
        full = (*prefix, *loc)
        if full in seen or (err["type"] == "missing" and loc in meant):
            continue
        seen.add(full)
        message, hint = _explain(err, _fields_at(loc, model_fields))
        if err["type"] == "missing":
            line, col = doc.position(full[:-1])
        else:
            line, col = doc.position(full, key=err["type"] == "extra_forbidden")
        out.append(Diagnostic(doc.path, line, col, dotted(full), message, hint))
    return out


def _field_error(err: ErrorDetails, doc: Document, prefix: tuple[str | int, ...]) -> ErrorDetails:
    """The error with the type names pydantic adds for union members taken off its location."""
    loc = tuple(err["loc"])
    while (
        loc
        and isinstance(loc[-1], str)
        and (loc[-1] in _TYPE_WORDS or "[" in loc[-1] or loc[-1].startswith("function-"))
        and not _is_key(doc.data, (*prefix, *loc))
    ):
        loc = loc[:-1]
    return {**err, "loc": loc}


def _fields_at(loc: tuple[str | int, ...], model_fields: dict[str, list[str]]) -> list[str]:
    parent = ".".join(str(p) for p in loc[:-1] if isinstance(p, str))
    return model_fields.get(parent, model_fields.get("", []))


def _field_names(model: type[BaseModel], prefix: str = "") -> dict[str, list[str]]:
    """Field names per dotted path inside a model, for 'did you mean' on unknown keys."""
    names: dict[str, list[str]] = {prefix: list(model.model_fields)}
    for fname, info in model.model_fields.items():
        for sub in _nested_models(info.annotation):
            names.update(_field_names(sub, f"{prefix}.{fname}" if prefix else fname))
    return names


def _nested_models(annotation: Any) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _nested_models(arg)


# --- the stage ---------------------------------------------------------------------------------


def record_files(root: Path) -> list[Path]:
    """Record files under the cases folder (taxonomy files, roadmaps and refused files excluded), sorted."""
    return scan(root).records


def load_taxonomy(root: Path, cwd: Path | None = None) -> tuple[Taxonomy, list[Diagnostic]]:
    """Read and check keywords, categories, challenges, sources and frameworks."""
    taxonomy, problems, _gaps = _load_taxonomy(root, cwd)
    return taxonomy, problems


@dataclass
class _Gaps:
    """Taxonomy that failed: what names it, so references to it are not reported again (one cause, one report)."""

    whole: dict[str, Diagnostic] = field(default_factory=dict)
    """Kind (`keywords` …) → why its file cannot be used at all."""
    entries: dict[str, dict[str, Diagnostic]] = field(default_factory=dict)
    """Kind → reference key of a broken entry (its slug, id, label or alias) → its first problem."""
    hits: Counter[Diagnostic] = field(default_factory=Counter)

    def covers(self, kind: str, text: str) -> bool:
        """True (and counted) when `text` may name a broken entry: its own error already says what to fix."""
        cause = self.whole.get(kind) or self.entries.get(kind, {}).get(_ref_key(kind, text))
        if cause is not None:
            self.hits[cause] += 1
        return cause is not None

    def annotate(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Tell at each cause how many references wait for it."""
        return [
            replace(d, hint=f"{d.hint}（これを直すまで、ここを参照する {n} か所は検査していません）")
            if (n := self.hits.get(d))
            else d
            for d in diagnostics
        ]


def _ref_key(kind: str, text: str) -> str:
    return normalize_key(text) if kind == "keywords" else text.strip()


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


def _load_taxonomy(root: Path, cwd: Path | None) -> tuple[Taxonomy, list[Diagnostic], _Gaps]:
    problems: list[Diagnostic] = []
    gaps = _Gaps()
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
    refs = _Refs(taxonomy, gaps)
    if "frameworks" in docs:
        problems.extend(_framework_keywords(parts["frameworks"], docs["frameworks"], refs))
        problems.extend(_framework_items(parts["frameworks"], docs["frameworks"]))
    for key in ("challenges", "frameworks"):
        # Challenges and frameworks cite sources too: an unknown document id would show as a bare id.
        for i, term in parts[key]:
            _check_sources(term.sources, refs, _Reporter(docs[key].path, docs[key], problems), (key, i))
    return taxonomy, problems, gaps


def _taxonomy_file(
    path: Path, key: str, adapter: TypeAdapter[Any], item_model: type[BaseModel], cwd: Path | None, gaps: _Gaps
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
    problems = [_unknown_top_key(doc, k, key) for k in doc.data if k != key]
    raw = doc.data.get(key)
    if key not in doc.data and any(unicodedata.normalize("NFKC", k) == key for k in doc.data):
        gaps.whole[key] = problems[0]  # `ｋｅｙｗｏｒｄｓ:` is one slip, already reported; nothing else to say
        return doc, [], problems
    if not isinstance(raw, list):
        try:
            adapter.validate_python(raw)
        except ValidationError as exc:
            found = _pydantic_diagnostics(exc, doc, (key,), _field_names(item_model))
            gaps.whole[key] = found[0]
            return doc, [], problems + found
    items: list[tuple[int, Any]] = []
    fields = _field_names(item_model)
    for i, item in enumerate(raw or []):
        try:
            items.append((i, item_model.model_validate(item)))
        except ValidationError as exc:
            found = sorted(_pydantic_diagnostics(exc, doc, (key, i), fields), key=sort_key)
            problems.extend(found)
            for name in _entry_names(key, item):
                gaps.entries.setdefault(key, {}).setdefault(_ref_key(key, name), found[0])
    return doc, items, problems


def _unknown_top_key(doc: Document, k: str, key: str) -> Diagnostic:
    line, col = doc.position((k,), key=True)
    if unicodedata.normalize("NFKC", k) == key:
        return Diagnostic(
            doc.path, line, col, k, f"項目名「{k}」が全角で書かれています", f"半角で「{key}:」と書いてください"
        )
    return Diagnostic(doc.path, line, col, k, f"未知の項目「{k}」", f"このファイルには「{key}:」だけを書きます")


Loc = tuple[str | int, ...]


def _repeats(values: Iterable[tuple[Loc, str]]) -> list[tuple[Loc, Loc, str]]:
    """(where, where first, value) for every value seen before."""
    first: dict[str, Loc] = {}
    out: list[tuple[Loc, Loc, str]] = []
    for loc, value in values:
        if value in first:
            out.append((loc, first[value], value))
        else:
            first[value] = loc
    return out


def _repeat_diagnostics(doc: Document, values: Iterable[tuple[Loc, str]], what: str, hint: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for loc, first, value in _repeats(values):
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


def _unknown_keyword(tax: Taxonomy, text: str) -> tuple[str, str] | None:
    """(message, hint) when `text` is no registered keyword spelling; shared by records, roadmaps, frameworks."""
    if tax.keyword(text) is not None:
        return None
    options = tax.keyword_suggestions(text)
    hint = (
        f"候補: {'、'.join(options)}"
        if options
        else "cases/keywords.yaml に登録するか、登録済みのキーワードを使ってください"
    )
    return f"未登録のキーワード「{text}」", hint


def _framework_keywords(frameworks: list[tuple[int, Framework]], doc: Document, refs: _Refs) -> list[Diagnostic]:
    """Every keyword a framework item names must be registered."""
    out: list[Diagnostic] = []
    at = _Reporter(doc.path, doc, out)
    for f, framework in frameworks:
        for i, item in enumerate(framework.items):
            _check_keywords(at, ("frameworks", f, "items", i), item.keywords, refs)
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
    taxonomy, problems, gaps = _load_taxonomy(root, cwd)
    corpus.taxonomy, corpus.diagnostics = taxonomy, problems
    always.extend(gaps.whole.values())  # without them no record can be checked: shown whatever was asked
    layout = scan(root, cwd)
    corpus.diagnostics.extend(layout.problems)
    corpus.diagnostics.extend(_duplicate_ids(layout.records, cwd))
    loaded = [item for path in layout.records if (item := _load_record(path, corpus, cwd, cache)) is not None]
    corpus.files = [shown_path(p, cwd) for p in layout.records]
    refs = _Refs(taxonomy, gaps, sorted({item.ident for item in loaded if item.kind == "program"}))
    _cross_check(corpus, loaded, refs)
    for path in layout.roadmaps:
        _load_roadmap(path, corpus, cwd, refs)
    corpus.diagnostics.extend(_docs_pages(root, cwd))
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


@dataclass
class _Loaded:
    """A record file that could be read: its type (None when unknown) and the fields that are valid."""

    ident: str
    doc: Document
    kind: str | None
    values: Mapping[str, Any]


def _load_record(path: Path, corpus: Corpus, cwd: Path | None, cache: RecordCache | None) -> _Loaded | None:
    result = cache.read(path, cwd) if cache is not None else read_record(path, cwd)
    corpus.diagnostics.extend(result.diagnostics)
    ident = path.stem
    if result.record is None and result.diagnostics:
        corpus.failed.add(ident)
    if result.doc is None:
        return None
    if result.record is not None:
        corpus.entries.setdefault(ident, Entry(ident, result.doc.path, result.record, result.doc))
        return _Loaded(ident, result.doc, result.kind, result.record.__dict__)
    return _Loaded(ident, result.doc, result.kind, result.partial)


def _read(path: Path, corpus: Corpus, cwd: Path | None) -> Document | None:
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
        return None, exc.diagnostics
    if not _is_safe_id(path.stem):
        return doc, [
            Diagnostic(
                shown,
                1,
                1,
                "",
                f"ファイル名「{path.name}」は ID に使えません",
                "ファイル名を半角英小文字・数字・ハイフンだけにしてください（例: goka.yaml）",
            )
        ]
    return doc, []


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
        found = tuple(_pydantic_diagnostics(exc, doc, (), _field_names(model)))
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


def _load_roadmap(path: Path, corpus: Corpus, cwd: Path | None, refs: _Refs) -> None:
    """A roadmap: valid in itself, and every record, keyword, program and challenge it cites exists."""
    doc = _read(path, corpus, cwd)
    if doc is None:
        return
    shown = doc.path
    at = _Reporter(shown, doc, corpus.diagnostics)
    if problem := page_name_problem("roadmap", path.stem):
        at(("type",), *problem)
    try:
        roadmap = Roadmap.model_validate(doc.data)
    except ValidationError as exc:
        corpus.diagnostics.extend(_pydantic_diagnostics(exc, doc, (), _field_names(Roadmap)))
        return
    records = sorted(corpus.entries)
    _check_sources(roadmap.sources, refs, at)
    for s, stage in enumerate(roadmap.stages):
        for t, step in enumerate(stage.steps):
            base: Loc = ("stages", s, "steps", t)

            for i, ident in enumerate(step.records):
                if ident not in corpus.entries and ident not in corpus.failed:
                    guess = closest(ident, records)
                    at(
                        (*base, "records", i),
                        f"記録「{ident}」がありません（削除または改名された可能性）",
                        f"候補: {guess[0]}" if guess else "cases/ の記録のファイル名（拡張子なし）を書いてください",
                    )
            _check_keywords(at, base, step.keywords, refs)
            _check_links(at, base, step.challenges, step.programs, refs)
    corpus.roadmaps[path.stem] = RoadmapEntry(path.stem, shown, roadmap, doc)


def _is_safe_id(ident: str) -> bool:
    return bool(re.fullmatch(SLUG_PATTERN, ident)) and len(ident) <= 80


@dataclass
class _Refs:
    """What records may name, and the broken taxonomy whose references are not reported again."""

    tax: Taxonomy
    gaps: _Gaps
    programs: list[str] = field(default_factory=list)
    """Ids of program records, valid or not (a broken program reports its own problems)."""

    def keyword(self, text: str) -> tuple[str, str] | None:
        if self.tax.keyword(text) is not None or self.gaps.covers("keywords", text):
            return None
        return _unknown_keyword(self.tax, text)

    def term(self, kind: str, slug: str) -> tuple[str, str] | None:
        """(message, hint) when a category, challenge or source id is not registered."""
        if kind == "programs":
            known = self.programs
        else:
            known = [getattr(t, "id" if kind == "sources" else "slug") for t in getattr(self.tax, kind)]
        if slug in known or (kind != "programs" and self.gaps.covers(kind, slug)):
            return None
        what, where = _TERMS[kind]
        guess = closest(slug, known)
        return f"未登録の{what}「{slug}」", f"候補: {guess[0]}" if guess else where


_TERMS = {
    "categories": ("カテゴリ", "cases/categories.yaml の slug を書いてください"),
    "challenges": ("課題", "cases/challenges.yaml の slug を書いてください"),
    "sources": ("資料", "cases/sources.yaml の id を書いてください"),
    "programs": ("支援制度", "cases/programs/ にある記録のファイル名（拡張子なし）を書いてください"),
}


def _cross_check(corpus: Corpus, loaded: list[_Loaded], refs: _Refs) -> None:
    """Checks against the taxonomy and the other records, on every field that is valid."""
    out = corpus.diagnostics
    for item in sorted(loaded, key=lambda i: i.doc.path):
        values = item.values
        at = _Reporter(item.doc.path, item.doc, out)
        _check_keywords(at, (), values.get("keywords") or [], refs)
        _check_links(at, (), values.get("challenges") or [], values.get("programs") or [], refs)
        _check_sources(values.get("sources") or [], refs, at)
        published, updated = values.get("published"), values.get("updated")
        if published and updated and parse_date(published).first_day() > parse_date(updated).last_day():
            at(
                ("updated",),
                f"最終更新日 {updated} が公開日 {published} より前です",
                "最終更新日を公開日以降にしてください",
            )
        category = values.get("category")
        if item.kind == "case" and isinstance(category, str) and (problem := refs.term("categories", category)):
            at(("category",), *problem)
        if isinstance(org := values.get("organization"), Organization):
            _check_organization(org, at)
        if item.kind is not None and (problem := page_name_problem(item.kind, item.ident)):
            at(("type",), *problem)
    _duplicates(loaded, out)


def _check_keywords(at: _Reporter, base: Loc, keywords: list[str], refs: _Refs) -> None:
    used: list[tuple[Loc, str]] = []
    for i, text in enumerate(keywords):
        if unknown := refs.keyword(text):
            at((*base, "keywords", i), *unknown)
        elif kw := refs.tax.keyword(text):
            used.append(((*base, "keywords", i), kw.label))
    for loc, first, label in _repeats(used):
        at(loc, f"キーワード「{label}」が 2 回あります（{int(first[-1]) + 1} 番目と同じ）", "どちらかを消してください")


def _check_organization(org: Organization, at: _Reporter) -> None:
    expected = prefecture_of_code(org.code)
    if org.prefecture != expected:
        at(
            ("organization", "prefecture"),
            f"都道府県「{org.prefecture}」が団体コード {org.code}（{expected}）と合いません",
            "団体コードか都道府県のどちらかを直してください",
        )
    problem = kind_problem(org.code, org.kind)
    if problem:
        at(("organization", "kind"), problem, "団体区分か団体コードを確かめてください")
    if org.kind is OrgKind.PREFECTURE:
        if org.name != org.prefecture:
            at(
                ("organization", "name"),
                f"都道府県の団体名「{org.name}」が都道府県「{org.prefecture}」と違います",
                "都道府県の記録では name に都道府県名を書きます",
            )
        return
    named = next((p for p in PREFECTURES if org.name.startswith(p)), None)
    if named is not None and named == org.prefecture:
        at(
            ("organization", "name"),
            f"団体名「{org.name}」に都道府県名が入っています",
            f"都道府県名を除いて「{org.name.removeprefix(named)}」と書いてください（都道府県は prefecture に書きます）",
        )
    elif named is not None:
        at(
            ("organization", "name"),
            f"団体名「{org.name}」が都道府県「{org.prefecture}」（団体コード {org.code}）と合いません",
            "団体名には都道府県名を含めません。団体名・都道府県・団体コードを確かめてください",
        )


def _identity(item: _Loaded) -> tuple[str, str, str] | None:
    """What makes two records of a type the same: the title plus who it is about (None when unknown)."""
    title, who = item.values.get("title"), _who(item.kind, item.values)
    if item.kind is None or not isinstance(title, str) or who is None:
        return None
    return item.kind, normalize_key(title), normalize_key(who)


def _who(kind: str | None, values: Mapping[str, Any]) -> str | None:
    """Who or what a record is about; None when the field that says so did not validate."""
    if kind in ("case", "initiative"):
        org = values.get("organization")
        if isinstance(org, Organization):
            return org.code
        if kind == "case" or "organization" not in values or "organizer" not in values:
            return None
        return str(values["organizer"] or "")
    if kind == "dialogue":
        speakers = values.get("speakers")
        return "、".join(sorted(s.name for s in speakers)) if speakers else None
    field_name = {"voice": "person", "program": "operator"}.get(kind or "")
    return values.get(field_name) if field_name else None


def _duplicates(loaded: list[_Loaded], out: list[Diagnostic]) -> None:
    """Copies of a record under another file name: each copy is told where the others are."""
    groups: dict[tuple[str, str, str], list[_Loaded]] = {}
    for item in loaded:
        if (key := _identity(item)) is not None:
            groups.setdefault(key, []).append(item)
    for group in groups.values():
        for item in group if len(group) > 1 else []:
            others = "、".join(o.doc.path for o in group if o is not item)
            org = item.values.get("organization")
            whose = org.name if isinstance(org, Organization) else item.values.get("person")
            title = f"{whose}の「{item.values['title']}」" if whose else f"「{item.values['title']}」"
            _Reporter(item.doc.path, item.doc, out)(
                ("title",),
                f"{title}は {others} と同じ記録です",
                "同じものなら一方を消して他方を更新し、別のものならタイトルを区別してください",
            )


# --- page addresses: a record or term may not take another page's address (the routes decide) ---

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


def _docs_pages(root: Path, cwd: Path | None) -> list[Diagnostic]:
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


@dataclass
class _Reporter:
    """Adds a diagnostic at a field of one file."""

    path: str
    doc: Document
    out: list[Diagnostic]

    def __call__(self, loc: Loc, message: str, hint: str, severity: Severity = Severity.ERROR) -> None:
        line, col = self.doc.position(loc)
        self.out.append(Diagnostic(self.path, line, col, dotted(loc), message, hint, severity))


def _check_links(at: _Reporter, base: Loc, challenges: list[str], programs: list[str], refs: _Refs) -> None:
    """Challenges and programs a record or roadmap step names must exist, once each."""
    for field_name, slugs in (("challenges", challenges), ("programs", programs)):
        for i, slug in enumerate(slugs):
            if problem := refs.term(field_name, slug):
                at((*base, field_name, i), *problem)
        for loc, first, slug in _repeats(((*base, field_name, i), s) for i, s in enumerate(slugs)):
            at(loc, f"「{slug}」が 2 回あります（{int(first[-1]) + 1} 番目と同じ）", "どちらかを消してください")


def _check_sources(sources: list[SourceRef], refs: _Refs, at: _Reporter, base: Loc = ()) -> None:
    for i, src in enumerate(sources):
        if problem := refs.term("sources", src.document):
            at((*base, "sources", i, "document"), *problem)
        if src.page_end is not None and (src.page is None or src.page_end < src.page):
            at(
                (*base, "sources", i, "page_end"),
                f"最後のページ {src.page_end} が最初のページ {src.page} より前です",
                "page と page_end を確かめてください",
            )
        if src.page is None and src.section is None:
            at(
                (*base, "sources", i),
                "ページ（page）も節（section）もありません",
                "出典のページ番号か節の見出しを書いてください",
            )


__all__ = [
    "PREFECTURES",
    "TERM_ROUTES",
    "Corpus",
    "Entry",
    "check",
    "find_root",
    "load_taxonomy",
    "page_name_problem",
    "record_files",
]
