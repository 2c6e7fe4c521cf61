"""Engine benchmark (issue 17): `casebook build --engine mkdocs|properdocs|zensical`, side by side.

The bundled site and a synthetic corpus of 1,000 cases (bench/scale.py) are each built by every
engine, interleaved in rounds so that load on a shared machine falls on all engines alike; the
table gives the median of the rounds (whole `casebook build`: check, pages, engine, exports, Pagefind).

    .venv/bin/python bench/engines.py [--sizes 0,1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import ROOT, folder_mib, generate, measured  # a script beside this one

ENGINES = ("mkdocs", "properdocs", "zensical")


def project_of(size: int, scratch: Path) -> Path:
    """The bundled project (size 0) or a copy holding `size` synthetic cases."""
    if size == 0:
        return ROOT
    dest = scratch / f"cases-{size}"
    generate(dest, size)
    return dest


def run(sizes: list[int], rounds: int) -> list[dict[str, object]]:
    """One row per (corpus, engine): median seconds, peak MiB and site size."""
    engines = [e for e in ENGINES if importlib.util.find_spec(e) is not None]
    rows = []
    with tempfile.TemporaryDirectory(prefix="casebook-engines-") as tmp:
        scratch = Path(tmp)
        for size in sizes:
            project = project_of(size, scratch)
            times: dict[str, list[float]] = {e: [] for e in engines}
            peaks: dict[str, float] = {}
            sites: dict[str, float] = {}
            for _ in range(rounds):
                for engine in engines:
                    out = scratch / f"site-{size}-{engine}"
                    shutil.rmtree(out, ignore_errors=True)
                    command = [sys.executable, "-m", "casebook.cli", "build", "--engine", engine, "--out", str(out)]
                    env = {**os.environ, "PYTHONPATH": str(ROOT / "generator")}
                    seconds, peak = measured(command, project, env)
                    times[engine].append(seconds)
                    peaks[engine] = max(peaks.get(engine, 0.0), peak)
                    sites[engine] = folder_mib(out)
            pages = sum(1 for _ in (scratch / f"site-{size}-{engines[0]}").rglob("*.html"))
            for engine in engines:
                rows.append(
                    {
                        "corpus": "同梱の知識ベース" if size == 0 else f"合成 {size:,} 件",
                        "pages": pages,
                        "engine": engine,
                        "seconds": statistics.median(times[engine]),
                        "spread": f"{min(times[engine]):.1f}–{max(times[engine]):.1f}",
                        "peak": peaks[engine],
                        "site": sites[engine],
                    }
                )
    return rows


def table(rows: list[dict[str, object]]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| 対象 | HTML ページ | エンジン | casebook build（中央値） | 範囲 | 最大メモリ | サイト |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['pages']:,} | {r['engine']} | {r['seconds']:.1f} s | {r['spread']} s"
            f" | {r['peak']:,.0f} MiB | {r['site']:.0f} MiB |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run and print the table with the machine it ran on."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0,1000", help="合成事例の件数（0 は同梱の知識ベース）")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")], args.rounds)
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPU, {platform.machine()}")
    print(table(rows))


if __name__ == "__main__":
    main()
