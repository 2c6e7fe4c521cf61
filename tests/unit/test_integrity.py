"""Nothing lost, nothing injected (issue 12): every file is accounted for, every problem reported once."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from casebook.cli import main
from casebook.diagnostics import Severity
from casebook.index import build_index
from casebook.models import RECORD_TYPE_OF
from casebook.render import render_site
from casebook.routes import ROUTES, source_path, url_for
from casebook.validate import TERM_ROUTES, Corpus, check

ROOT = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path, project: bool = False) -> Path:
    """A copy of the bundled cases/ in tmp_path (with an mkdocs.yml beside it when `project`)."""
    root = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", root)
    if project:
        (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: docs\n", encoding="utf-8")
        (tmp_path / "docs").mkdir()
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _lines(corpus: Corpus, severity: Severity = Severity.ERROR) -> list[str]:
    return [d.format() for d in corpus.diagnostics if d.severity is severity]


# --- 2. pages that would replace a generated page ------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "folder"),
    [
        ("municipal/goka.yaml", "municipal/index.yaml", "cases"),
        ("initiatives/akabira.yaml", "initiatives/index.yaml", "initiatives"),
        ("programs/dx-advisor.yaml", "programs/page.yaml", "programs"),
        ("voices/chiba.yaml", "voices/index.yaml", "voices"),
    ],
)
def test_record_cannot_take_a_list_page(tmp_path: Path, source: str, target: str, folder: str) -> None:
    root = _copy(tmp_path)
    shutil.move(root / source, root / target)
    corpus = check([root], cwd=tmp_path)
    lines = (root / target).read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("type:"))
    expected = f"cases/{target}:{line}:7: type: 「{Path(target).stem}」は"
    assert any(e.startswith(expected) and f"{folder}/" in e for e in _lines(corpus)), _lines(corpus)


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("keywords.yaml", "slug: ojt\n", "slug: index\n"),
        ("categories.yaml", "slug: plans-and-systems\n", "slug: page\n"),
        ("challenges.yaml", "slug: takes-time\n", "slug: index\n"),
        ("frameworks.yaml", "  - slug: ict-talent-requirements\n", "  - slug: index\n"),
    ],
)
def test_taxonomy_slug_cannot_take_a_list_page(tmp_path: Path, file: str, old: str, new: str) -> None:
    root = _copy(tmp_path)
    _edit(root / file, old, new)
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.strip() == new.strip())
    corpus = check([root / file], cwd=tmp_path)
    assert [e.split(":")[:2] for e in _lines(corpus)] == [[f"cases/{file}", str(line)]]
    assert "ページ" in _lines(corpus)[0]


def test_roadmap_cannot_take_the_roadmap_list(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    shutil.move(root / "roadmaps" / "one-person-it.yaml", root / "roadmaps" / "index.yaml")
    corpus = check([root], cwd=tmp_path)
    assert any(e.startswith("cases/roadmaps/index.yaml:") and "roadmaps/" in e for e in _lines(corpus))


def test_every_record_and_term_has_the_page_the_collision_check_assumes() -> None:
    """The collision check asks the routes for a record's or term's address; render puts the page there."""
    corpus = check([ROOT / "cases"], cwd=ROOT)
    pages = render_site(build_index(corpus))
    for entry in corpus.entries.values():
        assert source_path(url_for(RECORD_TYPE_OF[type(entry.record)].name, entry.id)) in pages
    for key, kind in TERM_ROUTES.items():
        for term in getattr(corpus.taxonomy, key):
            assert source_path(url_for(kind, term.slug)) in pages
    for ident in corpus.roadmaps:
        assert source_path(url_for("roadmap", ident)) in pages


def test_hand_written_page_where_a_generated_page_goes(tmp_path: Path) -> None:
    root = _copy(tmp_path, project=True)
    docs = tmp_path / "docs"
    for name in ("cases/goka.md", "keywords/notes.md", "index.md", "keywords.md", "about.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("# 手書き\n", encoding="utf-8")
    corpus = check([root], cwd=tmp_path)
    reported = {d.path for d in corpus.errors}
    assert reported == {"docs/cases/goka.md", "docs/keywords/notes.md", "docs/index.md", "docs/keywords.md"}


# --- 3. the cases folder is never found above the project ---------------------------------------


def test_missing_keywords_never_borrows_a_parent_folder(tmp_path: Path) -> None:
    _copy(tmp_path)  # someone else's complete knowledge base, one folder up
    project = tmp_path / "project"
    root = _copy(project, project=True)
    (root / "keywords.yaml").unlink()
    for paths in ([], [root], [root / "municipal" / "goka.yaml"]):
        corpus = check(paths, cwd=project)
        assert corpus.root == root.resolve()
        assert "cases/keywords.yaml:1:1: keywords.yaml がありません" in "\n".join(_lines(corpus))


def test_check_outside_a_project_reports_the_missing_folder(tmp_path: Path) -> None:
    _copy(tmp_path)
    inner = tmp_path / "sub" / "dir"
    inner.mkdir(parents=True)
    corpus = check([], cwd=inner)
    assert [d.message for d in corpus.errors] == [corpus.errors[0].message]
    assert "がありません" in corpus.errors[0].message


def test_path_outside_the_checked_folder_is_not_passed_silently(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text("type: case\n", encoding="utf-8")
    corpus = check([root / "municipal" / "goka.yaml", other], cwd=tmp_path)
    assert [d.path for d in corpus.errors] == ["other.yaml"]


# --- 12. copies of a record under another file name ---------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "voices/chiba.yaml",
        "dialogues/top-dialogue.yaml",
        "programs/dx-advisor.yaml",
        "initiatives/akabira.yaml",
        "initiatives/co-creation-platform.yaml",
        "municipal/goka.yaml",
    ],
)
def test_copied_record_is_reported_on_both_files(tmp_path: Path, source: str) -> None:
    root = _copy(tmp_path)
    original = root / source
    copy = original.with_name("zz-copy.yaml")
    shutil.copy(original, copy)
    _edit(copy, "title: ", "title:  ")  # spacing does not make it another record
    for one in (original, copy):
        corpus = check([one], cwd=tmp_path)
        other = copy if one == original else original
        assert any("同じ記録です" in e and other.relative_to(tmp_path).as_posix() in e for e in _lines(corpus))


def test_duplicate_id_is_reported_on_both_files(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    shutil.copy(root / "municipal" / "goka.yaml", root / "prefectural" / "goka.yaml")
    for one in ("municipal", "prefectural"):
        corpus = check([root / one / "goka.yaml"], cwd=tmp_path)
        assert any("ID「goka」" in e for e in _lines(corpus))


# --- 13. files that are not records --------------------------------------------------------------


def test_stray_files_are_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    goka = (root / "municipal" / "goka.yaml").read_text(encoding="utf-8")
    (root / "municipal" / "a.yml").write_text(goka, encoding="utf-8")
    (root / "municipal" / "b.YAML").write_text(goka, encoding="utf-8")
    (root / "stray.yaml").write_text(goka, encoding="utf-8")
    (root / "keyword.yaml").write_text("keywords: []\n", encoding="utf-8")
    (root / "municipal" / "goka.yaml~").write_text(goka, encoding="utf-8")
    (root / "NOTES.md").write_text("# メモ\n", encoding="utf-8")
    corpus = check([root], cwd=tmp_path)
    errors = {d.path: d for d in corpus.errors}
    assert set(errors) == {"cases/municipal/a.yml", "cases/municipal/b.YAML", "cases/stray.yaml", "cases/keyword.yaml"}
    assert "a.yaml" in errors["cases/municipal/a.yml"].hint
    assert "keywords.yaml" in errors["cases/keyword.yaml"].hint
    assert [d.path for d in corpus.warnings] == ["cases/municipal/goka.yaml~"]
    assert all(d.line == 1 and d.col == 1 for d in corpus.diagnostics)


def test_link_outside_the_project_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path / "project")
    outside = tmp_path / "elsewhere" / "secret.yaml"
    outside.parent.mkdir()
    shutil.copy(root / "voices" / "chiba.yaml", outside)
    _edit(outside, "title: ", "title: 外の")
    (root / "voices" / "linked.yaml").symlink_to(outside)
    corpus = check([root], cwd=tmp_path / "project")
    assert "linked" not in corpus.entries
    [error] = corpus.errors
    assert error.path == "cases/voices/linked.yaml" and "外" in error.message
    assert str(tmp_path) not in error.format()


def _check_in_time(root: Path, cwd: Path) -> Corpus:
    """check, failing (not hanging) when it blocks on a file."""
    result: list[Corpus] = []
    worker = threading.Thread(target=lambda: result.append(check([root], cwd=cwd)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "check blocked on a FIFO"
    return result[0]


@pytest.mark.parametrize("name", ["municipal/pipe.yaml", "keywords.yaml"])
def test_fifo_does_not_hang_check(tmp_path: Path, name: str) -> None:
    root = _copy(tmp_path)
    (root / name).unlink(missing_ok=True)
    os.mkfifo(root / name)
    corpus = _check_in_time(root, tmp_path)
    assert [d.path for d in corpus.errors] == [f"cases/{name}"]
    assert "通常のファイルではありません" in corpus.errors[0].message


# --- 15. all problems of a record in one run ---------------------------------------------------


def test_model_error_does_not_hide_keyword_errors(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    _edit(goka, 'code: "085421"', 'code: "085422"')
    _edit(goka, "keywords: [", "keywords: [未登録その一, 未登録その二, ")
    corpus = check([goka], cwd=tmp_path)
    messages = [d.message for d in corpus.errors]
    assert any("検査数字" in m for m in messages)
    assert sum("未登録のキーワード" in m for m in messages) == 2
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    files = len(list(root.rglob("*.yaml"))) - 5 - len(list((root / "roadmaps").glob("*.yaml")))
    assert f"記録 {files} 件を検査" in capsys.readouterr().err


def test_unknown_type_still_checks_the_common_fields(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    _edit(goka, "type: case", "type: cse")
    _edit(goka, "keywords: [", "keywords: [未登録その一, ")
    messages = [d.message for d in check([goka], cwd=tmp_path).errors]
    assert any("種類" in m for m in messages) and any("未登録のキーワード" in m for m in messages)


# --- 16. one broken taxonomy entry is one error ---------------------------------------------------


def test_broken_source_entry_is_reported_once(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "sources.yaml", "  - id: guidebook\n", "  - id: guidebook\n    pages: 3\n")
    corpus = check([root], cwd=tmp_path)
    [error] = corpus.errors
    assert error.path == "cases/sources.yaml" and "pages" in error.message
    assert "か所は検査していません" in error.hint


def test_bad_keyword_slug_is_reported_once(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "keywords.yaml", "slug: ojt\n", "slug: OJT研修\n")
    corpus = check([root], cwd=tmp_path)
    [error] = corpus.errors
    assert error.path == "cases/keywords.yaml" and "OJT研修" in error.message


def test_missing_keywords_file_is_one_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "keywords.yaml").unlink()
    corpus = check([root], cwd=tmp_path)
    assert [d.path for d in corpus.errors] == ["cases/keywords.yaml"]


# --- 17. misleading or missing messages -----------------------------------------------------------


def test_unknown_key_with_brackets_is_named_at_its_line(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    _edit(goka, "\ntitle: ", "\ntitle[ja]: x\ntitle: ")
    line = goka.read_text(encoding="utf-8").splitlines().index("title[ja]: x") + 1
    corpus = check([goka], cwd=tmp_path)
    assert [(d.line, d.col, d.field) for d in corpus.errors] == [(line, 1, "title[ja]")]
    assert "title[ja]" in corpus.errors[0].message


def test_full_width_key_gets_a_suggestion(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    _edit(goka, "\ncategory:", "\nｃａｔｅｇｏｒｙ:")
    corpus = check([goka], cwd=tmp_path)
    [error] = [d for d in corpus.errors if d.field == "ｃａｔｅｇｏｒｙ"]
    assert "全角" in error.message and "「category」" in error.hint


def test_repeated_keyword_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    _edit(goka, "keywords: [", "keywords: [OJT, OJT(職場内訓練), ")
    corpus = check([goka], cwd=tmp_path)
    assert any("2 回あります" in d.message for d in corpus.errors)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("name: 五霞町", "name: 京都府五霞町", "organization.name"),
        ("name: 五霞町", "name: 茨城県五霞町", "organization.name"),
    ],
)
def test_organization_name_must_agree(tmp_path: Path, old: str, new: str, field: str) -> None:
    root = _copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    _edit(goka, old, new)
    assert [d.field for d in check([goka], cwd=tmp_path).errors] == [field]


def test_keyword_alias_equal_to_another_slug(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    kw = root / "keywords.yaml"
    _edit(kw, "aliases: [ワークショップ]", "aliases: [ワークショップ, ojt]")
    line = kw.read_text(encoding="utf-8").splitlines().index("    aliases: [ワークショップ, ojt]") + 1
    corpus = check([kw], cwd=tmp_path)
    assert [(d.path, d.line) for d in corpus.errors] == [("cases/keywords.yaml", line)]


def test_repeated_framework_item_slug(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    fw = root / "frameworks.yaml"
    _edit(fw, "- slug: current-systems", "- slug: ict-technical-overview")
    corpus = check([fw], cwd=tmp_path)
    assert [d.field for d in corpus.errors] == ["frameworks[0].items[1].slug"]


def test_repeated_challenge_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    voice = root / "voices" / "chiba.yaml"
    _edit(voice, "challenges: [keeping-motivation]", "challenges: [keeping-motivation, keeping-motivation]")
    assert [d.field for d in check([voice], cwd=tmp_path).errors] == ["challenges[1]"]


@pytest.mark.parametrize("typo", ["summry", "ｓｕｍｍａｒｙ"])
def test_misspelt_required_field_is_one_error(tmp_path: Path, typo: str) -> None:
    root = _copy(tmp_path)
    goka = root / "municipal" / "goka.yaml"
    _edit(goka, "\nsummary:", f"\n{typo}:")
    [error] = check([goka], cwd=tmp_path).errors
    assert error.field == typo and "summary" in error.hint


def test_check_strict_fails_on_warnings_like_the_strict_build(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _copy(tmp_path)
    (root / "municipal" / "goka.yaml.bak").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    assert main(["check", "--strict"]) == 1
    assert "警告 1 件" in capsys.readouterr().err


def test_challenge_citing_an_unknown_source(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    challenges = root / "challenges.yaml"
    _edit(challenges, "{document: ", "{document: no-such-")
    [error] = check([challenges], cwd=tmp_path).errors
    assert error.field == "challenges[0].sources[0].document" and "no-such-" in error.message


def test_full_width_top_key_of_a_taxonomy_file_is_one_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "keywords.yaml", "\nkeywords:", "\nｋｅｙｗｏｒｄｓ:")
    [error] = check([root], cwd=tmp_path).errors
    assert "全角" in error.message and error.path == "cases/keywords.yaml"


def _project_without_keywords(tmp_path: Path) -> Path:
    """A project whose keywords.yaml is missing, inside a folder that holds another complete cases/."""
    _copy(tmp_path)
    project = tmp_path / "project"
    root = _copy(project, project=True)
    (root / "keywords.yaml").unlink()
    (project / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - casebook:\n      search: false\n", encoding="utf-8"
    )
    return project


def test_build_refuses_a_project_without_keywords(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    project = _project_without_keywords(tmp_path)
    monkeypatch.chdir(project)
    assert main(["build", "--out", str(project / "site")]) == 1
    assert "keywords.yaml がありません" in capsys.readouterr().out
    assert not (project / "site").exists()


def test_plugin_refuses_a_project_without_keywords(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import Files

    project = _project_without_keywords(tmp_path)
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["casebook"]
    plugin.on_startup(command="build", dirty=False)
    config = plugin.on_config(config)
    with pytest.raises(PluginError):
        plugin.on_files(Files([]), config=config)
    assert "cases/keywords.yaml:1:1: keywords.yaml がありません" in caplog.text


def test_every_kind_has_its_own_page_folder() -> None:
    """Ids are unique across records and slugs within a file: pages collide only if two kinds share a folder.

    If this fails, the collision check must also compare ids across the kinds that share it.
    """
    keyed = [p.partition("{key}")[0] for p in ROUTES.values() if "{key}" in p]
    assert len(set(keyed)) == len(keyed)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("cases/municipal/goka.yaml", "cases"),
        ("cases/municipal", "cases"),
        ("cases", "cases"),
        (".", "cases"),
        ("tests/broken/cases", "tests/broken/cases"),
        ("tests/broken/cases/municipal/empty.yaml", "tests/broken/cases"),
    ],
)
def test_find_root_takes_the_given_cases_folder(given: str, expected: str) -> None:
    from casebook.layout import find_root

    assert find_root([ROOT / given], ROOT) == ROOT / expected


def test_two_categories_with_one_label(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    categories = root / "categories.yaml"
    first, second = [line for line in categories.read_text(encoding="utf-8").splitlines() if "label:" in line][:2]
    _edit(categories, second, first)
    [error] = check([categories], cwd=tmp_path).errors
    assert error.field == "categories[1].label" and "表示名" in error.message


def test_repeated_keyword_of_a_framework_item(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    frameworks = root / "frameworks.yaml"
    line = next(t for t in frameworks.read_text(encoding="utf-8").splitlines() if "keywords: [" in t)
    first = line.split("[", 1)[1].split(",")[0].strip(" ]")
    _edit(frameworks, line, line.replace("[", f"[{first}, ", 1))
    [error] = check([frameworks], cwd=tmp_path).errors
    assert error.field == "frameworks[0].items[0].keywords[1]" and "2 回あります" in error.message


def test_roadmap_among_the_records_is_told_where_it_goes(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    shutil.move(root / "roadmaps" / "one-person-it.yaml", root / "municipal" / "one-person-it.yaml")
    [error] = check([root / "municipal" / "one-person-it.yaml"], cwd=tmp_path).errors
    assert "cases/roadmaps/" in error.hint


def test_file_name_unfit_for_an_id_does_not_hide_the_other_problems(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    bad = root / "municipal" / "Goka_2.yaml"
    shutil.move(root / "municipal" / "goka.yaml", bad)
    _edit(bad, "keywords: [", "keywords: [未登録その一, ")
    messages = [d.message for d in check([bad], cwd=tmp_path).errors]
    assert len(messages) == 2 and "ID に使えません" in messages[0] and "未登録のキーワード" in messages[1]
