"""Roadmaps are checked against the records they cite; timelines group events by year."""

from __future__ import annotations

import shutil
from pathlib import Path

from casebook.index import build_index, timeline_entries
from casebook.validate import check
from sitecheck import build, copy_project

ROOT = Path(__file__).resolve().parents[2]

ROADMAP = """\
type: roadmap
title: 試験用の道筋
summary: テスト用。
audience: 小さな町
stages:
  - title: 段階1
    steps:
      - title: アンケートで力を測る
        what: 職員のスキルを調べる。
        why: 五霞町はそこから研修を組んだ。
        records: [goka, gokaa]
        keywords: [定期アンケート, 定期アンケトー]
        programs: [dx-advisor, dx-adviser]
        challenges: [takes-time, take-time]
sources: [{document: guidebook, page: 4}]
published: 2026-11-23
updated: 2026-11-23
"""


def test_roadmap_references_are_checked_with_lines(tmp_path: Path) -> None:
    root = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", root)
    (root / "roadmaps" / "trial.yaml").write_text(ROADMAP, encoding="utf-8")
    corpus = check([root], cwd=tmp_path)
    lines = [d.format() for d in corpus.errors if d.path == "cases/roadmaps/trial.yaml"]

    def at(word: str) -> str:
        number, text = next((n, t) for n, t in enumerate(ROADMAP.splitlines(), start=1) if f", {word}]" in t)
        return f"cases/roadmaps/trial.yaml:{number}:{text.index(word) + 1}"

    assert lines == [
        f"{at('gokaa')}: stages[0].steps[0].records[1]: 記録「gokaa」がありません（削除または改名された可能性） — 候補: goka",
        f"{at('定期アンケトー')}: stages[0].steps[0].keywords[1]: 未登録のキーワード「定期アンケトー」 — 候補: 定期アンケート",
        f"{at('dx-adviser')}: stages[0].steps[0].programs[1]: 未登録の支援制度「dx-adviser」 — 候補: dx-advisor",
        f"{at('take-time')}: stages[0].steps[0].challenges[1]: 未登録の課題「take-time」 — 候補: takes-time",
    ]


def test_removing_a_cited_case_fails_the_build(tmp_path: Path) -> None:
    index = build_index(check([ROOT / "cases"]))
    cited = {rec.id for rm in index.roadmaps for st in rm.stages for step in st.steps for rec in step.records}
    victim = next(v for v in index.cases if v.id in cited)
    project = copy_project(tmp_path / "p")
    (project / victim.path).unlink()
    result = build(project, tmp_path / "out")
    assert result.returncode != 0
    assert f"記録「{victim.id}」がありません" in result.stderr
    assert "cases/roadmaps/" in result.stderr


def test_timeline_groups_by_year_with_wareki() -> None:
    index = build_index(check([ROOT / "cases"]))
    years = timeline_entries(index)
    assert [y for y, _ in years] == sorted(y for y, _ in years)
    matsumoto = [t for _y, ts in years for t in ts if t.record.id == "matsumoto"]
    established = next(t for t in matsumoto if "設置" in t.event)
    assert established.date.display() == "2022年2月（令和4年2月）"
    assert established.date.fiscal_year() == 2021  # R4.2 belongs to 令和3年度
