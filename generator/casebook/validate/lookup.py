"""Looking names up in the taxonomy: 「未登録の X — 候補: Y」, once per cause (a broken entry is reported once)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from casebook.diagnostics import Diagnostic
from casebook.models import (
    SourceRef,
)
from casebook.taxonomy import Taxonomy, closest, normalize_key
from casebook.validate.corpus import Loc, Reporter, repeats


@dataclass
class Gaps:
    """Taxonomy that failed: what names it, so references to it are not reported again (one cause, one report)."""

    whole: dict[str, Diagnostic] = field(default_factory=dict)
    """Kind (`keywords` …) → why its file cannot be used at all."""
    entries: dict[str, dict[str, Diagnostic]] = field(default_factory=dict)
    """Kind → reference key of a broken entry (its slug, id, label or alias) → its first problem."""
    hits: Counter[Diagnostic] = field(default_factory=Counter)

    def covers(self, kind: str, text: str) -> bool:
        """True (and counted) when `text` may name a broken entry: its own error already says what to fix."""
        cause = self.whole.get(kind) or self.entries.get(kind, {}).get(ref_key(kind, text))
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


def ref_key(kind: str, text: str) -> str:
    """The form a reference is compared in: keywords by their normalised spelling, ids as written."""
    return normalize_key(text) if kind == "keywords" else text.strip()


def unknown_keyword(tax: Taxonomy, text: str) -> tuple[str, str] | None:
    """(message, hint) when `text` is no registered keyword spelling; shared by records, roadmaps, frameworks."""
    if tax.keyword(text) is not None:
        return None
    parts = [part.strip() for part in re.split(r"[、，,]", text) if part.strip()]
    if len(parts) > 1 and all(tax.keyword(part) is not None for part in parts):
        listed = ", ".join(parts)
        return (
            f"未登録のキーワード「{text}」",
            f"読点「、」では区切れません。半角の「,」で [{listed}] のように区切ってください",
        )
    options = tax.keyword_suggestions(text)
    hint = (
        f"候補: {'、'.join(options)}"
        if options
        else f"登録済みのキーワードを使うか、新しい語なら `casebook new --keyword --label {text}` で keywords.yaml に登録してください"
    )
    return f"未登録のキーワード「{text}」", hint


@dataclass
class Refs:
    """What records may name, and the broken taxonomy whose references are not reported again."""

    tax: Taxonomy
    gaps: Gaps
    programs: list[str] = field(default_factory=list)
    """Ids of program records, valid or not (a broken program reports its own problems)."""

    def keyword(self, text: str) -> tuple[str, str] | None:
        """(message, hint) when `text` is no registered keyword and names no broken entry."""
        if self.tax.keyword(text) is not None or self.gaps.covers("keywords", text):
            return None
        return unknown_keyword(self.tax, text)

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
        if guess:
            return f"未登録の{what}「{slug}」", f"候補: {guess[0]}"
        # Nothing alike: a short list is more help than a file name (categories are a handful).
        listed = f"。使えるもの: {'、'.join(known)}" if 0 < len(known) <= 12 else ""
        return f"未登録の{what}「{slug}」", where + listed


_TERMS = {
    "categories": ("カテゴリ", "cases/categories.yaml の slug を書いてください"),
    "challenges": ("課題", "cases/challenges.yaml の slug を書いてください"),
    "sources": ("資料", "cases/sources.yaml の id を書いてください"),
    "programs": ("支援制度", "cases/programs/ にある記録のファイル名（拡張子なし）を書いてください"),
}


def check_keywords(at: Reporter, base: Loc, keywords: list[str], refs: Refs) -> None:
    """Every keyword named under `base` is registered and named once."""
    used: list[tuple[Loc, str]] = []
    for i, text in enumerate(keywords):
        if unknown := refs.keyword(text):
            at((*base, "keywords", i), *unknown)
        elif kw := refs.tax.keyword(text):
            used.append(((*base, "keywords", i), kw.label))
    for loc, first, label in repeats(used):
        at(loc, f"キーワード「{label}」が 2 回あります（{int(first[-1]) + 1} 番目と同じ）", "どちらかを消してください")


def check_links(at: Reporter, base: Loc, challenges: list[str], programs: list[str], refs: Refs) -> None:
    """Challenges and programs a record or roadmap step names must exist, once each."""
    for field_name, slugs in (("challenges", challenges), ("programs", programs)):
        for i, slug in enumerate(slugs):
            if problem := refs.term(field_name, slug):
                at((*base, field_name, i), *problem)
        for loc, first, slug in repeats(((*base, field_name, i), s) for i, s in enumerate(slugs)):
            at(loc, f"「{slug}」が 2 回あります（{int(first[-1]) + 1} 番目と同じ）", "どちらかを消してください")


def check_sources(sources: list[SourceRef], refs: Refs, at: Reporter, base: Loc = ()) -> None:
    """Every source names a registered document (or describes one), and a page, section or URL in it."""
    for i, src in enumerate(sources):
        if src.document is None:
            if src.title is None or src.publisher is None:
                at(
                    (*base, "sources", i),
                    "資料（document）がありません",
                    "登録済みの資料の id を document に書くか、資料名（title）と発行者（publisher）を書いてください",
                )
        elif problem := refs.term("sources", src.document):
            at((*base, "sources", i, "document"), *problem)
        if src.page_end is not None and (src.page is None or src.page_end < src.page):
            at(
                (*base, "sources", i, "page_end"),
                f"最後のページ {src.page_end} が最初のページ {src.page} より前です",
                "page と page_end を確かめてください",
            )
        if src.page is None and src.section is None and src.url is None:
            at(
                (*base, "sources", i),
                "ページ（page）も節（section）もありません",
                "出典のページ番号か節の見出し（ウェブページなら url）を書いてください",
            )
