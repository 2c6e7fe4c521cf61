"""「事例を提案する」: a town's staff member fills the form by its labels and gets a record `casebook check`
accepts unchanged; the draft survives a reload; the forge's new-file editor gets the right path and
content; the form's rules and messages are check's own; the page works with the network cut off;
case pages carry labelled, legible 「この事例を編集」 and 「事例を提案する」 buttons."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from browser.test_quality import dark_violations, serious_violations
from casebook.dates import ACCEPTED_FORMS, parse_date
from casebook.municipality import OrgKind, check_digit, code_problem, kind_problem, name_kind_problem
from casebook.taxonomy import normalize_key
from casebook.validate import check
from casebook.validate.lookup import unknown_keyword
from sitecheck import ROOT, build, casebook, copy_project, cut_off, serve

pytestmark = pytest.mark.browser

REPO = "https://github.com/example-town/casebook"
SEND = "できたファイルを 情報政策課（joho@example.lg.jp）にメールで送ってください。"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled knowledge base with a repository and a 「送り方」 of its own, as a publisher sets them."""
    project = copy_project(tmp_path_factory.mktemp("propose") / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('send_instructions: ""', f'send_instructions: "{SEND}"'),
        encoding="utf-8",
    )
    out = project.parent / "site"
    result = build(project, out, env={"CASEBOOK_REPO_URL": REPO})
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    # One server for the module: each test has a browser context of its own, so no draft is shared.
    with serve(site) as url:
        yield url


@pytest.fixture
def page(browser: Any, base: str) -> Iterator[Any]:
    """A fresh browser profile (no draft) on the propose page, with the outside world cut off."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    cut_off(context, base, stand_in="forge")  # the forge's page a button opens
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(base + "propose/")
    tab.wait_for_function(READY)
    yield tab
    context.close()
    assert errors == []


READY = "document.getElementById('cb-p-status').textContent.includes('直すところ')"
"""The propose form has read its vocabulary and checks what is typed."""


def fill_a_town_case(page: Any) -> None:
    """What a 情報政策課 staff member of 五霞町 would type, field by field, by the labels they see."""
    code = page.get_by_label("団体コード（必須）")
    code.fill("08542")  # from a list without the check digit
    assert "6 桁目の検査数字を付けると「085421」" in page.locator("#cb-p-code-msg").inner_text()
    code.fill("０８５４２１")  # typed with the IME still on
    assert page.locator("#cb-p-prefecture").inner_text() == "茨城県"
    assert page.get_by_label("団体区分（必須）").input_value() == "町"
    page.get_by_label("団体名（必須）").fill("五霞町")
    page.get_by_label("人口（任意）").fill("約8,000人")
    page.get_by_label("タイトル（必須）").fill("若手職員が教え合う「デジタル勉強会」")
    page.get_by_label("カテゴリ（必須）").select_option(label="実務に即した人材育成")
    page.get_by_label("概要（必須）").fill(
        "若手職員が週に一度集まり、業務で使う道具の使い方を教え合う勉強会を続けている。"
        "講師は持ち回りで、資料はグループウェアで共有する。"
    )
    page.get_by_label("取り組み内容（任意）").fill(
        "持ち回りの勉強会\n・毎週木曜の昼休みに 30 分\n・講師は若手が交代で務める\n資料の共有"
    )
    page.get_by_label("成果（任意）").fill("問い合わせが減り、教える側も学び直す機会になった。")
    keywords = page.get_by_role("textbox", name="キーワード", exact=True)
    keywords.fill("おーじぇー")  # by reading: the completion offers the registered label
    page.get_by_role("button", name="「OJT(職場内訓練)」を追加").click()
    keywords.fill("ぐるーぷうぇあ")
    page.get_by_role("button", name="「グループウェア」を追加").click()
    keywords.fill("＃ＯＪＴ")  # a registered spelling, full width with a hash: already chosen, no duplicate
    keywords.press("Enter")
    challenges = page.get_by_role("textbox", name="課題", exact=True)
    challenges.fill("研修の時間")
    page.get_by_role("button", name="「研修の時間を確保しにくい」を追加").click()
    page.get_by_label("時期（任意）").fill("令和5年度〜令和6年度")
    assert "は期間です" in page.locator("#cb-p-period-msg").inner_text()
    page.get_by_label("時期（任意）").fill("令和5年度")
    page.get_by_label("資料名").fill("五霞町デジタル人材育成プラン")
    page.get_by_label("発行者").fill("五霞町")
    page.get_by_label("資料の日付（任意）").fill("R5.4")
    page.get_by_label("資料の URL（任意）").fill("https://www.town.goka.lg.jp/plan.pdf")
    page.get_by_label("② 苦労した点がありますか").fill("日程が合わず、昼休みに短く開く形に落ち着いた。")


def ready(page: Any) -> None:
    page.wait_for_function(
        "document.getElementById('cb-p-status').textContent.includes('検査（casebook check）に通ります')"
    )


def produced(page: Any) -> tuple[str, str]:
    """(path shown, YAML shown) of the finished record."""
    return page.locator("#cb-p-path").inner_text(), page.locator("#cb-p-yaml").inner_text()


def casebook_check(cases: Path, path: str, text: str) -> subprocess.CompletedProcess[str]:
    """Write the record where the form says, in a copy of the cases folder, and run `casebook check`."""
    project = cases.parent
    target = project / path
    target.write_text(text, encoding="utf-8")
    return casebook("check", cwd=project)


def test_a_form_filled_by_label_gives_a_record_check_accepts_unchanged(page: Any, tmp_path: Path) -> None:
    fill_a_town_case(page)
    ready(page)
    path, text = produced(page)
    assert path == "cases/municipal/085421.yaml"
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    result = casebook_check(tmp_path / "cases", path, text)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""  # not even a warning
    record = yaml.safe_load(text)
    assert record["organization"] == {
        "name": "五霞町", "prefecture": "茨城県", "code": "085421", "kind": "町",
        "population": {"value": 8000, "approximate": True},
    }  # fmt: skip
    assert record["keywords"] == ["OJT(職場内訓練)", "グループウェア"]
    assert record["challenges"] == ["no-time-for-training"]
    assert record["initiatives"][0] == {
        "heading": "持ち回りの勉強会", "points": ["毎週木曜の昼休みに 30 分", "講師は若手が交代で務める"]
    }  # fmt: skip
    assert record["timeline"] == [{"date": "令和5年度", "event": "取り組みを始めた"}]
    assert record["sources"] == [{"title": "五霞町デジタル人材育成プラン", "publisher": "五霞町", "date": "R5.4",
                                  "url": "https://www.town.goka.lg.jp/plan.pdf"}]  # fmt: skip
    assert record["interview"] == {"difficulty": "日程が合わず、昼休みに短く開く形に落ち着いた。"}


def test_a_link_with_a_space_is_reported_as_check_reports_it(page: Any, tmp_path: Path) -> None:
    # A file name with a space, copied from a file server: the link starts with https:// all right.
    fill_a_town_case(page)
    page.get_by_label("資料の URL（任意）").fill("https://www.town.goka.lg.jp/dx plan.pdf")
    shown = page.locator("#cb-p-source_url-msg").inner_text()
    assert shown.startswith("URL に空白が入っています")
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    result = casebook_check(tmp_path / "cases", *produced(page))
    assert result.returncode == 1
    assert result.stdout.strip().endswith(f"sources[0].url: {shown}"), result.stdout


def test_an_unknown_keywords_candidates_can_be_chosen_at_once(page: Any) -> None:
    box = page.get_by_role("textbox", name="キーワード", exact=True)
    box.fill("グループウエア")  # エ for ェ: not a registered spelling
    box.press("Enter")
    assert "候補: グループウェア" in page.locator("#cb-p-keywords-msg").inner_text()
    page.get_by_role("button", name="「グループウェア」を追加").click()
    assert page.get_by_role("button", name="「グループウェア」を外す").is_visible()
    assert page.locator("#cb-p-keywords-msg").inner_text() == ""
    # The same slip again: the candidate chosen already is not offered as if it were not.
    box.fill("グループウエア")
    box.press("Enter")
    assert page.locator("#cb-p-keywords-msg").inner_text() == (
        "未登録のキーワード「グループウエア」 — 候補: ワーキンググループ（「グループウェア」はもう選んであります）"
    )
    assert page.get_by_role("button", name="「グループウェア」を追加").count() == 0
    page.get_by_role("button", name="「ワーキンググループ」を追加").click()
    box.fill("グループウエア")  # now every candidate is chosen
    box.press("Enter")
    assert page.locator("#cb-p-keywords-msg").inner_text() == (
        "未登録のキーワード「グループウエア」 — 候補の「グループウェア」「ワーキンググループ」はもう選んであります（この入力は消してください）"
    )


def test_terms_written_as_in_a_document_are_chosen_each(page: Any) -> None:
    box = page.get_by_role("textbox", name="キーワード", exact=True)
    box.fill("OJT、グループウェア，DXアドバイサー")  # 読点, a full-width comma and a misspelling
    box.press("Enter")
    assert page.get_by_role("button", name="「OJT(職場内訓練)」を外す").is_visible()
    assert page.get_by_role("button", name="「グループウェア」を外す").is_visible()
    assert box.input_value() == "DXアドバイサー"  # what is left to fix stays in the box
    assert page.locator("#cb-p-keywords-msg").inner_text().startswith("未登録のキーワード「DXアドバイサー」 — 候補:")
    page.get_by_label("ページ（任意）").fill("4ページ")
    assert page.locator("#cb-p-page-msg").inner_text() == (
        "整数を書いてください（「4ページ」） — ページ番号だけを書きます（例: 12。「p.」や「ページ」は付けません）"
    )


def test_the_summary_limit_and_a_missing_source_are_reported_as_check_reports_them(page: Any) -> None:
    fill_a_town_case(page)
    page.get_by_label("概要（必須）").fill("あ" * 301)
    assert (
        page.locator("#cb-p-summary-msg").inner_text()
        == "300 字を超えています（301 字） — 300 字以内に要約してください"
    )
    page.get_by_label("概要（必須）").fill("𠮷" * 300)  # one character each, though two UTF-16 units
    assert page.locator("#cb-p-summary-msg").inner_text() == "300 / 300 字"
    page.get_by_label("発行者").fill("")
    assert (
        page.locator("#cb-p-source_publisher-msg").inner_text() == "必須項目「発行者」がありません — 入力してください"
    )
    assert "あと 1 か所" in page.locator("#cb-p-status").inner_text()
    page.get_by_role("button", name="ファイルをダウンロード").click()
    assert "まだ直すところがあります" in page.locator("#cb-p-note").inner_text()


def test_the_forms_rules_are_checks_own(page: Any, tmp_path: Path) -> None:
    js = "window.casebookPropose"
    codes = ["085421", "085422", "08542", "99999", "8542", "485421", "002011", "abcdef", "0854210", "131016"]
    for code in codes:
        assert page.evaluate(f"{js}.codeProblem({code!r})") == code_problem(code), code
    fives = [f"{n:05d}" for n in range(1000, 47999, 997)]
    assert page.evaluate(f"(fives) => fives.map((f) => {js}.codeProblem(f))", fives) == [code_problem(f) for f in fives]
    assert all(code_problem(f + str(check_digit(f))) is None for f in fives)
    for code, kind in [
        ("085421", "一般市"),
        ("131016", "村"),
        ("290009", "町"),
        ("141500", "政令指定都市"),
        ("202029", "町"),
    ]:
        expected = kind_problem(code, OrgKind(kind))
        assert page.evaluate(f"{js}.kindProblem({code!r}, {kind!r})") == expected, (code, kind)
    for name in ["川場村", "五霞町", "つくば市", "千代田区", "東京都", "五霞", "𠮷野町"]:
        for kind in OrgKind:
            expected = name_kind_problem(name, kind)
            assert page.evaluate(f"{js}.nameKindProblem({name!r}, {kind.value!r})") == expected, (name, kind)
    # A village: 町 and 村 share the code range, so the kind follows the name as it is typed.
    page.get_by_label("団体コード（必須）").fill("104485")
    page.get_by_label("団体名（必須）").fill("川場村")
    assert page.get_by_label("団体区分（必須）").input_value() == "村"
    page.get_by_label("団体名（必須）").fill("")
    # A municipality's name carries no prefecture (check says so; the form must not say "passes").
    page.get_by_label("団体コード（必須）").fill("085421")
    page.get_by_label("団体名（必須）").fill("茨城県五霞町")
    page.get_by_label("団体名（必須）").press("Tab")
    assert "に都道府県名が入っています" in page.locator("#cb-p-name-msg").inner_text()
    page.get_by_label("団体名（必須）").fill("")
    page.get_by_label("団体コード（必須）").fill("")
    dates = ["R4.2", "令和5年度", "令和元年5月1日", "令和元年4月", "平成31年5月1日", "R0.4", "2024-02-30", "2024-13",
             "R5年度", "令和5年度4月", "1800", "2023年度", "ｒ４．２", "令和5年度〜令和6年度", "R5からR6.3まで",
             "2023-04～2024-03", "あした", "令和5年度〜あした", "昭和64年1月8日", "H31.4.30", "2024年4月1日",
             "2024年4月", "2024年", "R6年4月", "H31年5月1日", "令和6.4.1", "2024年13月", "R6年4月31日",
             "2024年4月〜2025年3月", "令和元年度", "fy2023"]  # fmt: skip
    for text in dates:
        try:
            parse_date(text)
            expected_date = None
        except ValueError as exc:
            expected_date = f"{exc} — {ACCEPTED_FORMS}"
        assert page.evaluate(f"{js}.dateProblem({text!r})") == expected_date, text
    corpus = check([ROOT / "cases"])
    keys = list(corpus.taxonomy._by_key)
    for word in ["OJT職場訓練", "グループウエア", "DXアドバイザ", "ぐるーぷ", "全然関係ない語"]:
        key = normalize_key(word)
        assert page.evaluate(
            f"([w, ks]) => {js}.closeMatches(w, ks, 9, 0.5)", [key, keys]
        ) == difflib.get_close_matches(key, keys, n=9, cutoff=0.5)
        message, hint = unknown_keyword(corpus.taxonomy, word) or ("", "")
        box = page.get_by_role("textbox", name="キーワード", exact=True)
        box.fill(word)
        box.press("Enter")
        shown = page.locator("#cb-p-keywords-msg").inner_text()
        if hint.startswith("候補"):
            assert shown == f"{message} — {hint}", word
        else:
            assert shown.startswith(f"{message} — "), word


def test_the_draft_survives_a_reload_and_can_be_cleared(page: Any) -> None:
    fill_a_town_case(page)
    ready(page)
    before = produced(page)
    page.reload()
    ready(page)
    assert produced(page) == before
    assert page.get_by_label("団体名（必須）").input_value() == "五霞町"
    assert page.get_by_role("button", name="「グループウェア」を外す").is_visible()
    page.get_by_role("button", name="下書きを消す").click()
    assert page.get_by_label("団体名（必須）").input_value() == ""
    page.reload()
    page.wait_for_function(READY)
    assert page.get_by_label("団体名（必須）").input_value() == ""


def reload_slowly(tab: Any, meanwhile: Callable[[], object]) -> None:
    """Reload as over a slow link: `meanwhile` runs while the form's script is still on its way."""
    held: list[Any] = []
    tab.route("**/assets/propose.js", lambda route: held.append(route))
    tab.reload(wait_until="commit")
    meanwhile()
    while not held:
        tab.wait_for_timeout(20)
    held[0].continue_()


def test_a_kind_chosen_while_the_form_loads_is_kept_over_a_saved_draft(page: Any) -> None:
    # The draft's kind followed the code (一般市); 長野市 is a 中核市, chosen before the form's script arrived.
    tab = page  # a fresh profile on the propose page, its vocabulary loaded
    tab.get_by_label("団体コード（必須）").fill("202011")
    tab.get_by_label("団体名（必須）").fill("長野市")
    assert tab.get_by_label("団体区分（必須）").input_value() == "一般市"
    reload_slowly(tab, lambda: tab.get_by_label("団体区分（必須）").select_option("中核市"))
    tab.wait_for_function(READY)
    assert tab.get_by_label("団体区分（必須）").input_value() == "中核市"
    assert 'kind: "中核市"' in tab.locator("#cb-p-yaml").inner_text()


def test_fields_not_reached_yet_are_not_marked_until_the_contributor_tries_to_send(page: Any) -> None:
    # A fresh form: nothing is marked wrong, but the list below already says what is left, field by field.
    marked = "[...document.querySelectorAll('#cb-propose [aria-invalid=true]')].map((e) => e.id)"
    assert page.evaluate(marked) == []
    assert page.locator("#cb-p-title-msg").inner_text() == ""
    listed = page.locator("#cb-p-problems li").all_inner_texts()
    assert "タイトル: 必須項目「タイトル」がありません — 入力してください" in listed
    page.get_by_label("団体名（必須）").focus()
    page.get_by_label("タイトル（必須）").focus()  # passing through a required field and leaving it empty
    assert page.locator("#cb-p-name-msg").inner_text() == "必須項目「団体名」がありません — 入力してください"
    assert page.locator("#cb-p-summary-msg").inner_text() == ""
    page.get_by_label("時期（任意）").fill("来年の春")
    assert any(
        item.startswith("時期: 「来年の春」は日付として読めません")
        for item in page.locator("#cb-p-problems li").all_inner_texts()
    )
    page.get_by_label("団体コード（必須）").fill("104485")
    page.get_by_label("団体名（必須）").fill("川場村")
    page.get_by_label("団体区分（必須）").select_option("町")  # a problem near the top, found after the others
    page.get_by_role("button", name="ファイルをダウンロード").click()  # now every problem is shown at its field
    assert page.locator("#cb-p-summary-msg").inner_text() == "必須項目「概要」がありません — 入力してください"
    assert "cb-p-summary" in page.evaluate(marked)
    # The list follows the page, and the button took the reader to the first field on it.
    order = page.evaluate("[...document.querySelectorAll('#cb-propose [data-field]')].map((e) => e.dataset.field)")
    listed = [
        link.split("#cb-p-", 1)[1]
        for link in page.eval_on_selector_all("#cb-p-problems a", "as => as.map(a => a.href)")
    ]
    assert listed == sorted(listed, key=order.index)
    assert page.evaluate("document.activeElement.id") == f"cb-p-{listed[0]}"


def test_what_is_typed_while_the_form_loads_is_kept_over_a_saved_draft(page: Any) -> None:
    # A slow link: the contributor types the title before the vocabulary has arrived; the draft saved
    # last time fills the other fields but must not replace what was just typed.
    tab = page  # a fresh profile on the propose page, its vocabulary loaded
    fill_a_town_case(tab)
    ready(tab)
    reload_slowly(tab, lambda: tab.get_by_label("タイトル（必須）").fill("職員の手で作る業務アプリ"))
    ready(tab)
    assert tab.get_by_label("タイトル（必須）").input_value() == "職員の手で作る業務アプリ"
    assert tab.get_by_label("団体名（必須）").input_value() == "五霞町"  # from the draft
    assert tab.locator("#cb-p-category option:checked").inner_text() == "実務に即した人材育成"
    assert 'title: "職員の手で作る業務アプリ"' in tab.locator("#cb-p-yaml").inner_text()


def test_the_github_button_opens_the_new_file_editor_with_the_record(page: Any) -> None:
    fill_a_town_case(page)
    ready(page)
    path, text = produced(page)
    button = page.get_by_role("link", name="GitHub で提案する")
    address = urlsplit(button.get_attribute("href"))
    assert (address.scheme, address.netloc, address.path) == (
        "https",
        "github.com",
        "/example-town/casebook/new/main/cases/municipal",
    )
    query = parse_qs(address.query, strict_parsing=True)
    assert query == {"filename": ["085421.yaml"], "value": [text]}
    assert path.endswith("/" + query["filename"][0])
    with page.context.expect_page() as opened:
        button.click()
    assert opened.value.url.startswith(f"{REPO}/new/main/cases/municipal?filename=085421.yaml&value=")
    assert "Propose changes" in page.locator("#cb-p-note").inner_text()


def test_a_long_record_opens_the_editor_by_name_and_puts_the_content_on_the_clipboard(page: Any) -> None:
    fill_a_town_case(page)
    page.get_by_label("成果（任意）").fill(
        "職員の声: " + "勉強会で学んだことを各課に持ち帰り、業務の見直しにつなげた。" * 40
    )
    ready(page)
    _path, text = produced(page)
    button = page.get_by_role("link", name="GitHub で提案する")
    address = urlsplit(button.get_attribute("href"))
    assert address.path == "/example-town/casebook/new/main/cases/municipal"
    assert parse_qs(address.query) == {"filename": ["085421.yaml"]}  # over the safe length: no content in the URL
    with page.context.expect_page():
        button.click()
    page.wait_for_function("document.getElementById('cb-p-note').textContent.includes('貼り付けて')")
    assert page.evaluate("navigator.clipboard.readText()") == text


def test_send_instructions_download_and_copy_work_without_a_forge(page: Any, tmp_path: Path) -> None:
    assert page.locator("#cb-p-send").inner_text() == SEND
    fill_a_town_case(page)
    ready(page)
    _path, text = produced(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="ファイルをダウンロード").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "085421.yaml" and saved.read_text(encoding="utf-8") == text
    page.get_by_role("button", name="内容をコピー").click()
    page.wait_for_function("document.getElementById('cb-p-note').textContent.includes('コピーしました')")
    assert page.evaluate("navigator.clipboard.readText()") == text


def test_the_page_works_with_no_network(browser: Any, base: str) -> None:
    context = browser.new_context()
    attempted = cut_off(context, base)
    tab = context.new_page()
    tab.goto(base + "propose/")
    tab.wait_for_function(READY)  # the form has its vocabulary (propose/form.json) before anyone types
    fill_a_town_case(tab)
    ready(tab)
    tab.wait_for_load_state("networkidle")
    context.close()
    assert attempted == []


def _contrast(page: Any, selector: str) -> float:
    return float(
        page.evaluate(
            """(selector) => {
            const el = document.querySelector(selector);
            const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
              return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const style = getComputedStyle(el);
            const alpha = (style.color.match(/[\\d.]+/g)[3] ?? 1) * 1;
            const [fg, bg] = [rgb(style.color), rgb(style.backgroundColor)];
            const mixed = `rgb(${fg.map((v, i) => v * alpha + bg[i] * (1 - alpha)).join(",")})`;
            const [a, b] = [lum(mixed), lum(style.backgroundColor)];
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }""",
            selector,
        )
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_case_pages_have_labelled_legible_edit_and_propose_buttons(browser: Any, base: str, scheme: str) -> None:
    tab = browser.new_page(color_scheme=scheme)
    tab.goto(base + "cases/goka/")
    edit = tab.get_by_role("link", name="この事例を編集")
    assert edit.is_visible() and edit.get_attribute("href") == f"{REPO}/edit/main/cases/municipal/goka.yaml"
    box = edit.bounding_box()
    assert box is not None and box["width"] > 80  # a labelled button, not a bare 24 px icon
    assert _contrast(tab, "a.cb-action[rel=edit]") >= 4.5
    propose = tab.locator("a.cb-action", has_text="事例を提案する")
    assert _contrast(tab, "a.cb-action:not([rel])") >= 4.5
    propose.click()
    tab.wait_for_url(base + "propose/")  # the heading is awaited, not looked for the moment the address changes
    tab.get_by_role("heading", name="事例を提案する", level=1).wait_for(state="visible")
    tab.close()


AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"


def test_the_form_with_its_messages_and_the_buttons_meet_wcag_aa(browser: Any, base: str) -> None:
    # In both palettes: the whole WCAG A/AA run in the light one, the colour rules again in the dark one.
    if not AXE.exists():
        pytest.fail(f"{AXE} がありません: `make tools` が npm で入れます")
    tab = browser.new_page()
    problems = []
    for url in ("propose/", "cases/goka/"):
        tab.goto(base + url)
        if url == "propose/":  # with messages, chosen terms and completions on screen
            tab.wait_for_function(READY)
            tab.get_by_label("団体コード（必須）").fill("085422")
            keywords = tab.get_by_role("textbox", name="キーワード", exact=True)
            keywords.fill("ぐるーぷ")
            tab.get_by_role("button", name="「グループウェア」を追加").click()
            keywords.fill("おーじぇー")
        tab.add_script_tag(path=str(AXE))
        dark, wrong = dark_violations(tab, url)
        problems += serious_violations(tab, url) + dark + wrong
    tab.close()
    assert problems == []
