"""Field types every model shares: text, short text, names, slugs, dates, URLs, codes, numbers.

Each validator refuses with a Japanese message (a `PydanticCustomError`), which `validate` shows
as it is; each type carries a Japanese description for the contributor's editor.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from casebook.chars import FORBIDDEN, clean, name, plain
from casebook.dates import parse_date
from casebook.municipality import code_problem

SUMMARY_MAX = 300
"""取り組みの概要 is at most 300 characters in the government's case data model."""

TITLE_MAX = 100
"""Titles, headings and labels: one line on a page, in a list, a feed entry and an export cell.

The longest in cases/ is 80 字 (a framework item quoted as its source words it); titles are at most 59.
"""

NAME_MAX = 50
"""Names of organisations and people, roles and units: the longest in cases/ is 21 字."""

FIGURE_MAX = 10**15
"""Figures beyond a thousand trillion are typos; JSON readers in JavaScript lose integers past 2**53."""

POPULATION_MAX = 15_000_000
"""東京都, the most populous 団体, has about 14.2 million people (2025)."""

MUNICIPALITY_POPULATION_MAX = 4_000_000
"""横浜市, the most populous 市区町村, has about 3.77 million. Finer bounds per 団体区分 (町, 村, 特別区)
would turn growth or an old census figure into a false error, so only these two are checked."""

PAGE_MAX = 9999

SLUG_MAX = 80
"""IDs become file and folder names of the site (the file stems of records have the same limit)."""

URL_MAX = 2000
"""Older browsers and proxies on municipal networks cut URLs at about 2,000 characters."""

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_SLUG = re.compile(SLUG_PATTERN)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_NOT_A_NUMBER = {"nan", ".nan", "inf", ".inf", "infinity"}


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
    if re.match(r"^https?://\S", value, re.IGNORECASE) and re.search(r"\s", value):
        raise PydanticCustomError("url_space", "URL に空白が入っています（「{value}」）", {"value": value[:80]})
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
    # Controls, separators, bidi controls and noncharacters break the feed and front matter or make
    # text read differently from what it is (casebook.chars); invisible characters are dropped.
    if plain(value):
        return unicodedata.normalize("NFC", value).strip()
    if bad := FORBIDDEN.search(value):
        raise PydanticCustomError(
            "text",
            "「{char}」は使えません（{offset} 文字目）",
            {"char": name(bad[0]), "offset": bad.start() + 1},
        )
    text = unicodedata.normalize("NFC", clean(value)).strip()
    if not text:
        raise PydanticCustomError("text", "空にはできません（見えない文字だけが書かれています）")
    return text


def _number(value: object) -> object:
    """A figure as the source states it: a finite int or decimal, never NaN, infinity or 1e309."""
    if isinstance(value, str):
        shown = unicodedata.normalize("NFKC", value).strip()
        if _INTEGER.fullmatch(shown):
            value = int(shown)
        elif _DECIMAL.fullmatch(shown):
            value = float(shown)
        elif shown.lower().lstrip("+-") not in _NOT_A_NUMBER:
            raise PydanticCustomError("number", "数値を書いてください（「{value}」）", {"value": shown[:40]})
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("number", "数値を書いてください")
    else:
        shown = str(value)
    if isinstance(value, str) or (isinstance(value, float) and not math.isfinite(value)):
        raise PydanticCustomError(
            "number", "「{value}」は数として使えません（非数・無限大は書けません）", {"value": shown}
        )
    if abs(value) > FIGURE_MAX:
        raise PydanticCustomError("number", "「{value}」は大きすぎます（10 の 15 乗まで）", {"value": shown[:40]})
    return value


def population_value(value: int) -> int:
    """A population is a whole number of people between 1 and the most populous prefecture."""
    if value < 1:
        raise PydanticCustomError("population", "人口は 1 人以上です（「{value}」）", {"value": value})
    if value > POPULATION_MAX:
        raise PydanticCustomError(
            "population",
            "人口 {value} 人は多すぎます（最も多い東京都で約 1,420 万人）",
            {"value": f"{value:,}"},
        )
    return value


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
        description="日付。2024-10-01 / 2024年4月1日 / 2024-10 / 2024 / 2023年度 のほか 和暦（R4.2、R6年4月、令和5年度、令和元年5月1日）も可",
        json_schema_extra={"examples": ["2024-10-01", "R4.2", "令和5年度"]},
    ),
]
Text = Annotated[str, AfterValidator(_text), AfterValidator(_no_placeholder), Field(min_length=1)]
Short = Annotated[
    str, AfterValidator(_text), AfterValidator(_no_placeholder), Field(min_length=1, max_length=TITLE_MAX)
]
Name = Annotated[str, AfterValidator(_text), AfterValidator(_no_placeholder), Field(min_length=1, max_length=NAME_MAX)]
Number = Annotated[int | float, BeforeValidator(_number), Field(description="数値（半角。非数・無限大は不可）")]
Cell = Annotated[
    str,
    # A number in a table is shown as printed, so `3` and `"3"` mean the same cell.
    BeforeValidator(lambda v: str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v),
    AfterValidator(_text),
    Field(max_length=TITLE_MAX),
]
Url = Annotated[
    str,
    Field(max_length=URL_MAX, description="http:// または https:// で始まる URL"),
    AfterValidator(_text),
    AfterValidator(_url),
]
Slug = Annotated[
    str,
    AfterValidator(_slug),
    Field(pattern=SLUG_PATTERN, max_length=SLUG_MAX, description="半角英小文字・数字・ハイフン"),
]
Yomi = Annotated[str, AfterValidator(_yomi), Field(description="読み（ひらがな）。五十音順の並べ替えに使います")]
MunicipalityCode = Annotated[
    str,
    BeforeValidator(_code),
    Field(pattern=r"^\d{6}$", description="全国地方公共団体コード（6 桁、検査数字つき）。引用符で囲んでください"),
]


class Model(BaseModel):
    """Common settings: unknown fields are errors, strings are not silently coerced to numbers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
