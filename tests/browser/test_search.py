"""Japanese search with facets, in headless Chromium, at the site root (and a few queries under /kb/).

Queries are typed into one open search page, as a reader does, and each waits for the page's own
`data-busy` flag, not for network silence.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from casebook.index import build_index
from casebook.search import spellings
from casebook.taxonomy import normalize_key
from casebook.validate import check
from sitecheck import ROOT, serve, settle, watch_outside

pytestmark = pytest.mark.browser

# (query, a page that must be in the top 5). Drawn from the guidebook: exact keywords, partial
# words, the sources' variant spellings, place names, full-width/half-width and readings.
QUERIES = [
    ("OJT", "cases/goka/"),
    ("ＯＪＴ", "cases/goka/"),
    ("職場内訓練", "cases/goka/"),
    ("#OJT（職場内訓練）", "cases/goka/"),
    ("おーじぇーてぃー", "cases/goka/"),
    ("ひとり情シス", "initiatives/murayama/"),
    ("一人情シス", "initiatives/murayama/"),
    ("1人情シス", "initiatives/murayama/"),
    ("１人情シス", "keywords/one-person-it/"),
    ("松本", "cases/matsumoto/"),
    ("長野", "cases/matsumoto/"),
    ("兵庫", "cases/sanda/"),
    ("高知", "cases/nankoku/"),
    ("笠間", "cases/kasama/"),
    ("つくば", "cases/tsukuba/"),
    ("五霞", "cases/goka/"),
    ("ごかまち", "cases/goka/"),
    ("奈良", "cases/nara/"),
    ("ITパスポート", "cases/kasama/"),
    ("ｉｔパスポート", "cases/kasama/"),
    ("パスポート", "cases/kasama/"),
    ("DXアドバイザー", "cases/shonai/"),
    ("アドバイザー", "cases/ibara/"),
    ("地域活性化起業人", "cases/echizen/"),
    ("基本方針策定", "cases/oyama/"),
    ("基本方針の策定", "cases/oyama/"),
    ("伴走", "cases/kochi/"),
    ("インシデント", "cases/sanda/"),
    ("ＢＰＲ", "cases/nankoku/"),
    ("データ利活用", "cases/tsukuba/"),
    ("人材バンク", "cases/nara/"),
    ("チャット", "cases/nara/"),
    ("ワークショップ", "cases/nankoku/"),
    ("グループウェア", "cases/motomiya/"),
    ("中核市", "cases/matsumoto/"),
    ("関東", "cases/goka/"),
    ("自治体OB", "cases/motomiya/"),
    ("外部専門人材(委託)", "cases/sanda/"),
    ("行革大綱", "cases/fukuchiyama/"),
    ("窓口", "initiatives/madoguchi-bpr-advisor/"),
    ("茨城 OJT", "cases/goka/"),
    # The research notes' initiatives, voices and the dialogue (issue: the rest of the sources).
    ("GovTech東京", "initiatives/govtech-tokyo/"),
    ("DXShip", "initiatives/dxship-hiroshima/"),
    ("人材シェア", "initiatives/dxship-hiroshima/"),
    ("共創プラットフォーム", "initiatives/co-creation-platform/"),
    ("割愛", "programs/katsuai-staff/"),
    ("村山", "initiatives/murayama/"),
    ("名取", "initiatives/natori/"),
    ("西予", "initiatives/seiyo/"),
    ("赤平", "initiatives/akabira/"),
    ("東神楽", "initiatives/higashikagura/"),
    ("公務員ネットワーク", "initiatives/koumuin-network/"),
    ("窓口BPRアドバイザー", "initiatives/madoguchi-bpr-advisor/"),
    ("J-LIS", "initiatives/jlis-training/"),
    ("自治体クラウド", "initiatives/toyama-shared-cloud/"),
    ("千葉大右", "voices/chiba/"),
    ("トップ対談", "dialogues/top-dialogue/"),
    ("行政実務研修員", "programs/administrative-practice-trainee/"),
    # Issue 14: an exact phrase from a title or body ranks its record first among equals; a term
    # that appears once in a case's list of working groups finds that case; roadmaps are found.
    ("人材シェア", "initiatives/dxship-hiroshima/"),
    ("電算事務", "initiatives/kamikawa-seven-towns-joint-processing/"),
    ("共同処理", "initiatives/kamikawa-seven-towns-joint-processing/"),
    ("先端技術", "initiatives/nagano-advanced-tech-council/"),
    ("町村情報システム", "initiatives/kanagawa-town-systems-union/"),
    ("オフィス改革", "initiatives/seiyo/"),
    ("ネット投票", "initiatives/tsukuba-mynumber/"),
    ("交付促進", "initiatives/tsukuba-mynumber/"),
    ("集合研修", "initiatives/jlis-training/"),
    ("同好会", "initiatives/akabira/"),
    ("オープンデータ", "initiatives/facebook-open-data/"),
    ("情報化 研究会", "initiatives/jlis-municipal-study-group/"),
    ("人事交流", "programs/personnel-exchange/"),
    ("地域幸福度", "cases/matsumoto/"),
    ("3次元データ", "cases/matsumoto/"),
    ("生成AI", "cases/matsumoto/"),
    ("デジタルデバイス", "cases/matsumoto/"),
    ("小規模", "roadmaps/one-person-it/"),
    ("ロードマップ", "roadmaps/one-person-it/"),
    ("KPI", "roadmaps/skill-levels-kpi/"),
    ("DX推進リーダー制度", "roadmaps/dx-leader-scheme/"),
    ("東北", "cases/shonai/"),
    ("やまがた", "cases/shonai/"),
    ("おかやま", "cases/ibara/"),
]


# A handful of the queries above, typed into the site served under a subpath: one exact keyword, a reading,
# a place name found through the vocabulary, a keyword's own page, and a record that is neither case nor program.
SUBPATH_QUERIES = ["OJT", "おーじぇーてぃー", "長野", "１人情シス", "トップ対談"]


@pytest.fixture(scope="module")
def search_base(built_site: Path) -> Iterator[str]:
    """The bundled site served at the root."""
    with serve(built_site) as base:
        yield base


@pytest.fixture(scope="module")
def index():  # type: ignore[no-untyped-def]
    return build_index(check([ROOT / "cases"]))


class SearchPage:
    """The search page as a reader uses it, recording what it fetches and any errors."""

    def __init__(self, browser: Any, base: str, **context: Any) -> None:
        self.base = base
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside = watch_outside(self.context, "{0.scheme}://{0.netloc}/".format(urlsplit(base)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, query_string: str = "") -> Any:
        self.page.goto(f"{self.base}search/{query_string}")
        settle(self.page)
        return self.page

    def type_query(self, query: str) -> list[str]:
        """Type a query into the open search page and press Enter, as a reader does; the results' URLs."""
        self.page.locator("#cb-search-input").fill(query)
        self.page.keyboard.press("Enter")  # the keydown handler marks the page busy before this returns
        self.settle()
        return self.results()

    def from_header_box(self, path: str, query: str) -> list[str]:
        """On another page, press / and type a query into the header box; the search page's results."""
        self.page.goto(self.base + path)
        self.page.keyboard.press("/")
        self.page.keyboard.type(query)
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(lambda url: url.startswith(f"{self.base}search/?q="))
        settle(self.page)
        return self.results()

    def settle(self) -> None:
        self.page.wait_for_function("document.querySelector('#cb-search').dataset.busy === 'false'")

    def results(self, everything: bool = False) -> list[str]:
        more = self.page.locator(".cb-search__more")
        while everything and more.is_visible():
            shown = self.page.locator(".cb-result__title").count()
            more.click()
            self.page.wait_for_function("n => document.querySelectorAll('.cb-result__title').length > n", arg=shown)
        hrefs = self.page.eval_on_selector_all(".cb-result__title", "els => els.map(e => e.href)")
        return [h.split(self.base, 1)[1] if self.base in h else h for h in hrefs]

    def open_facet(self, facet: str) -> None:
        """Open a facet of the panel (its counts load then)."""
        self.page.locator(f'fieldset[data-facet="{facet}"] .cb-facet__open').click()
        self.settle()

    def counts(self, facet: str) -> dict[str, int]:
        script = """(key) => Object.fromEntries(
            [...document.querySelectorAll(`fieldset[data-facet="${key}"] li`)].map(li =>
                [li.querySelector('input').value, Number(li.querySelector('.cb-facet__count').textContent.replace(/,/g, ''))]))"""
        return dict(self.page.evaluate(script, facet))


def _search_page(browser: Any, base: str) -> Iterator[SearchPage]:
    page = SearchPage(browser, base)
    yield page
    assert page.outside == [], f"requests outside the site: {page.outside}"
    assert page.errors == [], f"console errors: {page.errors}"
    page.context.close()


@pytest.fixture
def search(browser: Any, search_base: str) -> Iterator[SearchPage]:
    yield from _search_page(browser, search_base)


@pytest.fixture
def subpath_search(browser: Any, subpath_site: Path) -> Iterator[SearchPage]:
    with serve(subpath_site, "/kb/") as base:
        yield from _search_page(browser, base)


def test_japanese_queries_find_the_expected_records(search: SearchPage) -> None:
    assert len(QUERIES) >= 25
    search.open()
    misses = []
    for query, expected in QUERIES:
        top = search.type_query(query)[:5]
        if expected not in top:
            misses.append(f"{query} → {top}")
    assert misses == []


def test_typed_query_matches_the_shared_url(search: SearchPage) -> None:
    # The query table is typed into one open page; a link with ?q= must give the very same list.
    search.open()
    typed = search.type_query("研修")
    assert len(typed) >= 5
    search.open(f"?q={quote('研修')}")
    assert search.results() == typed


def test_search_works_under_a_subpath(subpath_search: SearchPage) -> None:
    expected = dict(QUERIES)
    page = subpath_search.open()
    assert urlsplit(page.url).path == "/kb/search/"
    misses = []
    for query in SUBPATH_QUERIES:
        top = subpath_search.type_query(query)[:5]
        if expected[query] not in top:
            misses.append(f"{query} → {top}")
    assert misses == []
    # Every result link stays under /kb/ and opens.
    for url in subpath_search.results():
        response = page.request.get(subpath_search.base + url)
        assert response.status == 200, url
    # The header box on another page leads to the search page under /kb/, not to /search/.
    assert subpath_search.from_header_box("cases/goka/", "松本")[0] == "cases/matsumoto/"


def test_facet_counts_match_the_records(search: SearchPage, index) -> None:  # type: ignore[no-untyped-def]
    expected: dict[str, Counter[str]] = {}
    for view in [*index.cases, *index.programs, *index.others, *index.roadmaps]:
        for key, value in view.facets():
            expected.setdefault(key, Counter())[value] += 1
    # Keyword and challenge pages are searchable too; they carry only their type.
    expected["type"].update({"キーワード": len(index.keywords), "課題": len(index.challenges)})
    search.open()
    for facet in ("type", "region", "prefecture", "kind", "band", "category", "keyword", "challenge", "program"):
        search.open_facet(facet)
        shown = search.counts(facet)
        assert shown, facet
        assert {v: n for v, n in shown.items() if n} == dict(expected[facet]), facet


def test_filters_alone_list_exactly_the_matching_records(search: SearchPage, index) -> None:  # type: ignore[no-untyped-def]
    search.open("?prefecture=茨城県&prefecture=高知県&kind=一般市")
    wanted = {
        v.url
        for v in index.cases
        if v.case.organization.prefecture in ("茨城県", "高知県") and v.case.organization.kind.value == "一般市"
    }
    assert set(search.results(everything=True)) == wanted
    assert search.page.locator(".cb-search__chip").count() == 4  # three filters and 「すべて外す」


def test_shared_url_restores_query_and_filters(search: SearchPage, index) -> None:  # type: ignore[no-untyped-def]
    page = search.open("?q=OJT&region=関東")
    assert page.locator("#cb-search-input").input_value() == "OJT"
    assert page.locator('fieldset[data-facet="region"] input[value="関東"]').is_checked()
    results = search.results(everything=True)
    assert results[0] == "cases/goka/"  # the 関東 case tagged OJT(職場内訓練)
    assert set(results) <= {v.url for v in index.cases if v.region == "関東"}


def test_keyboard_and_url_follow_the_reader(search: SearchPage) -> None:
    page = search.open()
    page.locator("#cb-search-input").fill("研修")
    page.keyboard.press("Enter")
    search.settle()
    assert len(search.results()) >= 5
    search.open_facet("kind")
    box = page.locator('fieldset[data-facet="kind"] input[value="町"]')
    box.focus()
    page.keyboard.press("Space")
    search.settle()
    assert "kind=%E7%94%BA" in page.url and "q=%E7%A0%94%E4%BF%AE" in page.url
    assert all(r.startswith("cases/") for r in search.results())
    page.locator(".cb-search__chip", has_text="団体区分: 町").click()
    search.settle()
    assert "kind=" not in page.url


def test_back_returns_to_the_search_before(search: SearchPage) -> None:
    # Each search the reader settles on is a history entry; the searches made while typing are one.
    page = search.open()  # from another page: Back past the first search leaves the search page
    page.goto(f"{search.base}search/?region=%E9%96%A2%E6%9D%B1&q=OJT")  # a link, in its own order
    settle(page)
    length = page.evaluate("history.length")
    search.type_query("松本")
    box = page.locator("#cb-search-input")
    box.fill("")
    for typed in ("研", "研修"):  # two pauses while typing, each searches (200 ms after the last key)
        box.press_sequentially(typed[-1])
        page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=typed)
        search.settle()
    page.keyboard.press("Enter")
    search.settle()
    assert page.evaluate("history.length") == length + 2  # 松本, then 研修 (研 shared its entry)
    for words, top in (("松本", None), ("OJT", "cases/goka/")):
        page.go_back()
        page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=words)
        search.settle()
        assert box.input_value() == words
        assert page.locator('fieldset[data-facet="region"] input[value="関東"]').is_checked()
        assert top is None or search.results()[0] == top
    page.go_back()
    page.wait_for_url(f"{search.base}search/")  # the address as the link wrote it was not a search of its own


def test_a_filter_ticked_after_typing_is_a_search_of_its_own(search: SearchPage) -> None:
    page = search.open()
    search.open_facet("region")
    page.locator("#cb-search-input").press_sequentially("OJT")  # no Enter: the search runs as typed
    page.wait_for_function("new URLSearchParams(location.search).get('q') === 'OJT'")
    search.settle()
    typed = search.results()
    page.locator('fieldset[data-facet="region"] label', has_text="関東").click()
    search.settle()
    assert "region=" in page.url
    page.go_back()
    page.wait_for_function("!new URLSearchParams(location.search).has('region')")
    search.settle()
    assert page.locator("#cb-search-input").input_value() == "OJT" and search.results() == typed


def test_back_from_an_anchor_keeps_the_results_shown(search: SearchPage) -> None:
    page = search.open("?q=" + quote("研修"))
    page.locator(".cb-search__more").click()
    page.wait_for_function("document.querySelectorAll('.cb-result').length > 10")
    shown = page.locator(".cb-result").count()
    page.evaluate("location.hash = 'cb-search-results'")  # as 「本文へ移動」 does
    page.go_back()
    page.wait_for_function("!location.hash")
    page.wait_for_timeout(300)  # a search it started would clear the list at once
    assert page.locator(".cb-result").count() == shown


def test_header_box_leads_to_the_search_page(search: SearchPage) -> None:
    assert search.from_header_box("cases/goka/", "松本")[0] == "cases/matsumoto/"


def test_browser_normalisation_matches_python(search: SearchPage, index) -> None:  # type: ignore[no-untyped-def]
    samples = [
        "#OJT（職場内訓練）",
        "＃ ＩＴパスポート",
        "１人情シス",
        "令和〜",
        "A－B‐C",
        "データ",
        "ｶﾞｲﾄﾞ",
        "伴走×自律",
        "  DX 推進 ",
    ]
    # Every label, alias and reading as written in the records (the pages carry them normalised).
    samples += [value for key, value in spellings(index) if key in ("keyword", "org", "program")][:200]
    page = search.open()
    browser_keys = page.evaluate("(xs) => xs.map(x => window.casebookNormalizeKey(x))", samples)
    assert browser_keys == [normalize_key(s) for s in samples]


def test_first_search_fetches_what_pagefind_fetches_and_filters_on_demand(search: SearchPage) -> None:
    """Nothing of the vocabulary is shipped whole; a facet's filter file loads when it is opened."""
    fetched: list[str] = []
    search.page.on("request", lambda r: fetched.append(r.url))
    search.open(f"?q={quote('研修')}")
    ours = [u for u in fetched if "/search/" in u and "?" not in u.rsplit("/", 1)[-1] and not u.endswith("/search/")]
    assert ours == [], "the first search fetched our own search data"
    assert not [u for u in fetched if "/pagefind/filter/" in u], "filters loaded before any was opened"
    assert len(search.results()) == 10  # the same N as Pagefind alone in the benchmark
    search.open_facet("type")
    assert [u for u in fetched if "/pagefind/filter/" in u]
    assert search.counts("type")["事例"] > 0


def test_first_results_show_before_the_pages_other_scripts_and_are_taken_over_once(search: SearchPage) -> None:
    """The theme's scripts and ours are not even fetched before the first results; casebook.js keeps them.

    On two cores they took the page's thread while Pagefind's worker waited for it (theme/main.html).
    """
    held: list[Any] = []
    search.page.route("**/assets/casebook.js", lambda route: held.append(route))
    search.page.goto(f"{search.base}search/?q={quote('研修')}", wait_until="commit")
    search.page.wait_for_function("document.querySelectorAll('.cb-result').length === 10")
    assert search.page.input_value("#cb-search-input") == "研修"  # the query is in the box, too
    assert "件見つかりました" in search.page.locator("#cb-search-status").inner_text()
    search.page.wait_for_function("() => document.documentElement.dataset.cbFirstSearch === 'done'")
    search.page.wait_for_function(
        "() => performance.getEntriesByType('resource').some((e) => e.name.includes('/choose.'))"
    )
    shown, fetched = search.page.evaluate(
        """() => [performance.getEntriesByName('casebook:results')[0].startTime,
                  performance.getEntriesByType('resource').filter((e) => /bundle\\.|choose\\.js/.test(e.name))
                    .map((e) => e.startTime)]"""
    )
    assert len(fetched) == 2 and min(fetched) > shown, (shown, fetched)  # casebook.js: asked for, held here
    search.page.evaluate("document.querySelectorAll('.cb-result').forEach((li) => { li.dataset.first = 'yes'; })")
    for route in held:
        route.continue_()
    search.settle()
    # Taken over as shown: the same 10 items, not cleared and listed again, not listed twice.
    assert (
        search.page.locator(".cb-result[data-first='yes']").count() == search.page.locator(".cb-result").count() == 10
    )
    assert len(search.results(everything=True)) > 10  # and casebook.js pages on from them
    assert search.page.get_attribute(".md-sidebar--primary", "style")  # Material started, though late


def test_words_typed_before_the_controls_start_are_kept_and_searched(search: SearchPage) -> None:
    """On a slow link casebook.js comes seconds after the results: what the reader typed meanwhile stays."""
    held: list[Any] = []
    search.page.route("**/assets/casebook.js", lambda route: held.append(route))
    search.page.goto(f"{search.base}search/?q={quote('研修')}", wait_until="commit")
    search.page.wait_for_function("document.querySelectorAll('.cb-result').length === 10")
    search.page.locator("#cb-search-input").fill("松本")
    search.page.wait_for_function("() => document.documentElement.dataset.cbFirstSearch === 'done'")
    search.page.wait_for_timeout(100)  # let the page ask for casebook.js
    for route in held:
        route.continue_()
    settle(search.page)
    assert search.page.input_value("#cb-search-input") == "松本"
    assert "q=%E6%9D%BE%E6%9C%AC" in search.page.url  # and that is what was searched
    assert search.results()[0] == "cases/matsumoto/"


def test_a_control_tapped_before_the_scripts_run_works_once_they_do(search: SearchPage) -> None:
    """A tap on a facet's heading while the scripts wait starts them at once and is not lost."""
    held: list[Any] = []
    hold = [True]
    # No results yet: the worker's requests for the results' text wait (routed on the context, as the
    # worker's requests are not the page's).
    search.page.context.route("**/pagefind/fragment/**", lambda r: held.append(r) if hold[0] else r.continue_())
    search.page.goto(f"{search.base}search/?q={quote('研修')}", wait_until="domcontentloaded")
    assert search.page.evaluate("document.querySelector('#cb-search').dataset.ready") is None
    heading = search.page.locator('fieldset[data-facet="region"] .cb-facet__open')
    heading.click()
    search.page.wait_for_function("document.querySelector('#cb-search').dataset.ready === 'true'", timeout=2_500)
    hold[0] = False
    for route in held:
        route.continue_()
    search.page.wait_for_function("document.querySelectorAll('.cb-result').length === 10")
    search.settle()
    assert heading.get_attribute("aria-expanded") == "true"
    assert search.counts("region")


def test_enter_before_the_scripts_run_keeps_the_addresss_filters(search: SearchPage) -> None:
    """Enter does not reload the page as a plain form would (dropping region=東北): the controls search."""
    held: list[Any] = []
    search.page.route("**/assets/casebook.js", lambda route: held.append(route))
    search.page.goto(f"{search.base}search/?region={quote('東北')}")
    search.page.locator("#cb-search-input").fill("研修")
    search.page.keyboard.press("Enter")
    search.page.wait_for_function("() => document.querySelector('script[src$=\"casebook.js\"]') !== null")
    for route in held:
        route.continue_()
    settle(search.page)
    assert "region=%E6%9D%B1%E5%8C%97" in search.page.url and "q=%E7%A0%94%E4%BF%AE" in search.page.url
    assert "地方: 東北" in search.page.locator(".cb-search__active").inner_text()


def test_pagefind_runs_in_the_worker_the_page_starts_first(search: SearchPage) -> None:
    """The page's <head> starts the worker before its styles load; the page itself fetches no index."""
    search.open(f"?q={quote('研修')}")
    assert len(search.results()) == 10
    page_fetched = search.page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    assert not [u for u in page_fetched if "/pagefind/" in u]
    (worker,) = [w for w in search.page.workers if "/assets/search-worker.js" in w.url]
    worker_fetched = worker.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    assert [u for u in worker_fetched if u.endswith("/pagefind/pagefind.js")]
    assert [u for u in worker_fetched if u.endswith(".pf_meta")]
    assert len(search.type_query("松本")) > 0  # later searches go to the same worker
    assert not [
        u
        for u in search.page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
        if "/pagefind/" in u
    ]


def test_without_the_worker_the_search_runs_in_the_page(browser: Any, search_base: str) -> None:
    """A browser (or a policy) that cannot start the module worker gets the same results from the page."""
    with_worker = SearchPage(browser, search_base)
    with_worker.open()
    expected = with_worker.type_query("研修")
    with_worker.context.close()
    page = SearchPage(browser, search_base)
    page.page.route("**/assets/search-worker.js*", lambda route: route.abort())
    page.open(f"?q={quote('研修')}")
    assert page.results() == expected[:10] and len(expected) == 10
    assert [
        u
        for u in page.page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
        if "/pagefind/" in u
    ]
    assert page.type_query("研修") == expected  # and later searches, too
    page.context.close()


@pytest.mark.parametrize(
    ("address", "blocked", "status"),
    [
        # Nothing to search: the page's scripts run at once.
        ("search/", None, "キーワードを入力"),
        # Pagefind cannot load its index: casebook.js says so, instead of 「準備をしています」 for good.
        (f"search/?q={quote('研修')}", "**/pagefind/pagefind-entry.json*", "検索できませんでした"),
        # search.js itself cannot load (a server that lost it): the page's scripts start after 3 s.
        (f"search/?q={quote('研修')}", "**/assets/search.js", "検索の仕組みを読み込めませんでした"),
    ],
)
def test_the_pages_scripts_run_whatever_becomes_of_the_first_search(
    browser: Any, search_base: str, address: str, blocked: str | None, status: str
) -> None:
    page = browser.new_page()
    if blocked:
        page.route(blocked, lambda route: route.abort())
    page.goto(search_base + address)
    page.wait_for_function(
        "s => document.getElementById('cb-search-status').textContent.includes(s)", arg=status, timeout=10_000
    )
    assert page.get_attribute(".md-sidebar--primary", "style")  # Material started
    page.close()


def test_opened_from_disk_the_search_page_says_it_needs_a_web_server(browser: Any, built_site: Path) -> None:
    """Under file:// no module loads: the page's scripts run at once, and casebook.js says why."""
    page = browser.new_page()
    page.goto((built_site / "search" / "index.html").as_uri() + f"?q={quote('研修')}")
    page.wait_for_function("document.getElementById('cb-search-status').textContent.includes('file://')", timeout=2_000)
    assert page.get_attribute(".md-sidebar--primary", "style")
    assert not page.locator(".cb-search__facets").is_visible()  # filters that could do nothing are not offered
    page.close()


@pytest.mark.parametrize(("typo", "meant"), [("ITパスポード", "ITパスポート"), ("DXアドバイサー", "DXアドバイザー")])
def test_a_misspelt_query_offers_the_vocabularys_spelling(search: SearchPage, typo: str, meant: str) -> None:
    page = search.open(f"?q={quote(typo)}")
    offer = page.locator(".cb-search__suggest")
    offer.wait_for(state="visible")  # the suggestion file is fetched after the (empty) results are shown
    assert offer.inner_text().startswith("もしかして")
    offer.locator("a", has_text=meant).first.click()
    search.settle()
    assert page.locator("#cb-search-input").input_value() == meant
    assert not offer.is_visible()


@pytest.mark.parametrize(
    ("query", "pieces_only"),
    [("xyzzy", True), ("あいうえおかきくけこ", True), ("研修する", False), ("職員の研修", False), ("研修", False)],
)
def test_a_word_found_nowhere_is_not_reported_as_found(search: SearchPage, query: str, pieces_only: bool) -> None:
    # Pagefind shortens an unknown word until part of it matches (xyzzy lists a page with 伴走x自律): the
    # reader is told that nothing has the word itself. A phrase Pagefind splits into words is still found.
    page = search.open(f"?q={quote(query)}")
    status = page.locator("#cb-search-status")
    nowhere = f"「{query}」を含むページはありません。語の一部だけが合う"
    if pieces_only:
        page.wait_for_function(
            "(t) => document.querySelector('#cb-search-status').textContent.startsWith(t)", arg=nowhere
        )
    else:
        assert status.inner_text().endswith("件見つかりました。") and search.results(), status.inner_text()


def test_region_words_match_the_region_not_its_characters(search: SearchPage, index, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    search.open(f"?q={quote('東北')}")
    tohoku = {v.url for v in index.cases if v.region == "東北"}
    results = search.results(everything=True)
    assert tohoku <= set(results)
    for url in results:
        text = (built_site / url / "index.html").read_text(encoding="utf-8")
        assert url in tohoku or "東北" in text, f"{url} holds neither the region nor the word 東北"


def test_the_search_page_writes_counts_in_groups_of_three(search: SearchPage) -> None:
    """As every page of the site does (number() in the templates): 5,000 cases find 「4,927 件」, not 「4927 件」."""
    search.open()
    written = search.page.evaluate(
        """async () => {
            const engine = await import(new URL('../assets/search.js', location.href).href);
            return [engine.foundText(4927), engine.number(1234567), engine.foundText(3)];
        }"""
    )
    assert written == ["4,927 件見つかりました。", "1,234,567", "3 件見つかりました。"]


@pytest.mark.parametrize(
    ("query", "hub"),
    [
        ("OJT", "keywords/ojt/"),
        ("職場内訓練", "keywords/ojt/"),  # an alias
        ("おーじぇーてぃー", "keywords/ojt/"),  # a reading
        ("DXアドバイザー", "keywords/dx-advisor/"),
        ("1人情シス問題", "challenges/one-person-it/"),
    ],
)
def test_naming_a_keyword_or_challenge_finds_its_own_page_first(search: SearchPage, query: str, hub: str) -> None:
    """Its page lists every case that carries it: at 5,000 cases it came after thousands of them (issue 14)."""
    search.open()
    assert search.type_query(query)[0] == hub


def test_the_words_every_record_page_carries_find_no_record(search: SearchPage) -> None:
    """The attribution and the dates line are on every record page: searching their words lists nothing."""
    search.open()
    for words in ("記録ファイル", "最終更新日", "当サイトが要約"):
        assert search.type_query(words) == [], words


@pytest.fixture
def phone(browser: Any, search_base: str) -> Iterator[SearchPage]:
    page = SearchPage(browser, search_base, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield page
    assert page.errors == [], f"console errors: {page.errors}"
    page.context.close()


def test_on_a_phone_the_results_are_one_tap_from_the_filters(phone: SearchPage) -> None:
    page = phone.open(f"?q={quote('研修')}")
    page.locator(".cb-search__toggle").tap()
    phone.open_facet("type")
    page.locator('fieldset[data-facet="type"] label', has_text="事例").tap()
    phone.settle()
    see = page.locator(".cb-search__see")
    assert see.is_visible() and "結果を見る" in see.inner_text()
    see.tap()
    assert not page.locator(".cb-search__panels").is_visible()
    first = page.locator(".cb-result").first.bounding_box()
    header = page.locator(".md-header").bounding_box()
    assert first is not None and header is not None
    assert header["y"] + header["height"] <= first["y"] < 844  # in view, not under the header


def test_header_placeholder_fits_and_has_no_shortcut_on_touch_screens(phone: SearchPage) -> None:
    page = phone.page
    page.goto(phone.base + "cases/goka/")
    box = page.locator("#cb-header-q")
    placeholder = box.get_attribute("placeholder") or ""
    assert placeholder and "/" not in placeholder
    fits = """(input) => {
        const style = getComputedStyle(input);
        const context = document.createElement("canvas").getContext("2d");
        context.font = style.font;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return context.measureText(input.placeholder).width <= room;
    }"""
    assert box.evaluate(fits)


@pytest.mark.parametrize(("address", "focused"), [("", True), ("?region=%E6%9D%B1%E5%8C%97", False)])
def test_the_box_takes_focus_only_when_the_reader_came_to_type(search: SearchPage, address: str, focused: bool) -> None:
    # From a list's 「東北 N 件」 link the reader came for the results: a focused box would raise a phone's keyboard.
    page = search.open(address)
    assert page.evaluate("document.activeElement && document.activeElement.id === 'cb-search-input'") is focused


def test_a_search_result_prints_its_cases_in_order(search: SearchPage) -> None:
    # 「印刷用まとめ」 takes any set of cases, a search result among them: the cases found, as ranked.
    search.open(f"?q={quote('研修')}&kind={quote('町')}")
    found = [url.split("/")[1] for url in search.results(everything=True) if url.startswith("cases/")]
    assert len(found) >= 2
    search.page.get_by_role("button", name="この結果を印刷用にまとめる").click()
    search.page.locator("[data-print] [role=status]", has_text="まとめました").wait_for()
    assert search.page.url.startswith(search.base + "print/?c=")
    printed = search.page.locator(".cb-print-case h1").all_inner_texts()
    assert len(printed) == len(found)
    assert parse_qs(urlsplit(search.page.url).query)["c"] == found


def test_results_read_as_the_pages_are_written(search: SearchPage, built_site: Path) -> None:
    """Pagefind indexed the pages with a space between their words (search/words.py); readers do not see it."""
    page = search.open(f"?q={quote('研修')}")
    shown = page.eval_on_selector_all(".cb-result__title", "els => els.map(e => [e.href, e.textContent])")
    assert len(shown) == 10
    for href, title in shown:
        written = (built_site / urlsplit(href).path.strip("/") / "index.html").read_text(encoding="utf-8")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", written, re.S)
        assert heading and html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).strip() == title
    excerpts = page.eval_on_selector_all(".cb-result__excerpt", "els => els.map(e => e.textContent)")
    japanese = "[\u3040-\u30ff\u3400-\u9fff]"
    assert all(excerpts) and not [e for e in excerpts if re.search(f"{japanese} +{japanese}", e)]
    # Pagefind's 「. 」 between two blocks of a page reads 「。」 after Japanese (「成果と学び。成果：…」).
    assert page.locator(".cb-result__excerpt mark").count() >= 10  # the query's words are still marked
    for query in ("名取市", "ヒアリング"):  # a roadmap's step lists: Pagefind's 「. 」 next to the page's own 「。」
        search.type_query(query)
        excerpts += page.eval_on_selector_all(".cb-result__excerpt", "els => els.map(e => e.textContent)")
    assert not [e for e in excerpts if re.search(f"{japanese}\\.(?: |{japanese}|$)|。。", e)]
    assert any("。" in e for e in excerpts)


# Where a word meets Japanese: the only places the index's splitter (Node.js) puts a space (split_words.mjs).
JAPANESE_BOUNDARIES = """(texts) => {
  const wide = /[\\u3000-\\u30ff\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]/;
  const words = new Intl.Segmenter("ja", { granularity: "word" });
  return texts.map((text) => Array.from(words.segment(text), (s) => s.index)
    .filter((at) => at > 0 && (wide.test(text[at - 1]) || wide.test(text[at]))));
}"""


def test_the_index_splits_japanese_where_the_readers_browser_does(search: SearchPage, built_site: Path) -> None:
    """Node.js (which split the index) and the browser (which splits the query) use ICU versions of their own;
    a word they cut differently would match only by its beginning. On every indexed page they must agree."""
    texts = []
    for page in sorted(built_site.rglob("index.html")):
        written = page.read_text(encoding="utf-8")
        if (start := written.find("data-pagefind-body")) >= 0:
            text = re.sub(r"<script.*?</script>|<[^>]+>", " ", written[start:], flags=re.S)
            texts.append(html.unescape(text))
    script = f"const split = {JAPANESE_BOUNDARIES}; process.stdout.write(JSON.stringify(split(JSON.parse(require('fs').readFileSync(0, 'utf8')))))"
    node = subprocess.run(["node", "-e", script], input=json.dumps(texts), capture_output=True, text=True, check=True)
    by_node = json.loads(node.stdout)
    by_browser = search.page.evaluate(JAPANESE_BOUNDARIES, texts)
    assert len(texts) > 100 and sum(map(len, by_node)) > 10_000
    differ = [
        sorted({text[max(0, at - 4) : at + 4] for at in set(a) ^ set(b)})[:5]
        for text, a, b in zip(texts, by_node, by_browser, strict=True)
        if a != b
    ]
    assert differ == [], f"Node.js と Chromium で区切りの違う箇所: {differ[:5]}"
