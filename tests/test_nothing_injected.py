"""Issue 12: record text reaches the exports and the feed unchanged and inert.

No spreadsheet cell starts a formula, the JSON is strict, and feed.xml and the pages' front matter
read back whatever text the models accept.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from xml.etree import ElementTree as ET

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openpyxl import load_workbook
from pydantic import TypeAdapter, ValidationError

from casebook.export import (
    DATE_COLUMNS,
    FLAT_COLUMNS,
    NUMBER_COLUMNS,
    cases_csv,
    cases_xlsx,
    flat_rows,
    gif_csv,
    load_csv,
    load_json,
    load_xlsx,
    records_json,
)
from casebook.feed import ATOM, atom_feed
from casebook.index import SiteIndex
from casebook.models import Figure, Text
from casebook.render import _yaml_string
from casebook.validate import Corpus, check

SAMPLE = Path(__file__).resolve().parent / "sample" / "cases"
FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
HOSTILE = {
    "title": "=cmd|' /C calc'!A0",
    "summary": "+1+1 と書くと数式になる",
    "reason": "-2",
    "purpose": "@SUM(A1:A2)",
    "outcomes": "＝全角の等号",
    "lessons": "'引用符で始まる文",
    "contact": '=HYPERLINK("http://evil.example/","x")',
    "initiatives": [{"heading": "-見出し", "points": ["=1"]}],
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("hostile") / "cases"
    shutil.copytree(SAMPLE, root)
    record = {
        "type": "case",
        "organization": {"name": "試験町", "prefecture": "茨城県", "code": "085421", "kind": "町"},
        "category": "practical-training",
        "keywords": ["OJT"],
        "sources": [{"document": "guidebook", "page": 4}],
        "published": "2026-11-23",
        "updated": "2026-11-23",
        **HOSTILE,
    }
    (root / "municipal" / "formula.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    result = check([root], cwd=root.parent)
    assert result.errors == [] and "formula" in result.entries
    return result


def _csv_cells(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [cell for row in rows[1:] for cell in row]


@pytest.mark.parametrize("export", [cases_csv, gif_csv])
def test_no_csv_cell_starts_a_formula(corpus: Corpus, export: Any) -> None:
    cells = _csv_cells(export(corpus))
    assert "'=cmd|' /C calc'!A0" in cells
    assert [c for c in cells if c.startswith(FORMULA)] == []


def test_csv_round_trips_the_text_as_written(corpus: Corpus) -> None:
    rows = load_csv(cases_csv(corpus))
    assert rows == flat_rows(corpus)
    assert next(r for r in rows if r["id"] == "formula")["title"] == HOSTILE["title"]


def test_xlsx_holds_no_formula_and_round_trips(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    cases_xlsx(corpus, path)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<f[ >/]", xml) for xml in sheets)
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    columns = {i + 1: key for i, (key, _label) in enumerate(FLAT_COLUMNS)}
    typed = NUMBER_COLUMNS | DATE_COLUMNS
    # Text is always a string cell; only 人口 and the dates are numbers or dates (never formulas).
    assert {c.data_type for c in cells if columns[c.column] not in typed} == {"s"}
    assert {c.data_type for c in cells if columns[c.column] in typed} <= {"n", "d", "s"}
    title = next(c for c in cells if c.value == HOSTILE["title"])
    assert title.quotePrefix  # Excel's own apostrophe: editing the cell keeps it text
    assert load_xlsx(path) == flat_rows(corpus)


def test_json_export_is_strict(corpus: Corpus) -> None:
    assert load_json(records_json(corpus)).keys() == corpus.entries.keys()
    entry = corpus.entries["formula"]
    broken = entry.record.model_copy(update={"figures": [Figure.model_construct(label="x", value=float("nan"))]})
    corpus.entries["formula"] = type(entry)(entry.id, entry.path, broken, entry.doc)
    try:
        with pytest.raises(ValueError, match="JSON"):
            records_json(corpus)  # never `NaN`, which JSON.parse and strict readers reject
    finally:
        corpus.entries["formula"] = entry


# --- any text the models accept survives the feed and the front matter ----------------------------

SPECIAL = [
    "\x00", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e", "\u2066", "\u200e",
    "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufffe", "\uffff", "\ufdd0", "\U0001fffe",
    "\ud800", "\udfff", "\r", "\r\n", "\t", "\n", "<", "&", "]]>", "\"", "\\", "👩\u200d💻", "\u3000",
]  # fmt: skip
any_text = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.text(st.characters(exclude_categories=()), max_size=8)), max_size=8
).map("".join)
TEXT: TypeAdapter[str] = TypeAdapter(Text)


def _index(text: str) -> SiteIndex:
    case = SimpleNamespace(title=text, summary=text, published="2026-01-01", updated="2026-01-02")
    view = SimpleNamespace(url="cases/x/", case=case, org_label=text)
    return cast(SiteIndex, SimpleNamespace(cases=[view], programs=[], others=[]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_feed_and_front_matter_read_back_any_accepted_text(text: str) -> None:
    # The feed writer never writes XML that does not parse, whatever it is given.
    ET.fromstring(atom_feed(_index(text), "", "事例集").encode("utf-8"))
    try:
        accepted = TEXT.validate_python(text)
    except ValidationError:
        return
    feed = ET.fromstring(atom_feed(_index(accepted), "", "事例集").encode("utf-8"))
    entry = feed.find(f"{{{ATOM}}}entry")
    assert entry is not None
    assert entry.findtext(f"{{{ATOM}}}title") == f"【事例】{accepted}（{accepted}）"
    assert entry.findtext(f"{{{ATOM}}}summary") == accepted
    # MkDocs reads the front matter with PyYAML: a character it refuses drops the page's title and
    # its search metadata without an error.
    assert yaml.safe_load(f"title: {_yaml_string(accepted)}\n") == {"title": str(escape(accepted))}
