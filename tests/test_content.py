"""The bundled knowledge base: the guidebook's 14 cases, complete and in our own words."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from casebook.models import Case
from casebook.validate import check

ROOT = Path(__file__).resolve().parent.parent
GUIDEBOOK = ROOT.parent / "shared" / "seeds" / "004_b78fbeb7f682da13.txt"

# (id, 団体, list page) — from the guidebook's list tables (p.2 and p.49).
GUIDEBOOK_CASES = [
    ("goka", "五霞町", 4),
    ("matsumoto", "松本市", 8),
    ("oyama", "小山町", 13),
    ("fukuchiyama", "福知山市", 17),
    ("motomiya", "本宮市", 21),
    ("tsukuba", "つくば市", 24),
    ("sanda", "三田市", 27),
    ("nankoku", "南国市", 30),
    ("shonai", "庄内町", 36),
    ("echizen", "越前市", 39),
    ("ibara", "井原市", 42),
    ("kasama", "笠間市", 45),
    ("nara", "奈良県", 50),
    ("kochi", "高知県", 56),
]


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    result = check([ROOT / "cases"])
    assert result.errors == []
    return result


@pytest.mark.parametrize(("ident", "name", "page"), GUIDEBOOK_CASES)
def test_guidebook_case_present_and_cited(corpus, ident: str, name: str, page: int) -> None:  # type: ignore[no-untyped-def]
    entry = corpus.entries[ident]
    case = entry.record
    assert isinstance(case, Case)
    assert case.organization.name == name
    assert case.sources[0].document == "guidebook"
    assert case.sources[0].page == page
    assert case.summary and case.initiatives and case.keywords
    assert case.organization.population is not None
    assert case.interview is not None


def _descriptive_texts(case: Case) -> list[str]:
    texts = [case.summary, case.outcomes or "", case.reason or "", case.purpose or "", case.lessons or ""]
    if case.interview:
        texts += [case.interview.effect or "", case.interview.difficulty or "", case.interview.hr_coordination or ""]
        texts += [case.interview.future or ""] + [qa.answer for qa in case.interview.other]
    return [t for t in texts if t]


def _longest_shared_run(text: str, source: str) -> str:
    best = ""
    for i in range(len(text)):
        size = len(best) + 1
        while i + size <= len(text) and text[i : i + size] in source:
            best = text[i : i + size]
            size += 1
    return best


@pytest.mark.skipif(not GUIDEBOOK.exists(), reason="the seeds are not next to this checkout")
@pytest.mark.parametrize(("ident", "name", "page"), GUIDEBOOK_CASES)
def test_prose_is_in_our_own_words(corpus, ident: str, name: str, page: int) -> None:  # type: ignore[no-untyped-def]
    source = re.sub(r"\s+", "", GUIDEBOOK.read_text(encoding="utf-8"))
    for text in _descriptive_texts(corpus.entries[ident].record):
        # Names and titles quoted in 「」 must carry over exactly; everything else is paraphrase.
        prose = re.sub(r"「[^」]*」", "「」", re.sub(r"\s+", "", text))
        run = _longest_shared_run(prose, source)
        assert len(run) < 26, f"{ident}: copied from the source: {run}"


def test_frequent_keywords_match_the_guidebook(corpus) -> None:  # type: ignore[no-untyped-def]
    # The guidebook's 頻出キーワード table (p.3): OJT ×4, 外部専門人材 ×3, DXアドバイザーの活用 ×3.
    counts: dict[str, set[str]] = {}
    for entry in corpus.of_type(Case):
        for text in entry.record.keywords:
            kw = corpus.taxonomy.keyword(text)
            counts.setdefault(kw.label, set()).add(entry.record.organization.name)
    assert counts["OJT(職場内訓練)"] == {"五霞町", "小山町", "南国市", "庄内町"}
    assert counts["外部専門人材"] == {"小山町", "福知山市", "三田市"}
    assert counts["DXアドバイザーの活用"] == {"庄内町", "越前市", "井原市"}


# --- issue 16 §2: fidelity to the guidebook ----------------------------------------------------

SOURCES_MD = ROOT / "cases" / "SOURCES.md"
needs_seeds = pytest.mark.skipif(not GUIDEBOOK.exists(), reason="the seeds are not next to this checkout")


def _seed() -> str:
    return GUIDEBOOK.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _case_sections(corpus) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each guidebook case's own pages in the seed text, by 団体名 (from its title block to the next case)."""
    seed = _seed()
    starts = []
    for ident, name, _page in GUIDEBOOK_CASES:
        org = corpus.entries[ident].record.organization
        label = org.name if org.name == org.prefecture else org.prefecture + org.name
        match = re.search(rf"\n\s*{label}\n+\s*人口", seed)
        assert match, f"{label} not found in the seed"
        starts.append((match.start(), name))
    starts.sort()
    ends = [s for s, _ in starts[1:]] + [len(seed)]
    return {name: seed[start:end] for (start, name), end in zip(starts, ends, strict=True)}


@needs_seeds
@pytest.mark.parametrize(
    ("ident", "field", "phrase"),
    [
        ("goka", "summary", "町独自"),
        ("goka", "summary", "小さな町でも続けられる"),
        ("kochi", "summary", "数年がかり"),
        ("top-dialogue", "summary", "近隣7町"),
    ],
)
def test_records_add_nothing_the_guidebook_does_not_say(corpus, ident: str, field: str, phrase: str) -> None:  # type: ignore[no-untyped-def]
    assert _flat(phrase) not in _flat(_seed())  # the source really does not say it …
    assert phrase not in getattr(corpus.entries[ident].record, field)  # … so neither do we


def test_goka_states_no_purpose_the_source_does_not_state(corpus) -> None:  # type: ignore[no-untyped-def]
    # The guidebook describes what 五霞町 does (plan, levels, OJT, KPI), never an aim of its own.
    assert corpus.entries["goka"].record.purpose is None


@needs_seeds
def test_goka_level_4_keeps_both_items_of_the_source(corpus) -> None:  # type: ignore[no-untyped-def]
    printed = re.search(r"レベル4\n+(.+?)ができる", _seed())
    assert printed
    items = printed.group(1).split("、")
    assert len(items) == 2  # 情報セキュリティ / インシデントの初期対応(トリアージ)
    ladder = corpus.entries["goka"].record.skill_ladder
    level4 = _flat(next(lv.description for lv in ladder.levels if lv.level == 4))
    for item in items:
        assert _flat(item) in level4


def _sources_row(first_cell: str) -> str:
    row = next(line for line in SOURCES_MD.read_text(encoding="utf-8").splitlines() if first_cell in line)
    return row


def _names(text: str) -> set[str]:
    return set(re.findall(r"[一-龥ぁ-んァ-ヶ]+?[市町村県](?=[・）、|\s]|$)", text))


@needs_seeds
def test_keyword_order_row_names_every_case_whose_list_order_reads_differently(corpus) -> None:  # type: ignore[no-untyped-def]
    # The list table (p.2) prints two keyword columns; the text extraction reads them column by column.
    differs, row_major_differs = set(), set()
    page_orders = {}
    for name, section in _case_sections(corpus).items():
        line = re.search(r"キーワード:(.*)", section)
        assert line
        page_orders[name] = [corpus.taxonomy.keyword(k).slug for k in re.findall(r"#\s*([^#\s]+)", line.group(1))]
    for row in re.findall(r"^\d+\t(.+)$", _seed(), flags=re.MULTILINE):
        cells = row.split("\t")
        name = next((n for n in page_orders if n in cells[0]), None)
        if name is None or "人口" not in cells[0]:
            continue
        columns = [re.findall(r"#\s*([^#\s]+)", c) for c in cells if "#" in c]
        column_major = [corpus.taxonomy.keyword(k).slug for col in columns for k in col]
        row_major = [
            corpus.taxonomy.keyword(col[i]).slug
            for i in range(max(map(len, columns)))
            for col in columns
            if i < len(col)
        ]
        if column_major != page_orders[name]:
            differs.add(name)
        if row_major != page_orders[name]:
            row_major_differs.add(name)
    assert len(page_orders) == 14
    assert row_major_differs == set()  # read row by row, the list agrees with every case page
    recorded = _sources_row("| キーワードの並び |").split("|")[2]
    assert _names(recorded) == differs


@needs_seeds
def test_old_kanji_row_names_every_case_that_prints_it(corpus) -> None:  # type: ignore[no-untyped-def]
    printed = {name for name, section in _case_sections(corpus).items() if "苦勞" in section}
    row = _sources_row("苦勞")
    assert _names(row.split("|")[1]) == printed


def test_dialogue_points_name_their_speaker(corpus) -> None:  # type: ignore[no-untyped-def]
    dialogue = corpus.entries["top-dialogue"].record
    speakers = {s.name for s in dialogue.speakers}
    said = [p.speaker for t in dialogue.topics for p in t.points]
    assert said and set(said) == speakers  # every speaker speaks; nobody else does
    record_schema = json.loads((ROOT / "schema" / "record.schema.json").read_text(encoding="utf-8"))
    remark = record_schema["$defs"]["Remark"]
    assert set(remark["required"]) == {"speaker", "summary"}  # the committed schema tells the editor


@needs_seeds
@pytest.mark.parametrize(("ident", "name", "page"), GUIDEBOOK_CASES[:12])
def test_initiatives_keep_the_page_heading_apart_from_the_items(corpus, ident: str, name: str, page: int) -> None:  # type: ignore[no-untyped-def]
    # Every municipal case page heads its initiatives with one title, then lists items under their own
    # headings: the title goes in `initiatives_heading`, never joined to (or instead of) the first item.
    case = corpus.entries[ident].record
    section = _flat(_case_sections(corpus)[name])
    assert case.initiatives_heading and _flat(case.initiatives_heading) in section
    assert _flat(case.initiatives[0].heading) in section
    assert not any(case.initiatives_heading in it.heading for it in case.initiatives)


# --- the guidebook's own structure: chapters and keyword index -----------------------------------


@needs_seeds
def test_guidebook_chapters_follow_its_table_of_contents(corpus) -> None:  # type: ignore[no-untyped-def]
    toc = re.findall(r"\|\s*(\d)\.\s*(.+?)\s*\|\s*・・・\s*(\d+)\s*\|", _seed())
    chapters = corpus.taxonomy.source("guidebook").chapters
    assert [(str(c.number), c.title, str(c.page)) for c in chapters] == toc
    leads = [c.lead for c in chapters if c.lead]
    assert len(leads) == 2  # chapters 2 and 4 open with a lead-in sentence
    for lead in leads:
        assert len(_longest_shared_run(_flat(lead), _flat(_seed()))) < 10, lead


def _printed_keyword_index() -> list[tuple[str, list[tuple[str, list[tuple[str, int]]]]]]:
    seed = _seed()
    block = seed[seed.index("頻出キーワード\t") :]
    block = block[: block.index("\n\n\n")]
    tables: list[tuple[str, list[tuple[str, list[tuple[str, int]]]]]] = []
    for line in block.splitlines():
        cells = line.split("\t")
        if len(cells) < 3:
            continue
        if cells[1:] == ["団体名", "ページ"]:
            tables.append((cells[0], []))
        elif cells[0]:
            tables[-1][1].append((cells[0], [(cells[1], int(cells[2]))]))
        else:
            tables[-1][1][-1][1].append((cells[1], int(cells[2])))
    return tables


@needs_seeds
def test_guidebook_keyword_index_is_the_printed_one(corpus) -> None:  # type: ignore[no-untyped-def]
    guidebook = corpus.taxonomy.source("guidebook")
    ours = [
        (t.title, [(i.term, [(e.organization, e.page) for e in i.entries]) for i in t.terms])
        for t in guidebook.keyword_index
    ]
    assert ours == _printed_keyword_index()
    # The index sits between the chapter's first page (the list, p.2) and the first case (p.4).
    first_case = min(e.page for t in guidebook.keyword_index for i in t.terms for e in i.entries)
    assert all(guidebook.chapters[0].page < t.page < first_case for t in guidebook.keyword_index)


def test_guidebook_keyword_index_points_at_our_keywords_and_cases(corpus) -> None:  # type: ignore[no-untyped-def]
    cases = [e.record for e in corpus.of_type(Case)]
    for table in corpus.taxonomy.source("guidebook").keyword_index:
        for item in table.terms:
            keyword = corpus.taxonomy.keyword(item.term)
            assert keyword is not None, item.term
            for entry in item.entries:
                (case,) = [
                    c
                    for c in cases
                    if entry.organization.endswith(c.organization.name)
                    and entry.organization.startswith(c.organization.prefecture)
                    and c.sources[0].page <= entry.page <= c.sources[0].page_end
                ]
                assert keyword in [corpus.taxonomy.keyword(k) for k in case.keywords], (item.term, entry)


def test_an_index_term_that_is_no_keyword_is_reported(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", cases)
    sources = cases / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace('term: "#職務認定"', 'term: "#職務の認定制度"'), encoding="utf-8")
    line = next(i for i, s in enumerate(sources.read_text(encoding="utf-8").splitlines(), 1) if "職務の認定制度" in s)
    problems = [d.format() for d in check([cases], cwd=tmp_path).errors]
    assert len(problems) == 1
    assert problems[0].startswith(f"cases/sources.yaml:{line}:")
    assert "keyword_index[1].terms[1].term: 未登録のキーワード「#職務の認定制度」" in problems[0]


@needs_seeds
def test_nankoku_bpr_steps_are_the_printed_ones(corpus) -> None:  # type: ignore[no-untyped-def]
    seed = _seed()
    block = seed[seed.index("3つのフローの定量比較") :]
    block = block[: block.index("\nRPA")]
    printed: set[tuple[str, str]] = set()  # (作業, 時間) side by side in the printed table
    for line in block.splitlines():
        cells = [_flat(c) for c in line.split("\t")]
        printed |= {(a, b) for a, b in itertools.pairwise(cells) if b.isdigit() and not a.isdigit()}
    sublabels = set(re.findall(r"\((.+?)\)", _flat(block)))
    before_after, can_be = corpus.entries["nankoku"].record.tables
    steps = [r for r in before_after.rows if r[0] != "計"]
    for row in steps:
        for name, time in ((row[0], row[1]), (row[2], row[3])):
            if not name:
                continue
            step, *sub = re.split(r"(?<=\))(?=\()", _flat(name))  # 申込内容の登録(AI) + (受付時間の割り振り)
            assert (step, time) in printed, name
            assert all(s.strip("()") in sublabels for s in sub), name
    (total,) = [r for r in before_after.rows if r[0] == "計"]
    assert sum(int(r[1]) for r in steps) == int(total[1]) == 12
    assert sum(int(r[3] or 0) for r in steps) == int(total[3]) == 2
    online = [r for r in can_be.rows if r[0] == "オンライン"]
    for _route, name, time in online:
        assert (_flat(name), time) in printed, name
    (phone,) = [r for r in can_be.rows if r[0] == "電話"]
    assert int(phone[2]) + sum(int(r[2]) for r in online) == int(can_be.rows[-1][2]) == 17


def test_a_table_row_that_does_not_fit_its_columns_is_reported(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", cases)
    record = cases / "municipal" / "nankoku.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("[予約登録, 1, 予約登録, 0]", "[予約登録, 1, 予約登録]"),
        encoding="utf-8",
    )
    problems = [d.format() for d in check([cases], cwd=tmp_path).errors]
    assert len(problems) == 1
    assert problems[0].startswith("cases/municipal/nankoku.yaml:")
    assert "tables[0]: rows[4] のセルが 3 個で、columns の 4 個と合いません" in problems[0]
