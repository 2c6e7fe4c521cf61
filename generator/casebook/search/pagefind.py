"""Search adapter: the only module that imports Pagefind (DESIGN §2, §6).

Always the *extended* Pagefind binary: the standard one does not segment Japanese, and a
silent fallback would ship a search that finds nothing for 研修 or 窓口.

Pagefind 1.6 (npm, installed by `make` into tools/pagefind) is preferred to PyPI's 1.5.2: its word
splitting indexes every two-kanji pair and katakana word ends, so 「東北」 matches 東北 instead of every
page with 東, 「共創プラットフォーム」 and 「先端技術」 are found at all, and a query fetches less
(BENCHMARKS.md). PyPI's build is the fallback, and the plugin warns when it is used.

Where Node.js is installed, casebook splits the pages' Japanese into words itself, as the browser splits a
query, and Pagefind indexes those words (search/words.py): half the memory, a third of the time.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from io import BufferedReader
from pathlib import Path
from typing import Any, cast

from casebook.search.words import BODY, SPLIT_LANGUAGE, WordSplitError, WordSplitter, node

OUTPUT = "pagefind"
"""Folder of the index inside the built site."""
READY_MADE_UI = frozenset(
    [
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-highlight.js",
    ]
)
"""Pagefind's ready-made search interfaces: the search page uses its API (assets/search.js), so they are
not written (430 KB a server would hold and an archive carry for nothing)."""


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why, in Japanese."""


@dataclass(frozen=True)
class IndexStats:
    """What indexing produced: pages indexed, seconds taken, bytes written."""

    pages: int
    seconds: float
    bytes: int
    files: int
    peak_mib: int | None = None
    """Pagefind's peak resident memory, where the system tells it (Linux); it grows with the pages
    (about 0.5 MiB per long page with Pagefind 1.6 and casebook's word splitting, 1 MiB with Pagefind's own,
    BENCHMARKS.md), so the log shows it to operators."""

    def summary(self) -> str:
        """The build log's line, in Japanese."""
        text = f"検索索引: {self.pages} ページ、{self.bytes / 1024:.0f} KiB、{self.seconds:.1f} 秒"
        return text + (f"、Pagefind の最大メモリ {self.peak_mib:,} MiB" if self.peak_mib else "")


PREFERRED_VERSION = "1.6.0"
"""The Pagefind that tools/pagefind/package.json pins; `make` installs it from npm."""
NPM_FOLDER = Path("tools") / "pagefind"


def extended_binary() -> Path:
    """Pagefind's extended binary: `CASEBOOK_PAGEFIND`, else npm's 1.6 in tools/pagefind, else PyPI's.

    `CASEBOOK_PAGEFIND=pypi` asks for PyPI's 1.5 on purpose: at thousands of long records it indexes
    in about half the memory of 1.6 (BENCHMARKS.md), with 1.5's weaker Japanese word splitting.
    SearchIndexError if none is installed.
    """
    explicit = os.environ.get("CASEBOOK_PAGEFIND")
    if explicit == "pypi":
        return _pypi_binary()
    if explicit:
        if not Path(explicit).is_file():
            raise SearchIndexError(
                f"CASEBOOK_PAGEFIND の {explicit} がありません — Pagefind extended の実行ファイルを指定してください"
            )
        return Path(explicit)
    return npm_binary() or _pypi_binary()


def npm_binary() -> Path | None:
    """The npm package's extended binary, under the working folder's or this checkout's tools/pagefind."""
    for root in dict.fromkeys((Path.cwd(), Path(__file__).resolve().parents[3])):
        packages = root / NPM_FOLDER / "node_modules" / "@pagefind"
        for name in ("pagefind_extended", "pagefind_extended.exe"):
            for binary in sorted(packages.glob(f"*/bin/{name}")):
                return binary
    return None


def preferred_binary_missing() -> bool:
    """True when the build would fall back to PyPI's Pagefind 1.5 (no npm 1.6, no CASEBOOK_PAGEFIND)."""
    return not os.environ.get("CASEBOOK_PAGEFIND") and npm_binary() is None


def fallback_notice() -> str | None:
    """What a publisher whose build falls back to PyPI's Pagefind 1.5 is told; None when it does not.

    Where Node.js splits the Japanese (search/words.py), 1.5 finds what 1.6 finds (81 of the 82 test
    queries, 東北 only the 東北 records: BENCHMARKS.md); where 1.5 splits it itself, 東北 also finds 東.
    """
    if not preferred_binary_missing():
        return None
    quality = (
        "日本語は casebook が語に区切るので、検索の質はほぼ変わりません"
        if node()
        else "「東北」が「東」を含むページにも当たるなど検索の質が下がります"
    )
    return (
        f"Pagefind 1.6 がないため、PyPI の Pagefind 1.5 で検索索引を作ります（{quality}）"
        " — `make build` か `npm ci --prefix tools/pagefind` で入れてください"
    )


def _pypi_binary() -> Path:
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


class _Service:
    """Pagefind's `--service` mode, spoken directly: base64 JSON messages, each ended by a comma.

    The bundled Python client polls for every reply with a 0.1 s sleep, which made indexing page by
    page take ~0.1 s per page; this one reads replies on a thread as they come.
    """

    def __init__(self, binary: Path) -> None:
        self._process = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._replies: dict[int, Future[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def send(self, payload: dict[str, Any]) -> Future[dict[str, Any]]:
        """Queue a request; the future holds the reply payload, or fails with the service's error."""
        future: Future[dict[str, Any]] = Future()
        with self._lock:
            self._next_id += 1
            self._replies[self._next_id] = future
            message = json.dumps({"message_id": self._next_id, "payload": payload}).encode("utf-8")
            assert self._process.stdin is not None
            try:
                self._process.stdin.write(base64.b64encode(message) + b",")
                self._process.stdin.flush()
            except OSError as exc:
                ended = self._process.poll() is not None
                future.set_exception(
                    SearchIndexError(_ended_how(self._process) if ended else f"Pagefind が応答しません（{exc}）")
                )
        return future

    def ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.send(payload).result(timeout=600)

    def _read(self) -> None:
        assert self._process.stdout is not None
        buffer = bytearray()
        stdout = cast(BufferedReader, self._process.stdout)
        while chunk := stdout.read1(1 << 16):
            # Look for the end of a message only in what just arrived: the index comes as one large reply.
            start = len(buffer)
            buffer += chunk
            end = buffer.find(b",", start)
            while end != -1:
                self._deliver(json.loads(base64.b64decode(buffer[:end])))
                del buffer[: end + 1]
                end = buffer.find(b",")
        with self._lock:  # the service ended: nothing still waiting may hang
            waiting = [future for future in self._replies.values() if not future.done()]
            ended = _ended_how(self._process) if waiting else ""
            for future in waiting:
                future.set_exception(SearchIndexError(ended))

    def _deliver(self, reply: dict[str, Any]) -> None:
        ident = reply.get("message_id")
        payload = reply.get("payload", {})
        if ident is None and payload.get("original_message"):
            ident = json.loads(payload["original_message"]).get("message_id")
        with self._lock:
            future = self._replies.pop(ident, None) if ident is not None else None
        if future is None:
            return
        if payload.get("type") == "Error":
            future.set_exception(SearchIndexError(f"Pagefind のエラー: {payload.get('message')}"))
        else:
            future.set_result(payload)

    def peak_mib(self) -> int | None:
        """The service's peak resident memory so far (VmHWM), or None where /proc does not say."""
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text(encoding="utf-8")
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
        return None

    def close(self) -> None:
        if self._process.stdin:
            with contextlib.suppress(BrokenPipeError):  # it died with a page still in the pipe's buffer
                self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=10)
        if self._process.stdout:
            self._process.stdout.close()


def _ended_how(process: subprocess.Popen[bytes]) -> str:
    """Why the service stopped before answering, for the build's error; a kill is most often memory."""
    try:
        code = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        code = None
    if code == -getattr(signal, "SIGKILL", 9):  # (Windows has no SIGKILL)
        # The kernel's out-of-memory killer sends SIGKILL: Pagefind 1.6 needs 0.5–1 MiB a long page (BENCHMARKS.md).
        return (
            "Pagefind が途中で止められました（SIGKILL。メモリが足りないとシステムに止められます） — メモリを増やすか、"
            "Node.js 18 以上を入れて語の区切りを casebook に任せるか（Pagefind のメモリが約半分）、"
            "CASEBOOK_PAGEFIND=pypi の Pagefind 1.5 を使って作り直してください（BENCHMARKS.md）"
        )
    return f"Pagefind が途中で終了しました（終了コード {code}）" if code else "Pagefind が途中で終了しました"


class SiteIndexer:
    """An index that takes pages as they are written, so Pagefind works alongside the site build.

    Use: `add(url, html)` for each page, then `write(site)`; or `add_directory(site)` for a built folder.
    """

    def __init__(self) -> None:
        self._start = time.perf_counter()
        self._service = _Service(extended_binary())
        self._pending: list[Future[dict[str, Any]]] = []
        self._splitter: WordSplitter | None = None
        node_path = node()
        language = SPLIT_LANGUAGE if node_path else "ja"
        try:
            reply = self._service.ask({"type": "NewIndex", "config": {"force_language": language, "verbose": False}})
            self._index_id = int(reply["index_id"])
            if node_path:
                self._splitter = WordSplitter(node_path, self._send)
        except BaseException:
            self._service.close()
            raise

    def add(self, url: str, html: str) -> None:
        """Hand one built page to Pagefind; pages without `data-pagefind-body` are skipped by Pagefind."""
        if self._splitter and BODY in html:
            try:
                self._splitter.add(url, html)
            except WordSplitError as error:
                raise SearchIndexError(str(error)) from None
        else:
            self._send(url, html)

    def _send(self, url: str, html: str) -> None:
        self._pending.append(
            self._service.send({"type": "AddFile", "index_id": self._index_id, "url": url, "file_contents": html})
        )

    def add_directory(self, site: Path) -> None:
        """Index every page of a built site folder."""
        if not self._splitter:
            self._pending.append(self._service.send({"type": "AddDir", "index_id": self._index_id, "path": str(site)}))
            return
        for page in sorted(site.rglob("*.html")):
            if (relative := page.relative_to(site)).parts[0] != OUTPUT:
                self.add(_page_url(relative), page.read_text(encoding="utf-8"))

    def write(self, site: Path) -> IndexStats:
        """Wait for every page, write `site/pagefind/`, stop the service."""
        output = site / OUTPUT
        try:
            if self._splitter:
                try:
                    self._splitter.close()
                except WordSplitError as error:
                    raise SearchIndexError(str(error)) from None
            for future in self._pending:
                future.result(timeout=600)
            # The files come back in the reply and are written here. Pagefind's WriteFiles answers
            # before its last writes reach the disk, and the service exits as soon as its input ends:
            # under load that left an empty pagefind-entry.json or fragments behind.
            files = self._service.ask({"type": "GetFiles", "index_id": self._index_id})["files"]
            peak = self._service.peak_mib()  # before it exits: its files are built, its peak is past
        finally:
            self._service.close()
        shutil.rmtree(output, ignore_errors=True)
        for file in files:
            if file["path"] in READY_MADE_UI:
                continue
            path = output / file["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(file["content"]))
        entry = _entry(output)
        pages = sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())
        files = [p for p in output.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        return IndexStats(pages, time.perf_counter() - self._start, size, len(files), peak)

    def abandon(self) -> None:
        """Stop the service without writing anything (the build failed)."""
        if self._splitter:
            self._splitter.kill()
        self._service.close()


def _page_url(relative: Path) -> str:
    """A page's address as Pagefind's own folder walk gives it: index.html is its folder."""
    path = relative.as_posix()
    return "/" + (path[: -len("index.html")] if path.endswith("index.html") else path)


def _entry(output: Path) -> dict[str, Any]:
    """pagefind-entry.json, once complete: Pagefind 1.5.2 can answer WriteFiles before its files are flushed."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return cast(dict[str, Any], json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                raise SearchIndexError(f"Pagefind が {output} に索引を書き終えませんでした") from None
            time.sleep(0.05)


def index_site(site: Path) -> IndexStats:
    """Index a built site in place (writes `site/pagefind/`)."""
    indexer = SiteIndexer()
    indexer.add_directory(site)
    return indexer.write(site)
