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
from sitecheck import casebook

ROOT = Path(__file__).resolve().parent.parent


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
        "--summary", "若手職員が週に一度集まり、業務の道具の使い方を教え合う。", "--period", "", cwd=project,
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


def new_village_case(project: Path, code: str, category: str, keywords: str) -> subprocess.CompletedProcess[str]:
    """`casebook new` from a script (every option given, nothing on standard input) for a test village."""
    return casebook(
        "new", "--org", "試験村", "--code", code, "--kind", "村", "--title", "若手職員の勉強会",
        "--category", category, "--keywords", keywords, "--source", "guidebook", "--page", "4",
        "--summary", "", "--period", "", cwd=project, answers="",
    )  # fmt: skip


def test_new_from_a_script_names_the_unknown_keyword_that_stopped_it(project: Path) -> None:
    code = village_code()
    result = new_village_case(project, code, "practical-training", "OJT、DXアドバイサー")
    assert result.returncode == 1
    assert (
        "「DXアドバイサー」は未登録のキーワードです（候補: DXアドバイザーの活用） — --keywords には登録済みのキーワードを書いてください"
        in result.stderr
    )
    assert not (project / "cases" / "municipal" / f"{code}.yaml").exists()


@pytest.mark.parametrize(
    ("given", "question", "option"),
    [
        ((), "団体名（都道府県名を除く。例: 五霞町）", "--org"),
        (("--org", "川場村"), "全国地方公共団体コード（6 桁。例: 085421）", "--code"),
        (("--org", "川場村", "--code", "104485", "--kind", "村"), "事例のタイトル", "--title"),
        (("--keyword",), "キーワードの表示名", "--label"),
    ],
)
def test_new_from_a_script_names_the_question_left_unanswered_and_its_option(
    project: Path, given: tuple[str, ...], question: str, option: str
) -> None:
    result = casebook("new", "--keywords", "OJT", *given, cwd=project, answers="")  # asked, no answer
    assert result.returncode == 1
    assert f"何も書き込みませんでした（「{question}」の答えがありません — {option} で渡してください" in result.stderr


def test_new_takes_a_category_by_the_label_the_site_shows(project: Path) -> None:
    code = village_code()
    result = new_village_case(project, code, "実務に即した人材育成", "OJT")
    assert result.returncode == 0, result.stderr
    written = yaml.safe_load((project / "cases" / "municipal" / f"{code}.yaml").read_text(encoding="utf-8"))
    assert written["category"] == "practical-training"
    wrong = casebook("new", "--page", "4ページ", cwd=project, answers="")
    assert wrong.returncode == 2
    assert "--page の値 '4ページ' は整数ではありません — 半角数字だけで書いてください（例: --page 4）" in wrong.stderr


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
        "若手職員が月に一度集まり、業務の困りごとを持ち寄って解き方を探す。",  # 概要
        "",                # 時期（なし）
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


def test_new_for_a_towns_own_case_with_its_own_source(project: Path) -> None:
    code = village_code()
    answers = "\n".join([
        "試験村",                   # 団体名
        code[:5],                  # 5 桁だけ → 検査数字を示す
        "",                        # 示された 6 桁をそのまま使う（Enter）
        "一般市",                   # 村のコードに合わない区分 → 平易な言葉で説明
        "村",                      # 団体区分
        "若手の勉強会",              # タイトル
        "2",                       # カテゴリ
        "ふるさと納税, OJT",         # 候補のない未登録語と、別名
        "",                        # 「ふるさと納税」は外す
        "若手職員が月に一度集まり、業務の困りごとを持ち寄って解き方を探す。",  # 概要
        "令和5年度〜令和6年度",       # 時期: 期間 → ヒントつきでもう一度
        "令和5年度",                 # 時期
        "0",                       # 出典: 登録されていない資料
        "試験村DX推進計画",           # 資料名
        "試験村",                   # 発行者
        "https://www.vill.example.lg.jp/dx/plan.pdf",  # 日付か URL
        "",                        # ページなし
        "",                        # 節なし（URL があるので要らない）
    ]) + "\n"  # fmt: skip
    result = casebook("new", cwd=project, answers=answers)
    assert result.returncode == 0, result.stderr
    err = result.stderr
    assert f"団体コード「{code[:5]}」は 5 桁です（6 桁目の検査数字を付けると「{code}」）" in err
    assert f"団体コード「{code}」は町か村のコードなので、団体区分「一般市」とは合いません" in err
    assert (
        "「ふるさと納税」に似た登録済みのキーワードはありません。新しいキーワードは `casebook new --keyword` で登録できます"
        in err
    )
    assert "候補: " not in err.split("ふるさと納税", 1)[1].split("\n", 1)[0]  # no empty list of candidates
    assert "は期間です。日付は 1 つだけ書けます（始まりの「令和5年度」を書き" in err
    written = project / "cases" / "municipal" / f"{code}.yaml"
    assert check([written], cwd=project).diagnostics == []
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["organization"]["kind"] == "村" and data["keywords"] == ["OJT(職場内訓練)"]
    assert data["timeline"] == [{"date": "令和5年度", "event": "取り組みを始めた"}]
    assert data["sources"] == [
        {"title": "試験村DX推進計画", "publisher": "試験村", "url": "https://www.vill.example.lg.jp/dx/plan.pdf"}
    ]


def test_what_new_leaves_to_write_is_marked_and_check_refuses_it(project: Path) -> None:
    code = village_code()
    result = casebook(
        "new", "--org", "試験村", "--code", code, "--kind", "村", "--title", "勉強会", "--category", "practical-training",
        "--keywords", "", "--summary", "", "--period", "", "--source", "guidebook", cwd=project, answers="\n\n",
    )  # fmt: skip
    assert result.returncode == 0  # what is left to write is the next step, not a failure
    written = project / "cases" / "municipal" / f"{code}.yaml"
    assert written.exists()  # the scaffold stays, to be filled in
    problems = [d.format() for d in check([written], cwd=project).errors]
    assert [p.split(": ", 2)[1] for p in problems] == ["summary", "sources[0].section"]
    assert all("書きかけの「（ここに" in p for p in problems)
    assert "書き換えると検査に通ります" in result.stderr


def test_help_and_usage_errors_are_japanese() -> None:
    for args in (["--help"], ["new", "--help"], ["from-issue", "--help"]):
        shown = casebook(*args, cwd=ROOT)
        assert shown.returncode == 0
        assert shown.stdout.startswith("使い方: casebook") and "オプション:" in shown.stdout
        assert not re.search(r"usage:|options:|positional arguments|show this help", shown.stdout)
    wrong = casebook("new", "--kind", "市", cwd=ROOT)
    assert wrong.returncode == 2 and "--kind に '市' は使えません（使えるもの: " in wrong.stderr
    assert "invalid choice" not in wrong.stderr


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
    assert (
        taken.returncode == 1
        and "URL に使う英字の名前「study-meetings」は、ほかのキーワードが使っています" in taken.stderr
    )
    asked = casebook("new", "--keyword", "--label", "庁内ハッカソン", cwd=project, answers="\n")
    assert "URL に使う英字の名前" in asked.stderr and "slug" not in asked.stderr


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


def test_report_finds_a_case_copied_for_another_town(project: Path) -> None:
    # A village copies 五霞町's record, puts in its own name and title, and forgets the rest.
    goka = (project / "cases" / "municipal" / "goka.yaml").read_text(encoding="utf-8")
    copy = goka.replace("name: 五霞町", "name: 川場村").replace("prefecture: 茨城県", "prefecture: 群馬県")
    copy = copy.replace('code: "085421"', 'code: "104485"').replace("kind: 町", "kind: 村")
    copy = copy.replace("title: 育成レベルに応じたデジタル人材の育成", "title: 村のデジタル人材育成")
    (project / "cases" / "municipal" / "kawaba.yaml").write_text(copy, encoding="utf-8")
    result = casebook("report", cwd=project)
    assert result.returncode == 0, result.stderr
    pair = {"cases/municipal/goka.yaml", "cases/municipal/kawaba.yaml"}
    lines = [line for line in result.stdout.splitlines() if line.endswith("（概要が同じ）")]
    assert [set(line[2:].removesuffix("（概要が同じ）").split(" と ")) for line in lines] == [pair]


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


@pytest.mark.parametrize("ident", ["../../x", "ABS", "municipal/../../../x", "Goka", "goka.yaml", "", "a" * 81])
def test_new_refuses_an_id_that_is_not_a_slug(
    project: Path, tmp_path_factory: pytest.TempPathFactory, ident: str
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    ident = str(elsewhere / "x") if ident == "ABS" else ident  # an absolute path outside the project
    before = sorted(project.rglob("*"))
    result = casebook(
        "new", "--org", "試験村", "--code", village_code(), "--kind", "村", "--title", "若手職員の勉強会",
        "--category", "practical-training", "--keywords", "OJT", "--source", "guidebook", "--page", "4", "--id", ident,
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"casebook new: --id {ident}: ") and "Traceback" not in result.stderr
    assert sorted(project.rglob("*")) == before
    assert list(elsewhere.iterdir()) == []


# --- casebook from-issue: GitHub issue-form bodies → checked records ---------------------------------

BODIES = ROOT / "tests" / "from_issue"
FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "case.yml"


def test_the_issue_form_and_the_converter_agree_on_every_heading_and_option() -> None:
    from casebook.issue import FIELDS, REQUIRED
    from casebook.municipality import OrgKind

    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    fields = {b["attributes"]["label"]: b for b in form["body"] if b["type"] != "markdown"}
    assert set(fields) == set(FIELDS)  # GitHub writes each label as a `### 見出し`
    assert {label for label, b in fields.items() if b.get("validations", {}).get("required")} == set(REQUIRED)
    categories = yaml.safe_load((ROOT / "cases" / "categories.yaml").read_text(encoding="utf-8"))["categories"]
    assert fields["カテゴリ"]["attributes"]["options"] == [c["label"] for c in categories]
    assert fields["団体区分"]["attributes"]["options"] == [k.value for k in OrgKind]


def test_from_issue_turns_a_complete_answer_into_a_record_that_passes_check(project: Path) -> None:
    result = casebook("from-issue", str(BODIES / "complete.md"), "--number", "15", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    written = project / result.stdout.strip()
    assert written == project / "cases" / "municipal" / "085421.yaml"
    text = written.read_text(encoding="utf-8")
    assert '  code: "085421"' in text and "イシュー #15" in text
    assert check([written], cwd=project).diagnostics == []
    data = yaml.safe_load(text)
    assert data["organization"] == {"name": "五霞町", "prefecture": "茨城県", "code": "085421", "kind": "町",
                                    "population": {"value": 8000, "approximate": True, "as_of": "令和6年1月1日"}}  # fmt: skip
    assert data["category"] == "practical-training"
    assert data["keywords"] == ["OJT(職場内訓練)", "グループウェア"]  # an alias becomes the registered label
    assert data["challenges"] == ["no-time-for-training"]
    assert data["initiatives"][0] == {
        "heading": "持ち回りの勉強会",
        "points": ["毎週木曜の昼休みに 30 分", "講師は若手が交代で務める"],
    }
    assert data["summary"].count("\n") == 1
    assert data["interview"] == {
        "difficulty": "日程が合わず、昼休みに短く開く形に落ち着いた。"
    }  # unanswered ones left out
    assert data["timeline"] == [{"date": "令和5年度", "event": "取り組みを始めた"}]
    assert data["sources"] == [{"title": "五霞町デジタル人材育成プラン", "publisher": "五霞町", "date": "R5.4",
                                "url": "https://www.town.goka.lg.jp/plan.pdf"}]  # fmt: skip


def test_from_issue_leaves_out_empty_optional_answers(project: Path) -> None:
    result = casebook("from-issue", str(BODIES / "minimal.md"), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    written = project / result.stdout.strip()
    assert check([written], cwd=project).diagnostics == []
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["organization"] == {"name": "松本市", "prefecture": "長野県", "code": "202029", "kind": "一般市"}
    assert data["keywords"] == [] and data["challenges"] == []
    assert not {"interview", "timeline", "initiatives", "outcomes"} & set(data)
    assert data["sources"] == [{"title": "松本市DX推進計画", "publisher": "松本市", "page": 12}]
    assert "_No response_" not in written.read_text(encoding="utf-8")


def test_from_issue_reads_full_width_characters_extra_spaces_and_crlf(project: Path) -> None:
    assert b"\r\n" in (BODIES / "messy.md").read_bytes()
    result = casebook("from-issue", str(BODIES / "messy.md"), "--id", "goka-survey", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    written = project / "cases" / "municipal" / "goka-survey.yaml"
    assert check([written], cwd=project).diagnostics == []
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["title"] == "職員アンケートで到達レベルを決める"
    assert data["organization"]["name"] == "五霞町" and data["organization"]["code"] == "085421"
    assert data["organization"]["population"] == {"value": 8000}
    assert data["summary"] == "職員アンケートの結果から、職務ごとの到達レベルを決めた。"
    assert data["keywords"] == ["OJT(職場内訓練)", "定期アンケート", "グループウェア"]
    assert data["challenges"] == ["no-time-for-training", "one-person-it"]
    assert data["timeline"][0]["date"] == "R5.4"
    assert data["sources"][0]["page"] == 7


def test_from_issue_reports_every_problem_at_the_issues_lines_and_writes_nothing(project: Path) -> None:
    before = sorted(p.name for p in (project / "cases" / "municipal").iterdir())
    result = casebook("from-issue", str(BODIES / "broken.md"), cwd=project)
    assert result.returncode == 1
    body = (BODIES / "broken.md").read_text(encoding="utf-8").split("\n")
    lines = result.stdout.strip().split("\n")
    where = {line.split(": ", 2)[1]: int(line.split(":")[1]) for line in lines}
    assert list(where) == ["団体コード", "団体区分", "人口", "キーワード", "課題", "時期", "出典のページ"]
    for label, number in where.items():
        assert body[number - 1].strip() and body[number - 3] == f"### {label}"  # the answer under its heading
    assert "検査数字が合いません（08542 なら末尾は 1）" in lines[0]
    assert "団体名「五霞町」は「町」で終わるので、団体区分「一般市」とは合いません" in lines[1]
    assert "未登録のキーワード「OJT職場訓練」 — 候補: OJT(職場内訓練)" in lines[3]
    assert "未登録の課題「人事異動でノウハウが途切れる」 — 候補: 人事異動で知識と経験が生かされない" in lines[4]
    assert "は期間です" in lines[5]
    assert sorted(p.name for p in (project / "cases" / "municipal").iterdir()) == before
    assert "Traceback" not in result.stderr


def test_from_issue_names_missing_answers_of_a_body_not_from_the_form(project: Path, tmp_path: Path) -> None:
    body = tmp_path / "old.md"
    body.write_text("### 団体名\n\n茨城県五霞町\n\n### 取り組みの名前・タイトル\n\n勉強会\n", encoding="utf-8")
    result = casebook("from-issue", str(body), cwd=project)
    assert result.returncode == 1
    assert (
        f"{body}:1:1: 団体コード: 必須項目「団体コード」がありません — イシューを編集して書き足してください"
        in result.stdout
    )
    assert "タイトル: 必須項目「タイトル」がありません" in result.stdout


def test_from_issue_says_in_japanese_that_the_body_file_is_missing(project: Path) -> None:
    result = casebook("from-issue", str(project / "no-such-body.md"), cwd=project)
    assert result.returncode == 2
    assert "を読めません（" in result.stderr and "Errno" not in result.stderr and "No such file" not in result.stderr


@pytest.mark.parametrize("command", [("new", "--org", "川場村"), ("report",), ("from-issue", "body.md")])
def test_a_records_folder_that_is_not_there_is_named_as_such(tmp_path: Path, command: tuple[str, ...]) -> None:
    # Run outside a project (no cases/ here), or with a typo in --root: say so, not "broken records".
    for root in ((), ("--root", "casse")):
        result = casebook(*command, *root, cwd=tmp_path)
        folder = root[1] if root else "cases"
        assert result.returncode == 2
        assert f"使い方の誤り: --root: {folder} というフォルダがありません — " in result.stderr, result.stderr
        assert "argument" not in result.stderr and list(tmp_path.iterdir()) == []
