"""`casebook` CLI: exit codes, formats, schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.cli import main
from casebook.schemas import schemas

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casebook.cli", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_check_clean_exits_0() -> None:
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "問題なし" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_broken_exits_1_with_summary() -> None:
    result = run("check", "tests/broken/cases")
    assert result.returncode == 1
    assert "エラー" in result.stderr and "件" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_usage_errors_exit_2_in_japanese() -> None:
    result = run("check", "--format", "xml")
    assert result.returncode == 2
    assert "使い方の誤り" in result.stderr
    assert run("check", "no/such/path").returncode == 2
    assert run("frobnicate").returncode == 2


def test_github_annotations() -> None:
    result = run("check", "--format", "github", "tests/broken/cases/municipal/unknown-keyword.yaml")
    assert result.returncode == 1
    assert result.stdout.startswith(
        "::error file=tests/broken/cases/municipal/unknown-keyword.yaml,line=13,col=24::keywords[1]: 未登録のキーワード"
    )


def test_schema_written_and_committed_copy_is_current(tmp_path: Path) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    for name, schema in schemas().items():
        written = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        assert written == schema
        committed = ROOT / "schema" / name
        assert json.loads(committed.read_text(encoding="utf-8")) == schema, f"schema/{name} is stale: run `make schema`"
    record = json.loads((tmp_path / "record.schema.json").read_text(encoding="utf-8"))
    assert "case" in json.dumps(record) and "organization" in json.dumps(record)


@pytest.mark.parametrize("path", sorted((ROOT / "cases").rglob("*.yaml")))
def test_every_file_declares_its_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target.is_file(), f"{path}: schema link {target} does not exist"


def test_check_a_copy_kept_outside_the_knowledge_base_says_so(tmp_path: Path) -> None:
    # A record saved somewhere else (a download, a scratch folder): its folder is no knowledge base, and
    # the one thing to say is where it has to go, not that that folder lacks keywords.yaml.
    copy = tmp_path / "drafts" / "kawaba.yaml"
    copy.parent.mkdir()
    shutil.copy(ROOT / "cases" / "municipal" / "goka.yaml", copy)
    result = run("check", str(copy))
    assert result.returncode == 1
    assert result.stdout.strip() == (
        f"{copy}:1:1: 検査する知識ベースのフォルダ「cases」の外にあります"
        " — cases/ の中のファイルかフォルダを指定してください（別の知識ベースは別々に検査します）"
    )


def test_check_a_file_from_inside_the_records_folder() -> None:
    # A contributor who `cd cases/municipal` checks the file they just edited, as pre-commit does from the root.
    result = run("check", "goka.yaml", cwd=ROOT / "cases" / "municipal")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "問題なし" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("人材育成を活性化する計画や制度の工夫", "ではなく、その slug「plans-and-systems」を書いてください"),
        ("plans", "使えるもの: plans-and-systems、"),
    ],
)
def test_a_category_written_as_its_label_or_a_stray_word_is_answered_with_the_slugs(
    tmp_path: Path, written: str, expected: str
) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", cases)
    goka = cases / "municipal" / "goka.yaml"
    goka.write_text(
        goka.read_text(encoding="utf-8").replace("category: plans-and-systems", f"category: {written}"),
        encoding="utf-8",
    )
    result = run("check", "cases", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("cases/municipal/goka.yaml:") and expected in result.stdout, result.stdout
