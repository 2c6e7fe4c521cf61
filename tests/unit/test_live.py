"""LiveSite: a saved record's page first, the rest of the site right after, always ending where a full build would."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from casebook.index import build_index
from casebook.live import LiveSite
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
