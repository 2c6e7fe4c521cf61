"""A contributor's tools: `casebook new` (options and piped answers), `--keyword`, `report`, CI files."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from casebook.municipality import check_digit
from casebook.validate import check

ROOT = Path(__file__).resolve().parent.parent


def casebook(*args: str, cwd: Path, answers: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casebook.cli", *args],
        cwd=cwd,
        input=answers,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    return tmp_path


def village_code() -> str:
    first = "20599"  # 長野県の村の番号帯（検査数字つきの 6 桁を作る）
    return first + str(check_digit(first))


def test_new_with_options_writes_a_file_that_passes_check(project: Path) -> None:
    code = village_code()
    result = casebook(
        "new", "--org", "試験村", "--code", code, "--kind", "村", "--title", "若手職員の勉強会",
        "--category", "practical-training", "--keywords", "OJT, グループウェア", "--source", "guidebook", "--page", "4",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = project / "cases" / "municipal" / f"{code}.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/record.schema.json")
    data = yaml.safe_load(text)
    assert data["keywords"] == ["OJT(職場内訓練)", "グループウェア"]
    assert data["organization"]["prefecture"] == "長野県"
    assert check([written], cwd=project).diagnostics == []
    again = casebook("new", "--org", "試験村", "--code", code, "--kind", "村", "--title", "別", "--category",
                     "practical-training", "--keywords", "", "--source", "guidebook", "--page", "4", "--id", code, cwd=project)  # fmt: skip
    assert again.returncode == 1 and "すでに" in again.stderr
    assert written.read_text(encoding="utf-8") == text


def test_new_interactively_with_answers_piped_in(project: Path) -> None:
    code = village_code()
    answers = "\n".join([
        "試験村",          # 団体名
        "085422",          # 間違った団体コード → もう一度
        code,              # 団体コード
        "村",              # 団体区分
        "若手の研究会",      # タイトル
        "2",               # カテゴリ（番号）
        "OJT職場訓練, DXアドバイザ",  # キーワード（どちらも未登録 → 候補から選ぶ）
        "1",               # 「OJT職場訓練」の候補 1
        "DXアドバイザーの活用",  # 「DXアドバイザ」は名前で答える
        "guidebook",       # 出典
        "8",               # ページ
    ]) + "\n"  # fmt: skip
    result = casebook("new", cwd=project, answers=answers)
    assert result.returncode == 0, result.stderr
    assert "検査数字が合いません" in result.stderr
    written = project / "cases" / "municipal" / f"{code}.yaml"
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["category"] == "practical-training"
    assert data["keywords"] == ["OJT(職場内訓練)", "DXアドバイザーの活用"]
    assert data["sources"] == [{"document": "guidebook", "page": 8}]
    assert check([written], cwd=project).diagnostics == []


def test_input_ending_early_writes_nothing(project: Path) -> None:
    result = casebook("new", cwd=project, answers="試験村\n")
    assert result.returncode == 1 and "何も書き込みませんでした" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_keyword_asks_before_adding_a_near_duplicate(project: Path) -> None:
    args = ["new", "--keyword", "--label", "グループウエア", "--slug", "groupware-2", "--yomi", "ぐるーぷうえあ",
            "--group", "情報共有の道具", "--description", "試験用"]  # fmt: skip
    before = (project / "cases" / "keywords.yaml").read_text(encoding="utf-8")
    refused = casebook(*args, cwd=project, answers="N\n")
    assert refused.returncode == 1 and "似たキーワードがあります: グループウェア" in refused.stderr
    assert (project / "cases" / "keywords.yaml").read_text(encoding="utf-8") == before
    fresh = casebook("new", "--keyword", "--label", "庁内勉強会", "--slug", "study-meetings", "--yomi", "ちょうないべんきょうかい",
                     "--group", "研修・学び方", "--description", "職員が自主的に開く勉強会。", "--aliases", "勉強会", cwd=project)  # fmt: skip
    assert fresh.returncode == 0, fresh.stderr
    corpus = check([project / "cases"], cwd=project)
    assert corpus.errors == []
    kw = corpus.taxonomy.keyword("勉強会")
    assert kw is not None and kw.slug == "study-meetings" and kw.yomi == "ちょうないべんきょうかい"
    taken = casebook("new", "--keyword", "--label", "まったく新しい語", "--slug", "study-meetings", "--yomi", "あ",
                     "--group", "g", "--description", "d", cwd=project)  # fmt: skip
    assert taken.returncode == 1 and "使われています" in taken.stderr


def test_report_lists_rare_keywords_possible_duplicates_and_stale_records(project: Path) -> None:
    goka = (project / "cases" / "municipal" / "goka.yaml").read_text(encoding="utf-8")
    twin = goka.replace(
        "title: 育成レベルに応じたデジタル人材の育成", "title: 育成レベルに応じたデジタル人材の育成（改訂版）"
    )
    twin = twin.replace("updated: 2026-11-23", "updated: 2020-04-01").replace(
        "published: 2026-11-23", "published: 2020-04-01"
    )
    (project / "cases" / "municipal" / "goka-2.yaml").write_text(twin, encoding="utf-8")
    result = casebook("report", cwd=project)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "- 生成AI: 0 件" in out
    assert (
        "cases/municipal/goka-2.yaml と cases/municipal/goka.yaml" in out
        or "cases/municipal/goka.yaml と cases/municipal/goka-2.yaml" in out
    )
    assert re.search(r"- cases/municipal/goka-2.yaml: 最終更新 2020-04-01（\d+ 日前）", out)


def test_workflows_and_issue_form_are_valid() -> None:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, workflows)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    forms = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-issue-forms",
         str(ROOT / ".github" / "ISSUE_TEMPLATE" / "case.yml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert forms.returncode == 0, forms.stdout + forms.stderr


def test_pre_commit_hook_stops_a_commit_with_a_broken_record(project: Path) -> None:
    # Run the hook as pre-commit would: its entry, on PATH, with the staged files its pattern selects.
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert hook["language"] == "system" and hook["pass_filenames"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def run_hook(*staged: str) -> subprocess.CompletedProcess[str]:
        files = [f for f in staged if re.search(hook["files"], f)]
        return subprocess.run(
            [*shlex.split(hook["entry"]), *files], cwd=project, env=env, capture_output=True, text=True, check=False
        )

    assert run_hook("cases/municipal/goka.yaml", "README.md").returncode == 0
    goka = project / "cases" / "municipal" / "goka.yaml"
    goka.write_text(goka.read_text(encoding="utf-8").replace('code: "085421"', 'code: "085420"'), encoding="utf-8")
    stopped = run_hook("cases/municipal/goka.yaml", "README.md")
    assert stopped.returncode == 1
    assert stopped.stdout.startswith("cases/municipal/goka.yaml:") and "検査数字" in stopped.stdout
