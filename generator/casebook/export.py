"""Exports of the records for people who want the data itself: JSON, CSV (Excel), XLSX and GIF CSV.

The last is a CSV in the columns of the government's case data model (GIF 実装データモデル「事例」).
Each export loads back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casebook.models import RECORD_ADAPTER, Case, Program, SourceRef
from casebook.outputs import written_whole
from casebook.validate import Corpus

FLAT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "ID"),
    ("title", "タイトル"),
    ("organization", "団体名"),
    ("prefecture", "都道府県"),
    ("code", "団体コード"),
    ("kind", "団体区分"),
    ("population", "人口"),
    ("population_as_of", "人口の基準日"),
    ("category", "カテゴリ"),
    ("keywords", "キーワード"),
    ("challenges", "課題"),
    ("programs", "支援制度"),
    ("summary", "取り組みの概要"),
    ("sources", "出典"),
    ("published", "公開日"),
    ("updated", "最終更新日"),
    ("category_slug", "カテゴリ（ID）"),
    ("challenge_slugs", "課題（ID）"),
    ("program_ids", "支援制度（ID）"),
    ("source_ids", "出典（ID）"),
)
"""One row per case, in the words the site shows; the ids machines join on come last, in their own
columns. Lists are joined with `;` (as the government model does for キーワード)."""

NUMBER_COLUMNS = frozenset({"population"})
"""Stored as numbers in the XLSX, so sorting puts 8,000 before 19,000."""

DATE_COLUMNS = frozenset({"population_as_of", "published", "updated"})
"""Stored as dates in the XLSX (with the precision the record gives: day, month or year)."""

WIDTHS = {
    "title": 40,
    "summary": 60,
    "sources": 40,
    "keywords": 30,
    "challenges": 30,
    "category": 24,
    "organization": 12,
}
"""Column widths (characters) for the XLSX; the rest get 12."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""What makes a spreadsheet read a cell as a formula (OWASP CSV injection), with the full-width forms
Japanese Excel also accepts when it parses typed-in text."""

GIF_COLUMNS = (
    "タイトル", "事例の場所", "対象組織", "取り組みの概要", "取り組み理由", "目的", "取り組み内容",
    "連絡先", "成果", "学んだこと", "キーワード", "公開日", "最終更新日", "全国地方公共団体コード",
)  # fmt: skip
"""GIF 実装データモデル（行政）「事例」 (DS-451-3) columns, plus our 団体コード."""


def records_json(corpus: Corpus) -> str:
    """Every record, with its id, as strict JSON (validates against record.schema.json plus `id`).

    `allow_nan=False`: NaN and Infinity are not JSON; the models refuse them, and should one slip
    through, the export fails instead of writing a file that JSON readers reject.
    """
    items = [
        {"id": e.id, **e.record.model_dump(mode="json", exclude_none=True)}
        for e in sorted(corpus.entries.values(), key=lambda e: e.id)
    ]
    return json.dumps({"records": items}, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def load_json(text: str) -> dict[str, Any]:
    """Records back from records_json, validated by the same models."""
    data = json.loads(text)
    return {item.pop("id"): RECORD_ADAPTER.validate_python(item) for item in data["records"]}


def _cases(corpus: Corpus) -> list[tuple[str, Case]]:
    return [(e.id, e.record) for e in sorted(corpus.entries.values(), key=lambda e: e.id) if isinstance(e.record, Case)]


@dataclass(frozen=True)
class Names:
    """What the site calls each keyword spelling, category, challenge, program and source."""

    keywords: dict[str, str]
    terms: dict[str, str]
    """Category and challenge slugs → labels."""
    programs: dict[str, str]
    sources: dict[str, str]
    """Source ids → 「title」（publisher）."""


def _names(corpus: Corpus) -> Names:
    tax = corpus.taxonomy
    keywords = {}
    for e in corpus.entries.values():
        for text in e.record.keywords:
            kw = tax.keyword(text)
            keywords[text] = kw.label if kw else text
    terms = {c.slug: c.label for c in tax.categories} | {c.slug: c.label for c in tax.challenges}
    programs = {e.id: e.record.title for e in corpus.entries.values() if isinstance(e.record, Program)}
    sources = {s.id: f"「{s.title}」（{s.publisher}）" for s in tax.sources}
    return Names(keywords, terms, programs, sources)


def _source_text(src: SourceRef, names: Names) -> str:
    what = names.sources.get(src.document, src.document) if src.document else f"「{src.title}」（{src.publisher}）"
    if src.page:
        return f"{what} p.{src.page}" + (f"-{src.page_end}" if src.page_end else "")
    return f"{what} {src.section or src.url or ''}".strip()


def flat_row(ident: str, case: Case, names: Names) -> dict[str, str]:
    """A case as one row of text cells, in the words the site shows (ids in the last columns)."""
    org = case.organization
    return {
        "id": ident,
        "title": case.title,
        "organization": org.name,
        "prefecture": org.prefecture,
        "code": org.code,
        "kind": org.kind.value,
        "population": str(org.population.value) if org.population else "",
        "population_as_of": (org.population.as_of or "") if org.population else "",
        "category": names.terms.get(case.category, case.category),
        "keywords": ";".join(names.keywords.get(k, k) for k in case.keywords),
        "challenges": ";".join(names.terms.get(c, c) for c in case.challenges),
        "programs": ";".join(names.programs.get(p, p) for p in case.programs),
        "summary": case.summary,
        "sources": "; ".join(_source_text(s, names) for s in case.sources),
        "published": case.published,
        "updated": case.updated,
        "category_slug": case.category,
        "challenge_slugs": ";".join(case.challenges),
        "program_ids": ";".join(case.programs),
        "source_ids": ";".join(s.document or "" for s in case.sources),
    }


def flat_rows(corpus: Corpus) -> list[dict[str, str]]:
    """Every case as a flat row."""
    names = _names(corpus)
    return [flat_row(ident, case, names) for ident, case in _cases(corpus)]


def csv_cell(text: str) -> str:
    """A CSV cell that no spreadsheet runs: OWASP's rule, a leading `'` before a formula start.

    A cell that already starts with `'` gets one too, so load_csv can take exactly one away.
    """
    return "'" + text if text.startswith((*FORMULA_START, "'")) else text


def _csv(header: Iterable[str], rows: Iterable[Iterable[str]]) -> bytes:
    # Excel opens UTF-8 only with a BOM; CRLF is what it writes itself.
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def cases_csv(corpus: Corpus) -> bytes:
    """cases.csv: UTF-8 with BOM, CRLF, Japanese headers."""
    return _csv(
        [label for _k, label in FLAT_COLUMNS], ([row[k] for k, _l in FLAT_COLUMNS] for row in flat_rows(corpus))
    )


def load_csv(data: bytes) -> list[dict[str, str]]:
    """Rows back from cases_csv, keyed like flat_row."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    keys = {label: key for key, label in FLAT_COLUMNS}
    return [{keys[h]: cell.removeprefix("'") for h, cell in zip(header, row, strict=True)} for row in reader]


def gif_csv(corpus: Corpus) -> bytes:
    """The government's 「事例」 columns (取り組み内容 joined from our initiatives)."""
    labels = _names(corpus).keywords
    rows = []
    for _ident, case in _cases(corpus):
        content = " / ".join(f"{i.heading}: {'、'.join(i.points)}" if i.points else i.heading for i in case.initiatives)
        rows.append([
            case.title, case.organization.prefecture, case.organization.name, case.summary, case.reason or "",
            case.purpose or "", content, case.contact or "", case.outcomes or "", case.lessons or "",
            ";".join(labels.get(k, k) for k in case.keywords), case.published, case.updated, case.organization.code,
        ])  # fmt: skip
    return _csv(GIF_COLUMNS, rows)


_DATE_FORMATS = {10: ("yyyy-mm-dd", "%Y-%m-%d"), 7: ("yyyy-mm", "%Y-%m"), 4: ("yyyy", "%Y")}
"""Length of a stored date → (Excel number format, strftime), so a date keeps its precision."""


def _xlsx_value(key: str, text: str) -> tuple[object, str | None]:
    """(cell value, number format) of a flat cell: numbers and dates as such, everything else as text."""
    if key in NUMBER_COLUMNS and text.isdigit():
        return int(text), "#,##0"
    if key in DATE_COLUMNS and len(text) in _DATE_FORMATS:
        excel, python = _DATE_FORMATS[len(text)]
        try:
            return dt.datetime.strptime(text, python), excel
        except ValueError:
            pass  # a fiscal year (FY2023) stays text
    return text, "@" if key == "code" else None


def cases_xlsx(corpus: Corpus, path: Path) -> None:
    """cases.xlsx: people open it in Excel, so 人口 is a number, dates are dates, codes keep their zeros.

    Text cells are string cells (openpyxl would store `=…` as a formula). A cell that starts like a
    formula also gets Excel's own apostrophe, the `quotePrefix` style: the text stays as written
    (no visible `'`, nothing for load_xlsx to strip), and editing the cell does not turn it into one.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "事例"
    sheet.append([label for _k, label in FLAT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in flat_rows(corpus):
        sheet.append([None] * len(FLAT_COLUMNS))
        for cell, (key, _label) in zip(sheet[sheet.max_row], FLAT_COLUMNS, strict=True):
            value, number_format = _xlsx_value(key, row[key])
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
                cell.quotePrefix = value.startswith(FORMULA_START)
            if number_format:
                cell.number_format = number_format
    for i, (key, _label) in enumerate(FLAT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = WIDTHS.get(key, 12)
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    book.save(path)


def _text_of(value: object, number_format: str) -> str:
    """A cell back as the flat text it was made from."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        python = next(p for excel, p in _DATE_FORMATS.values() if excel == number_format)
        return value.strftime(python)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_xlsx(path: Path) -> list[dict[str, str]]:
    """Rows back from cases_xlsx."""
    from openpyxl import load_workbook

    # read_only keeps the zip open until close(); leaving it to the GC leaks a file handle.
    book = load_workbook(path, read_only=True)
    try:
        sheet = book.active
        assert sheet is not None
        rows = sheet.iter_rows()
        header = [str(c.value) for c in next(rows)]
        keys = {label: key for key, label in FLAT_COLUMNS}
        return [{keys[h]: _text_of(c.value, c.number_format) for h, c in zip(header, row, strict=True)} for row in rows]
    finally:
        book.close()


EXPORTS = ("cases.json", "record.schema.json", "cases.csv", "cases.xlsx", "cases-gif.csv")


def write_exports(corpus: Corpus, folder: Path, schema: dict[str, Any]) -> list[Path]:
    """Write every export into `folder`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "cases.json": records_json(corpus).encode("utf-8"),
        "record.schema.json": (json.dumps(schema, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode(
            "utf-8"
        ),
        "cases.csv": cases_csv(corpus),
        "cases-gif.csv": gif_csv(corpus),
    }
    for name, data in texts.items():
        with written_whole(folder / name) as partial:
            partial.write_bytes(data)
    with written_whole(folder / "cases.xlsx") as partial:
        cases_xlsx(corpus, partial)
    return [folder / name for name in EXPORTS]
