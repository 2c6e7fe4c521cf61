"""The MkDocs adapter end to end: strict build, every index page, links, escaping, failures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.index import build_index
from casebook.validate import check
from sitecheck import ROOT, broken_links, build, copy_project

SAMPLE = Path(__file__).resolve().parent / "sample"


@pytest.fixture
def site(built_site: Path) -> Path:
    """The bundled knowledge base, built with `mkdocs build --strict`."""
    return built_site


# What a clean build logs. `--strict` fails only on warnings; MkDocs reports some link problems
# (absolute or unrecognised relative links) at INFO level, so any other line is a problem too.
CLEAN_LOG = (
    r"INFO    -  Cleaning site directory",
    r"INFO    -  Building documentation to directory: .*",
    r"INFO    -  casebook: .*",  # our plugin's progress; its problems are warnings or errors
    r"INFO    -  Documentation built in [\d.]+ seconds",
)


def unexpected_log_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if not any(re.fullmatch(p, line) for p in CLEAN_LOG)]


def test_build_logs_nothing_but_progress(built_site_log: tuple[Path, str]) -> None:
    _site, log = built_site_log
    assert "Documentation built in" in log
    assert unexpected_log_lines(log) == []


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sample records (hostile ones included) built with --strict, and the build's log.

    Its about page gains an absolute link, which MkDocs reports only at INFO level: --strict lets it through.
    """
    tmp = tmp_path_factory.mktemp("sample")
    project = copy_project(tmp / "p", cases=SAMPLE / "cases")
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[絶対パス](/cases/)\n", encoding="utf-8")
    result = build(project, tmp / "out")
    assert result.returncode == 0, result.stderr
    return tmp / "out", result.stderr


def test_log_check_catches_an_info_level_link_problem(sample_build: tuple[Path, str]) -> None:
    _site, log = sample_build
    assert [line for line in unexpected_log_lines(log) if "about.md" in line]


def test_every_index_entry_has_its_page(site: Path) -> None:
    index = build_index(check([ROOT / "cases"]))
    for kv in index.keywords:
        if kv.count:
            assert (site / kv.url / "index.html").is_file(), kv.url
    for group in index.categories:
        if group.count:
            assert (site / group.url / "index.html").is_file(), group.url
    for pref in index.prefectures:
        assert (site / pref.url / "index.html").is_file(), pref.url
    for cv in index.challenges:
        if cv.cases:
            assert (site / cv.url / "index.html").is_file(), cv.url
    for view in index.cases:
        assert (site / view.url / "index.html").is_file(), view.url
    for pv in index.programs:
        assert (site / pv.url / "index.html").is_file(), pv.url


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    assert broken_links(site) == []


def test_every_link_resolves_under_a_subpath(subpath_site: Path) -> None:
    # 404.html uses root-relative links: they must point under /kb/, where the site is served.
    assert broken_links(subpath_site, prefix="/kb/") == []


def test_links_checker_catches_a_broken_link(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "about").mkdir(parents=True)
    (site / "index.html").write_text('<a href="about/">ok</a><a href="about/#top">ok</a>', encoding="utf-8")
    (site / "about" / "index.html").write_text(
        '<h1 id="top">x</h1><a href="../nowhere/">x</a><a href="../#gone">x</a><a href="/kb/">x</a>', encoding="utf-8"
    )
    assert broken_links(site) == [
        "about/index.html -> ../nowhere/",
        "about/index.html -> ../#gone (アンカーなし)",
        "about/index.html -> /kb/",
    ]
    assert broken_links(site, prefix="/kb/") == [
        "about/index.html -> ../nowhere/",
        "about/index.html -> ../#gone (アンカーなし)",
    ]


def test_nav_stays_short(site: Path) -> None:
    # Material embeds the nav in every page: one entry per record would make the build O(N²).
    html = (site / "cases" / "goka" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="md-nav__link') < 40


def test_edit_link_points_at_the_yaml(tmp_path: Path) -> None:
    # MkDocs' own repo_url and edit_uri (which points at docs/) decide the editor; the record's YAML is edited.
    project = copy_project(tmp_path / "p")
    result = build(project, tmp_path / "out", env={"CASEBOOK_REPO_URL": "https://example.invalid/town/casebook"})
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "cases" / "goka" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.invalid/town/casebook/edit/main/cases/municipal/goka.yaml"' in html
    assert "<span>この事例を編集</span>" in html and "<span>事例を提案する</span>" in html
    about = (tmp_path / "out" / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.invalid/town/casebook/edit/main/docs/about.md"' in about
    keyword_page = (tmp_path / "out" / "keywords" / "ojt" / "index.html").read_text(encoding="utf-8")
    assert "example.invalid/town/casebook/edit" not in keyword_page
    assert 'data-md-component="source"' not in html  # Material would ask the forge's API from every page


def test_hostile_record_renders_as_text(sample_build: tuple[Path, str]) -> None:
    html = (sample_build[0] / "cases" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(2)&gt;", "")
    assert 'href="javascript:' not in html and "href='javascript:" not in html
    assert "<iframe" not in html and "<b>太字" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in html
    assert "49" not in html.split("<article", 1)[1].split("</article>", 1)[0]


def test_validation_errors_stop_the_build_and_keep_nothing_half_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    goka = project / "cases" / "municipal" / "goka.yaml"
    goka.write_text(
        goka.read_text(encoding="utf-8").replace("keywords: [定期アンケート", "keywords: [定期アンケトー"),
        encoding="utf-8",
    )
    result = build(project, tmp_path / "out")
    assert result.returncode != 0
    assert "cases/municipal/goka.yaml:" in result.stderr and "未登録のキーワード「定期アンケトー」" in result.stderr
    assert "候補: 定期アンケート" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "cases").exists()


def test_warnings_fail_strict(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    goka = project / "cases" / "municipal" / "goka.yaml"
    text = goka.read_text(encoding="utf-8").replace(
        "keywords: [定期アンケート,", "keywords: [定期アンケート, 定期アンケート,"
    )
    goka.write_text(text, encoding="utf-8")
    result = build(project, tmp_path / "out")
    assert result.returncode != 0
    assert "2 回あります" in result.stderr


def _links_of(site: Path, url: str) -> set[str]:
    """Site URLs (relative to the root) that a page links to."""
    import posixpath
    import re

    html = (site / url / "index.html").read_text(encoding="utf-8")
    article = html.split('<article class="md-content__inner', 1)[1].rsplit("</article>", 1)[0]
    out = set()
    for href in re.findall(r'href="([^"#]*)', article):
        if href.startswith(("http:", "https:")) or not href:
            continue
        out.add(posixpath.normpath(posixpath.join(url, href)) + "/")
    return out


def test_records_programs_and_challenges_link_both_ways(site: Path) -> None:
    index = build_index(check([ROOT / "cases"]))
    records = [*index.cases, *index.others]
    # The two-way check below must reach the other records too, not only the cases.
    assert any(view.programs for view in index.others) and any(view.challenges for view in index.others)
    for view in records:
        links = _links_of(site, view.url)
        for program in view.programs:
            assert program.url in links, f"{view.url} does not link to {program.url}"
            assert view.url in _links_of(site, program.url), f"{program.url} does not list {view.url}"
        for challenge in view.challenges:
            ch_url = f"challenges/{challenge.slug}/"
            assert ch_url in links, f"{view.url} does not link to {ch_url}"
            assert view.url in _links_of(site, ch_url), f"{ch_url} does not list {view.url}"
        for keyword in view.keywords:
            assert view.url in _links_of(site, f"keywords/{keyword.slug}/"), f"keyword {keyword.slug} misses {view.url}"


def test_framework_items_and_cases_link_both_ways(site: Path) -> None:
    index = build_index(check([ROOT / "cases"]))
    assert index.frameworks, "frameworks.yaml holds the ICT人財 and AI人財 frameworks"
    for fv in index.frameworks:
        links = _links_of(site, fv.url)
        assert len(fv.items) == 7
        for item in fv.items:
            for case in item.cases:
                assert case.url in links
                assert fv.url in _links_of(site, case.url)


def test_the_site_carries_no_file_it_never_loads(site: Path) -> None:
    # Material's own search (lunr, its worker), source maps and Pagefind's ready-made interfaces: the site
    # searches with Pagefind's API, so they only weigh on servers and archives (about 3 MB).
    unused = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.suffix == ".map"
        or "lunr" in p.parts
        or "workers" in p.parts
        or p.name.startswith("pagefind-ui")
        or p.name in ("pagefind-highlight.js", "pagefind-modular-ui.js", "pagefind-component-ui.js")
    ]
    assert unused == []
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.js"))
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert "sourceMappingURL" not in bundle.read_text(encoding="utf-8")  # no pointer to the left-out map
    for page in (site / "index.html", site / "search" / "index.html"):
        html = page.read_text(encoding="utf-8")
        # (Material's page configuration names its search worker, but nothing loads it without its search plugin.)
        assert not re.search(r"(src|href)=\"[^\"]*(lunr|workers/|pagefind-ui|pagefind-highlight)", html), page


def test_every_folder_of_pages_has_its_own_page(site: Path) -> None:
    # An address trimmed to its folder (…/prefectures/) must not end in a server's listing or a 404.
    folders = {p.parent for p in site.rglob("index.html")} | {p.parent.parent for p in site.rglob("*/index.html")}
    bare = sorted(
        f.relative_to(site).as_posix()
        for f in folders
        if f.is_relative_to(site)
        and not (f / "index.html").exists()
        and "page" not in f.parts
        and f.relative_to(site).parts[:1] not in (("assets",), ("pagefind",), ("data",))
    )
    assert bare == []
    listed = (site / "prefectures" / "index.html").read_text(encoding="utf-8")
    for page in (site / "prefectures").glob("*/index.html"):
        assert f'href="{page.parent.name}/"' in listed, page.parent.name
