"""Keyword normalisation and resolution of the sources' spelling variants."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.taxonomy import normalize_key
from casebook.validate import load_taxonomy


@given(st.text())
def test_normalize_key_is_idempotent(text: str) -> None:
    once = normalize_key(text)
    assert normalize_key(once) == once


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("#OJT（職場内訓練）", "OJT(職場内訓練)"),
        ("# ITパスポート", "ITパスポート"),
        ("ＩＴパスポート", "itパスポート"),
        ("令和〜", "令和～"),
        ("A－B", "A‐B"),
        ("ＤＸ　アドバイザー", "DXアドバイザー"),
    ],
)
def test_variants_share_a_key(a: str, b: str) -> None:
    assert normalize_key(a) == normalize_key(b)


def test_katakana_long_vowel_is_kept() -> None:
    assert normalize_key("データ") != normalize_key("デ-タ")


@pytest.fixture(scope="module")
def taxonomy(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    from pathlib import Path

    tax, problems = load_taxonomy(Path(__file__).resolve().parents[2] / "cases")
    assert problems == []
    return tax


@pytest.mark.parametrize(
    ("spelling", "label"),
    [
        ("#OJT（職場内訓練）", "OJT(職場内訓練)"),
        ("#OJT(職場内訓練)", "OJT(職場内訓練)"),
        ("職場内訓練", "OJT(職場内訓練)"),
        ("#基本方針策定", "基本方針の策定"),
        ("#基本方針の策定", "基本方針の策定"),
        ("# ITパスポート", "ITパスポート"),
        ("外部専門人材(委託)", "外部専門人材"),
        ("外部専門人材（委託）", "外部専門人材"),
        ("dx-advisor", "DXアドバイザーの活用"),
    ],
)
def test_source_spellings_resolve(taxonomy, spelling: str, label: str) -> None:  # type: ignore[no-untyped-def]
    kw = taxonomy.keyword(spelling)
    assert kw is not None and kw.label == label


def test_suggestions_for_typos(taxonomy) -> None:  # type: ignore[no-untyped-def]
    assert taxonomy.keyword("OJT職場訓練") is None
    assert taxonomy.keyword_suggestions("OJT職場訓練")[0] == "OJT(職場内訓練)"
    assert "DXアドバイザーの活用" in taxonomy.keyword_suggestions("DXアドバイザ活用")
