"""Models of the taxonomy files and of roadmaps (cases/*.yaml, cases/roadmaps/*.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, TypeAdapter

from casebook.models.fields import SUMMARY_MAX, DateText, Model, Name, Short, Slug, Text, Yomi
from casebook.models.records import SourceRef


class RoadmapStep(Model):
    """One step of a roadmap: what to do, why, and the records that show it done."""

    title: Short = Field(description="ステップの見出し（何をするか、短く）")
    what: Text = Field(description="すること（自分の言葉で）")
    why: Text = Field(description="なぜそうするか（出典の事例から）")
    records: list[Slug] = Field(default_factory=list, description="この段階を実際に行った記録の ID（ファイル名）")
    keywords: list[Short] = Field(default_factory=list)
    programs: list[Slug] = Field(default_factory=list)
    challenges: list[Slug] = Field(default_factory=list)


class RoadmapStage(Model):
    """A stage of a roadmap: a few steps with one purpose."""

    title: Short
    summary: Text | None = None
    steps: list[RoadmapStep] = Field(min_length=1)


class Roadmap(Model):
    """A step-by-step path that cites the cases (cases/roadmaps/*.yaml)."""

    type: Literal["roadmap"]
    title: Short
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

    label: Short = Field(description="表示名（例: OJT(職場内訓練)）")
    slug: Slug
    yomi: Yomi
    group: Short = Field(description="分類（例: 育成手法）")
    description: Text
    aliases: list[Short] = Field(default_factory=list, description="表記ゆれ・別名")


class Category(Model):
    """A category of cases (the guidebook's カテゴリ)."""

    label: Short
    slug: Slug
    yomi: Yomi
    description: Text


class Challenge(Model):
    """A recurring challenge (課題) that records address."""

    label: Short
    slug: Slug
    yomi: Yomi
    group: Short = Field(description="出典の枠組み（例: ICT人財育成の8つの課題）")
    description: Text
    aliases: list[Short] = Field(default_factory=list, description="言い換え・表記ゆれ（検索で使います）")
    sources: list[SourceRef] = Field(min_length=1)


class FrameworkItem(Model):
    """One requirement of a talent framework, and the keywords of cases that build it (our mapping)."""

    slug: Slug
    label: Short = Field(description="項目名（出典の表記どおり）")
    description: Text
    keywords: list[Short] = Field(
        default_factory=list, description="この力を育てる取り組みのキーワード（当サイトの対応付け）"
    )


class Framework(Model):
    """A framework of what digital talent needs (e.g. seed 000's seven requirements of ICT人財)."""

    slug: Slug
    label: Short
    yomi: Yomi
    description: Text
    sources: list[SourceRef] = Field(min_length=1)
    items: list[FrameworkItem] = Field(min_length=1)


class Chapter(Model):
    """A chapter of a source document: pages cited from it are shown with its title."""

    number: int = Field(ge=1)
    title: Short = Field(description="章の題（資料の目次の表記どおり）")
    page: int = Field(ge=1, description="章の最初のページ（目次の番号）")
    lead: Text | None = Field(None, description="章の冒頭の紹介文の要旨（自分の言葉で）")


class IndexEntry(Model):
    """Where the document's own keyword index points: an organisation and a page."""

    organization: Name = Field(description="団体名（資料の表記どおり。例: 茨城県五霞町）")
    page: int = Field(ge=1)


class IndexTerm(Model):
    """A term of the document's own keyword index and the pages it lists."""

    term: Short = Field(description="キーワード（資料の表記どおり。cases/keywords.yaml の表示名か別名に当たること）")
    entries: list[IndexEntry] = Field(min_length=1)


class KeywordIndexTable(Model):
    """One table of the document's own keyword index (e.g. the guidebook's 頻出キーワード)."""

    title: Short = Field(description="表の名前（資料の表記どおり）")
    page: int = Field(ge=1, description="表が載っているページ")
    terms: list[IndexTerm] = Field(min_length=1)


class SourceDocument(Model):
    """A source document records cite."""

    id: Slug
    title: Short
    publisher: Short = Field(description="発行者（出典の表示に使います）")
    date: DateText | None = None
    kind: Short = Field(description="資料の種類（ガイドブック、議事概要など）")
    file: Short | None = Field(None, description="seeds 内のファイル名")
    note: Text | None = None
    chapters: list[Chapter] = Field(default_factory=list, description="章（目次のとおり）")
    keyword_index: list[KeywordIndexTable] = Field(default_factory=list, description="資料自身のキーワード索引")


KeywordList = TypeAdapter(list[Keyword])
CategoryList = TypeAdapter(list[Category])
ChallengeList = TypeAdapter(list[Challenge])
SourceList = TypeAdapter(list[SourceDocument])
FrameworkList = TypeAdapter(list[Framework])
