"""Cross-checks: every keyword, challenge, program, category and source a record or roadmap names exists."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from casebook.dates import parse_date
from casebook.diagnostics import Diagnostic, Severity
from casebook.models import (
    Organization,
    Roadmap,
)
from casebook.municipality import PREFECTURES, OrgKind, kind_problem, name_kind_problem, prefecture_of_code
from casebook.taxonomy import closest, normalize_key
from casebook.validate.addresses import page_name_problem
from casebook.validate.corpus import Corpus, Loc, Reporter, RoadmapEntry
from casebook.validate.lookup import Refs, check_keywords, check_links, check_sources
from casebook.validate.messages import field_names, pydantic_diagnostics
from casebook.validate.records import Loaded, read_into_corpus


def load_roadmap(path: Path, corpus: Corpus, cwd: Path | None, refs: Refs) -> None:
    """A roadmap: valid in itself, and every record, keyword, program and challenge it cites exists."""
    doc = read_into_corpus(path, corpus, cwd)
    if doc is None:
        return
    shown = doc.path
    at = Reporter(shown, doc, corpus.diagnostics)
    if problem := page_name_problem("roadmap", path.stem):
        at(("type",), *problem)
    try:
        roadmap = Roadmap.model_validate(doc.data)
    except ValidationError as exc:
        corpus.diagnostics.extend(pydantic_diagnostics(exc, doc, (), field_names(Roadmap)))
        return
    records = sorted(corpus.entries)
    check_sources(roadmap.sources, refs, at)
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
            check_keywords(at, base, step.keywords, refs)
            check_links(at, base, step.challenges, step.programs, refs)
    corpus.roadmaps[path.stem] = RoadmapEntry(path.stem, shown, roadmap, doc)


JST = timezone(timedelta(hours=9), "JST")
"""Japan Standard Time (Japan keeps no daylight saving time)."""
NAME_KIND_HINT = "団体区分か団体名を確かめてください（町と村は団体コードでは区別できません）"


def cross_check(corpus: Corpus, loaded: list[Loaded], refs: Refs) -> None:
    """Checks against the taxonomy and the other records, on every field that is valid."""
    out = corpus.diagnostics
    # "Today" is Japan's: contributors date records in JST, and a UTC server would call the morning's
    # records (00:00–09:00 JST) tomorrow's, which fails a strict build.
    today = datetime.now(JST).date()
    for item in sorted(loaded, key=lambda i: i.doc.path):
        values = item.values
        at = Reporter(item.doc.path, item.doc, out)
        check_keywords(at, (), values.get("keywords") or [], refs)
        check_links(at, (), values.get("challenges") or [], values.get("programs") or [], refs)
        check_sources(values.get("sources") or [], refs, at)
        _check_record_dates(values.get("published"), values.get("updated"), today, at)
        category = values.get("category")
        if item.kind == "case" and isinstance(category, str) and (problem := refs.term("categories", category)):
            at(("category",), *problem)
        if isinstance(org := values.get("organization"), Organization):
            _check_organization(org, at)
        else:  # another field of it is wrong (a population with 約): its name and kind still meet here
            _check_name_and_kind(item.doc.data.get("organization"), at)
        if item.kind is not None and (problem := page_name_problem(item.kind, item.ident)):
            at(("type",), *problem)
    _duplicates(loaded, out)


def _check_record_dates(published: str | None, updated: str | None, today: date, at: Reporter) -> None:
    first = parse_date(published) if published else None
    last = parse_date(updated) if updated else None
    if first and last and first.first_day() > last.last_day():
        at(
            ("updated",),
            f"最終更新日 {updated} が公開日 {published} より前です",
            "最終更新日を公開日以降にしてください",
        )
    # A slip of a digit (2062 for 2026) would put the record first in 新着・更新 and the feed for years.
    for name, value, parsed, word in (
        ("published", published, first, "公開日"),
        ("updated", updated, last, "最終更新日"),
    ):
        if parsed and parsed.first_day() > today:
            at(
                (name,),
                f"{word} {value} が今日（{today.isoformat()}）より後です",
                "書き間違いでないか確かめてください（新着・更新の一覧とフィードでは先頭に並び続けます）",
                Severity.WARNING,
            )


def _check_name_and_kind(raw: object, at: Reporter) -> None:
    """The 町/村 rule on an organisation that did not validate as a whole, so that one run says everything."""
    if not isinstance(raw, dict) or not isinstance(name := raw.get("name"), str):
        return
    kind = next((k for k in OrgKind if k.value == raw.get("kind")), None)
    if kind is not None and (problem := name_kind_problem(name, kind)):
        at(("organization", "kind"), problem, NAME_KIND_HINT)


def _check_organization(org: Organization, at: Reporter) -> None:
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
    elif problem := name_kind_problem(org.name, org.kind):
        at(("organization", "kind"), problem, NAME_KIND_HINT)
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


def _identity(item: Loaded) -> tuple[str, str, str] | None:
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


def _duplicates(loaded: list[Loaded], out: list[Diagnostic]) -> None:
    """Copies of a record under another file name: each copy is told where the others are."""
    groups: dict[tuple[str, str, str], list[Loaded]] = {}
    for item in loaded:
        if (key := _identity(item)) is not None:
            groups.setdefault(key, []).append(item)
    for group in groups.values():
        for item in group if len(group) > 1 else []:
            others = "、".join(o.doc.path for o in group if o is not item)
            org = item.values.get("organization")
            whose = org.name if isinstance(org, Organization) else item.values.get("person")
            title = f"{whose}の「{item.values['title']}」" if whose else f"「{item.values['title']}」"
            Reporter(item.doc.path, item.doc, out)(
                ("title",),
                f"{title}は {others} と同じ記録です",
                "同じものなら一方を消して他方を更新し、別のものならタイトルを区別してください",
            )
