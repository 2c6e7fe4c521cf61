"""Japanese word splitting for the index: the pages Pagefind reads, split as the browser splits a query.

Pagefind 1.6's own Japanese splitting needs about 1 MiB of memory per long page while it indexes (4.4 GiB
at 5,000 synthetic cases) and cuts words differently from the browser (Pagefind issue #1237). Where
Node.js is installed, split_words.mjs puts a space between the words of each page's indexed text with
Intl.Segmenter, the splitter Pagefind's search script uses on the query in the browser, and Pagefind
indexes the words as they are (language "und": no splitting, no stemming). BENCHMARKS.md has the numbers.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

SPLITTER = Path(__file__).with_name("split_words.mjs")
SPLIT_LANGUAGE = "und"
"""The index's language when casebook splits the words: Pagefind then neither splits nor stems them."""
BODY = "data-pagefind-body"


class WordSplitError(Exception):
    """Node.js could not split the pages; the message says why and what to do, in Japanese."""


def node() -> str | None:
    """Node.js, which splits the words; None: Pagefind splits them itself (`CASEBOOK_WORDS=pagefind` asks so)."""
    if os.environ.get("CASEBOOK_WORDS") == "pagefind":
        return None
    return shutil.which("node")


class WordSplitter:
    """The copy of each page Pagefind reads, its text split into words by split_words.mjs.

    Pages go to Node.js in order and come back in order; a thread hands each to `deliver(url, page)` as
    it comes, so splitting, indexing and the site build run side by side. Only the part from
    `data-pagefind-body` on is sent (what Pagefind indexes); the head of the page waits here.
    """

    def __init__(self, node: str, deliver: Callable[[str, str], None]) -> None:
        self._process = subprocess.Popen(
            [node, str(SPLITTER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self._deliver = deliver
        self._waiting: deque[tuple[str, str]] = deque()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def add(self, url: str, html: str) -> None:
        """Split one page (it must hold `data-pagefind-body`)."""
        start = html.rfind("<", 0, html.index(BODY))
        self._waiting.append((url, html[:start]))
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(html[start:], ensure_ascii=False).encode("utf-8") + b"\n")
            self._process.stdin.flush()
        except OSError:
            raise WordSplitError(self._failure()) from None

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            url, head = self._waiting.popleft()
            self._deliver(url, head + json.loads(line))

    def close(self) -> None:
        """Wait until every page is split and delivered."""
        with contextlib.suppress(BrokenPipeError):  # it died with a page still in the pipe's buffer
            self._process.stdin.close()  # type: ignore[union-attr]
        self._reader.join()
        failed = self._process.wait() or self._waiting
        reason = self._failure() if failed else ""
        self._release()
        if reason:
            raise WordSplitError(reason)

    def kill(self) -> None:
        """Stop at once (the build failed)."""
        self._process.kill()
        self._process.wait()
        self._reader.join(timeout=10)
        self._release()

    def _release(self) -> None:
        for pipe in (self._process.stdin, self._process.stdout, self._process.stderr):
            with contextlib.suppress(BrokenPipeError):
                pipe.close()  # type: ignore[union-attr]

    def _failure(self) -> str:
        self._process.kill()
        error = self._process.stderr.read().decode("utf-8", "replace") if self._process.stderr else ""
        # Node.js ends its report with its version: the line that names the error says more.
        named = [line.strip() for line in error.splitlines() if "Error" in line]
        reason = named[0] if named else f"終了コード {self._process.wait()}"
        return (
            f"Node.js でページの語を区切れませんでした（{reason}） — Node.js 18 以上を入れるか、"
            "CASEBOOK_WORDS=pagefind で Pagefind 自身の区切り方を使ってください"
        )
