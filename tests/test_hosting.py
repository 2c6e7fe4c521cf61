"""The server samples in the package work: nginx served for real, IIS and Apache checked as files."""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree as ET

from casebook.archive import (
    BASE_PLACEHOLDER,
    CSP_PLACEHOLDER,
    HOSTING,
    NOT_SERVED,
    _slashless_redirect,
    content_security_policy,
)

PAGEFIND_EXTENSIONS = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "SAMEORIGIN"}


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _one_of_each_kind(site: Path) -> list[tuple[str, str]]:
    """(path under the site, the Content-Type it must have) for pages, styles, scripts and every search file."""
    kinds = [
        ("", "text/html"),
        ("cases/goka/", "text/html"),
        ("assets/casebook.css", "text/css"),
        ("assets/casebook.js", "application/javascript"),
        ("pagefind/pagefind.js", "application/javascript"),
        ("pagefind/pagefind-entry.json", "application/json"),
        ("feed.xml", "text/xml"),
        ("data/cases.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]
    for ext in PAGEFIND_EXTENSIONS:  # the WebAssembly is one of them: pagefind/wasm.*.pagefind
        found = next(site.rglob(f"*{ext}"))
        kinds.append((found.relative_to(site).as_posix(), "application/octet-stream"))
    return kinds


def test_nginx_serves_every_kind_of_file_with_its_type_and_safe_headers(kb_nginx: str, kb_package: Path) -> None:
    policy = content_security_policy(kb_package)
    for path, mime in _one_of_each_kind(kb_package):
        status, headers, body = _get(kb_nginx + path)
        assert status == 200, path
        assert headers["Content-Type"].split(";")[0] == mime, path
        assert "attachment" not in headers.get("Content-Disposition", ""), path  # shown, not downloaded
        file = kb_package / path / "index.html" if path.endswith("/") or not path else kb_package / path
        assert body == file.read_bytes(), path
        for name, value in SAFE_HEADERS.items():
            assert headers.get(name) == value, (path, name)
        assert headers.get("Content-Security-Policy") == policy, path
    assert _get(kb_nginx + "")[1]["Content-Type"] == "text/html; charset=utf-8"


def test_nginx_answers_a_missing_page_with_the_sites_404_page(kb_nginx: str, kb_package: Path) -> None:
    status, headers, body = _get(kb_nginx + "no/such/page/")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert body == (kb_package / "404.html").read_bytes()
    assert b'href="/kb/assets/' in body  # its links work under the subpath
    assert (
        headers.get("X-Content-Type-Options") == "nosniff" and "frame-ancestors" in headers["Content-Security-Policy"]
    )


def test_nginx_does_not_serve_the_packages_own_files(kb_nginx: str, kb_package: Path) -> None:
    for name in NOT_SERVED:
        assert (kb_package / name).is_file(), name  # in the folder an administrator unpacks as it is
        status, _headers, body = _get(kb_nginx + name)
        assert status == 404 and body == (kb_package / "404.html").read_bytes(), name
    assert _get(kb_nginx + "cases/goka/")[0] == 200  # and the site itself still is


def test_iis_and_apache_samples_hide_the_packages_own_files(kb_package: Path) -> None:
    tree = ET.parse(kb_package / "web.config")
    hidden = {h.get("segment") for h in tree.iterfind(".//security/requestFiltering/hiddenSegments/add")}
    assert hidden >= set(NOT_SERVED) - {"web.config"}  # IIS never serves web.config itself
    rule = re.search(
        r"^\s*RewriteRule \(\^\|/\)\((.+)\)\$ - \[R=404,L\]$", (kb_package / ".htaccess").read_text(), re.M
    )
    assert rule is not None
    assert {n.replace("\\.", ".") for n in rule[1].split("|")} >= set(NOT_SERVED) - {".htaccess"}  # Apache hides .ht*


def test_samples_take_the_policy_and_the_path_of_the_packaged_site(kb_package: Path) -> None:
    for name in ("web.config", ".htaccess", "nginx.conf.sample"):
        text = (kb_package / name).read_text(encoding="utf-8")
        assert "@CASEBOOK_" not in text, name
        assert content_security_policy(kb_package) in text, name
    for name in ("web.config", "htaccess", "nginx.conf.sample"):
        assert CSP_PLACEHOLDER in (HOSTING / name).read_text(encoding="utf-8"), name
    assert BASE_PLACEHOLDER in (HOSTING / "htaccess").read_text(encoding="utf-8")
    assert "location /kb/ {" in (kb_package / "nginx.conf.sample").read_text(encoding="utf-8")


def test_nginx_sample_keeps_the_standard_mime_map() -> None:
    # `types { }` inside a location replaces nginx's whole map: HTML would be downloaded.
    assert not re.search(r"^\s*types\s*\{", (HOSTING / "nginx.conf.sample").read_text(encoding="utf-8"), re.M)


def test_web_config_is_well_formed_and_sends_every_header(kb_package: Path) -> None:
    tree = ET.parse(kb_package / "web.config")
    maps = {m.get("fileExtension"): m.get("mimeType") for m in tree.iter("mimeMap")}
    for ext in PAGEFIND_EXTENSIONS:
        assert maps.get(ext) == "application/octet-stream", ext
    headers = {h.get("name"): h.get("value") for h in tree.iterfind(".//httpProtocol/customHeaders/add")}
    removed = {h.get("name") for h in tree.iterfind(".//httpProtocol/customHeaders/remove")}
    for name, value in SAFE_HEADERS.items():
        assert headers.get(name) == value, name
    assert headers.get("Content-Security-Policy") == content_security_policy(kb_package)
    assert set(headers) <= removed, "remove first, or IIS refuses a header set at the server level too"


def test_htaccess_maps_the_search_files_and_sends_every_header(kb_package: Path) -> None:
    text = (kb_package / ".htaccess").read_text(encoding="utf-8")
    octet = re.search(r"^AddType application/octet-stream (.+)$", text, re.M)
    assert octet is not None and set(octet[1].split()) >= set(PAGEFIND_EXTENSIONS)
    for name, value in {**SAFE_HEADERS, "Content-Security-Policy": content_security_policy(kb_package)}.items():
        assert f'Header always set {name} "{value}"' in text, name
    # A relative ErrorDocument is shown as text; it must be the 404 page's path under the site's subpath.
    assert re.search(r"^ErrorDocument 404 /kb/404\.html$", text, re.M)


# The directives `AllowOverride FileInfo` lets an .htaccess use (Apache 2.4 documentation, "Override" of each
# directive: mod_mime, core, mod_rewrite, mod_headers, mod_filter). One of another class (DirectoryIndex is "Indexes")
# makes Apache answer 500 for the whole site on a server that allows only FileInfo, as README.txt asks.
FILEINFO_DIRECTIVES = {
    "AddType", "AddDefaultCharset", "ErrorDocument", "RewriteEngine", "RewriteRule", "Header", "AddOutputFilterByType"
}  # fmt: skip


def test_htaccess_uses_only_what_allowoverride_fileinfo_permits() -> None:
    lines = (HOSTING / "htaccess").read_text(encoding="utf-8").splitlines()
    used = {line.split()[0] for line in lines if line.strip() and not line.lstrip().startswith(("#", "<"))}
    assert used <= FILEINFO_DIRECTIVES, used - FILEINFO_DIRECTIVES
    assert "AllowOverride FileInfo" in (HOSTING / "README.txt").read_text(encoding="utf-8")


def test_nginx_leads_the_address_without_its_last_slash_to_the_site(kb_nginx: str) -> None:
    # People type or bookmark …/kb: nginx's own bare 404 would say the site is not there.
    with urllib.request.urlopen(kb_nginx.rstrip("/"), timeout=10) as response:  # follows the redirect
        assert (response.status, response.url) == (200, kb_nginx)
    assert _slashless_redirect("/") == ""  # a site at the root has no such address (and `location =  {` is invalid)


def test_nginx_compresses_text_and_leaves_the_index_as_it_is(kb_nginx: str, kb_package: Path) -> None:
    # On a slow link the first visit is mostly Material's CSS and JavaScript: sent compressed, a quarter.
    def encoding(path: str) -> str | None:
        request = urllib.request.Request(kb_nginx + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers.get("Content-Encoding")

    bundle = next(kb_package.glob("assets/javascripts/bundle.*.js")).relative_to(kb_package).as_posix()
    for path in ("", "search/", "assets/casebook.css", bundle, "pagefind/pagefind.js", "feed.xml"):
        assert encoding(path) == "gzip", path
    fragment = next(kb_package.rglob("*.pf_fragment")).relative_to(kb_package).as_posix()
    assert encoding(fragment) is None  # Pagefind's files are compressed already


def test_apache_and_iis_samples_compress_text() -> None:
    htaccess = (HOSTING / "htaccess").read_text(encoding="utf-8")
    deflate = re.search(r"^\s*AddOutputFilterByType DEFLATE (.+)$", htaccess, re.M)
    assert deflate is not None and {"text/html", "text/css", "application/javascript"} <= set(deflate[1].split())
    assert "application/octet-stream" not in deflate[1]  # the search index: compressed by Pagefind
    tree = ET.parse(HOSTING / "web.config")
    assert next(tree.iter("urlCompression")).get("doStaticCompression") == "true"


def test_policy_allows_only_the_sites_own_scripts(kb_package: Path) -> None:
    policy = dict(d.strip().split(" ", 1) for d in content_security_policy(kb_package).split(";"))
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert scripts[:2] == ["'self'", "'wasm-unsafe-eval'"] and all(s.startswith("'sha256-") for s in scripts[2:])
    assert policy["frame-ancestors"] == "'self'" and policy["object-src"] == "'none'"


def _powershell_format(script: str) -> re.Pattern[str]:
    """The script's SHA256SUMS line pattern, as Python reads it (.NET `(?<name>…)` is Python's `(?P<name>…)`)."""
    found = re.search(r"^\$format = '([^']+)'\r?$", script, re.M)
    assert found is not None
    return re.compile(found[1].replace("(?<", "(?P<"))


def test_windows_verify_script_is_shipped_and_reads_the_sums_file(kb_package: Path) -> None:
    raw = (kb_package / "verify-sha256.ps1").read_bytes()
    # Windows PowerShell 5.1 reads a script without a BOM in the ANSI code page: the Japanese would break.
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    script = raw.decode("utf-8-sig")
    assert "Get-FileHash" in script and "-Algorithm SHA256" in script and "exit 1" in script
    line = _powershell_format(script)
    sums = (kb_package / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    files = {p.relative_to(kb_package).as_posix() for p in kb_package.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    parsed = {}
    for text in sums:
        match = line.fullmatch(text)
        assert match, text
        parsed[match["name"]] = match["hash"]
    assert set(parsed) == files and "verify-sha256.ps1" in parsed
    for name, digest in parsed.items():
        assert hashlib.sha256((kb_package / name).read_bytes()).hexdigest() == digest, name
    assert not line.fullmatch("XYZ  index.html") and not line.fullmatch(sums[0].replace("  ", " ", 1))
    readme = (kb_package / "README.txt").read_text(encoding="utf-8")
    assert "-File .\\verify-sha256.ps1" in readme and "Get-FileHash -Algorithm SHA256" in readme
