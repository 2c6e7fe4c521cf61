"""Search adapter: the extended binary only, and only record-like pages indexed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from casebook import search
from casebook.index import build_index
from casebook.search import pagefind
from casebook.search.words import SPLIT_LANGUAGE, WordSplitter
from casebook.taxonomy import normalize_key
from casebook.validate import check

ROOT = Path(__file__).resolve().parents[2]


def test_missing_extended_binary_is_an_error_not_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)
    monkeypatch.setattr(pagefind, "npm_binary", lambda: None)
    monkeypatch.delenv("CASEBOOK_PAGEFIND", raising=False)
    with pytest.raises(search.SearchIndexError, match="extended"):
        search.extended_binary()
    assert search.preferred_binary_missing()


@pytest.mark.parametrize(
    ("node_path", "says"), [("/usr/bin/node", "質はほぼ変わりません"), (None, "「東北」が「東」を含むページにも当たる")]
)
def test_the_fallback_notice_says_what_the_fallback_costs(
    monkeypatch: pytest.MonkeyPatch, node_path: str | None, says: str
) -> None:
    """Falling back to 1.5 costs quality only where Pagefind splits the Japanese itself (no Node.js)."""
    monkeypatch.delenv("CASEBOOK_PAGEFIND", raising=False)
    monkeypatch.setattr(pagefind, "npm_binary", lambda: None)
    monkeypatch.setattr(pagefind, "node", lambda: node_path)
    notice = search.fallback_notice()
    assert notice is not None and says in notice and "npm ci --prefix tools/pagefind" in notice
    monkeypatch.setenv("CASEBOOK_PAGEFIND", "pypi")  # chosen on purpose: nothing to say
    assert search.fallback_notice() is None


def test_a_named_binary_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CASEBOOK_PAGEFIND", str(tmp_path / "nothing"))
    with pytest.raises(search.SearchIndexError, match="CASEBOOK_PAGEFIND"):
        search.extended_binary()


def test_pypi_asks_for_pypis_pagefind_on_purpose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEBOOK_PAGEFIND", "pypi")
    binary = search.extended_binary()
    assert "node_modules" not in binary.parts and "pagefind_bin_extended" in binary.parts
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("pagefind 1.5")
    assert not search.preferred_binary_missing()  # chosen, not fallen back to: no warning


def test_pagefind_16_from_npm_is_preferred() -> None:
    binary = search.extended_binary()
    assert "extended" in binary.name and "node_modules" in binary.parts
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert pagefind.PREFERRED_VERSION in version
    assert not search.preferred_binary_missing()


def test_record_keyword_challenge_and_roadmap_pages_are_indexed(built_site: Path) -> None:
    index = build_index(check([ROOT / "cases"]))
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(lang["page_count"] for lang in entry["languages"].values())
    records = len(index.cases) + len(index.programs) + len(index.others)
    assert indexed == records + len(index.keywords) + len(index.challenges) + len(index.roadmaps)
    assert list(entry["languages"]) == [SPLIT_LANGUAGE]  # casebook split the words (Node.js is installed)
    assert entry["version"] == pagefind.PREFERRED_VERSION


def test_vocabulary_holds_variants_and_place_names() -> None:
    table = search.spellings(build_index(check([ROOT / "cases"])))
    assert normalize_key("基本方針策定") in table[("keyword", "基本方針の策定")]
    assert normalize_key("ひとり情シス") in table[("chpage", "1人情シス問題")]
    assert {"長野", "長野県", "ながのけん"} <= set(table[("prefecture", "長野県")])
    assert {"松本", "松本市", "まつもとし", "長野県松本市"} <= set(table[("org", "長野県松本市")])
    assert "ごかまち" in table[("org", "茨城県五霞町")]
    assert ("region", "東北") in table


def test_page_terms_hold_every_end_of_each_spelling() -> None:
    # The browser splits 「職場内訓練」 as 職場 / 内 / 訓練; each piece must start some indexed word.
    table = {("keyword", "OJT"): ("ojt(職場内訓練)", "dxアドバイザー")}
    words = search.page_terms(table, [("keyword", "OJT"), ("keyword", "unknown")]).split(" ")
    assert {"ojt", "職場内訓練", "内訓練", "訓練", "練", "dxアドバイザー", "アドバイザー"} <= set(words)
    assert "jt" not in words and "xアドバイザー" not in words  # ASCII words are never split
    assert len(words) == len(set(words))


def test_facets_list_only_values_some_page_carries() -> None:
    index = build_index(check([ROOT / "cases"]))
    facets = {f["key"]: f["values"] for f in search.facet_values(index)["facets"]}  # type: ignore[index, union-attr]
    assert list(facets) == [
        "type",
        "region",
        "prefecture",
        "kind",
        "band",
        "category",
        "keyword",
        "challenge",
        "program",
    ]
    assert "ロードマップ" in facets["type"]
    assert "北海道" in facets["prefecture"] and "沖縄県" not in facets["prefecture"]


def test_suggestions_are_split_by_first_character() -> None:
    files = search.search_assets(build_index(check([ROOT / "cases"])))
    shard = json.loads(files[f"search/suggest/{ord('i'):x}.json"])
    assert ["itパスポート", "ITパスポート"] in shard
    assert all(spelling.startswith("i") for spelling, _ in shard)


def _page(body: str, *, indexed: bool) -> str:
    attr = " data-pagefind-body" if indexed else ""
    return f'<!doctype html><html lang="ja"><head><title>t</title></head><body><main{attr}><h1>{body}</h1><p>{body}の研修</p></main></body></html>'


def test_pages_streamed_one_by_one_are_indexed_like_a_folder(tmp_path: Path) -> None:
    streamed, folder = tmp_path / "streamed", tmp_path / "folder"
    pages = {
        "cases/a/": _page("五霞町", indexed=True),
        "cases/b/": _page("松本市", indexed=True),
        "about/": _page("案内", indexed=False),
    }
    indexer = search.SiteIndexer()
    for url, html in pages.items():
        indexer.add("/" + url, html)
        (folder / url).mkdir(parents=True)
        (folder / url / "index.html").write_text(html, encoding="utf-8")
    streamed.mkdir()
    stats = indexer.write(streamed)
    assert stats.pages == 2 and stats.files > 0
    assert stats.pages == search.index_site(folder).pages
    if Path("/proc/self/status").exists():  # the operator sees what indexing took from the machine
        assert stats.peak_mib is not None and 0 < stats.peak_mib < 4096
        assert f"Pagefind の最大メモリ {stats.peak_mib:,} MiB" in stats.summary()
    assert (streamed / "pagefind" / "pagefind-entry.json").is_file()


def test_service_errors_become_search_index_errors(tmp_path: Path) -> None:
    indexer = search.SiteIndexer()
    try:
        with pytest.raises(search.SearchIndexError):
            indexer._service.ask({"type": "AddFile", "index_id": 999, "url": "/x/", "file_contents": "<html></html>"})
    finally:
        indexer.abandon()


def test_a_pagefind_killed_for_memory_is_explained(tmp_path: Path) -> None:
    # The out-of-memory killer sends SIGKILL: the build's error says so and names the lighter Pagefind.
    indexer = search.SiteIndexer()
    indexer.add("/x/", "<html><body data-pagefind-body><p>研修</p></body></html>")
    indexer._service._process.kill()
    with pytest.raises(search.SearchIndexError, match=r"SIGKILL.*CASEBOOK_PAGEFIND=pypi"):
        indexer.write(tmp_path)


# A stand-in for `pagefind --service` with the two traits that lost index files: it answers
# WriteFiles before the files reach the disk, and it exits the moment its input ends.
LAZY_SERVICE = r"""
import base64, json, os, sys, threading, time
files = {"pagefind-entry.json": json.dumps({"languages": {"ja": {"page_count": 1}}}).encode(),
         "fragment/ja_1.pf_fragment": b"fragment"}
def reply(message_id, payload):
    sys.stdout.write(base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode()).decode() + ",")
    sys.stdout.flush()
def late_write(path):
    time.sleep(1)
    for name, content in files.items():
        os.makedirs(os.path.dirname(os.path.join(path, name)), exist_ok=True)
        open(os.path.join(path, name), "wb").write(content)
buffer = b""
while chunk := sys.stdin.buffer.read1(65536):
    *messages, buffer = (buffer + chunk).split(b",")
    for raw in messages:
        message = json.loads(base64.b64decode(raw))
        kind, ident = message["payload"]["type"], message["message_id"]
        if kind == "NewIndex":
            reply(ident, {"type": "NewIndex", "index_id": 0})
        elif kind == "WriteFiles":
            threading.Thread(target=late_write, args=(message["payload"]["output_path"],), daemon=True).start()
            reply(ident, {"type": "WriteFiles", "output_path": message["payload"]["output_path"]})
        elif kind == "GetFiles":
            reply(ident, {"type": "GetFiles", "files": [
                {"path": n, "content": base64.b64encode(c).decode()} for n, c in files.items()]})
        else:
            reply(ident, {"type": "IndexedFile"})
os._exit(0)
"""


def test_the_index_is_complete_on_disk_when_write_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = tmp_path / "pagefind"
    stub.write_text(f"#!{sys.executable}\n{LAZY_SERVICE}", encoding="utf-8")
    stub.chmod(0o755)
    monkeypatch.setattr(pagefind, "extended_binary", lambda: stub)
    indexer = search.SiteIndexer()
    indexer.add("/cases/a/", _page("五霞町", indexed=True))
    stats = indexer.write(tmp_path / "site")
    assert stats.pages == 1
    assert (tmp_path / "site" / "pagefind" / "fragment" / "ja_1.pf_fragment").read_bytes() == b"fragment"


def test_the_index_is_read_once_pagefind_has_finished_writing_it(tmp_path: Path) -> None:
    # Pagefind 1.5.2 can report WriteFiles done while pagefind-entry.json is still empty.
    entry = tmp_path / "pagefind-entry.json"
    entry.write_text("", encoding="utf-8")
    later = threading.Timer(0.3, lambda: entry.write_text('{"languages": {}}', encoding="utf-8"))
    later.start()
    try:
        assert pagefind._entry(tmp_path) == {"languages": {}}
    finally:
        later.join()


def _split(pages: list[str]) -> list[str]:
    got: list[str] = []
    splitter = WordSplitter(shutil.which("node") or "node", lambda url, page: got.append(page))
    for page in pages:
        splitter.add("/x/", page)
    splitter.close()
    return got


def test_pagefind_reads_the_words_split_as_the_browser_splits_them() -> None:
    page = (
        "<!doctype html><html><head><title>職場内訓練</title><script>var 研修 = 1;</script></head><body>"
        '<div data-pagefind-body><h1 id="t">職場内訓練 &amp; DX推進</h1><p>自治体クラウドの研修</p>'
        "<script>const 職場内訓練 = 1;</script></div></body></html>"
    )
    (split,) = _split([page])
    head, body = split.split("<div data-pagefind-body>", 1)
    body = " ".join(body.split())
    assert head == page.split("<div data-pagefind-body>", 1)[0]  # what Pagefind does not index stays as written
    assert "職場 内 訓練 &amp; DX 推進</h1>" in body  # an entity is one character, not three words
    assert "自治体" in body and "研修</p>" in body and " の " in body
    assert "const 職場内訓練 = 1;" in body  # scripts are not text
    # The title as written, for the result list; ignored as content, so it is not indexed twice.
    assert body.startswith('<span data-pagefind-ignore data-pagefind-meta="title">職場内訓練 &amp; DX推進</span>')


def test_pages_come_back_in_the_order_they_were_given() -> None:
    pages = [f"<div data-pagefind-body><p>事例{n}の研修</p></div>" for n in range(300)]
    assert [p.replace(" ", "") for p in _split(pages)] == [p.replace(" ", "") for p in pages]


def test_without_node_pagefind_splits_the_words_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEBOOK_WORDS", "pagefind")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(_page("五霞町", indexed=True), encoding="utf-8")
    assert search.index_site(tmp_path).pages == 1
    entry = json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["ja"]


def test_a_node_that_cannot_split_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "node"
    broken.write_text(
        "#!/bin/sh\necho 'TypeError: Intl.Segmenter is not a constructor' >&2\nexit 1\n", encoding="utf-8"
    )
    broken.chmod(0o755)
    monkeypatch.setattr("casebook.search.pagefind.node", lambda: str(broken))
    indexer = search.SiteIndexer()
    with pytest.raises(search.SearchIndexError, match=r"Intl.Segmenter is not a constructor.*CASEBOOK_WORDS=pagefind"):
        for n in range(50):  # the pipe takes a few pages before it says the splitter is gone
            indexer.add(f"/{n}/", _page("五霞町", indexed=True))
        indexer.write(tmp_path / "site")
    indexer.abandon()


def test_latin_text_keeps_its_own_spacing_and_only_meetings_with_japanese_get_a_space() -> None:
    (split,) = _split(
        ["<div data-pagefind-body><p>人材 data-x=&quot;a&gt;b&quot; title: 研修&quot;危険&quot;</p></div>"]
    )
    assert "data-x=&quot;a&gt;b&quot; title:" in split  # as written: Pagefind splits Latin text itself
    assert "研修 &quot; 危険 &quot;" in split  # an entity next to Japanese is set apart like a word
