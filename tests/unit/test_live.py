"""LiveSite: a saved record's page first, the rest of the site right after, always ending where a full build would."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from jinja2 import Environment, FileSystemLoader

from casebook import live, render
from casebook.diagnostics import Diagnostic
from casebook.index import build_index
from casebook.live import LiveSite, error_page, gate
from casebook.render import render_site
from casebook.validate import check

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    return tmp_path


def _save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    st = path.stat()  # a distinct mtime even on coarse clocks
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def _full(project: Path) -> dict[str, str]:
    corpus = check([project / "cases"], cwd=project)
    return {p: page.markdown for p, page in render_site(build_index(corpus)).items()}


def test_first_update_renders_everything_and_an_unchanged_one_nothing(project: Path) -> None:
    live = LiveSite(project / "cases", project)
    first = live.update()
    assert not first.partial and first.rendered == len(first.pages) > 100
    again = live.update()
    assert not again.partial and again.rendered == 0
    assert {p: x.markdown for p, x in again.pages.items()} == _full(project)


def test_a_saved_record_renders_its_own_page_then_completes_to_a_full_build(project: Path) -> None:
    live = LiveSite(project / "cases", project)
    live.update()
    goka = project / "cases" / "municipal" / "goka.yaml"
    _save(goka, "title: 育成レベルに応じた", "title: 編集後の")

    update = live.update()
    assert update.partial and update.rendered == 1
    assert "編集後の" in update.pages["cases/goka.md"].markdown
    assert "編集後の" not in update.pages["keywords/ojt.md"].markdown  # not yet: served at once, completed next

    assert live.complete(update)  # the keyword pages and lists differ: another build is wanted
    final = live.update()
    assert not final.partial and final.rendered == 0  # the completed render is used as it is
    assert {p: x.markdown for p, x in final.pages.items()} == _full(project)


def test_a_newer_save_discards_the_older_completion(project: Path) -> None:
    live = LiveSite(project / "cases", project)
    live.update()
    goka = project / "cases" / "municipal" / "goka.yaml"
    _save(goka, "title: 育成レベルに応じた", "title: 一度目の")
    first = live.update()
    _save(goka, "title: 一度目の", "title: 二度目の")
    second = live.update()
    assert not live.complete(first)  # stale: the files changed since
    assert live.complete(second)
    assert {p: x.markdown for p, x in live.update().pages.items()} == _full(project)


@pytest.mark.parametrize("change", ["add", "remove", "taxonomy"])
def test_other_changes_render_everything(project: Path, change: str) -> None:
    live = LiveSite(project / "cases", project)
    live.update()
    cases = project / "cases"
    if change == "add":
        shutil.copy(cases / "municipal" / "goka.yaml", cases / "municipal" / "goka-2.yaml")
        _save(cases / "municipal" / "goka-2.yaml", "title: 育成レベルに応じた", "title: 複製の")
    elif change == "remove":
        (cases / "municipal" / "goka.yaml").unlink()
        for roadmap in (cases / "roadmaps").glob("*.yaml"):  # keep the roadmaps valid
            _save(roadmap, "", "") if "goka" not in roadmap.read_text(encoding="utf-8") else roadmap.unlink()
    else:
        _save(cases / "keywords.yaml", "description:", "description: （改訂）")
    update = live.update()
    assert not update.corpus.errors, [d.format() for d in update.corpus.errors]
    assert not update.partial and update.rendered == len(update.pages)
    assert {p: x.markdown for p, x in update.pages.items()} == _full(project)


def test_a_broken_save_keeps_the_last_good_pages_and_the_fix_renders_what_changed_meanwhile(project: Path) -> None:
    live = LiveSite(project / "cases", project)
    good = live.update()
    goka = project / "cases" / "municipal" / "goka.yaml"
    _save(goka, "title: 育成レベルに応じた", "title: [育成レベルに応じた")
    broken = live.update()
    assert [d.path for d in broken.errors] == ["cases/municipal/goka.yaml"], [d.format() for d in broken.errors]
    assert broken.index is good.index and broken.pages == good.pages and not broken.partial
    # Another record saved while goka is broken: the fix must bring it too, not only goka.
    kasama = project / "cases" / "municipal" / "kasama.yaml"
    _save(kasama, "title: ", "title: 壊れている間の編集 ")
    assert live.update().errors
    _save(goka, "title: [育成レベルに応じた", "title: 直した後の")

    fixed = live.update()
    assert not fixed.errors
    assert "直した後の" in fixed.pages["cases/goka.md"].markdown
    assert "壊れている間の編集" in fixed.pages["cases/kasama.md"].markdown
    live.complete(fixed)
    assert {p: x.markdown for p, x in live.update().pages.items()} == _full(project)


def test_records_that_were_never_valid_give_errors_and_no_pages(project: Path) -> None:
    _save(project / "cases" / "municipal" / "goka.yaml", "title: ", "title: [")
    update = LiveSite(project / "cases", project).update()
    assert update.errors and update.index is None and update.pages == {}


@pytest.mark.parametrize(
    ("mistake", "line"), [("{% if %}", 3), ("{{ no_such_variable }}", 3)], ids=["syntax", "undefined"]
)
def test_a_template_error_is_reported_at_its_line_and_the_last_pages_are_kept(
    project: Path, monkeypatch: pytest.MonkeyPatch, mistake: str, line: int
) -> None:
    templates = project / "templates"
    shutil.copytree(ROOT / "generator" / "casebook" / "templates", templates)
    monkeypatch.setattr(render, "PackageLoader", lambda *_: FileSystemLoader(templates))
    live = LiveSite(project / "cases", project, (templates,))
    good = live.update()
    case = templates / "case.md.j2"
    lines = case.read_text(encoding="utf-8").splitlines(keepends=True)
    case.write_text("".join([*lines[: line - 1], mistake + "\n", *lines[line - 1 :]]), encoding="utf-8")

    broken = live.update()
    assert [(d.path, d.line) for d in broken.errors] == [("templates/case.md.j2", line)]
    assert "ページを作れません" in broken.errors[0].message
    assert broken.pages == good.pages
    case.write_text("".join(lines), encoding="utf-8")
    assert not live.update().errors


def test_the_error_page_lists_every_problem_escaped() -> None:
    problems = [
        Diagnostic(
            "cases/municipal/a.yaml", 4, 13, "title", "<script>alert(1)</script> は書けません", "消してください"
        ),
        Diagnostic("cases/municipal/b.yaml", 1, 1, "", "ファイルが空です", "項目を書いてください"),
    ]
    page = error_page(problems)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "cases/municipal/a.yaml:4:13: title: &lt;script&gt;" in page
    assert "cases/municipal/b.yaml:1:1: ファイルが空です — 項目を書いてください" in page
    assert "サイトを更新できません（2 件）" in page and '<html lang="ja">' in page
    assert "location.reload()" in page  # it comes back by itself once fixed


def _call(app: WSGIApplication, path: str, query: str = "") -> tuple[str, bytes]:
    status: list[str] = []
    environ = {"PATH_INFO": path, "QUERY_STRING": query}
    body = b"".join(app(environ, lambda s, _h, _e=None: status.append(s)))  # type: ignore[arg-type,misc,return-value]
    return status[0], body


def test_the_gate_answers_every_address_with_the_error_page_while_there_is_one() -> None:
    def site(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])
        return [b"site " + environ["PATH_INFO"].encode()]

    shown: list[bytes | None] = [None]
    app = gate(site, lambda: shown[0], ("/livereload/",))
    assert _call(app, "/cases/goka/") == ("200 OK", b"site /cases/goka/")
    shown[0] = b"<p>problems</p>"
    for path in ("/", "/cases/goka/", "/assets/casebook.css", "/no/such/page/"):
        assert _call(app, path) == ("500 Internal Server Error", b"<p>problems</p>")
    assert _call(app, "/livereload/1/2") == ("200 OK", b"site /livereload/1/2")
    # The error page's own question: the problems as they are now, as a 200 (no failed request logged).
    assert _call(app, "/cases/goka/", "casebook-status") == ("200 OK", b"<p>problems</p>")
    shown[0] = None
    assert _call(app, "/cases/goka/") == ("200 OK", b"site /cases/goka/")
    assert _call(app, "/cases/goka/", "casebook-status") == ("200 OK", b"")  # the site is back


def test_prune_deletes_only_what_the_last_build_wrote_and_this_one_did_not(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for rel in ("cases/goka/index.html", "cases/old/index.html", "pagefind/x.pf_meta", "index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel, encoding="utf-8")
    (tmp_path / "outside.html").write_text("keep", encoding="utf-8")
    live = LiveSite(tmp_path / "cases", tmp_path)
    assert live.prune(site, ["index.html", "cases/goka/index.html", "cases/old/index.html", "../outside.html"]) == []
    assert live.prune(site, ["index.html", "cases/goka/index.html"]) == ["cases/old/index.html"]
    assert not (site / "cases" / "old").exists()  # the page's folder went with it
    assert (site / "cases" / "goka" / "index.html").exists() and (site / "pagefind" / "x.pf_meta").exists()
    assert (tmp_path / "outside.html").exists()  # never outside the site


@pytest.mark.parametrize("mishap", ["taxonomy deleted", "record unreadable"])
def test_a_missing_taxonomy_or_an_unreadable_record_keeps_the_pages_and_names_the_file(
    project: Path, mishap: str
) -> None:
    live = LiveSite(project / "cases", project)
    good = live.update()
    if mishap == "taxonomy deleted":
        (project / "cases" / "keywords.yaml").unlink()
        where = "cases/keywords.yaml"
    else:  # a link whose file was moved away: unreadable even for root
        (project / "cases" / "municipal" / "moved.yaml").symlink_to(project / "gone.yaml")
        where = "cases/municipal/moved.yaml"
    broken = live.update()
    assert [d.path for d in broken.errors] == [where], [d.format() for d in broken.errors]
    assert broken.pages == good.pages


def test_a_broken_error_page_template_still_lists_the_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "error.html.j2").write_text("<p>\n{% if %}\n", encoding="utf-8")
    monkeypatch.setattr(live, "_templates", lambda: Environment(loader=FileSystemLoader(tmp_path)))
    monkeypatch.chdir(tmp_path)
    page = error_page([Diagnostic("cases/municipal/a.yaml", 2, 1, "", "<壊れた>", "直す")])
    assert "cases/municipal/a.yaml:2:1: &lt;壊れた&gt; — 直す" in page
    assert "error.html.j2:2:1: ページを作れません（TemplateSyntaxError" in page


def _held_catchup(first: Path) -> tuple[live.Catchup, list[Path], threading.Event]:
    """A Catchup whose first job (`first`) is running and held until the returned event is set."""
    started, release = threading.Event(), threading.Event()
    done: list[Path] = []

    def work(site: Path, update: object) -> None:
        started.set()
        release.wait(10)
        done.append(site)

    catchup = live.Catchup(work)  # type: ignore[arg-type]
    catchup.submit(first, None)
    assert started.wait(10)
    return catchup, done, release


def test_catchup_works_one_build_at_a_time_and_takes_only_the_newest_waiting(tmp_path: Path) -> None:
    catchup, done, release = _held_catchup(tmp_path / "first")
    for name in ("second", "third", "fourth"):  # saved while the first is being worked on
        catchup.submit(tmp_path / name, None)
    release.set()
    deadline = time.monotonic() + 10
    while catchup.busy and time.monotonic() < deadline:
        time.sleep(0.02)
    assert done == [tmp_path / "first", tmp_path / "fourth"]


def test_catchup_stop_waits_for_the_running_job_and_drops_the_waiting_one(tmp_path: Path) -> None:
    catchup, done, release = _held_catchup(tmp_path / "running")
    catchup.submit(tmp_path / "waiting", None)
    threading.Timer(0.2, release.set).start()
    catchup.stop()
    assert done == [tmp_path / "running"]  # finished before stop returned; the waiting one never ran
    assert not catchup.busy


def test_each_save_renders_with_templates_compiled_once_and_sees_a_changed_template(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(Path(render.__file__).parent / "templates", templates)
    monkeypatch.setattr(render, "PackageLoader", lambda *_: FileSystemLoader(templates))
    compiled: list[str] = []
    compile_template = Environment._compile

    def counting(self: Environment, source: str, filename: str) -> object:
        compiled.append(Path(filename).name)
        return compile_template(self, source, filename)

    monkeypatch.setattr(Environment, "_compile", counting)
    live = LiveSite(project / "cases", project)
    live.update()
    assert "case.md.j2" in compiled
    goka = project / "cases" / "municipal" / "goka.yaml"
    compiled.clear()
    _save(goka, "title: 育成レベルに応じた", "title: 編集後の")
    update = live.update()
    assert update.rendered == 1 and compiled == []  # a new environment, the templates as compiled before

    # The same template saved while serving is compiled again: its source no longer matches.
    case = templates / "case.md.j2"
    case.write_text(case.read_text(encoding="utf-8").replace("## 概要", "## 概要（改）", 1), encoding="utf-8")
    _save(goka, "title: 編集後の", "title: もう一度")
    update = live.update()
    assert "case.md.j2" in compiled
    assert "## 概要（改）" in update.pages["cases/goka.md"].markdown
