"""Search adapter: the extended binary only, and only record-like pages indexed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from casebook.index import build_index
from casebook.search import pagefind as search
from casebook.search import search_vocabulary
from casebook.taxonomy import normalize_key
from casebook.validate import check

ROOT = Path(__file__).resolve().parents[2]


def test_missing_extended_binary_is_an_error_not_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)
    with pytest.raises(search.SearchIndexError, match="extended"):
        search.extended_binary()


def test_extended_binary_is_installed() -> None:
    assert "extended" in search.extended_binary().as_posix()


def test_only_record_keyword_and_challenge_pages_are_indexed(built_site: Path) -> None:
    index = build_index(check([ROOT / "cases"]))
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(lang["page_count"] for lang in entry["languages"].values())
    records = len(index.cases) + len(index.programs) + len(index.others)
    assert indexed == records + len(index.keywords) + len(index.challenges)
    assert "ja" in entry["languages"]


def test_vocabulary_holds_variants_and_place_names() -> None:
    vocabulary = search_vocabulary(build_index(check([ROOT / "cases"])))
    terms = {(key, facet, value) for key, facet, value in vocabulary["terms"]}  # type: ignore[union-attr]
    assert (normalize_key("基本方針策定"), "keyword", "基本方針の策定") in terms
    assert (normalize_key("ひとり情シス"), "chpage", "1人情シス問題") in terms
    assert ("長野", "prefecture", "長野県") in terms
    assert ("松本", "org", "長野県松本市") in terms
    assert ("ごかまち", "org", "茨城県五霞町") in terms
    facets = [f["key"] for f in vocabulary["facets"]]  # type: ignore[union-attr, index]
    assert facets == ["type", "region", "prefecture", "kind", "band", "category", "keyword", "challenge", "program"]


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
    assert (streamed / "pagefind" / "pagefind-entry.json").is_file()


def test_service_errors_become_search_index_errors(tmp_path: Path) -> None:
    indexer = search.SiteIndexer()
    try:
        with pytest.raises(search.SearchIndexError):
            indexer._service.ask({"type": "AddFile", "index_id": 999, "url": "/x/", "file_contents": "<html></html>"})
    finally:
        indexer.abandon()


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
    monkeypatch.setattr(search, "extended_binary", lambda: stub)
    indexer = search.SiteIndexer()
    indexer.add("/cases/a/", _page("五霞町", indexed=True))
    stats = indexer.write(tmp_path / "site")
    assert stats.pages == 1
    assert (tmp_path / "site" / "pagefind" / "fragment" / "ja_1.pf_fragment").read_bytes() == b"fragment"
