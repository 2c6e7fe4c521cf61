"""Typed models of every record type and taxonomy file (DESIGN §3).

Field names are English (they are keys in YAML); each carries a Japanese description, which the
JSON Schema passes on to the contributor's editor as hover text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
)
from pydantic_core import PydanticCustomError

from casebook.dates import parse_date
from casebook.municipality import PREFECTURES, OrgKind, code_problem

SUMMARY_MAX = 300
"""取り組みの概要 is at most 300 characters in the government's case data model."""

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_SLUG = re.compile(SLUG_PATTERN)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _date(value: object) -> str:
    try:
        return parse_date(value).iso()
    except ValueError as exc:
        raise PydanticCustomError("date", str(exc)) from None


def _code(value: object) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) else value
    if not isinstance(text, str):
        raise PydanticCustomError("code", '団体コードは 6 桁の数字を引用符で囲んで書いてください（例: "085421"）')
    problem = code_problem(text)
    if problem:
        raise PydanticCustomError("code", problem)
    return text


def _url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise PydanticCustomError(
            "url", "リンクは http:// か https:// で始まる URL だけが使えます（「{value}」）", {"value": value[:80]}
        )
    return value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise PydanticCustomError(
            "slug",
            "「{value}」は ID に使えません（半角英小文字・数字・ハイフンのみ、先頭は英数字）",
            {"value": value[:80]},
        )
    return value


def _text(value: str) -> str:
    # Bidirectional overrides and control characters make text read differently from what it is.
    if _CONTROL.search(value):
        raise PydanticCustomError("text", "制御文字や書字方向を変える文字は使えません")
    return unicodedata.normalize("NFC", value).strip()


PLACEHOLDER = re.compile(r"[（(]ここに[^）)]*ください[）)]")
"""What `casebook new` writes where the contributor still has to write: 「（ここに…を書いてください）」."""


def _no_placeholder(value: str) -> str:
    # A scaffold left half-filled must never be published: check rejects what new wrote as a reminder.
    if found := PLACEHOLDER.search(value):
        raise PydanticCustomError("placeholder", "書きかけの「{found}」が残っています", {"found": found.group()})
    return value


def _yomi(value: str) -> str:
    if not re.fullmatch(r"[\u3041-\u309fー・ 　a-zA-Z0-9]+", value):
        raise PydanticCustomError(
            "yomi", "読み（yomi）はひらがなで書いてください（「{value}」）", {"value": value[:40]}
        )
    return value


DateText = Annotated[
    str,
    BeforeValidator(_date),
    Field(
        description="日付。2024-10-01 / 2024-10 / 2024 / 2023年度 のほか 和暦（R4.2、令和5年度、令和元年5月1日）も可",
        json_schema_extra={"examples": ["2024-10-01", "R4.2", "令和5年度"]},
    ),
]
Text = Annotated[str, AfterValidator(_text), AfterValidator(_no_placeholder), Field(min_length=1)]
Url = Annotated[str, AfterValidator(_url), Field(description="http:// または https:// で始まる URL")]
Slug = Annotated[str, AfterValidator(_slug), Field(pattern=SLUG_PATTERN, description="半角英小文字・数字・ハイフン")]
Yomi = Annotated[str, AfterValidator(_yomi), Field(description="読み（ひらがな）。五十音順の並べ替えに使います")]
MunicipalityCode = Annotated[
    str,
    BeforeValidator(_code),
    Field(pattern=r"^\d{6}$", description="全国地方公共団体コード（6 桁、検査数字つき）。引用符で囲んでください"),
]


class Model(BaseModel):
    """Common settings: unknown fields are errors, strings are not silently coerced to numbers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# --- parts -------------------------------------------------------------------------------------


class SourceRef(Model):
    """Where a fact comes from: a document of cases/sources.yaml by id, or one described in place.

    A town's own case often cites its own plan or web page; describing it here (title, publisher,
    date or URL) lets one file carry the whole proposal (the site's form, `casebook from-issue`).
    """

    document: Slug | None = Field(
        None, description="資料の ID（cases/sources.yaml に登録）。登録していない資料は title と publisher で書きます"
    )
    page: int | None = Field(None, ge=1, description="ページ番号（資料の目次・一覧に書かれた番号）")
    page_end: int | None = Field(None, ge=1, description="複数ページにわたるときの最後のページ")
    section: Text | None = Field(None, description="節や見出し（ページ番号がないとき）")
    note: Text | None = Field(None, description="出典についての注記（資料内の食い違いなど）")
    title: Text | None = Field(None, description="資料名（cases/sources.yaml にない資料のとき）")
    publisher: Text | None = Field(None, description="発行者（cases/sources.yaml にない資料のとき）")
    date: DateText | None = Field(None, description="資料の日付（cases/sources.yaml にない資料のとき）")
    url: Url | None = Field(None, description="資料の URL（ウェブで公開されているとき）")


class Link(Model):
    """An external page about the record."""

    title: Text = Field(description="リンクの表示名")
    url: Url


class Population(Model):
    """人口 with its reference date (the source's rounding is kept)."""

    value: int = Field(ge=0, description="人口（人）")
    approximate: bool = Field(False, description="資料が「約」と書いているとき true")
    as_of: DateText | None = Field(None, description="基準日（資料に書かれている場合）")
    note: Text | None = Field(None, description="基準日が分からないときはその旨など")


class Organization(Model):
    """対象組織: the local government the record is about."""

    name: Text = Field(description="団体名（都道府県名を含めない。例: 五霞町。都道府県は 奈良県）")
    prefecture: Literal[PREFECTURES] = Field(description="都道府県名")  # type: ignore[valid-type]
    code: MunicipalityCode
    kind: OrgKind = Field(description="団体区分")
    population: Population | None = None
    yomi: Yomi | None = Field(None, description="団体名の読み（ひらがな）")


class Initiative(Model):
    """One strand of 取り組み内容: a heading and its points."""

    heading: Text
    points: list[Text] = Field(default_factory=list)


class QA(Model):
    """A question and its answer, in our own words."""

    question: Text
    answer: Text


class Interview(Model):
    """担当者インタビュー: the guidebook's four standard questions, plus any others."""

    effect: Text | None = Field(None, description="① 実施によりどのような効果がありましたか")
    difficulty: Text | None = Field(None, description="② 苦労した点がありますか")
    hr_coordination: Text | None = Field(None, description="③ 人事担当者との調整はいかがでしたか")
    future: Text | None = Field(None, description="④ 今後の課題は何でしょうか")
    other: list[QA] = Field(default_factory=list, description="その他の質問と回答")


class Figure(Model):
    """A number the source states, with its unit and date."""

    label: Text
    value: int | float
    unit: Text | None = None
    as_of: DateText | None = None
    note: Text | None = None


class Event(Model):
    """A dated event on the record's timeline."""

    date: DateText
    event: Text


class SkillLevel(Model):
    """One rung of a skill-level ladder."""

    level: int = Field(ge=0, le=20)
    description: Text


class SkillLadder(Model):
    """A skill-level ladder (e.g. 五霞町's レベル1–5)."""

    title: Text
    target: Text | None = Field(None, description="対象者")
    levels: list[SkillLevel] = Field(min_length=1)
    note: Text | None = None


# --- records -----------------------------------------------------------------------------------


class RecordBase(Model):
    """Fields every record has (GIF 「事例」: キーワード, 公開日, 最終更新日) plus our cross-links."""

    title: Text = Field(description="タイトル")
    keywords: list[Text] = Field(default_factory=list, description="キーワード（cases/keywords.yaml の表示名か別名）")
    challenges: list[Slug] = Field(default_factory=list, description="対応する課題の ID（cases/challenges.yaml）")
    programs: list[Slug] = Field(default_factory=list, description="活用した支援制度の ID（cases/programs/）")
    sources: list[SourceRef] = Field(min_length=1, description="出典（資料とページ）")
    links: list[Link] = Field(default_factory=list)
    published: DateText = Field(description="公開日（この知識ベースに載せた日）")
    updated: DateText = Field(description="最終更新日")


class Case(RecordBase):
    """A municipal or prefectural initiative (GIF 実装データモデル「事例」 + 団体コード)."""

    type: Literal["case"]
    organization: Organization = Field(description="対象組織")
    category: Slug = Field(description="カテゴリの ID（cases/categories.yaml）")
    summary: Text = Field(max_length=SUMMARY_MAX, description="取り組みの概要（300 字以内、自分の言葉で）")
    reason: Text | None = Field(None, description="取り組み理由")
    purpose: Text | None = Field(None, description="目的")
    initiatives: list[Initiative] = Field(default_factory=list, description="取り組み内容")
    outcomes: Text | None = Field(None, description="成果")
    lessons: Text | None = Field(None, description="学んだこと")
    interview: Interview | None = None
    figures: list[Figure] = Field(default_factory=list)
    timeline: list[Event] = Field(default_factory=list)
    skill_ladder: SkillLadder | None = None
    contact: Text | None = Field(None, description="連絡先（公開されている窓口）")


class Voice(RecordBase):
    """A practitioner's message (guidebook section 3)."""

    type: Literal["voice"]
    person: Text = Field(description="氏名")
    yomi: Yomi | None = None
    affiliation: Text = Field(description="所属・肩書")
    profile: Text | None = Field(None, description="経歴（事実のみ）")
    message: Text = Field(description="メッセージの要旨（自分の言葉で）")
    points: list[Text] = Field(default_factory=list, description="強調している点")


class Speaker(Model):
    """A participant of a dialogue."""

    name: Text
    role: Text


class Topic(Model):
    """A topic of a dialogue and the points each speaker made."""

    heading: Text
    points: list[QA] = Field(default_factory=list, description="question に発言者名、answer に要旨")


class Dialogue(RecordBase):
    """A dialogue or discussion (the guidebook's トップ対談)."""

    type: Literal["dialogue"]
    date: DateText | None = None
    place: Text | None = None
    speakers: list[Speaker] = Field(min_length=1)
    summary: Text = Field(max_length=SUMMARY_MAX)
    topics: list[Topic] = Field(default_factory=list)


class Program(RecordBase):
    """A national or prefectural support scheme that cases use (DXアドバイザー, 地域活性化起業人…)."""

    type: Literal["program"]
    yomi: Yomi
    operator: Text = Field(description="実施主体（例: 総務省）")
    summary: Text = Field(max_length=SUMMARY_MAX)
    details: list[Text] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)


class OtherInitiative(RecordBase):
    """An initiative the research notes mention (scheme, council, community) with less detail than a case."""

    type: Literal["initiative"]
    kind: Literal["municipal", "prefectural", "association", "community", "national"] = Field(
        description="種類: municipal / prefectural / association / community / national"
    )
    organization: Organization | None = None
    organizer: Text | None = Field(None, description="主体（団体コードがない組織のとき）")
    summary: Text = Field(max_length=SUMMARY_MAX)
    details: list[Text] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    timeline: list[Event] = Field(default_factory=list)


Record = Annotated[
    Case | Voice | Dialogue | Program | OtherInitiative,
    Field(discriminator="type"),
]
RECORD_ADAPTER: TypeAdapter[Case | Voice | Dialogue | Program | OtherInitiative] = TypeAdapter(Record)
RECORD_TYPES = ("case", "voice", "dialogue", "program", "initiative")


class RoadmapStep(Model):
    """One step of a roadmap: what to do, why, and the records that show it done."""

    title: Text = Field(description="ステップの見出し（何をするか、短く）")
    what: Text = Field(description="すること（自分の言葉で）")
    why: Text = Field(description="なぜそうするか（出典の事例から）")
    records: list[Slug] = Field(default_factory=list, description="この段階を実際に行った記録の ID（ファイル名）")
    keywords: list[Text] = Field(default_factory=list)
    programs: list[Slug] = Field(default_factory=list)
    challenges: list[Slug] = Field(default_factory=list)


class RoadmapStage(Model):
    """A stage of a roadmap: a few steps with one purpose."""

    title: Text
    summary: Text | None = None
    steps: list[RoadmapStep] = Field(min_length=1)


class Roadmap(Model):
    """A step-by-step path that cites the cases (cases/roadmaps/*.yaml)."""

    type: Literal["roadmap"]
    title: Text
    summary: Text = Field(max_length=SUMMARY_MAX)
    audience: Text = Field(description="どんな団体・担当者向けか")
    stages: list[RoadmapStage] = Field(min_length=1)
    sources: list[SourceRef] = Field(min_length=1)
    published: DateText
    updated: DateText


ROADMAP_ADAPTER: TypeAdapter[Roadmap] = TypeAdapter(Roadmap)


# --- taxonomy ----------------------------------------------------------------------------------


class Keyword(Model):
    """A controlled keyword: the label as displayed, its URL slug, reading and spelling variants."""

    label: Text = Field(description="表示名（例: OJT(職場内訓練)）")
    slug: Slug
    yomi: Yomi
    group: Text = Field(description="分類（例: 育成手法）")
    description: Text
    aliases: list[Text] = Field(default_factory=list, description="表記ゆれ・別名")


class Category(Model):
    """A category of cases (the guidebook's カテゴリ)."""

    label: Text
    slug: Slug
    yomi: Yomi
    description: Text


class Challenge(Model):
    """A recurring challenge (課題) that records address."""

    label: Text
    slug: Slug
    yomi: Yomi
    group: Text = Field(description="出典の枠組み（例: ICT人財育成の8つの課題）")
    description: Text
    aliases: list[Text] = Field(default_factory=list, description="言い換え・表記ゆれ（検索で使います）")
    sources: list[SourceRef] = Field(min_length=1)


class FrameworkItem(Model):
    """One requirement of a talent framework, and the keywords of cases that build it (our mapping)."""

    slug: Slug
    label: Text = Field(description="項目名（出典の表記どおり）")
    description: Text
    keywords: list[Text] = Field(
        default_factory=list, description="この力を育てる取り組みのキーワード（当サイトの対応付け）"
    )


class Framework(Model):
    """A framework of what digital talent needs (e.g. seed 000's seven requirements of ICT人財)."""

    slug: Slug
    label: Text
    yomi: Yomi
    description: Text
    sources: list[SourceRef] = Field(min_length=1)
    items: list[FrameworkItem] = Field(min_length=1)


class SourceDocument(Model):
    """A source document records cite."""

    id: Slug
    title: Text
    publisher: Text
    date: DateText | None = None
    kind: Text = Field(description="資料の種類（ガイドブック、議事概要など）")
    file: Text | None = Field(None, description="seeds 内のファイル名")
    note: Text | None = None


KeywordList = TypeAdapter(list[Keyword])
CategoryList = TypeAdapter(list[Category])
ChallengeList = TypeAdapter(list[Challenge])
SourceList = TypeAdapter(list[SourceDocument])
FrameworkList = TypeAdapter(list[Framework])
