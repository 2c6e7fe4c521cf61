"""Shared fixtures; `pytest --update-goldens` rewrites expected files from the current output."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="golden ファイルを現在の出力で書き直す")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with a committed file under tests/; rewrite it with --update-goldens."""
    update = request.config.getoption("--update-goldens")

    def check(actual: str, relpath: str) -> None:
        path = ROOT / "tests" / relpath
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            if not update:
                pytest.fail(f"golden file {relpath} was missing and has been written; re-run")
        assert actual == path.read_text(encoding="utf-8")

    return check


@pytest.fixture
def repo_root() -> Path:
    """The project checkout."""
    return ROOT


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder `make` fills once per test run, shared by all the workers of `pytest -n` (make test).

    Each worker has its own session, so a session fixture alone would build the same site once per
    worker. The first worker to ask makes it under a lock; the others wait for it and read it.
    """
    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent  # the run's folder, above each worker's own
    folder, done = root / f"once-{name}", root / f"once-{name}.done"
    with (root / f"once-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def built_site_log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The bundled knowledge base built once per run with `mkdocs build --strict`, and the build's log.

    Every test that only reads the default site shares this one build (a build takes seconds).
    """
    from sitecheck import build

    def make(folder: Path) -> None:
        result = build(ROOT, folder / "site")
        assert result.returncode == 0, result.stderr
        (folder / "build.log").write_text(result.stderr, encoding="utf-8")

    folder = made_once(tmp_path_factory, "site", make)
    return folder / "site", (folder / "build.log").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(built_site_log: tuple[Path, str]) -> Path:
    """The bundled knowledge base, built once per run with `mkdocs build --strict`."""
    return built_site_log[0]


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled knowledge base as the GitHub Pages workflow builds it: under a subpath (/kb/), with edit links."""
    from sitecheck import EDIT_BASE_URL, SUBPATH_SITE_URL, build

    def make(folder: Path) -> None:
        env = {"CASEBOOK_SITE_URL": SUBPATH_SITE_URL, "CASEBOOK_EDIT_BASE_URL": EDIT_BASE_URL}
        result = build(ROOT, folder / "site", env=env)
        assert result.returncode == 0, result.stderr

    return made_once(tmp_path_factory, "kb", make) / "site"


@pytest.fixture(scope="session", params=["properdocs", "zensical"])
def engine_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled knowledge base built by `casebook build --engine <engine>` (ProperDocs, Zensical)."""
    import importlib.util

    from casebook.engines import INSTALL
    from casebook.publish import build_site

    engine = request.param
    if importlib.util.find_spec(engine) is None:
        pytest.skip(
            f"{engine} が入っていません（`pip install '{INSTALL[engine]}'`、make test は .[engines] を入れます）"
        )

    def make(folder: Path) -> None:
        result = build_site(ROOT, folder / "site", engine=engine)
        assert result.ok, result.log

    return made_once(tmp_path_factory, engine, make) / "site"


@pytest.fixture(scope="session")
def kb_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`casebook build --site-url …/kb/` then `casebook package`, unpacked: what an administrator puts on a server."""
    import subprocess
    import sys
    import zipfile

    from sitecheck import copy_project

    def make(folder: Path) -> None:
        project = copy_project(folder / "p")
        for args in (["build", "--site-url", "https://intra.example.lg.jp/kb/"], ["package"]):
            done = subprocess.run(
                [sys.executable, "-m", "casebook.cli", *args], cwd=project, capture_output=True, text=True, check=False
            )
            assert done.returncode == 0, done.stderr
        with zipfile.ZipFile(project / "dist" / "casebook-site.zip") as archive:
            archive.extractall(folder / "unpacked")

    return made_once(tmp_path_factory, "package", make) / "unpacked" / "casebook-site"


@pytest.fixture(scope="session")
def kb_nginx(kb_package: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The unpacked package served by real nginx with its own nginx.conf.sample; yields the base URL (…/kb/)."""
    from sitecheck import NGINX, nginx

    if NGINX is None:
        pytest.skip("nginx がありません（Debian の nginx パッケージ。`make test` が apt-get で入れます）")
    with nginx(kb_package, tmp_path_factory.mktemp("nginx")) as base:
        yield base


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long files first (the browser suite, then the builds), the many quick unit tests last.

    With `-n 2` (make test) each worker takes whole files in this order, so the short files fill the
    gaps at the end instead of one worker waiting for the other's long file. Order within a file is kept.
    """
    rank = {"browser": 0, "unit": 2}
    items.sort(key=lambda item: rank.get(item.path.parent.name, 1))
