"""Validate stage: every file → typed records, every problem collected in one pass (DESIGN §8)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from casebook.dates import parse_date
from casebook.diagnostics import Diagnostic, Severity, display_path, sort_key
from casebook.load import MAX_TAXONOMY_BYTES, Document, LoadError, dotted, load
from casebook.models import (
    SLUG_PATTERN,
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
    SourceRef,
    Voice,
)
from casebook.municipality import PREFECTURES, OrgKind, kind_problem, prefecture_of_code
from casebook.taxonomy import Taxonomy, closest, normalize_key

AnyRecord = Case | Voice | Dialogue | Program | OtherInitiative
MODELS: dict[str, type[BaseModel]] = {
    "case": Case,
    "voice": Voice,
    "dialogue": Dialogue,
    "program": Program,
    "initiative": OtherInitiative,
}
TAXONOMY_FILES: dict[str, tuple[str, TypeAdapter[Any], type[BaseModel]]] = {
    "keywords.yaml": ("keywords", KeywordList, Keyword),
    "categories.yaml": ("categories", CategoryList, Category),
    "challenges.yaml": ("challenges", ChallengeList, Challenge),
    "sources.yaml": ("sources", SourceList, SourceDocument),
    "frameworks.yaml": ("frameworks", FrameworkList, Framework),
}
SKIP_DIRS = {"roadmaps"}  # roadmaps refer to records, so they are checked after all records load


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


def _explain(err: ErrorDetails, fields: list[str]) -> tuple[str, str]:
    """(what is wrong, how to fix it) for one pydantic error."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    name = str(err["loc"][-1]) if err["loc"] else ""
    shown = value if isinstance(value, str) else ""
    if kind == "missing":
        return f"必須項目「{name}」がありません", f"「{name}: …」を書き足してください"
    if kind == "extra_forbidden":
        guess = closest(name, fields)
        hint = f"もしかして「{guess[0]}」ですか？" if guess else f"使える項目: {', '.join(fields)}"
        return f"未知の項目「{name}」", hint
    if kind in ("string_type",):
        return "文字列を書いてください", "値を引用符で囲むか、文章をそのまま書いてください"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"整数を書いてください（「{shown}」）", "例: 8000（カンマや「約」「人」は付けません）"
    if kind in ("float_parsing", "float_type"):
        return f"数値を書いてください（「{shown}」）", "例: 27 や 0.5（単位は unit に書きます）"
    if kind in ("bool_parsing", "bool_type"):
        return f"true か false を書いてください（「{shown}」）", "例: approximate: true"
    if kind == "list_type":
        return "リストで書いてください", "各行を「- 」で始めるか、[a, b] の形で書いてください"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "「項目: 値」の形（マッピング）で書いてください", "下の行を字下げして項目を並べてください"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        options = [o.strip(" '\"") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        guess = closest(shown, options) if shown else []
        hint = f"もしかして「{guess[0]}」ですか？" if guess else f"次のいずれかを書いてください: {expected}"
        if name == "prefecture":
            hint = (
                f"もしかして「{guess[0]}」ですか？" if guess else ""
            ) + "都道府県名は「県」「府」「都」まで書きます（例: 茨城県、京都府、東京都、北海道）"
        return f"「{shown}」は使えません", hint
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return f"{limit} 字を超えています（{len(shown)} 字）", f"{limit} 字以内に要約してください"
    if kind in ("string_too_short", "too_short"):
        return "空にはできません", "少なくとも 1 つ値を書いてください"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le")))
        return f"値「{value}」は範囲外です", f"{'以上' if 'ge' in ctx or 'gt' in ctx else '以下'}の境界: {bound}"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return (
                f"「{shown}」は ID に使えません",
                "半角英小文字・数字・ハイフンだけで書いてください（例: dx-advisor）",
            )
        return f"「{shown}」は形式に合いません", f"形式: {ctx.get('pattern')}"
    hints = {
        "date": "例: 2024-10-01、2024-10、令和5年度、R4.2",
        "code": '総務省の全国地方公共団体コード（6 桁）を引用符つきで書いてください（例: "085421"）',
        "url": "https:// で始まる URL にしてください",
        "slug": "半角英小文字・数字・ハイフンだけで書いてください（例: dx-advisor）",
        "text": "その文字を取り除いてください",
        "yomi": "例: ごかまち",
        "placeholder": "その部分を書き換えてください（`casebook new` が書き込んだ目印です）",
    }
    return err["msg"], hints.get(kind, "値を確かめてください")


def _pydantic_diagnostics(
    exc: ValidationError, doc: Document, prefix: tuple[str | int, ...], model_fields: dict[str, list[str]]
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        # Union members add the member's type name to the location: report the field once.
        while (
            loc
            and isinstance(loc[-1], str)
            and (loc[-1] in _TYPE_WORDS or "[" in loc[-1] or loc[-1].startswith("function-"))
        ):
            loc = loc[:-1]
        full = (*prefix, *loc)
        if full in seen:
            continue
        seen.add(full)
        err = {**err, "loc": loc}
        parent = ".".join(str(p) for p in loc[:-1] if isinstance(p, str))
        message, hint = _explain(err, model_fields.get(parent, model_fields.get("", [])))
        if err["type"] == "missing":
            line, col = doc.position(full[:-1])
        else:
            line, col = doc.position(full, key=err["type"] == "extra_forbidden")
        out.append(Diagnostic(doc.path, line, col, dotted(full), message, hint))
    return out


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


def find_root(paths: Sequence[Path]) -> Path | None:
    """The `cases/` folder: the nearest folder at or above the paths that holds keywords.yaml."""
    for start in paths or [Path("cases")]:
        here = start.resolve()
        if here.is_file():
            here = here.parent
        for folder in (here, *here.parents):
            if (folder / "keywords.yaml").is_file():
                return folder
            if (folder / "cases" / "keywords.yaml").is_file():
                return folder / "cases"
    return None


def record_files(root: Path) -> list[Path]:
    """Record files under the cases folder (taxonomy files and roadmaps excluded), sorted."""
    return sorted(
        p for p in root.rglob("*.yaml") if p.parent != root and not (set(p.relative_to(root).parts[:-1]) & SKIP_DIRS)
    )


def load_taxonomy(root: Path, cwd: Path | None = None) -> tuple[Taxonomy, list[Diagnostic]]:
    """Read and check keywords, categories, challenges and sources."""
    problems: list[Diagnostic] = []
    parts: dict[str, list[Any]] = {}
    docs: dict[str, Document] = {}
    for filename, (key, adapter, item_model) in TAXONOMY_FILES.items():
        path = root / filename
        shown = display_path(path, cwd)
        parts[key] = []
        if not path.is_file():
            problems.append(
                Diagnostic(shown, 1, 1, "", f"{filename} がありません", f"{root.name}/{filename} を作ってください")
            )
            continue
        try:
            doc = load(path, shown, MAX_TAXONOMY_BYTES)
        except LoadError as exc:
            problems.extend(exc.diagnostics)
            continue
        docs[key] = doc
        extra = [k for k in doc.data if k != key]
        for k in extra:
            line, col = doc.position((k,), key=True)
            problems.append(
                Diagnostic(shown, line, col, k, f"未知の項目「{k}」", f"このファイルには「{key}:」だけを書きます")
            )
        try:
            parts[key] = adapter.validate_python(doc.data.get(key))
        except ValidationError as exc:
            problems.extend(_pydantic_diagnostics(exc, doc, (key,), _field_names(item_model)))
            continue
        problems.extend(_unique_terms(parts[key], key, doc))
    taxonomy = Taxonomy(
        keywords=parts["keywords"],
        categories=parts["categories"],
        challenges=parts["challenges"],
        sources=parts["sources"],
        frameworks=parts["frameworks"],
    )
    problems.extend(_keyword_collisions(taxonomy, root, cwd))
    if "frameworks" in docs:
        problems.extend(_framework_keywords(taxonomy, docs["frameworks"]))
    return taxonomy, problems


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


def _framework_keywords(taxonomy: Taxonomy, doc: Document) -> list[Diagnostic]:
    """Every keyword a framework item names must be registered."""
    out: list[Diagnostic] = []
    for f, framework in enumerate(taxonomy.frameworks):
        for i, item in enumerate(framework.items):
            for k, text in enumerate(item.keywords):
                if problem := _unknown_keyword(taxonomy, text):
                    loc = ("frameworks", f, "items", i, "keywords", k)
                    line, col = doc.position(loc)
                    out.append(Diagnostic(doc.path, line, col, dotted(loc), *problem))
    return out


def _unique_terms(items: list[Any], key: str, doc: Document) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: dict[str, int] = {}
    ident = "id" if key == "sources" else "slug"
    for i, item in enumerate(items):
        value = getattr(item, ident)
        if value in seen:
            line, col = doc.position((key, i, ident))
            first = doc.position((key, seen[value], ident))[0]
            out.append(
                Diagnostic(
                    doc.path,
                    line,
                    col,
                    f"{key}[{i}].{ident}",
                    f"「{value}」が重複しています（最初は {first} 行目）",
                    "別の値にしてください",
                )
            )
        else:
            seen[value] = i
    return out


def _keyword_collisions(taxonomy: Taxonomy, root: Path, cwd: Path | None) -> list[Diagnostic]:
    shown = display_path(root / "keywords.yaml", cwd)
    owner: dict[str, str] = {}
    out: list[Diagnostic] = []
    for kw in taxonomy.keywords:
        for spelling in dict.fromkeys((kw.label, *kw.aliases)):
            key = normalize_key(spelling)
            if key in owner and owner[key] != kw.label:
                out.append(
                    Diagnostic(
                        shown,
                        1,
                        1,
                        "keywords",
                        f"「{spelling}」（{kw.label}）は「{owner[key]}」の表記と区別できません",
                        "どちらかの別名を消すか、キーワードを統合してください",
                    )
                )
            owner.setdefault(key, kw.label)
    return out


def check(paths: Sequence[Path] = (), cwd: Path | None = None, cache: RecordCache | None = None) -> Corpus:
    """Load and validate the whole corpus; report problems only for `paths` (all when empty).

    With a `cache`, record files that did not change since the last check are not read again.
    """
    root = find_root(paths)
    if root is None:
        where = ", ".join(p.as_posix() for p in paths) or "cases"
        return Corpus(
            Path("cases"),
            Taxonomy(),
            diagnostics=[
                Diagnostic(
                    where,
                    1,
                    1,
                    "",
                    "cases/keywords.yaml が見つかりません",
                    "知識ベースのフォルダ（cases/）か、その中のファイルを指定してください",
                )
            ],
        )
    taxonomy, problems = load_taxonomy(root, cwd)
    corpus = Corpus(root, taxonomy, diagnostics=problems)
    files = record_files(root)
    for path in files:
        _load_record(path, corpus, cwd, cache)
    _cross_check(corpus)
    for path in sorted((root / "roadmaps").glob("*.yaml")):
        _load_roadmap(path, corpus, cwd)
    if paths:
        wanted = {display_path(p, cwd) for p in _expand(paths)}
        corpus.diagnostics = [d for d in corpus.diagnostics if d.path in wanted]
    corpus.diagnostics.sort(key=sort_key)
    return corpus


def _expand(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    return out


def _load_record(path: Path, corpus: Corpus, cwd: Path | None, cache: RecordCache | None) -> None:
    before = len(corpus.diagnostics)
    _load_record_into(path, corpus, cwd, cache)
    if path.stem not in corpus.entries and len(corpus.diagnostics) > before:
        corpus.failed.add(path.stem)


def _read(path: Path, corpus: Corpus, cwd: Path | None) -> Document | None:
    """Load a record or roadmap file whose name is a safe id; problems go to the corpus."""
    doc, problems = _read_file(path, cwd)
    corpus.diagnostics.extend(problems)
    return doc


def _read_file(path: Path, cwd: Path | None) -> tuple[Document | None, list[Diagnostic]]:
    shown = display_path(path, cwd)
    try:
        doc = load(path, shown)
    except LoadError as exc:
        return None, exc.diagnostics
    if not _is_safe_id(path.stem):
        return None, [
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
    """What one record file gives on its own: its model, or the problems that stopped it."""

    doc: Document | None
    record: AnyRecord | None
    diagnostics: tuple[Diagnostic, ...] = ()


def read_record(path: Path, cwd: Path | None) -> FileResult:
    """Load and validate one record file against its model (no cross-file checks). Pure per file."""
    doc, problems = _read_file(path, cwd)
    if doc is None:
        return FileResult(None, None, tuple(problems))
    shown = doc.path
    kind = doc.data.get("type")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        line, col = doc.position(("type",)) if "type" in doc.data else (1, 1)
        guess = closest(str(kind), list(MODELS)) if kind else []
        hint = f"もしかして「{guess[0]}」ですか？" if guess else f"次のいずれかを書いてください: {', '.join(MODELS)}"
        message = f"記録の種類「{kind}」は使えません" if kind else "記録の種類（type:）がありません"
        return FileResult(doc, None, (Diagnostic(shown, line, col, "type", message, hint),))
    try:
        record = model.model_validate(doc.data)
    except ValidationError as exc:
        return FileResult(doc, None, tuple(_pydantic_diagnostics(exc, doc, (), _field_names(model))))
    return FileResult(doc, record)  # type: ignore[arg-type]


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


def _load_record_into(path: Path, corpus: Corpus, cwd: Path | None, cache: RecordCache | None = None) -> None:
    result = cache.read(path, cwd) if cache is not None else read_record(path, cwd)
    corpus.diagnostics.extend(result.diagnostics)
    if result.record is None or result.doc is None:
        return
    shown, ident = result.doc.path, path.stem
    if ident in corpus.entries:
        other = corpus.entries[ident].path
        corpus.diagnostics.append(
            Diagnostic(
                shown,
                1,
                1,
                "",
                f"ID「{ident}」は {other} と重複しています",
                "どちらかのファイル名を変えてください（ファイル名が ID になります）",
            )
        )
        return
    corpus.entries[ident] = Entry(ident, shown, result.record, result.doc)


def _load_roadmap(path: Path, corpus: Corpus, cwd: Path | None) -> None:
    """A roadmap: valid in itself, and every record, keyword, program and challenge it cites exists."""
    doc = _read(path, corpus, cwd)
    if doc is None:
        return
    shown = doc.path
    try:
        roadmap = Roadmap.model_validate(doc.data)
    except ValidationError as exc:
        corpus.diagnostics.extend(_pydantic_diagnostics(exc, doc, (), _field_names(Roadmap)))
        return
    tax = corpus.taxonomy
    programs = sorted(e.id for e in corpus.of_type(Program))
    records = sorted(corpus.entries)
    out = corpus.diagnostics
    at = _Reporter(shown, doc, out)
    _check_sources(roadmap.sources, tax, at)
    for s, stage in enumerate(roadmap.stages):
        for t, step in enumerate(stage.steps):
            base: tuple[str | int, ...] = ("stages", s, "steps", t)

            for i, ident in enumerate(step.records):
                if ident not in corpus.entries and ident not in corpus.failed:
                    guess = closest(ident, records)
                    at(
                        (*base, "records", i),
                        f"記録「{ident}」がありません（削除または改名された可能性）",
                        f"候補: {guess[0]}" if guess else "cases/ の記録のファイル名（拡張子なし）を書いてください",
                    )
            for i, text in enumerate(step.keywords):
                if problem := _unknown_keyword(tax, text):
                    at((*base, "keywords", i), *problem)
            _check_links(at, base, step.challenges, step.programs, tax, programs)
    corpus.roadmaps[path.stem] = RoadmapEntry(path.stem, shown, roadmap, doc)


def _is_safe_id(ident: str) -> bool:
    return bool(re.fullmatch(SLUG_PATTERN, ident)) and len(ident) <= 80


def _cross_check(corpus: Corpus) -> None:
    tax = corpus.taxonomy
    program_ids = sorted(e.id for e in corpus.of_type(Program))
    seen_titles: dict[tuple[str, str], str] = {}
    out = corpus.diagnostics
    for entry in sorted(corpus.entries.values(), key=lambda e: e.path):
        rec = entry.record
        at = _Reporter(entry.path, entry.doc, out)

        used: dict[str, int] = {}
        for i, text in enumerate(rec.keywords):
            if unknown := _unknown_keyword(tax, text):
                at(("keywords", i), *unknown)
                continue
            kw = tax.keyword(text)
            assert kw is not None  # registered, as _unknown_keyword just said
            if kw.slug in used:
                at(
                    ("keywords", i),
                    f"キーワード「{kw.label}」が 2 回あります（{used[kw.slug] + 1} 番目と同じ）",
                    "どちらかを消してください",
                    Severity.WARNING,
                )
            else:
                used[kw.slug] = i
        _check_links(at, (), rec.challenges, rec.programs, tax, program_ids)
        _check_sources(rec.sources, tax, at)
        if parse_date(rec.published).first_day() > parse_date(rec.updated).last_day():
            at(
                ("updated",),
                f"最終更新日 {rec.updated} が公開日 {rec.published} より前です",
                "最終更新日を公開日以降にしてください",
            )
        if isinstance(rec, Case) and tax.category(rec.category) is None:
            guess = closest(rec.category, [c.slug for c in tax.categories])
            at(
                ("category",),
                f"未登録のカテゴリ「{rec.category}」",
                f"候補: {guess[0]}" if guess else "cases/categories.yaml の slug を書いてください",
            )
        org = getattr(rec, "organization", None)
        if org is not None:
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
            if org.kind is OrgKind.PREFECTURE and org.name != org.prefecture:
                at(
                    ("organization", "name"),
                    f"都道府県の団体名「{org.name}」が都道府県「{org.prefecture}」と違います",
                    "都道府県の記録では name に都道府県名を書きます",
                )
            key = (org.name, normalize_key(rec.title))
            if key in seen_titles:
                at(
                    ("title",),
                    f"{org.name}の「{rec.title}」は {seen_titles[key]} と同じ事例です",
                    "既存の記録を更新するか、タイトルを区別してください",
                )
            else:
                seen_titles[key] = entry.path


@dataclass
class _Reporter:
    """Adds a diagnostic at a field of one file."""

    path: str
    doc: Document
    out: list[Diagnostic]

    def __call__(
        self, loc: tuple[str | int, ...], message: str, hint: str, severity: Severity = Severity.ERROR
    ) -> None:
        line, col = self.doc.position(loc)
        self.out.append(Diagnostic(self.path, line, col, dotted(loc), message, hint, severity))


def _check_links(
    at: _Reporter,
    base: tuple[str | int, ...],
    challenges: list[str],
    programs: list[str],
    tax: Taxonomy,
    program_ids: list[str],
) -> None:
    """Challenges and programs a record or roadmap step names must exist."""
    for i, slug in enumerate(challenges):
        if tax.challenge(slug) is None:
            guess = closest(slug, [c.slug for c in tax.challenges])
            at(
                (*base, "challenges", i),
                f"未登録の課題「{slug}」",
                f"候補: {guess[0]}" if guess else "cases/challenges.yaml の slug を書いてください",
            )
    for i, slug in enumerate(programs):
        if slug not in program_ids:
            guess = closest(slug, program_ids)
            at(
                (*base, "programs", i),
                f"未登録の支援制度「{slug}」",
                f"候補: {guess[0]}"
                if guess
                else "cases/programs/ にある記録のファイル名（拡張子なし）を書いてください",
            )


def _check_sources(sources: list[SourceRef], tax: Taxonomy, at: _Reporter) -> None:
    for i, src in enumerate(sources):
        if src.document is None:
            if src.title is None or src.publisher is None:
                at(
                    ("sources", i),
                    "資料（document）がありません",
                    "登録済みの資料の id を document に書くか、資料名（title）と発行者（publisher）を書いてください",
                )
        elif tax.source(src.document) is None:
            guess = closest(src.document, [s.id for s in tax.sources])
            at(
                ("sources", i, "document"),
                f"未登録の資料「{src.document}」",
                f"候補: {guess[0]}" if guess else "cases/sources.yaml の id を書いてください",
            )
        if src.page_end is not None and (src.page is None or src.page_end < src.page):
            at(
                ("sources", i, "page_end"),
                f"最後のページ {src.page_end} が最初のページ {src.page} より前です",
                "page と page_end を確かめてください",
            )
        if src.page is None and src.section is None and src.url is None:
            at(
                ("sources", i),
                "ページ（page）も節（section）もありません",
                "出典のページ番号か節の見出し（ウェブページなら url）を書いてください",
            )


__all__ = ["PREFECTURES", "Corpus", "Entry", "check", "find_root", "load_taxonomy", "record_files"]
