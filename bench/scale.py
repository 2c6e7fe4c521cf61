"""Scale benchmark (`make bench`): synthetic corpora of 100, 1,000 and 5,000 cases.

For each size it reports `casebook check` time, the generator's own stages, the full build
(check + render + MkDocs + Pagefind), a bare `mkdocs build` of the same Markdown written out as plain
files (interleaved in the same run), peak memory, site and index size — and, at 1,000 cases, the time
from saving one YAML record to the rebuilt page being served by `mkdocs serve`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ("keywords.yaml", "categories.yaml", "challenges.yaml", "sources.yaml", "frameworks.yaml")


def generate(dest: Path, n: int, seed: int = 7) -> None:
    """A corpus of n valid cases built from the real records' text, with a Zipf-like keyword spread."""
    from casebook.load import load
    from casebook.municipality import PREFECTURES, check_digit

    rng = random.Random(seed)
    cases = dest / "cases"
    (cases / "municipal").mkdir(parents=True)
    for name in TAXONOMY:
        shutil.copy(ROOT / "cases" / name, cases / name)
    shutil.copytree(ROOT / "cases" / "programs", cases / "programs")
    # Through casebook's own loader: yaml.safe_load would keep the spaces YAML puts where a folded line of
    # Japanese breaks, and every synthetic record would carry them.
    real = [load(p).data for p in sorted((ROOT / "cases" / "municipal").glob("*.yaml"))]
    labels = [
        k["label"] for k in yaml.safe_load((ROOT / "cases" / "keywords.yaml").read_text(encoding="utf-8"))["keywords"]
    ]
    weights = [1 / (i + 1) for i in range(len(labels))]
    categories = ["plans-and-systems", "practical-training", "mic-advisors", "it-passport"]
    challenges = [
        c["slug"]
        for c in yaml.safe_load((ROOT / "cases" / "challenges.yaml").read_text(encoding="utf-8"))["challenges"]
    ]
    used: set[str] = set()
    for i in range(n):
        template = real[i % len(real)]
        pref = rng.randrange(1, 48)
        while True:
            part = rng.randrange(201, 700)
            code5 = f"{pref:02d}{part:03d}"
            if code5 not in used:
                used.add(code5)
                break
        kind = "一般市" if part < 300 else rng.choice(["町", "村"])
        keywords = list(dict.fromkeys(rng.choices(labels, weights, k=rng.randint(2, 5))))
        record = {
            "type": "case",
            "title": f"{template['title']}（合成{i}）",
            "organization": {
                "name": f"合成{i}{'市' if kind == '一般市' else kind}",
                "prefecture": PREFECTURES[pref - 1],
                "code": code5 + str(check_digit(code5)),
                "kind": kind,
                "population": {
                    "value": rng.randint(800, 140000) if kind == "一般市" else rng.randint(800, 30000),
                    "approximate": True,
                },
            },
            "category": rng.choice(categories),
            "keywords": keywords,
            "summary": template["summary"],
            "initiatives": template.get("initiatives", []),
            "interview": template.get("interview"),
            "figures": template.get("figures", []),
            "timeline": template.get("timeline", []),
            "challenges": rng.sample(challenges, k=2),
            "programs": [],
            "sources": [{"document": "guidebook", "page": 4}],
            "published": "2026-11-23",
            "updated": "2026-11-23",
        }
        record = {k: v for k, v in record.items() if v is not None}
        (cases / "municipal" / f"synthetic-{i:05d}.yaml").write_text(
            yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")


def measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak MiB of the process tree) of a command, run in a fresh wrapper process."""
    wrapper = (
        "import resource, subprocess, sys, time, json;"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:]);"
        "print(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    seconds, kib, code = json.loads(out.stdout.strip().splitlines()[-1])
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    return seconds, kib / 1024


def stage_times(project: Path) -> dict[str, float]:
    """The generator's own stages, in process (load+validate, index, render), as the pipeline runs them."""
    from casebook.index import build_index
    from casebook.render import render_assets, render_processes, render_site
    from casebook.validate import check

    # The stages of casebook.pipeline.make_site, timed one by one.
    t0 = time.perf_counter()
    corpus = check([project / "cases"], cwd=project)
    t1 = time.perf_counter()
    index = build_index(corpus)
    t2 = time.perf_counter()
    pages = render_site(index, processes=render_processes())
    render_assets(index)
    t3 = time.perf_counter()
    return {"check": t1 - t0, "index": t2 - t1, "render": t3 - t2, "pages": len(pages), "_pages": pages}  # type: ignore[dict-item]


def bare_project(project: Path, pages: dict[str, object], dest: Path) -> None:
    """The same Markdown as plain files, with Material and the same extensions but no plugin."""
    docs = dest / "docs"
    shutil.copytree(project / "docs", docs)
    for path, page in pages.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")  # type: ignore[attr-defined]
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    head, _, rest = config.partition("plugins:")
    _, _, tail = rest.partition("markdown_extensions:")
    (dest / "mkdocs.yml").write_text(head + "plugins: []\n\nmarkdown_extensions:" + tail, encoding="utf-8")


def folder_mib(path: Path) -> float:
    """Size of every file below `path`, in MiB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


def edit_to_served(project: Path) -> tuple[float, float]:
    """Seconds from saving one record to (its rebuilt page, the whole site agreeing) under `mkdocs serve`.

    The whole site agrees when the case list (the page of it that lists the record, which the record
    does not own) shows the edit.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"], cwd=project,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/cases/synthetic-00000/"

    def fetch(url: str = url) -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode("utf-8")
        except (OSError, http.client.HTTPException):
            return ""

    try:
        deadline = time.time() + 600
        while "合成0" not in fetch():
            if time.time() > deadline:
                raise RuntimeError("mkdocs serve did not come up")
            time.sleep(0.5)
        # Edit once the server is idle: the first build's search index is written in the background.
        entry = f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json"
        while not fetch(entry):
            if time.time() > deadline:
                raise RuntimeError("the first search index never appeared")
            time.sleep(0.5)
        time.sleep(1)
        # The case list is paged: the page that lists this record is the one that must follow the edit.
        listing = _listing_page(fetch, f"http://127.0.0.1:{port}/cases/")
        record = project / "cases" / "municipal" / "synthetic-00000.yaml"
        text = record.read_text(encoding="utf-8")
        start = time.perf_counter()
        record.write_text(text.replace("（合成0）", "（編集済み）", 1), encoding="utf-8")
        while "編集済み" not in fetch():
            if time.perf_counter() - start > 300:
                raise RuntimeError("the edit never showed up")
            time.sleep(0.05)
        page = time.perf_counter() - start
        while "編集済み" not in fetch(listing):
            if time.perf_counter() - start > 300:
                raise RuntimeError("the case list never followed the edit")
            time.sleep(0.05)
        return page, time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)


def _listing_page(fetch: Callable[[str], str], first: str) -> str:
    """The page of the paged case list that lists synthetic-00000."""
    url = first
    for n in range(2, 1000):
        if "synthetic-00000/" in fetch(url):
            break
        url = f"{first}page/{n}/"
    return url


PAGE_LIMIT = 300 * 1024
"""No HTML page may weigh more than this (what a reader on an LGWAN link downloads for one page)."""


def heaviest_pages(site: Path) -> dict[str, object]:
    """The largest HTML page of the built site, and how many pages are over PAGE_LIMIT."""
    sizes = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    largest, where = max(sizes)
    return {
        "largest_kib": largest / 1024,
        "largest_page": where,
        "over_limit": sum(1 for n, _p in sizes if n > PAGE_LIMIT),
    }


def run(sizes: list[int]) -> list[dict[str, object]]:
    """Generate, check, build (full and bare, interleaved) and index each size; one row per size."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "kb"
            generate(project, n)
            print(f"[{n}] 生成しました。検査しています…", file=sys.stderr, flush=True)
            check_s, _ = measured([sys.executable, "-m", "casebook.cli", "check", "cases"], project, env)
            stages = stage_times(project)
            bare = Path(tmp) / "bare"
            bare_project(project, stages.pop("_pages"), bare)  # type: ignore[arg-type]
            print(f"[{n}] 素の mkdocs build と casebook のビルドを交互に測っています…", file=sys.stderr, flush=True)
            bare_s, bare_mib = measured(
                [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(Path(tmp) / "bare-site")], bare, env
            )
            full_s, full_mib = measured(
                [sys.executable, "-m", "mkdocs", "build", "-d", str(Path(tmp) / "site")], project, env
            )
            site = Path(tmp) / "site"
            index_mib = folder_mib(site / "pagefind")
            from casebook.search import index_site

            shutil.rmtree(site / "pagefind")
            t = time.perf_counter()
            index_site(site)
            pagefind_s = time.perf_counter() - t
            row = {
                "cases": n,
                "pages": stages["pages"],
                "check_s": check_s,
                "stages_s": stages["check"] + stages["index"] + stages["render"],
                "index_s": stages["index"],
                "render_s": stages["render"],
                "full_s": full_s,
                "pagefind_s": pagefind_s,
                "bare_s": bare_s,
                "peak_mib": full_mib,
                "bare_peak_mib": bare_mib,
                "site_mib": folder_mib(site),
                "index_mib": index_mib,
                **heaviest_pages(site),
            }
            if n == 1000:
                print(f"[{n}] 編集からページ配信までを測っています…", file=sys.stderr, flush=True)
                row["edit_s"], row["edit_site_s"] = edit_to_served(project)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    return rows


def table(rows: list[dict[str, object]]) -> str:
    """The tables for BENCHMARKS.md."""
    lines = [
        "| 事例数 | ページ数 | casebook check | 生成器の段階（読込・検査・索引・描画） | 全体のビルド | 素の mkdocs build | 比（全体/素） | 生成器の割合 | 1 件あたり | Pagefind（単独で測定） | 最大メモリ | サイト | 検索索引 | 編集→そのページ / 全ページ |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        full, bare, pf, stages = float(r["full_s"]), float(r["bare_s"]), float(r["pagefind_s"]), float(r["stages_s"])  # type: ignore[arg-type]
        edit = f"{float(r['edit_s']):.2f} s / {float(r['edit_site_s']):.1f} s" if "edit_s" in r else "—"  # type: ignore[arg-type]
        lines.append(
            f"| {r['cases']:,} | {r['pages']:,} | {float(r['check_s']):.2f} s | {stages:.2f} s | {full:.1f} s | {bare:.1f} s"  # type: ignore[arg-type]
            f" | {full / bare:.2f} | {stages / full:.0%} | {full / int(r['cases']) * 1000:.1f} ms | {pf:.1f} s"  # type: ignore[arg-type]
            f" | {float(r['peak_mib']):,.0f} MiB | {float(r['site_mib']):,.0f} MiB | {float(r['index_mib']):,.1f} MiB | {edit} |"  # type: ignore[arg-type]
        )
    lines += ["", "| 事例数 | 最も重い HTML ページ | 300 KB を超えるページ |", "|---:|---|---:|"]
    for r in rows:
        lines.append(
            f"| {r['cases']:,} | {float(r['largest_kib']):,.0f} KiB（`{r['largest_page']}`） | {r['over_limit']} |"
        )  # type: ignore[arg-type]
    return "\n".join(lines)


def main() -> None:
    """Run the sizes given on the command line and print the tables."""
    parser = argparse.ArgumentParser(description="casebook の規模ベンチマーク")
    parser.add_argument("--sizes", default="100,1000,5000")
    args = parser.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")])
    print(f"機械: {platform.platform()}、CPU {os.cpu_count()} コア、Python {platform.python_version()}")
    print(f"コマンド: python bench/scale.py --sizes {args.sizes}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
