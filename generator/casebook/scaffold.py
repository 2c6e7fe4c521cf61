"""`casebook new`: write a commented record (or a keyword) that passes `casebook check` as written.

Pure functions build the text; the CLI asks the questions and writes the file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from casebook.models import SLUG_PATTERN, Keyword
from casebook.municipality import OrgKind, prefecture_of_code
from casebook.taxonomy import Taxonomy, normalize_key


@dataclass(frozen=True)
class NewSource:
    """A source not in cases/sources.yaml (a town's own plan or page), described in the record itself."""

    title: str
    publisher: str
    date: str | None = None
    url: str | None = None


@dataclass
class CaseDraft:
    """What a contributor tells us about a new case."""

    organization: str
    code: str
    kind: OrgKind
    title: str
    category: str
    keywords: list[str] = field(default_factory=list)
    source: str | NewSource = "guidebook"
    page: int | None = None
    section: str | None = None
    population: int | None = None
    summary: str = ""
    period: str | None = None
    """When the initiative began (one date; the wizard refuses a period)."""


def placeholder(what: str) -> str:
    """What the scaffold writes where the contributor still has to write: `check` rejects it until replaced."""
    return f"（ここに{what}を書いてください）"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def case_folder(kind: OrgKind) -> str:
    """Folder under cases/ for a case of this 団体区分."""
    return "prefectural" if kind is OrgKind.PREFECTURE else "municipal"


def suggest_id(code: str, taken: set[str]) -> str:
    """A free id from the 団体コード: `085421`, then `085421-2` and so on."""
    ident, n = code, 2
    while ident in taken:
        ident, n = f"{code}-{n}", n + 1
    return ident


def case_yaml(draft: CaseDraft, today: dt.date) -> str:
    """The commented YAML of a new case; every line explains what to write."""
    prefecture = prefecture_of_code(draft.code)
    keywords = ", ".join(_q(k) for k in draft.keywords)
    population = (
        f"  population:\n    value: {draft.population}\n    approximate: true\n    note: {_q(placeholder('人口の基準日'))}\n"
        if draft.population
        else "  # population:            # 人口（任意）。value に人数、as_of に基準日\n"
    )
    summary = _q(draft.summary) if draft.summary else _q(placeholder("取り組みの概要"))
    timeline = (
        f"timeline:         # 経緯（和暦も書けます）\n  - date: {_q(draft.period)}\n    event: 取り組みを始めた\n"
        if draft.period
        else "timeline: []      # 経緯。例: - date: R4.2 / event: 研究会を設置（和暦も書けます）\n"
    )
    return f"""# yaml-language-server: $schema=../../schema/record.schema.json
# 新しい事例の記録です。「#」の行は説明なので、消しても残しても構いません。
# 書き終えたら `casebook check` で確かめてください（間違いがあれば「ファイル:行:列」で知らせます）。
# 記録は CC BY 4.0 で公開されます（CONTRIBUTING.md「6. ライセンス」）。出典の文は写さず、自分の言葉で書きます。
type: case
title: {_q(draft.title)}   # タイトル（出典の表記どおり）
organization:
  name: {_q(draft.organization)}   # 団体名（都道府県名は含めない）
  prefecture: {prefecture}        # 団体コードから自動で入れました
  code: "{draft.code}"            # 全国地方公共団体コード（6 桁、引用符で囲む）
  kind: {draft.kind.value}       # 団体区分: 政令指定都市/中核市/施行時特例市/一般市/町/村/特別区/都道府県
{population}category: {draft.category}   # カテゴリ（cases/categories.yaml の slug）
keywords: [{keywords}]   # キーワード（cases/keywords.yaml の表示名か別名）
# 取り組みの概要（300 字以内）。出典の文をそのまま写さず、自分の言葉で要約します。
summary: {summary}
# reason: 取り組み理由
# purpose: 目的
initiatives: []   # 取り組み内容。例: - heading: 見出し / points: [要点, 要点]
# outcomes: 成果
# lessons: 学んだこと
# interview:      # 担当者インタビュー（effect / difficulty / hr_coordination / future）
figures: []       # 数値。例: - label: 参加者 / value: 27 / unit: 人 / as_of: 2024-10
{timeline}challenges: []    # 向き合う課題（cases/challenges.yaml の slug）
programs: []      # 活用した支援制度（cases/programs/ のファイル名）
sources:          # 出典（必須）: 登録済みの資料は id（cases/sources.yaml）、それ以外は資料名・発行者・日付か URL
{_source_yaml(draft)}published: {today.isoformat()}   # 公開日
updated: {today.isoformat()}     # 最終更新日（直すたびに更新）
"""


def _source_yaml(draft: CaseDraft) -> str:
    """The one `sources:` entry: a registered id or a described document, then where in it."""
    src = draft.source
    if isinstance(src, NewSource):
        given = [("title", src.title), ("publisher", src.publisher), ("date", src.date), ("url", src.url)]
        fields = [f"{k}: {_q(v)}" for k, v in given if v]
    else:
        fields = [f"document: {src}"]
    if draft.page:
        fields.append(f"page: {draft.page}")
    elif draft.section or not (isinstance(src, NewSource) and src.url):  # a web page needs no page number
        fields.append(f"section: {_q(draft.section or placeholder('資料の節や見出し'))}")
    return "".join(f"  {'- ' if i == 0 else '  '}{line}\n" for i, line in enumerate(fields))


@dataclass(frozen=True)
class KeywordDraft:
    """A new controlled keyword."""

    label: str
    slug: str
    yomi: str
    group: str
    description: str
    aliases: tuple[str, ...] = ()


def near_duplicates(label: str, taxonomy: Taxonomy, limit: float = 0.8) -> list[str]:
    """Registered keywords a new label may duplicate: same matching key, or a small edit away."""
    key = normalize_key(label)
    found: list[str] = []
    for kw in taxonomy.keywords:
        for spelling in (kw.label, *kw.aliases):
            other = normalize_key(spelling)
            similar = other == key or difflib.SequenceMatcher(None, key, other).ratio() >= limit
            if similar and kw.label not in found:
                found.append(kw.label)
    return found


def keyword_problems(draft: KeywordDraft, taxonomy: Taxonomy) -> list[str]:
    """Why the keyword cannot be added as it is (slug taken or malformed, empty fields)."""
    problems = []
    if not re.fullmatch(SLUG_PATTERN, draft.slug):
        problems.append(f"URL に使う英字の名前「{draft.slug}」は、半角英小文字・数字・ハイフンで書いてください")
    if any(k.slug == draft.slug for k in taxonomy.keywords):
        problems.append(f"URL に使う英字の名前「{draft.slug}」は、ほかのキーワードが使っています")
    if not re.fullmatch(r"[\u3041-\u309fー・ 　a-zA-Z0-9]+", draft.yomi):
        problems.append("読み（yomi）はひらがなで書いてください")
    for name, shown in (("label", "表示名"), ("group", "分類"), ("description", "説明")):
        if not getattr(draft, name).strip():
            problems.append(f"{shown}が空です")
    return problems


def keyword_yaml(draft: KeywordDraft) -> str:
    """The list item appended to keywords.yaml."""
    aliases = ", ".join(_q(a) for a in draft.aliases)
    return (
        f"  - label: {_q(draft.label)}\n    slug: {draft.slug}\n    yomi: {draft.yomi}\n"
        f"    group: {_q(draft.group)}\n    description: {_q(draft.description)}\n    aliases: [{aliases}]\n"
    )


def append_keyword(path: Path, draft: KeywordDraft) -> None:
    """Append a keyword to keywords.yaml, keeping its comments and layout."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + keyword_yaml(draft), encoding="utf-8")


def keyword_matches(text: str, keywords: list[Keyword], n: int = 8) -> list[str]:
    """Registered keyword labels for completion: those containing the typed text, then close ones."""
    key = normalize_key(text)
    contains = [
        k.label for k in keywords if key and any(key in normalize_key(s) for s in (k.label, k.yomi, *k.aliases))
    ]
    close = difflib.get_close_matches(key, [normalize_key(k.label) for k in keywords], n=n, cutoff=0.5)
    by_key = {normalize_key(k.label): k.label for k in keywords}
    return list(dict.fromkeys(contains + [by_key[c] for c in close]))[:n]
