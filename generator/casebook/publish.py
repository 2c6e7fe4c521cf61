"""Publishing: one build command with an atomic swap, and a package for the server administrator.

MkDocs runs as a subprocess (only plugin.py imports MkDocs), into a temporary folder; the previous
site is replaced only when everything succeeded, so a failed build leaves the last good site.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

HOSTING = Path(__file__).resolve().parent / "hosting"
HOSTING_FILES = {
    "web.config": "web.config",
    "htaccess": ".htaccess",
    "nginx.conf.sample": "nginx.conf.sample",
    "README.txt": "README.txt",
}
"""Files added to the site root in a package: (name in the package folder → name in the archive)."""


@dataclass(frozen=True)
class BuildResult:
    """Outcome of `casebook build`."""

    ok: bool
    site: Path
    log: str


def build_site(project: Path, out: Path, site_url: str | None = None) -> BuildResult:
    """Build into a temporary folder next to `out`, then swap it in; on failure `out` is untouched."""
    out = out.resolve()
    staging = out.with_name(f".{out.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if site_url is not None:
        env["CASEBOOK_SITE_URL"] = site_url
    result = subprocess.run(
        # Not -q: it silences the warnings that --strict counts, and a broken page would slip through.
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(staging)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not (staging / "index.html").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        return BuildResult(False, out, result.stderr + result.stdout)
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
    return BuildResult(True, out, result.stderr)


def checksums(folder: Path) -> str:
    """SHA256SUMS text (`sha256sum -c` format) of every file below `folder`."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"


def package(site: Path, dest: Path, name: str = "casebook-site") -> list[Path]:
    """A .zip and a .tar.gz of the site with server configs, a README and SHA256SUMS at the root."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} にサイトがありません。先に `casebook build` を実行してください")
    dest.mkdir(parents=True, exist_ok=True)
    staging = dest / f".{name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(site, staging / name)
    for source, target in HOSTING_FILES.items():
        shutil.copy(HOSTING / source, staging / name / target)
    (staging / name / "SHA256SUMS").write_text(checksums(staging / name), encoding="utf-8")
    zip_path, tar_path = dest / f"{name}.zip", dest / f"{name}.tar.gz"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((staging / name).rglob("*")):
            archive.write(path, path.relative_to(staging).as_posix())
    with tarfile.open(tar_path, "w:gz") as archive:
        archive.add(staging / name, arcname=name)
    shutil.rmtree(staging)
    return [zip_path, tar_path]
