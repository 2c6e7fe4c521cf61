"""Publishing: atomic build, the package for administrators, and exports that load back."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from casebook.export import (
    GIF_COLUMNS,
    cases_csv,
    cases_xlsx,
    flat_rows,
    gif_csv,
    load_csv,
    load_json,
    load_xlsx,
    records_json,
)
from casebook.outputs import SITE_MARKER
from casebook.validate import check
from sitecheck import ROOT, SAMPLE_CASES, casebook, copy_project

PAGEFIND_EXTENSIONS = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    result = check([ROOT / "cases"])
    assert result.errors == []
    return result


def test_failed_build_leaves_the_previous_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    first = casebook("build", cwd=project)
    assert first.returncode == 0, first.stderr
    site = project / "site"
    before = (site / "cases" / "goka" / "index.html").read_text(encoding="utf-8")
    listing = (site / SITE_MARKER).read_text(encoding="utf-8")  # the files the first build wrote
    goka = project / "cases" / "municipal" / "goka.yaml"
    goka.write_text(goka.read_text(encoding="utf-8").replace('code: "085421"', 'code: "085420"'), encoding="utf-8")
    broken = casebook("build", cwd=project)
    assert broken.returncode == 1
    assert "検査数字" in broken.stdout and "そのまま" in broken.stderr
    assert (site / SITE_MARKER).read_text(encoding="utf-8") == listing
    assert (site / "cases" / "goka" / "index.html").read_text(encoding="utf-8") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_build_fails_midway_and_keeps_the_site(tmp_path: Path) -> None:
    # The records pass `casebook check`, but MkDocs stops (strict mode) halfway: the old site must survive.
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    assert casebook("build", cwd=project).returncode == 0
    (project / "docs" / "about.md").write_text("# 壊れたリンク\n\n[どこにもない](nowhere.md)\n", encoding="utf-8")
    result = casebook("build", cwd=project)
    assert result.returncode == 1
    assert (project / "site" / "index.html").is_file()
    assert "壊れたリンク" not in (project / "site" / "about" / "index.html").read_text(encoding="utf-8")


def test_a_successful_build_replaces_the_site_with_a_subpath(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    (project / "site").mkdir()  # an empty folder may be built into
    assert casebook("build", cwd=project).returncode == 0
    assert (project / "site" / SITE_MARKER).is_file()
    packaged = casebook("package", cwd=project)  # an administrator is told, not stopped
    assert packaged.returncode == 0 and "公開先の URL を指定せずに作ったサイトです" in packaged.stderr
    assert "変わっています" not in packaged.stderr
    # A page the last build wrote and this one does not (its record removed) goes with the old site.
    gone = next((project / "cases" / "municipal").glob("*.yaml"))
    gone.unlink()
    assert (project / "site" / "cases" / gone.stem / "index.html").is_file()
    result = casebook("build", "--site-url", "https://intra.example.lg.jp/kb/", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (project / "site" / "cases" / gone.stem).exists()
    assert "https://intra.example.lg.jp/kb/" in (project / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert (project / "site" / "pagefind" / "pagefind.js").is_file()
    assert (project / "site" / "data" / "cases.csv").is_file()

    # A record saved after the build: the package would not hold it, and the administrator hears which.
    record = next((project / "cases").rglob("*.yaml"))
    later = (project / "site" / SITE_MARKER).stat().st_mtime + 60
    os.utime(record, (later, later))
    packaged = casebook("package", cwd=project)
    assert packaged.returncode == 0
    assert "公開先の URL" not in packaged.stderr
    assert f"1 個のファイルが変わっています（{record.relative_to(project).as_posix()}）" in packaged.stderr


def test_a_file_put_into_the_built_site_is_not_lost_by_the_next_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    assert casebook("build", cwd=project).returncode == 0
    added = project / "site" / "assets" / "添付 資料.pdf"  # an administrator's attachment, a name with a space
    added.write_bytes(b"%PDF-1.4")
    before = sorted(p.relative_to(project).as_posix() for p in (project / "site").rglob("*"))
    refused = casebook("build", cwd=project)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "「site/assets/添付 資料.pdf」は、前のビルドのあとにサイトへ置かれたファイルです" in refused.stderr
    assert "docs/ に置き" in refused.stderr
    assert sorted(p.relative_to(project).as_posix() for p in (project / "site").rglob("*")) == before


def test_package_holds_site_configs_and_checksums(built_site: Path, tmp_path: Path) -> None:
    from casebook.archive import package

    zip_path, tar_path = package(built_site, tmp_path / "dist")
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        for needed in (
            "index.html",
            "web.config",
            ".htaccess",
            "nginx.conf.sample",
            "README.txt",
            "SHA256SUMS",
            "pagefind/pagefind.js",
        ):
            assert f"casebook-site/{needed}" in names, needed
        sums = archive.read("casebook-site/SHA256SUMS").decode()
        listed = {}
        for line in sums.splitlines():
            digest, name = line.split("  ", 1)
            listed[name] = digest
        files = {n.removeprefix("casebook-site/") for n in names if not n.endswith("/")} - {"SHA256SUMS"}
        assert set(listed) == files
        for name, digest in listed.items():
            assert hashlib.sha256(archive.read(f"casebook-site/{name}")).hexdigest() == digest, name
    with tarfile.open(tar_path) as archive:
        tar_files = {m.name for m in archive.getmembers() if m.isfile()}
    assert tar_files == {n for n in names if not n.endswith("/")}
    readme = (Path(__file__).resolve().parent.parent / "generator" / "casebook" / "hosting" / "README.txt").read_text(
        encoding="utf-8"
    )
    assert "web.config" in readme and "SHA256SUMS" in readme


def test_web_config_maps_every_pagefind_extension() -> None:
    tree = ET.parse(ROOT / "generator" / "casebook" / "hosting" / "web.config")
    maps = {m.get("fileExtension"): m.get("mimeType") for m in tree.iter("mimeMap")}
    removes = {m.get("fileExtension") for m in tree.iter("remove")}
    for ext in PAGEFIND_EXTENSIONS:
        assert maps.get(ext) == "application/octet-stream", ext
        assert ext in removes, f"{ext}: remove first, or IIS refuses a duplicate mapping"
    assert maps[".js"].startswith("text/javascript")
    assert maps[".wasm"] == "application/wasm"


def test_json_export_round_trips(corpus) -> None:  # type: ignore[no-untyped-def]
    loaded = load_json(records_json(corpus))
    assert loaded == {ident: entry.record for ident, entry in corpus.entries.items()}


def test_csv_export_opens_in_excel_and_round_trips(corpus) -> None:  # type: ignore[no-untyped-def]
    data = cases_csv(corpus)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.split(b"\r\n")
    assert all(b"\n" not in line for line in lines[:1])
    assert data.count(b"\r\n") >= len(flat_rows(corpus)) + 1
    rows = load_csv(data)
    assert rows == flat_rows(corpus)
    assert any(row["code"] == "082201" for row in rows)  # つくば市: the leading zero is kept


def test_xlsx_export_keeps_codes_as_text_and_round_trips(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cases.xlsx"
    cases_xlsx(corpus, path)
    assert load_xlsx(path) == flat_rows(corpus)
    sheet = load_workbook(path).active
    assert sheet.auto_filter.ref == sheet.dimensions
    code_cells = [row[4] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in code_cells)
    assert "082201" in {cell.value for cell in code_cells}


def test_gif_csv_uses_the_government_columns(corpus) -> None:  # type: ignore[no-untyped-def]
    rows = load_csv_plain(gif_csv(corpus))
    assert tuple(rows[0]) == GIF_COLUMNS
    assert len(rows) == 1 + len(flat_rows(corpus))
    goka = next(r for r in rows if r[2] == "五霞町")
    assert goka[1] == "茨城県" and goka[13] == "085421" and "OJT(職場内訓練)" in goka[10].split(";")


def load_csv_plain(data: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_export_command_writes_every_file(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    result = casebook("export", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["cases.json", "record.schema.json", "cases.csv", "cases.xlsx", "cases-gif.csv"]
    )


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder below `root` with its bytes: equal snapshots mean nothing was touched."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in root.rglob("*")}


@pytest.fixture
def careless(tmp_path: Path) -> Path:
    """A project with the folders a careless `--out` could name: records, pages, code, a home folder."""
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    (project / "generator" / "casebook").mkdir(parents=True)
    (project / "generator" / "casebook" / "cli.py").write_text("# 手で書いたコード\n", encoding="utf-8")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".bashrc").write_text("# 利用者の設定\n", encoding="utf-8")
    # The editor's schemas every record points at, and archives a package left: outputs of other commands.
    shutil.copytree(ROOT / "schema", project / "schema")
    (project / "dist").mkdir()
    (project / "dist" / "casebook-site.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    return project


CARELESS_OUTS = ["cases", "cases/municipal", "cases/new", "docs", "docs/site", ".", "..", "generator", "HOME", "schema"]


def test_build_does_not_replace_a_folder_of_archives(careless: Path) -> None:
    before = snapshot(careless.parent)
    result = casebook("build", "--out", "dist", cwd=careless)
    assert result.returncode == 2 and "dist/casebook-site.zip" in result.stderr, result.stderr
    assert snapshot(careless.parent) == before


@pytest.mark.parametrize("command", ["build", "export"])
@pytest.mark.parametrize("out", CARELESS_OUTS)
def test_build_and_export_refuse_a_folder_they_did_not_make(careless: Path, command: str, out: str) -> None:
    before = snapshot(careless.parent)
    target = str(careless.parent / "home") if out == "HOME" else out
    result = casebook(command, "--out", target, cwd=careless)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"casebook {command}: --out {target}: ") and " — " in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(careless.parent) == before


@pytest.mark.parametrize("command", ["build", "export"])
def test_build_and_export_refuse_a_folder_inside_a_built_site(careless: Path, built_site: Path, command: str) -> None:
    # `--out site/sub` would make a site part of the site: the package would carry it twice over, and the
    # next build would find files it did not write.
    shutil.copytree(built_site, careless / "site")
    before = snapshot(careless.parent)
    result = casebook(command, "--out", "site/sub", cwd=careless)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"casebook {command}: --out site/sub: 作ったサイト（site/）の中です"), result.stderr
    assert snapshot(careless.parent) == before


@pytest.mark.parametrize("out", [*CARELESS_OUTS, "SITE", "SITE/data"])
def test_package_refuses_a_folder_it_did_not_make(careless: Path, built_site: Path, out: str) -> None:
    site = careless.parent / "site"
    shutil.copytree(built_site, site)
    before = snapshot(careless.parent)
    target = {"HOME": str(careless.parent / "home"), "SITE": str(site), "SITE/data": str(site / "data")}.get(out, out)
    result = casebook("package", "--site", str(site), "--out", target, cwd=careless)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"casebook package: --out {target}: ") and "Traceback" not in result.stderr
    assert snapshot(careless.parent) == before


@pytest.mark.parametrize("out", ["cases", "docs", ".", "generator"])
def test_schema_refuses_a_folder_it_did_not_make(careless: Path, out: str) -> None:
    before = snapshot(careless.parent)
    result = casebook("schema", "--out", out, cwd=careless)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert snapshot(careless.parent) == before


def test_outputs_are_rewritten_in_folders_casebook_made(tmp_path: Path, built_site: Path) -> None:
    # dist/ holding the exports (dist/data) and earlier archives is casebook's: every command may write again.
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    for _ in range(2):
        assert casebook("export", cwd=project).returncode == 0
        packaged = casebook("package", "--site", str(built_site), cwd=project)
        assert packaged.returncode == 0, packaged.stderr
        assert casebook("schema", "--out", "schema", cwd=project).returncode == 0
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["casebook-site.tar.gz", "casebook-site.zip", "data"]
    (project / "dist" / "notes.txt").write_text("利用者のメモ", encoding="utf-8")
    again = casebook("package", "--site", str(built_site), cwd=project)
    assert again.returncode == 2 and "notes.txt" in again.stderr


BAD_SITE_URLS = [
    'https://intra.example.lg.jp/kb/"><script>alert(1)</script>',
    "javascript://intra.example.lg.jp/%0aalert(1)",
    "ftp://intra.example.lg.jp/kb/",
    "intra.example.lg.jp/kb/",
    "https://intra.example.lg.jp/kb/?q=1",
    "https://user@intra.example.lg.jp/kb/",
    "https://intra.example.lg.jp/k b/",
    "https://intra.example.lg.jp/kb/index.html",
]


@pytest.mark.parametrize("url", BAD_SITE_URLS)
def test_build_refuses_a_site_url_that_is_not_a_plain_http_address(tmp_path: Path, url: str) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    result = casebook("build", "--site-url", url, cwd=project)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("casebook build: --site-url ") and " — 例: https://" in result.stderr
    assert not (project / "site").exists()


@pytest.mark.parametrize("url", BAD_SITE_URLS[:2])
def test_plugin_refuses_a_bad_site_url_from_the_environment(tmp_path: Path, url: str) -> None:
    from sitecheck import build

    result = build(copy_project(tmp_path / "p", cases=SAMPLE_CASES), tmp_path / "out", env={"CASEBOOK_SITE_URL": url})
    assert result.returncode != 0
    assert "site_url「" in result.stderr and "CASEBOOK_SITE_URL" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_site_url_is_encoded_and_escaped_wherever_it_is_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", cases=SAMPLE_CASES)
    result = casebook("build", "--site-url", "https://intra.example.lg.jp/事例&資料", cwd=project)
    assert result.returncode == 0, result.stderr
    base = "https://intra.example.lg.jp/%E4%BA%8B%E4%BE%8B&amp;%E8%B3%87%E6%96%99/"
    page = (project / "site" / "cases" / "goka" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base}cases/goka/">' in page
    sitemap = ET.parse(project / "site" / "sitemap.xml").getroot()
    feed = ET.parse(project / "site" / "feed.xml").getroot()
    addresses = [e.text for e in sitemap.iter() if e.tag.endswith("loc")]
    addresses += [e.get("href") for e in feed.iter() if e.tag.endswith("link")]
    assert addresses and all(a and a.startswith(base.replace("&amp;", "&")) for a in addresses)
    raw = [p for p in (project / "site").rglob("*.html") if "資料/" in p.read_text(encoding="utf-8")]
    assert raw == []


def test_an_export_that_fails_midway_leaves_the_previous_files_whole(corpus, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    from casebook.export import write_exports

    write_exports(corpus, tmp_path, {})
    before = snapshot(tmp_path)

    def full_disk(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04")  # half a file, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full_disk)
    with pytest.raises(OSError):
        write_exports(corpus, tmp_path, {})
    assert snapshot(tmp_path) == before
    assert load_xlsx(tmp_path / "cases.xlsx") == flat_rows(corpus)


def test_export_into_a_folder_it_cannot_write_says_so(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    (tmp_path / "locked").write_text("ファイル", encoding="utf-8")
    result = casebook("export", "--out", "locked/data", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("casebook export: --out locked/data: 書き込めません")


def test_exports_speak_the_sites_words_and_excel_sorts_numbers_and_dates(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from casebook.export import FLAT_COLUMNS

    goka = next(row for row in load_csv(cases_csv(corpus)) if row["id"] == "goka")
    category = corpus.taxonomy.category(goka["category_slug"])
    assert category is not None and goka["category"] == category.label  # 日本語, not "plans-and-systems"
    assert all(not c.isascii() for c in goka["challenges"].split(";"))
    assert goka["challenge_slugs"].split(";")[0].isascii()
    assert goka["sources"].startswith("「デジタル人材の育成ガイドブック＜事例編＞」（総務省） p.")

    path = tmp_path / "cases.xlsx"
    cases_xlsx(corpus, path)
    sheet = load_workbook(path).active
    assert sheet is not None
    column = {key: i for i, (key, _label) in enumerate(FLAT_COLUMNS)}
    rows = list(sheet.iter_rows(min_row=2))
    populations = [r[column["population"]].value for r in rows if r[column["population"]].value is not None]
    assert populations and all(isinstance(v, int) for v in populations)
    assert sorted(populations)[0] < 19000 < sorted(populations)[-1]  # as numbers: 8000 < 19000 < 107000
    published = [r[column["published"]].value for r in rows]
    assert all(isinstance(v, dt.datetime) for v in published)
    assert sheet.column_dimensions["B"].width >= 30  # the title column is wide enough to read
