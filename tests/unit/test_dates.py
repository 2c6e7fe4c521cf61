"""和暦・年度 parsing and display."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.dates import PartialDate, fiscal_year_of, parse_date


@pytest.mark.parametrize(
    ("text", "iso", "display"),
    [
        ("R4.2", "2022-02", "2022年2月（令和4年2月）"),
        ("令和5年度", "FY2023", "2023年度（令和5年度）"),
        ("令和元年", "2019", "2019年（平成31年／令和元年）"),
        ("令和元年5月1日", "2019-05-01", "2019年5月1日（令和元年5月1日）"),
        ("H31.4", "2019-04", "2019年4月（平成31年4月）"),
        ("2024-10-01", "2024-10-01", "2024年10月1日（令和6年10月1日）"),
        ("2024.10", "2024-10", "2024年10月（令和6年10月）"),
        ("２０２２年度", "FY2022", "2022年度（令和4年度）"),
        ("FY2018", "FY2018", "2018年度（平成30年度）"),
        ("r6.1", "2024-01", "2024年1月（令和6年1月）"),
        ("平成6年", "1994", "1994年（平成6年）"),
        ("2024年4月1日", "2024-04-01", "2024年4月1日（令和6年4月1日）"),
        ("2024年4月", "2024-04", "2024年4月（令和6年4月）"),
        ("２０２４年", "2024", "2024年（令和6年）"),
        ("R6年4月", "2024-04", "2024年4月（令和6年4月）"),
        ("H31年4月30日", "2019-04-30", "2019年4月30日（平成31年4月30日）"),
        ("令和6.4.1", "2024-04-01", "2024年4月1日（令和6年4月1日）"),
        ("令和元年度", "FY2019", "2019年度（平成31年度）"),
    ],
)
def test_accepted_spellings(text: str, iso: str, display: str) -> None:
    d = parse_date(text)
    assert d.iso() == iso
    assert d.display() == display


def test_r4_2_is_in_fiscal_year_reiwa_3() -> None:
    # The usual mistake: February of 令和4年 still belongs to 令和3年度.
    assert parse_date("R4.2").fiscal_year() == 2021
    assert parse_date("令和5年度").first_day() == dt.date(2023, 4, 1)
    assert parse_date("令和5年度").last_day() == dt.date(2024, 3, 31)


@pytest.mark.parametrize(
    "text",
    ["2024-02-30", "2023-13", "令和元年4月", "平成31年5月", "令和0年", "R4.13", "令和5年度3月", "昨年", "", "1800"],
)
def test_impossible_dates_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="「"):
        parse_date(text)


def test_date_objects_from_yaml_are_accepted() -> None:
    assert parse_date(dt.date(2024, 6, 3)).iso() == "2024-06-03"


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_iso_round_trip_and_fiscal_year(day: dt.date) -> None:
    d = parse_date(day.isoformat())
    assert d == PartialDate(day.year, day.month, day.day)
    assert parse_date(d.iso()) == d
    assert d.fiscal_year() == fiscal_year_of(day)
    # The 和暦 shown must parse back to the same day.
    assert parse_date(d.wareki().split("／")[0]) == d


@pytest.mark.parametrize("text", ["令和5年度〜令和6年度", "2023-04～2024-03", "R5からR6.3まで"])
def test_a_period_is_refused_with_a_hint(text: str) -> None:
    with pytest.raises(ValueError, match="は期間です。日付は 1 つだけ書けます（始まりの「"):
        parse_date(text)
