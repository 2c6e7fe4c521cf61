"""Search benchmark (`make bench-search`).

1. The bundled knowledge base: index time and size, and what the browser downloads for a first and a
   second query.
2. At 5,000 synthetic cases (`bench/scale.py`'s own generator): the site's search page side by side
   with Pagefind alone (a bare page that imports pagefind.js, runs the same query against the same
   index and loads the first results' data, as many as the search page shows), and for reference the
   same bare page with the theme's styles and scripts, and the search page reached from another page.
   Each visit is a fresh browser context (empty cache); the pages take turns; medians are shown.
   Then the script time of later searches and facet clicks on the search page.

Run: `make bench-search`; `--site DIR` reuses a synthetic site built before (`--keep DIR` keeps one).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from casebook.search import index_site  # noqa: E402
from sitecheck import serve  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
QUERIES = ("研修", "職員", "松本", "DXアドバイザー", "ITパスポート", "東北")
"""研修 and 職員 are on nearly every synthetic case (the very common queries); the rest name one thing."""
SHOWN = 10
"""Results the search page shows at first (casebook.js PAGE_SIZE); Pagefind alone loads as many."""
ALONE = "_bench/pagefind-alone/"
THEMED = "_bench/pagefind-themed/"
"""Pagefind alone again, in a page that also loads the theme's styles and scripts (a control)."""
ALONE_PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Pagefind alone</title>%s</head>
<body><ol id="results"></ol><script type="module">
const pagefind = await import("../../pagefind/pagefind.js");
await pagefind.options({ baseUrl: new URL("../../", location.href).pathname });
const search = await pagefind.search(new URLSearchParams(location.search).get("q"));
const data = await Promise.all(search.results.slice(0, %d).map((r) => r.data()));
for (const item of data) {
  const li = document.createElement("li");
  li.textContent = item.meta.title;
  document.getElementById("results").append(li);
}
performance.mark("bench:results");
</script>%s</body></html>
"""


def _build(project: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=project, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    return time.perf_counter() - start


def _size(request: Any) -> int:
    """Bytes a finished request brought: its response's headers and body, as sent."""
    sizes = request.sizes()
    return int(sizes["responseBodySize"]) + int(sizes["responseHeadersSize"])


def _bytes_for(page: Any, action: Callable[[], None]) -> tuple[int, int, int]:
    """(all bytes, search bytes, requests) the browser fetched while `action` ran.

    Search bytes are Pagefind's files, our search scripts and our search data: what the search costs beyond the page.
    """
    finished: list[Any] = []

    def on_finished(request: Any) -> None:
        finished.append(request)

    page.on("requestfinished", on_finished)
    action()
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", on_finished)
    sizes = [(_size(request), _is_search(request.url)) for request in finished]
    return sum(n for n, _ in sizes), sum(n for n, search in sizes if search), len(sizes)


SEARCH_SCRIPTS = re.compile(r"/assets/(search[^/]*|normalize)\.js$")
"""Our search scripts (the page's, its worker's and the pipeline both import): they count as search, as
Pagefind's own pagefind.js and pagefind-worker.js do on the Pagefind-alone page."""


def _is_search(url: str) -> bool:
    path = url.split("?", 1)[0].split("#", 1)[0]
    return "/pagefind/" in path or ("/search/" in path and not path.endswith("/")) or bool(SEARCH_SCRIPTS.search(path))


def bundled() -> list[tuple[str, str]]:
    """The 53-record figures: build, index alone, and a first and a second query."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_seconds = _build(ROOT, site)  # includes one indexing run (the plugin's streamed one)
        stats = index_site(site)  # measured alone
        pages = len(list(site.rglob("*.html")))
        with serve(site) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page()

            def open_with_query() -> None:
                page.goto(base + "search/?q=研修")
                page.wait_for_function("document.querySelector('#cb-search')?.dataset.busy === 'false'")

            def query(text: str) -> None:
                page.fill("#cb-search-input", text)
                page.keyboard.press("Enter")
                page.wait_for_function("document.querySelector('#cb-search').dataset.busy === 'false'")

            first = _bytes_for(page, open_with_query)
            second = _bytes_for(page, lambda: query("松本"))
            browser.close()
    return [
        ("HTML ページ数", f"{pages}"),
        ("索引したページ数", f"{stats.pages}"),
        ("mkdocs build（索引を含む）", f"{build_seconds:.2f} s"),
        ("Pagefind 索引づくり（単独）", f"{stats.seconds:.2f} s"),
        ("索引の大きさ", f"{stats.bytes / 1024:.0f} KiB（{stats.files} ファイル）"),
        (
            "1 回目の検索（研修、検索ページを開くところから）",
            f"計 {first[0] / 1024:.1f} KiB、うち検索 {first[1] / 1024:.1f} KiB（{first[2]} リクエスト）",
        ),
        (
            "2 回目の検索（松本）",
            f"計 {second[0] / 1024:.1f} KiB、うち検索 {second[1] / 1024:.1f} KiB（{second[2]} リクエスト）",
        ),
    ]


# --- 5,000 cases: the search page beside Pagefind alone ------------------------------------------


@dataclass(frozen=True)
class Visit:
    """One cold first search: search bytes and requests until results were shown, and after."""

    bytes: int
    requests: int
    page_bytes: int
    """Everything else the page fetched (its HTML, theme styles and scripts)."""
    ms: float
    """From the start of navigation to the results on screen (`performance.mark`)."""
    idle_bytes: int
    """Search bytes once the network went quiet (anything fetched after the results counts here)."""
    results: int


def _visit(browser: Any, url: str, mark: str, came_from: str | None = None) -> Visit:
    """A first visit to `url` in a new browser context; `came_from` is a page of the site opened before."""
    context = browser.new_context()
    page = context.new_page()
    if came_from:
        page.goto(came_from)
        page.wait_for_load_state("networkidle")
    finished: list[Any] = []
    # Sizes are asked for once the time is taken: each request.sizes() is a round trip to the browser
    # driver, and made during the visit they took CPU from the page in proportion to its requests.
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url)
    page.wait_for_function(f"performance.getEntriesByName({mark!r}).length > 0", timeout=120_000)
    ms = float(page.evaluate(f"performance.getEntriesByName({mark!r})[0].startTime"))
    by_results = len(finished)
    page.wait_for_load_state("networkidle")
    results = int(page.evaluate("document.querySelectorAll('.cb-result, #results li').length"))
    seen = [(request.url, _size(request)) for request in finished]
    at_results = seen[:by_results]
    context.close()
    search = [n for u, n in at_results if _is_search(u)]
    return Visit(
        bytes=sum(search),
        requests=len(search),
        page_bytes=sum(n for u, n in at_results if not _is_search(u)),
        ms=ms,
        idle_bytes=sum(n for u, n in seen if _is_search(u)),
        results=results,
    )


def _median(visits: list[Visit]) -> Visit:
    by_time = sorted(visits, key=lambda v: v.ms)
    middle = by_time[len(by_time) // 2]
    return Visit(
        bytes=int(statistics.median(v.bytes for v in visits)),
        requests=int(statistics.median(v.requests for v in visits)),
        page_bytes=int(statistics.median(v.page_bytes for v in visits)),
        ms=middle.ms,
        idle_bytes=int(statistics.median(v.idle_bytes for v in visits)),
        results=middle.results,
    )


@contextmanager
def _alone_page(site: Path) -> Iterator[None]:
    """The bare Pagefind page, and the same with the search page's theme files (both two folders deep)."""
    search_page = (site / "search" / "index.html").read_text(encoding="utf-8").replace('"../', '"../../')
    styles = "".join(re.findall(r'<link rel="stylesheet"[^>]*>', search_page))
    scripts = "".join(
        re.findall(r'<script id="__config"[^<]*</script>|<script src="[^"]*bundle[^"]*"></script>', search_page)
    )
    for path, head, body in ((ALONE, "", ""), (THEMED, styles, scripts)):
        (site / path).mkdir(parents=True, exist_ok=True)
        (site / path / "index.html").write_text(ALONE_PAGE % (head, SHOWN, body), encoding="utf-8")
    try:
        yield
    finally:
        shutil.rmtree(site / ALONE.split("/")[0], ignore_errors=True)


@dataclass(frozen=True)
class Row:
    """One query measured four ways, side by side in one run.

    The search page, Pagefind alone, Pagefind alone in a page with the theme's files, and the
    search page opened from another page of the site (the header box's way in: the theme is cached).

    Times are compared run by run (each against the Pagefind-alone visit of the same round) and the
    median of those ratios is shown: the machine's load drifts less within a round than across the run.
    """

    query: str
    ours: Visit
    alone: Visit
    themed: Visit
    arrived: Visit
    ratios: tuple[float, float, float]
    """Time ratios to Pagefind alone: the search page, the themed control, arriving from another page."""


def side_by_side(site: Path, queries: tuple[str, ...], runs: int) -> list[Row]:
    """For each query: the search page, Pagefind alone and the themed control, in turn, `runs` cold visits each."""
    from playwright.sync_api import sync_playwright

    rows = []
    with _alone_page(site), serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        _visit(browser, f"{base}{ALONE}?q=x", "bench:results")  # warm the disk cache and the browser
        pages = (
            ("search/", "casebook:results", None),
            (ALONE, "bench:results", None),
            (THEMED, "bench:results", None),
            ("search/", "casebook:results", f"{base}about/"),
        )
        for q in queries:
            visits: list[list[Visit]] = [[], [], [], []]
            for _ in range(runs):
                for seen, (path, mark, came_from) in zip(visits, pages, strict=True):
                    seen.append(_visit(browser, f"{base}{path}?q={quote(q)}", mark, came_from))
            ours_ratio, themed_ratio, arrived_ratio = (
                statistics.median(v.ms / a.ms for v, a in zip(seen, visits[1], strict=True))
                for seen in (visits[0], visits[2], visits[3])
            )
            ours, alone, themed, arrived = (_median(v) for v in visits)
            rows.append(Row(q, ours, alone, themed, arrived, (ours_ratio, themed_ratio, arrived_ratio)))
            print(f"[5000] {q}: {rows[-1]}", file=sys.stderr, flush=True)
        browser.close()
    return rows


def later_actions(site: Path) -> list[tuple[str, float, float]]:
    """Main-thread script time (CDP ScriptDuration) and wall time of later searches and facet clicks."""
    from playwright.sync_api import sync_playwright

    steps: list[tuple[str, str, str]] = [
        ("query", "松本", "2 回目の検索（松本）"),
        ("query", "DXアドバイザー", "3 回目の検索（DXアドバイザー）"),
        ("open", "type", "絞り込み「種別」を開く"),
        ("check", "type", "絞り込み「種別」で 1 つ選ぶ"),
        ("open", "region", "絞り込み「地方」を開く"),
        ("check", "region", "絞り込み「地方」で 1 つ選ぶ"),
        ("query", "研修", "絞り込んだまま検索（研修）"),
    ]
    out = []
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(f"{base}search/?q={quote('職員')}")
        page.wait_for_function("performance.getEntriesByName('casebook:results').length > 0", timeout=120_000)
        page.wait_for_load_state("networkidle")
        for action, arg, label in steps:
            before = _script_seconds(cdp)
            start = time.perf_counter()
            _act(page, action, arg)
            page.wait_for_function("document.querySelector('#cb-search').dataset.busy === 'false'")
            wall = time.perf_counter() - start
            page.wait_for_load_state("networkidle")
            out.append((label, (_script_seconds(cdp) - before) * 1000, wall * 1000))
        browser.close()
    return out


def _act(page: Any, action: str, arg: str) -> None:
    if action == "query":
        page.fill("#cb-search-input", arg)
        page.keyboard.press("Enter")
    elif action == "open":
        page.locator(f'fieldset[data-facet="{arg}"] .cb-facet__open').click()
    else:
        page.locator(f'fieldset[data-facet="{arg}"] input[type="checkbox"]').first.check()
    page.wait_for_timeout(50)  # let the click start the search (busy becomes true)


def _script_seconds(cdp: Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ScriptDuration"))


def synthetic_site(cases: int, keep: Path | None) -> tuple[Path, float, tempfile.TemporaryDirectory[str] | None]:
    """Generate `cases` synthetic cases and build them; (site, build seconds, temp folder to clean)."""
    from scale import generate

    tmp = None
    if keep is None:
        tmp = tempfile.TemporaryDirectory()
        keep = Path(tmp.name)
    project = keep / "kb"
    shutil.rmtree(project, ignore_errors=True)
    generate(project, cases)
    print(f"[{cases}] 生成しました。ビルドしています…", file=sys.stderr, flush=True)
    seconds = _build(project, keep / "site")
    return keep / "site", seconds, tmp


def _kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB"


def scale_table(rows: list[Row]) -> str:
    """The side-by-side table for BENCHMARKS.md."""
    lines = [
        "| 最初の検索（検索ページを開いてから結果が出るまで） | サイトの検索ページ | Pagefind だけ（同じ語・同じ索引） | 比（バイト / 時間） | 結果のあとに取得 | 参考: Pagefind だけ＋テーマの CSS・JS | 参考: 他のページから検索ページへ |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ours, alone, themed, arrived = r.ours, r.alone, r.themed, r.arrived
        lines.append(
            f"| {r.query} | {_kib(ours.bytes)}、{ours.requests} リクエスト、{ours.ms / 1000:.2f} s"
            f" | {_kib(alone.bytes)}、{alone.requests} リクエスト、{alone.ms / 1000:.2f} s"
            f" | {ours.bytes / alone.bytes:.2f} / {r.ratios[0]:.2f} | {_kib(ours.idle_bytes - ours.bytes)}"
            f" | {themed.ms / 1000:.2f} s（{r.ratios[1]:.2f}）"
            f" | {_kib(arrived.bytes)}、{arrived.ms / 1000:.2f} s（{arrived.bytes / alone.bytes:.2f} / {r.ratios[2]:.2f}） |"
        )
    page = statistics.median(r.ours.page_bytes for r in rows)
    lines.append(f"\n検索ページ自体（HTML・テーマの CSS と JavaScript）は別に {_kib(page)}（どのページも同じテーマ）。")
    return "\n".join(lines)


def main() -> None:
    """Measure the bundled site and, unless skipped, 5,000 synthetic cases."""
    parser = argparse.ArgumentParser(description="casebook の検索ベンチマーク")
    parser.add_argument("--cases", type=int, default=5000, help="合成データの事例数（0 なら測らない）")
    parser.add_argument("--site", type=Path, help="前に作った合成データのサイト（ビルドを省く）")
    parser.add_argument("--keep", type=Path, help="合成データとサイトをこのフォルダに残す")
    parser.add_argument("--runs", type=int, default=7, help="1 語あたりの測定回数（中央値を示す）")
    parser.add_argument("--queries", default=",".join(QUERIES))
    parser.add_argument("--skip-bundled", action="store_true", help="同梱の知識ベースの表を省く")
    args = parser.parse_args()

    if not args.skip_bundled:
        print("| 項目 | 値 |\n|---|---|")
        for key, value in bundled():
            print(f"| {key} | {value} |")
        print()
    if not args.cases and not args.site:
        return
    tmp = None
    site = args.site
    if site is None:
        site, seconds, tmp = synthetic_site(args.cases, args.keep)
        print(f"[{args.cases}] ビルド {seconds:.0f} s", file=sys.stderr, flush=True)
    try:
        entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
        pages = sum(int(lang["page_count"]) for lang in entry["languages"].values())
        rows = side_by_side(site, tuple(args.queries.split(",")), args.runs)
        later = later_actions(site)
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(
        f"合成データ {args.cases:,} 件（索引したページ {pages:,}、Pagefind {entry['version']}）、"
        f"各語 {args.runs} 回の中央値（時間の比は回ごとの比の中央値）、毎回キャッシュなしの新しいブラウザ文脈で、"
        "サイトと Pagefind だけ・参考の 2 つを順に\n"
    )
    print(scale_table(rows))
    print("\n| 2 回目以降の操作 | スクリプト時間 | 結果が出るまで |\n|---|---:|---:|")
    for label, script_ms, wall_ms in later:
        print(f"| {label} | {script_ms:.0f} ms | {wall_ms:.0f} ms |")


if __name__ == "__main__":
    main()
