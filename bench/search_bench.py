"""Search benchmark: index time and size, and what the browser downloads for a first and a second query.

Run: `make bench-search` (builds the bundled knowledge base into a temporary folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from casebook.search import index_site  # noqa: E402
from sitecheck import serve  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def _build(out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    return time.perf_counter() - start


def _bytes_for(page: object, action: object) -> tuple[int, int, int]:
    """(all bytes, search bytes, requests) the browser fetched while `action` ran.

    Search bytes are Pagefind's files and our vocabulary: what the search costs beyond the page.
    """
    sizes: list[tuple[int, bool]] = []

    def on_finished(request: object) -> None:
        s = request.sizes()  # type: ignore[attr-defined]
        url = request.url  # type: ignore[attr-defined]
        size = int(s["responseBodySize"]) + int(s["responseHeadersSize"])
        sizes.append((size, "/pagefind/" in url or url.endswith("terms.json")))

    page.on("requestfinished", on_finished)  # type: ignore[attr-defined]
    action()  # type: ignore[operator]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.remove_listener("requestfinished", on_finished)  # type: ignore[attr-defined]
    return sum(n for n, _ in sizes), sum(n for n, search in sizes if search), len(sizes)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_seconds = _build(site)  # includes one indexing run (the plugin's post-build step)
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

    rows = [
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
    print("| 項目 | 値 |\n|---|---|")
    for key, value in rows:
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
