"""Validate stage over the broken corpus in tests/broken/ and over hand-made records."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from casebook.validate import check

BROKEN = Path(__file__).resolve().parents[1] / "broken" / "cases"


@pytest.fixture(scope="module")
def broken_output() -> list[str]:
    corpus = check([BROKEN], cwd=BROKEN.parents[2])
    return [d.format() for d in corpus.diagnostics]


def test_broken_corpus_golden(broken_output: list[str], golden) -> None:  # type: ignore[no-untyped-def]
    golden("\n".join(broken_output) + "\n", "broken/expected.txt")


def test_every_broken_file_is_reported(broken_output: list[str]) -> None:
    taxonomy = {"keywords.yaml", "categories.yaml", "challenges.yaml", "sources.yaml", "frameworks.yaml"}
    files = {
        p.relative_to(BROKEN.parents[2]).as_posix() for p in BROKEN.rglob("*") if p.is_file() and p.name not in taxonomy
    }
    reported = {line.split(":", 1)[0] for line in broken_output}
    valid = {f for f in files if f.endswith(("/valid.yaml", "/dx-advisor.yaml"))}
    # Both files of a duplicate (same ID, same title) are reported, each pointing at the other.
    assert files - valid == reported
    assert len(reported) >= 25


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("unknown-field.yaml:13:1: keywrods:", "もしかして「keywords」"),
        ("unknown-keyword.yaml:13:24: keywords[1]:", "候補: OJT(職場内訓練)"),
        ("bad-code.yaml:7:9: organization.code:", "検査数字"),
        ("prefecture-mismatch.yaml:6:15:", "茨城県"),
        (
            "village-as-town.yaml:8:9: organization.kind:",
            "団体名「川場村」は「村」で終わるので、団体区分「町」とは合いません",
        ),
        ("javascript-url.yaml:22:10: links[0].url:", "http"),
        ("long-summary.yaml:14:10: summary:", "301 字"),
        ("impossible-date.yaml:18:11: timeline[0].date:", "2月30日"),
        ("no-space-after-colon.yaml:3:7:", "「:」の後に半角スペースを 1 つ入れてください"),
        ("open-quote.yaml:5:9:", "引用符が閉じていません"),
    ],
)
def test_messages_point_at_the_value(broken_output: list[str], file: str, expected: str) -> None:
    line = next(line for line in broken_output if file in line)
    assert expected in line


def _corpus_copy(tmp_path: Path) -> Path:
    root = tmp_path / "cases"
    shutil.copytree(Path(__file__).resolve().parents[2] / "cases", root)
    return root


def test_bundled_cases_are_clean() -> None:
    corpus = check([Path(__file__).resolve().parents[2] / "cases"])
    assert [d.format() for d in corpus.diagnostics] == []
    assert len(corpus.entries) >= 14


def test_all_problems_are_collected_in_one_run(tmp_path: Path) -> None:
    root = _corpus_copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    goka.write_text(
        goka.read_text(encoding="utf-8").replace("category: plans-and-systems", "category: plans"), encoding="utf-8"
    )
    nara = root / "prefectural" / "nara.yaml"
    nara.write_text(nara.read_text(encoding="utf-8").replace('code: "290009"', 'code: "290008"'), encoding="utf-8")
    (root / "municipal" / "empty.yaml").write_text("", encoding="utf-8")
    corpus = check([root], cwd=tmp_path)
    paths = sorted({d.path for d in corpus.errors})
    assert paths == ["cases/municipal/empty.yaml", "cases/municipal/goka.yaml", "cases/prefectural/nara.yaml"]


def test_oversized_record_is_reported(tmp_path: Path) -> None:
    root = _corpus_copy(tmp_path)
    (root / "municipal" / "huge.yaml").write_text("type: case\nsummary: " + "あ" * 100_000 + "\n", encoding="utf-8")
    corpus = check([root / "municipal" / "huge.yaml"], cwd=tmp_path)
    assert [d.message for d in corpus.errors] == [corpus.errors[0].message]
    assert "大きすぎます" in corpus.errors[0].message


def test_checking_one_file_reports_only_that_file(tmp_path: Path) -> None:
    root = _corpus_copy(tmp_path)
    (root / "municipal" / "empty.yaml").write_text("", encoding="utf-8")
    assert check([root / "municipal" / "goka.yaml"], cwd=tmp_path).diagnostics == []
    assert len(check([root / "municipal" / "empty.yaml"], cwd=tmp_path).errors) == 1


def test_keyword_alias_collision_is_an_error(tmp_path: Path) -> None:
    root = _corpus_copy(tmp_path)
    kw = root / "keywords.yaml"
    kw.write_text(
        kw.read_text(encoding="utf-8").replace("aliases: [DX計画]", "aliases: [DX計画, ＢＰＲ]"), encoding="utf-8"
    )
    corpus = check([root], cwd=tmp_path)
    assert any("区別できません" in d.message for d in corpus.errors)


def test_missing_root_is_reported(tmp_path: Path) -> None:
    corpus = check([tmp_path], cwd=tmp_path)
    assert "keywords.yaml" in corpus.errors[0].message


def test_a_towns_usual_slips_get_the_exact_fix(tmp_path: Path) -> None:
    # What a contributor copies from the site or the guidebook: labels for slugs, 読点 between keywords,
    # units after numbers. Each message names the value to write, not only the rule.
    root = _corpus_copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    text = goka.read_text(encoding="utf-8")
    for old, new in [
        ("category: plans-and-systems", "category: 人材育成を活性化する計画や制度の工夫"),
        (
            "keywords: [定期アンケート, OJT(職場内訓練), グループウェア]",
            "keywords: [定期アンケート、OJT(職場内訓練)、グループウェア]",
        ),
        ("challenges: [no-time-for-training,", "challenges: [研修の時間を確保しにくい,"),
        ("    value: 8000", "    value: 約8,000人"),
        ("    page: 4\n", "    page: 4ページ\n"),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    goka.write_text(text, encoding="utf-8")
    hints = {d.field: d.hint for d in check([root], cwd=tmp_path).errors}
    assert hints == {
        "category": "表示名「人材育成を活性化する計画や制度の工夫」ではなく、その slug「plans-and-systems」を書いてください",
        "keywords[0]": "読点「、」では区切れません。半角の「,」で [定期アンケート, OJT(職場内訓練), グループウェア] のように区切ってください",
        "challenges[0]": "表示名「研修の時間を確保しにくい」ではなく、その slug「no-time-for-training」を書いてください",
        "organization.population.value": "例: 8000（カンマや「人」は付けません。資料が「約」と書いていれば、value の次の行に approximate: true を添えます）",
        "sources[0].page": "ページ番号だけを書きます（例: 12。「p.」や「ページ」は付けません）",
    }


def test_a_date_after_today_is_a_warning(tmp_path: Path) -> None:
    # 2062 for 2026: the record would lead 新着・更新 and the feed for decades; said, not refused.
    root = _corpus_copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    text = goka.read_text(encoding="utf-8")
    goka.write_text(re.sub(r"(?m)^updated: .*$", "updated: 2062-04-01", text), encoding="utf-8")
    corpus = check([root], cwd=tmp_path)
    assert corpus.errors == []
    assert [(w.field, w.message.split(" が")[0]) for w in corpus.warnings] == [("updated", "最終更新日 2062-04-01")]


def test_a_village_recorded_as_a_town_is_reported_with_its_other_mistakes(tmp_path: Path) -> None:
    # The organisation does not validate as a whole (a population with 約), yet its name and kind are
    # there to compare: one run names both problems.
    root = _corpus_copy(tmp_path)
    fixture = Path(__file__).resolve().parents[1] / "broken" / "cases" / "org" / "village-as-town.yaml"
    text = fixture.read_text(encoding="utf-8").replace("    value: 8000", "    value: 約8,000人")
    (root / "municipal" / "kawaba.yaml").write_text(text, encoding="utf-8")
    fields = sorted(d.field for d in check([root], cwd=tmp_path).errors)
    assert fields == ["organization.kind", "organization.population.value"]


def test_today_is_japans_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 01:00 JST on 1 December is still 30 November on a UTC build server: a record dated that morning
    # in Japan is not "in the future" (a warning fails `mkdocs build --strict`); the next day's date is.
    import datetime as dt

    from casebook.validate import references

    class Morning(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Morning:
            return cls(2026, 11, 30, 16, 0, tzinfo=dt.UTC).astimezone(tz)  # type: ignore[return-value]

    monkeypatch.setattr(references, "datetime", Morning)
    root = _corpus_copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    text = goka.read_text(encoding="utf-8")
    goka.write_text(re.sub(r"(?m)^updated: .*$", "updated: 2026-12-01", text), encoding="utf-8")
    assert check([root], cwd=tmp_path).warnings == []
    goka.write_text(re.sub(r"(?m)^updated: .*$", "updated: 2026-12-02", text), encoding="utf-8")
    assert [w.field for w in check([root], cwd=tmp_path).warnings] == ["updated"]
