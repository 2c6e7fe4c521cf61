"""The wheel is complete: installed without `-e` into a fresh virtualenv, it builds and packages the knowledge base.

An editable install finds templates, the theme, assets and hosting files in the source tree, so a file missing
from the package data would only show up for a publisher who installs the wheel. Here nothing of the source tree
is importable: the build runs from a folder holding only cases/, docs/ and mkdocs.yml, with PYTHONPATH unset.
No network: the wheel is built without build isolation (setuptools comes with the test extras) and installed
with --no-deps; the fresh venv borrows the dependencies from the test environment through a .pth file, which
adds that folder to sys.path after the venv's own (so the venv's casebook wins) without running its .pth
files (so the editable install of casebook there stays inactive).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from sitecheck import ROOT, copy_project

PACKAGE = ROOT / "generator" / "casebook"


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(map(str, args)), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (an in-tree build would leave build/ and *.egg-info behind)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT"):
        (src / name).write_bytes((ROOT / name).read_bytes())
    shutil.copytree(ROOT / "generator", src / "generator", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, src,
        cwd=src)  # fmt: skip
    (built,) = dist.glob("casebook-*.whl")
    return built


def test_the_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    shipped = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert sources - shipped == set()
    assert {"casebook/templates/case.md.j2", "casebook/theme/main.html", "casebook/hosting/web.config"} <= shipped
    # Both licences travel with the code: MIT for the generator, CC BY 4.0 for the records and pages.
    licences = {Path(name).name for name in shipped if ".dist-info/licenses/" in name}
    assert licences == {"LICENSE", "LICENSE-CONTENT"}


def test_the_installed_wheel_builds_and_packages_the_knowledge_base(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path
    )
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (purelib / "casebook_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    project = copy_project(tmp_path / "kb")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"NO_MKDOCS_2_WARNING": "1"}
    script = "import sys, casebook.plugin; print(casebook.plugin.__file__, *sys.path, sep='\\n')"
    where, *paths = run(python, "-c", script, cwd=project, env=env).stdout.splitlines()
    assert Path(where).is_relative_to(venv), where
    assert str(ROOT / "generator") not in paths

    run(venv / "bin" / "casebook", "build", cwd=project, env=env)
    site = project / "site"
    for shipped in ("assets/casebook.css", "assets/casebook.js", "pagefind/pagefind.js", "search/facets.json"):
        assert (site / shipped).is_file(), shipped
    # The theme override (theme/main.html) marks record pages for Pagefind.
    assert "data-pagefind-body" in (site / "cases" / "goka" / "index.html").read_text(encoding="utf-8")

    run(venv / "bin" / "casebook", "package", cwd=project, env=env)
    names = set(zipfile.ZipFile(project / "dist" / "casebook-site.zip").namelist())
    for hosting in ("web.config", ".htaccess", "nginx.conf.sample", "README.txt"):
        assert f"casebook-site/{hosting}" in names, hosting
