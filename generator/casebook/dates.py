"""Dates as the sources write them (西暦, 和暦, 年度) → one stored form, and back to 和暦 for display.

Stored forms: `YYYY-MM-DD`, `YYYY-MM`, `YYYY` (ISO, to the precision the source gives) and
`FYYYYY` for a 年度 (April–March), e.g. `FY2023` = 令和5年度 = 2023-04-01 … 2024-03-31.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

# (name, abbreviation, first day): first day of each era, newest first.
ERAS: tuple[tuple[str, str, dt.date], ...] = (
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
)
_ERA_BY_KEY = {k: e for e in ERAS for k in (e[0], e[1])}

_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_FY = re.compile(r"^(?:FY(\d{4})|(\d{4})年度)$")
_ERA_DATE = re.compile(r"^(令和|平成|昭和|[RHS])(元|\d{1,2})(?:[./](\d{1,2})(?:[./](\d{1,2}))?)?(年度)?$")
_BETWEEN = re.compile(r"(?<=[\d元])年(?=\d)|(?<=\d)月(?=\d)")
_LAST_UNIT = re.compile(r"(?<=[\d元])[年月日]$")


ACCEPTED_FORMS = "使える形: 2024-10-01、2024年4月1日、2024-10、2024、2023年度、R4.2、R6年4月、令和5年度、令和元年5月1日"
"""The hint of every date problem (the message says what is wrong, this what to write instead)."""


def _dotted(text: str) -> str:
    """「2024年4月1日」→ 2024.4.1, 「R6年4月」→ R6.4, 「令和元年」→ 令和元: one shape for every way of writing.

    年 and 月 between numbers become dots and a last 年, 月 or 日 goes; 年度 stays as it is.
    """
    return _LAST_UNIT.sub("", _BETWEEN.sub(".", text))


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, month or day — or a whole 年度 (`fiscal`)."""

    year: int
    month: int = 0
    day: int = 0
    fiscal: bool = False

    def iso(self) -> str:
        """The stored form."""
        if self.fiscal:
            return f"FY{self.year}"
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> dt.date:
        """The earliest day the value can mean (for sorting and range checks)."""
        if self.fiscal:
            return dt.date(self.year, 4, 1)
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The latest day the value can mean."""
        if self.fiscal:
            return dt.date(self.year + 1, 3, 31)
        if self.day:
            return dt.date(self.year, self.month, self.day)
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def fiscal_year(self) -> int | None:
        """年度 of the value (April–March); None when only the calendar year is known."""
        if self.fiscal:
            return self.year
        if not self.month:
            return None
        return self.year if self.month >= 4 else self.year - 1

    def seireki(self) -> str:
        """西暦 as Japanese readers write it: `2022年2月`, `2023年度`."""
        if self.fiscal:
            return f"{self.year}年度"
        text = f"{self.year}年"
        if self.month:
            text += f"{self.month}月"
        if self.day:
            text += f"{self.day}日"
        return text

    def wareki(self) -> str:
        """和暦 of the same value: `令和4年2月`, `令和5年度`, `平成31年／令和元年` for a split year."""
        if self.fiscal:
            return f"{_era_year(dt.date(self.year, 4, 1))}年度"
        first, last = self.first_day(), self.last_day()
        start, end = _era_year(first), _era_year(last)
        suffix = ""
        if self.month:
            suffix += f"{self.month}月"
        if self.day:
            suffix += f"{self.day}日"
        if start == end:
            return f"{start}年{suffix}"
        return f"{start}年{suffix}／{end}年{suffix}"

    @functools.lru_cache(maxsize=16384)  # noqa: B019 — values are small, hashable and few
    def display(self) -> str:
        """西暦 with 和暦 beside it, as every page shows dates."""
        return f"{self.seireki()}（{self.wareki()}）"


def _era_year(day: dt.date) -> str:
    for name, _abbr, start in ERAS:
        if day >= start:
            n = day.year - start.year + 1
            return f"{name}{'元' if n == 1 else n}"
    return f"{day.year}"


def parse_date(value: object) -> PartialDate:
    """Read any accepted spelling; raise ValueError with a Japanese reason when it is not a real date."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("日付は文字列で書いてください（例: 2024-10-01、R4.2、令和5年度）")
    return _parse_text(value)


@functools.lru_cache(maxsize=16384)
def _parse_text(value: str) -> PartialDate:
    # Cached: a corpus repeats the same few thousand dates across pages, feeds and exports.
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    dotted = _dotted(text).upper()
    if m := _ISO.match(dotted):
        return _checked(int(m[1]), _part(m[2]), _part(m[3]), False, value)
    if m := _FY.match(dotted):
        return _checked(int(m[1] or m[2]), _ABSENT, _ABSENT, True, value)
    if m := _ERA_DATE.match(dotted):
        name, _abbr, start = _ERA_BY_KEY[m[1]]
        n = 1 if m[2] == "元" else int(m[2])
        if n == 0:
            raise ValueError(f"「{value}」: {name}0年はありません（元年は 1 年です）")
        year = start.year + n - 1
        month, day, fiscal = _part(m[3]), _part(m[4]), bool(m[5])
        if fiscal and month != _ABSENT:
            raise ValueError(f"「{value}」: 年度には月を付けられません")
        date = _checked(year, month, day, fiscal, value)
        _check_in_era(date, name, n, start, value)
        return date
    if first := _range_start(text):
        raise ValueError(
            f"「{value}」は期間です。日付は 1 つだけ書けます（始まりの「{first}」を書き、期間は出来事の文に書いてください）"
        )
    raise ValueError(f"「{value}」は日付として読めません")


_ABSENT = -1
"""A month or day the text leaves out; 0 is a written zero (`2024-00`), which is no month at all."""


def _part(digits: str | None) -> int:
    return _ABSENT if digits is None else int(digits)


_RANGE = re.compile("[〜~]|から")


def _range_start(text: str) -> str | None:
    """The first date of a period (令和5年度〜令和6年度), which one date cannot hold; None for anything else."""
    parts = [p.removesuffix("まで") for p in _RANGE.split(text)]
    if len(parts) != 2 or not all(parts):
        return None
    try:
        for part in parts:
            _parse_text(part)
    except ValueError:
        return None
    return parts[0]


def _checked(year: int, month: int, day: int, fiscal: bool, raw: object) -> PartialDate:
    if not 1868 <= year <= 2100:
        raise ValueError(f"「{raw}」: 年 {year} は範囲外です（1868〜2100）")
    if month != _ABSENT and not 1 <= month <= 12:
        raise ValueError(f"「{raw}」: {month}月はありません（月は 1〜12）")
    if day != _ABSENT and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"「{raw}」: {year}年{month}月{day}日はありません")
    return PartialDate(year, max(month, 0), max(day, 0), fiscal)


def _check_in_era(date: PartialDate, name: str, n: int, start: dt.date, raw: object) -> None:
    index = [e[0] for e in ERAS].index(name)
    end = ERAS[index - 1][2] - dt.timedelta(days=1) if index else dt.date.max
    if date.last_day() < start or date.first_day() > end:
        span = f"{start.isoformat()} から" + (f" {end.isoformat()} まで" if index else "")
        raise ValueError(f"「{raw}」はありえない日付です（{name}は {span}）")


def fiscal_year_of(day: dt.date) -> int:
    """年度 of a calendar day: 2022-02-10 → 2021 (令和3年度)."""
    return day.year if day.month >= 4 else day.year - 1
