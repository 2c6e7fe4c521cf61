"""A build or a server stopped by a signal leaves nothing running and nothing behind (real processes, real signals)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casebook.outputs import SITE_MARKER
from casebook.publish import _clean_stale
from sitecheck import SAMPLE_CASES, copy_project

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc で子プロセスをたどる（Linux のみ）")

# Stands in for the slow part of a build: MkDocs starts a helper process (as it starts Pagefind), then works on.
SLOW_HOOK = """
import pathlib, subprocess, sys, time

def on_post_build(config, **kwargs):
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    pathlib.Path(config.config_file_path).with_name("hook-ready").write_text(str(helper.pid))
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found |= {int(child), *_descendants(int(child))}
    return found


def _wait(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def _start_slow_build(project: Path) -> tuple[subprocess.Popen[str], set[int]]:
    """`casebook build` stopped inside MkDocs, with its helper running; returns it and its descendants."""
    config = project / "mkdocs.yml"
    (project / "slow_hook.py").write_text(SLOW_HOOK, encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - slow_hook.py\n", encoding="utf-8")
    build = subprocess.Popen(
        [sys.executable, "-m", "casebook.cli", "build"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = project / "hook-ready"
    assert _wait(lambda: ready.is_file() and ready.read_text(), 60), "MkDocs did not reach the hook"
    family = _descendants(build.pid)
    assert int(ready.read_text()) in family and len(family) >= 2
    return build, family


def _previous_site(project: Path) -> Path:
    site = project / "site"
    site.mkdir()
    (site / SITE_MARKER).write_text("", encoding="utf-8")
    (site / "index.html").write_text("前のサイト", encoding="utf-8")
    return site


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_stopped_build_stops_mkdocs_and_removes_its_folder(tmp_path: Path, signum: int) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    site = _previous_site(project)
    build, family = _start_slow_build(project)
    os.kill(build.pid, signum)
    _out, err = build.communicate(timeout=30)
    assert build.returncode == 128 + signum, err
    assert "中断しました" in err and "Traceback" not in err
    assert _wait(lambda: not any(_alive(p) for p in family), 10), "MkDocs or its helper outlived the build"
    assert [p.name for p in project.iterdir() if p.name.startswith(".site.")] == []
    assert (site / "index.html").read_text(encoding="utf-8") == "前のサイト"


def test_kill_9_of_a_build_takes_mkdocs_down_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    build, family = _start_slow_build(project)
    os.kill(build.pid, signal.SIGKILL)
    build.communicate(timeout=30)
    assert _wait(lambda: not any(_alive(p) for p in family), 10), "MkDocs or its helper outlived `kill -9` of the build"
    assert [p.name for p in project.iterdir() if p.name.startswith(".site.building-")] == [
        f".site.building-{build.pid}"
    ]
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    again = subprocess.run(
        [sys.executable, "-m", "casebook.cli", "build"], cwd=project, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr
    assert [p.name for p in project.iterdir() if p.name.startswith(".site.")] == []


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_swap_cut_short_gets_its_site_back(tmp_path: Path) -> None:
    # `kill -9` between the two renames of the swap: the old site waits under its scratch name.
    dead = _dead_pid()
    retired, building = tmp_path / f".site.old-{dead}", tmp_path / f".site.building-{dead}"
    for folder in (retired, building):
        folder.mkdir()
        (folder / "index.html").write_text(folder.name, encoding="utf-8")
    running = tmp_path / f".site.building-{os.getppid()}"  # a build still running is left alone
    running.mkdir()
    _clean_stale(tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == retired.name
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, "site"]
