"""Record models: a case and its parts, a voice, the dialogue, a program, another initiative (DESIGN §3).

Field names are English (they are keys in YAML); each carries a Japanese description, which the
JSON Schema passes on to the contributor's editor as hover text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, TypeAdapter, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from casebook.models.fields import (
    MUNICIPALITY_POPULATION_MAX,
    PAGE_MAX,
    POPULATION_MAX,
    SUMMARY_MAX,
    Cell,
    DateText,
    Model,
    MunicipalityCode,
    Name,
    Number,
    Short,
    Slug,
    Text,
    Url,
    Yomi,
    population_value,
)
from casebook.municipality import PREFECTURES, OrgKind

# --- parts -------------------------------------------------------------------------------------


class SourceRef(Model):
    """Where a fact comes from: a document of cases/sources.yaml by id, or one described in place.

    A town's own case often cites its own plan or web page; describing it here (title, publisher,
    date or URL) lets one file carry the whole proposal (the site's form, `casebook from-issue`).
    """

    document: Slug | None = Field(
        None, description="資料の ID（cases/sources.yaml に登録）。登録していない資料は title と publisher で書きます"
    )
    page: int | None = Field(None, ge=1, le=PAGE_MAX, description="ページ番号（資料の目次・一覧に書かれた番号）")
    page_end: int | None = Field(None, ge=1, le=PAGE_MAX, description="複数ページにわたるときの最後のページ")
    section: Short | None = Field(None, description="節や見出し（ページ番号がないとき）")
    note: Text | None = Field(None, description="出典についての注記（資料内の食い違いなど）")
    title: Short | None = Field(None, description="資料名（cases/sources.yaml にない資料のとき）")
    publisher: Short | None = Field(None, description="発行者（cases/sources.yaml にない資料のとき）")
    date: DateText | None = Field(None, description="資料の日付（cases/sources.yaml にない資料のとき）")
    url: Url | None = Field(None, description="資料の URL（ウェブで公開されているとき）")


class Link(Model):
    """An external page about the record."""

    title: Short = Field(description="リンクの表示名")
    url: Url


class Population(Model):
    """人口 with its reference date (the source's rounding is kept)."""

    value: Annotated[int, AfterValidator(population_value)] = Field(
        description="人口（人）", json_schema_extra={"minimum": 1, "maximum": POPULATION_MAX}
    )
    approximate: bool = Field(False, description="資料が「約」と書いているとき true")
    as_of: DateText | None = Field(None, description="基準日（資料に書かれている場合）")
    note: Text | None = Field(None, description="基準日が分からないときはその旨など")


class Organization(Model):
    """対象組織: the local government the record is about."""

    name: Name = Field(description="団体名（都道府県名を含めない。例: 五霞町。都道府県は 奈良県）")
    prefecture: Literal[PREFECTURES] = Field(description="都道府県名")  # type: ignore[valid-type]
    code: MunicipalityCode
    kind: OrgKind = Field(description="団体区分")
    population: Population | None = None
    yomi: Yomi | None = Field(None, description="団体名の読み（ひらがな）")

    @field_validator("population")
    @classmethod
    def _population_fits_kind(cls, value: Population | None, info: ValidationInfo) -> Population | None:
        kind = info.data.get("kind")
        if value is not None and kind not in (None, OrgKind.PREFECTURE) and value.value > MUNICIPALITY_POPULATION_MAX:
            raise PydanticCustomError(
                "population",
                "人口 {value} 人は市区町村としては多すぎます（最も多い横浜市で約 377 万人）",
                {"value": f"{value.value:,}"},
            )
        return value


class Initiative(Model):
    """One strand of 取り組み内容: a heading and its points."""

    heading: Short
    points: list[Text] = Field(default_factory=list)


class QA(Model):
    """A question and its answer, in our own words."""

    question: Short
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

    label: Short
    value: Number
    unit: Name | None = None
    as_of: DateText | None = None
    note: Text | None = None


class Table(Model):
    """A small table the source prints (e.g. 南国市's BPR steps before and after), cell by cell."""

    title: Short
    as_of: DateText | None = None
    columns: list[Short] = Field(min_length=2, description="列の見出し")
    rows: list[list[Cell]] = Field(min_length=1, description='行（セルの並び。数は columns と同じ。空のセルは ""）')
    note: Text | None = None

    @model_validator(mode="after")
    def _rows_fit_columns(self) -> Table:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise PydanticCustomError(
                    "table",
                    'rows[{i}] のセルが {n} 個で、columns の {m} 個と合いません（空のセルは "" と書きます）',
                    {"i": i, "n": len(row), "m": len(self.columns)},
                )
        return self


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

    title: Short
    target: Text | None = Field(None, description="対象者")
    levels: list[SkillLevel] = Field(min_length=1)
    note: Text | None = None


# --- records -----------------------------------------------------------------------------------


class RecordBase(Model):
    """Fields every record has (GIF 「事例」: キーワード, 公開日, 最終更新日) plus our cross-links."""

    title: Short = Field(description="タイトル")
    keywords: list[Short] = Field(default_factory=list, description="キーワード（cases/keywords.yaml の表示名か別名）")
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
    initiatives_heading: Short | None = Field(
        None, description="取り組み内容全体の見出し（出典の表記どおり）。各項目の見出しは initiatives[].heading に"
    )
    initiatives: list[Initiative] = Field(default_factory=list, description="取り組み内容")
    outcomes: Text | None = Field(None, description="成果")
    lessons: Text | None = Field(None, description="学んだこと")
    interview: Interview | None = None
    figures: list[Figure] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list, description="出典の表（作業ごとの時間など）")
    timeline: list[Event] = Field(default_factory=list)
    skill_ladder: SkillLadder | None = None
    contact: Text | None = Field(None, description="連絡先（公開されている窓口）")


class Voice(RecordBase):
    """A practitioner's message (guidebook section 3)."""

    type: Literal["voice"]
    person: Name = Field(description="氏名")
    yomi: Yomi | None = None
    affiliation: Short = Field(description="所属・肩書")
    profile: Text | None = Field(None, description="経歴（事実のみ）")
    message: Text = Field(description="メッセージの要旨（自分の言葉で）")
    points: list[Text] = Field(default_factory=list, description="強調している点")


class Speaker(Model):
    """A participant of a dialogue."""

    name: Name
    role: Short


class Remark(Model):
    """One speaker's point in a dialogue, in our own words."""

    speaker: Name = Field(description="発言者（speakers の name と同じ表記）")
    summary: Text = Field(description="発言の要旨（自分の言葉で）")


class Topic(Model):
    """A topic of a dialogue and the points each speaker made."""

    heading: Short
    points: list[Remark] = Field(default_factory=list, description="発言者ごとの発言の要旨")


class Dialogue(RecordBase):
    """A dialogue or discussion (the guidebook's トップ対談)."""

    type: Literal["dialogue"]
    date: DateText | None = None
    place: Short | None = None
    speakers: list[Speaker] = Field(min_length=1)
    summary: Text = Field(max_length=SUMMARY_MAX)
    topics: list[Topic] = Field(default_factory=list)


class Program(RecordBase):
    """A national or prefectural support scheme that cases use (DXアドバイザー, 地域活性化起業人…)."""

    type: Literal["program"]
    yomi: Yomi
    operator: Short = Field(description="実施主体（例: 総務省）")
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
    organizer: Short | None = Field(None, description="主体（団体コードがない組織のとき）")
    summary: Text = Field(max_length=SUMMARY_MAX)
    details: list[Text] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    timeline: list[Event] = Field(default_factory=list)


Record = Annotated[
    Case | Voice | Dialogue | Program | OtherInitiative,
    Field(discriminator="type"),
]
RECORD_ADAPTER: TypeAdapter[Case | Voice | Dialogue | Program | OtherInitiative] = TypeAdapter(Record)


@dataclass(frozen=True)
class RecordType:
    """One kind of record: its `type:` value, its model, and what the site calls it."""

    name: str
    model: type[RecordBase]
    label: str
    """種別 as shown (事例, メッセージ …); also the value of the search page's 種別 facet."""


RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType("case", Case, "事例"),
    RecordType("voice", Voice, "メッセージ"),
    RecordType("dialogue", Dialogue, "対談"),
    RecordType("program", Program, "支援制度"),
    RecordType("initiative", OtherInitiative, "取り組み"),
)
"""The one registry of record types: validation, the index, the pages and the scaffold read it."""

RECORD_TYPE_OF: dict[type[RecordBase], RecordType] = {t.model: t for t in RECORD_TYPES}
