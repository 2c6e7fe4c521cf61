"""The package for the server administrator: the built site with server samples, a README and SHA256SUMS.

The samples (IIS web.config, Apache .htaccess, nginx) take the site's own path and the strictest
Content-Security-Policy its pages work under; `casebook package` writes a .zip and a .tar.gz.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import tarfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from casebook.outputs import SITE_MARKER, OutputRefused, check_output, written_whole

HOSTING = Path(__file__).resolve().parent / "hosting"
HOSTING_FILES = {
    "web.config": "web.config",
    "htaccess": ".htaccess",
    "nginx.conf.sample": "nginx.conf.sample",
    "README.txt": "README.txt",
    "verify-sha256.ps1": "verify-sha256.ps1",
}
"""Files added to the site root in a package: (name in the package folder → name in the archive)."""
NOT_SERVED = ("README.txt", "SHA256SUMS", "verify-sha256.ps1", "nginx.conf.sample", "web.config", ".htaccess")
"""Files of the package that are not the site: each server sample answers 404 for them (tests check)."""

CSP_PLACEHOLDER = "@CASEBOOK_CSP@"
"""Where the hosting samples take the Content-Security-Policy computed from the packaged site."""
BASE_PLACEHOLDER = "@CASEBOOK_BASE@"
"""Where they take the path the site was built for (`/kb/` from `--site-url`, else `/`)."""
SLASHLESS_PLACEHOLDER = "@CASEBOOK_SLASHLESS@"
"""Where nginx's sample takes the redirect of that path without its last `/` (none for a site at `/`)."""


def checksums(folder: Path) -> str:
    """SHA256SUMS text (`sha256sum -c` format) of every file below `folder`."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"


def package(site: Path, dest: Path, name: str = "casebook-site", project: Path | None = None) -> list[Path]:
    """A .zip and a .tar.gz of the site with server configs, a README and SHA256SUMS at the root.

    Raises OutputRefused (touching nothing) unless `dest` is casebook's; an archive appears whole or not at all.
    """
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} にサイトがありません。先に `casebook build` を実行してください")
    check_output(dest, "package", project or Path.cwd())
    if dest.resolve() == site.resolve() or site.resolve() in dest.resolve().parents:
        raise OutputRefused(
            f"casebook package: --out {dest.as_posix()}: サイト（{site.as_posix()}）の中には書き出せません"
            " — サイトの外のフォルダを指定してください（例: --out dist）"
        )
    dest.mkdir(parents=True, exist_ok=True)
    staging = dest / f".{name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        root = _stage(site, staging / name)
        zip_path, tar_path = dest / f"{name}.zip", dest / f"{name}.tar.gz"
        with written_whole(zip_path) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                archive.write(path, path.relative_to(staging).as_posix())
        with written_whole(tar_path) as partial, tarfile.open(partial, "w:gz") as tar:
            tar.add(root, arcname=name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [zip_path, tar_path]


def package_warnings(site: Path, project: Path | None) -> list[str]:
    """What an administrator should hear before shipping `site` (none of it stops the package)."""
    notes = []
    if not _sitemap_addresses(site):
        notes.append(
            "公開先の URL を指定せずに作ったサイトです（サイトマップが空で、404 ページとサーバーの設定例はサイトを / に置く前提です）"
            " — URL が決まっていれば `casebook build --site-url https://…/` で作り直してください"
        )
    marker = site / SITE_MARKER
    if project is not None and marker.is_file():
        sources = [project / "mkdocs.yml", *(p for d in ("cases", "docs") for p in (project / d).rglob("*"))]
        built = marker.stat().st_mtime
        changed = sorted(
            p.relative_to(project).as_posix() for p in sources if p.is_file() and p.stat().st_mtime > built
        )
        if changed:
            shown = "、".join(changed[:3]) + (f" ほか {len(changed) - 3} 個" if len(changed) > 3 else "")
            notes.append(
                f"サイトを作ったあとに {len(changed)} 個のファイルが変わっています（{shown}）"
                " — その変更を含めるには、先に `casebook build` を実行してください"
            )
    return notes


def _sitemap_addresses(site: Path) -> list[str]:
    try:
        tree = ET.parse(site / "sitemap.xml")
    except (OSError, ET.ParseError):  # none, or not the sitemap a build writes: as if there were none
        return []
    return [e.text or "" for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") if e.text]


def _stage(site: Path, root: Path) -> Path:
    """The package's folder: the site (without the build's marker), the hosting files, SHA256SUMS."""
    shutil.copytree(site, root, ignore=shutil.ignore_patterns(SITE_MARKER))
    base = site_path(root)
    values = {
        SLASHLESS_PLACEHOLDER: _slashless_redirect(base),
        CSP_PLACEHOLDER: content_security_policy(root),
        BASE_PLACEHOLDER: base,
    }
    for source, target in HOSTING_FILES.items():
        data = (HOSTING / source).read_bytes()
        for placeholder, value in values.items():
            data = data.replace(placeholder.encode(), value.encode())
        (root / target).write_bytes(data)
    (root / "SHA256SUMS").write_text(checksums(root), encoding="utf-8")
    return root


def _slashless_redirect(base: str) -> str:
    """nginx: the site's address typed without its last `/` (…/kb) leads to the site, not to nginx's bare 404."""
    if base == "/":
        return ""
    return (
        "# 最後の / を省いたアドレス（例: …/kb）で来た人を、サイトの入口へ案内します。\n"
        f"location = {base.rstrip('/')} {{\n    return 301 {base};\n}}\n\n"
    )


def site_path(site: Path) -> str:
    """The path the site was built for: that of the shortest address in its sitemap (its home), else `/`."""
    return min((urlsplit(loc).path for loc in _sitemap_addresses(site)), key=len, default="") or "/"


class _InlineScripts(HTMLParser):
    """The text of every inline script a browser runs (JSON data blocks are not run)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        kind = (found.get("type") or "text/javascript").lower()
        self._inside = tag == "script" and "src" not in found and (kind.endswith("javascript") or kind == "module")
        if self._inside:
            self.scripts.append("")

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._inside = False


def content_security_policy(site: Path) -> str:
    """The strictest policy the built site works under.

    Scripts come from the site itself, plus the inline scripts Material puts in every page, allowed by
    their hashes (they differ by the page's depth, so they are read from the built pages); Pagefind
    compiles WebAssembly ('wasm-unsafe-eval'). No page may be framed by another site.
    """
    hashes: set[str] = set()
    for page in site.rglob("*.html"):
        parser = _InlineScripts()
        parser.feed(page.read_text(encoding="utf-8"))
        hashes.update(base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in parser.scripts)
    scripts = " ".join(f"'sha256-{h}'" for h in sorted(hashes))
    return (
        f"default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; style-src 'self'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )
