"""Search adapter: the only module that imports Pagefind (DESIGN §2, §6).

Always the *extended* Pagefind binary: the standard one does not segment Japanese, and a
silent fallback would ship a search that finds nothing for 研修 or 窓口.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OUTPUT = "pagefind"
"""Folder of the index inside the built site."""


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why, in Japanese."""


@dataclass(frozen=True)
class IndexStats:
    """What indexing produced: pages indexed, seconds taken, bytes written."""

    pages: int
    seconds: float
    bytes: int
    files: int


def extended_binary() -> Path:
    """Path of Pagefind's extended binary, or SearchIndexError if it is not installed."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise SearchIndexError(
            "Pagefind の extended 版がありません。`pip install 'pagefind[extended]'` で入れてください"
            "（標準版は日本語を分かち書きできないため使いません）"
        ) from None
    path = Path(get_executable())
    if not path.exists():
        raise SearchIndexError(f"Pagefind extended の実行ファイル {path} が見つかりません")
    return path


@contextmanager
def _binary(path: Path) -> Iterator[None]:
    # The Python API reads PAGEFIND_BINARY_PATH first; pin it so nothing else is picked up.
    previous = os.environ.get("PAGEFIND_BINARY_PATH")
    os.environ["PAGEFIND_BINARY_PATH"] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PAGEFIND_BINARY_PATH", None)
        else:
            os.environ["PAGEFIND_BINARY_PATH"] = previous


async def _index(site: Path, output: Path) -> int:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(output_path=str(output), force_language="ja", verbose=False)
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(site))
        await index.write_files(str(output))
    # add_directory counts every HTML file it read; the entry file counts the pages indexed.
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())


def index_site(site: Path) -> IndexStats:
    """Index a built site in place (writes `site/pagefind/`)."""
    binary = extended_binary()
    output = site / OUTPUT
    start = time.perf_counter()
    for attempt in (1, 2):
        try:
            with _binary(binary):
                pages = asyncio.run(_index(site, output))
            break
        except SearchIndexError:
            raise
        except Exception as exc:  # the service reports failures as assorted exceptions
            # Seen once under load: the service's reply arrived empty. One retry, then a clear error.
            if attempt == 2:
                raise SearchIndexError(f"Pagefind による索引づくりに失敗しました（{exc}）") from exc
            shutil.rmtree(output, ignore_errors=True)
    seconds = time.perf_counter() - start
    files = [p for p in output.rglob("*") if p.is_file()]
    return IndexStats(pages, seconds, sum(p.stat().st_size for p in files), len(files))
