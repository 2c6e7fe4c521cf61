"""`casebook from-issue`: the body of a 「事例を提案する」 issue (GitHub's issue form) → a checked record file.

GitHub writes each answer of an issue form under a `### 見出し` line (the field's label) and an
unanswered optional field as `_No response_`. The labels below are the form's
(.github/ISSUE_TEMPLATE/case.yml; a test keeps the two equal). Problems are reported at the issue's
own lines, in the one format, so whoever fixes the issue sees where.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from casebook.diagnostics import Diagnostic, Severity, os_reason
from casebook.municipality import OrgKind, code_problem, default_kind, prefecture_of_code
from casebook.pages import INTERVIEW_QUESTIONS
from casebook.scaffold import case_folder, suggest_id
from casebook.taxonomy import Taxonomy, normalize_key
from casebook.validate import Corpus, check
from casebook.validate.lookup import unknown_keyword

FIELDS: dict[str, str] = {
    "団体コード": "code",
    "団体名": "name",
    "団体区分": "kind",
    "人口": "population",
    "人口の基準日": "population_as_of",
    "タイトル": "title",
    "カテゴリ": "category",
    "概要": "summary",
    "取り組み内容": "initiatives",
    "成果": "outcomes",
    "キーワード": "keywords",
    "課題": "challenges",
    "時期": "period",
    "出典の資料名": "source_title",
    "出典の発行者": "source_publisher",
    "出典の日付": "source_date",
    "出典の URL": "source_url",
    "出典のページ": "page",
    **{question: name for name, question in INTERVIEW_QUESTIONS},
    "確認": "consent",
}
"""Issue-form label (GitHub's `### 見出し`) → our name for the answer."""

REQUIRED = ("団体コード", "団体名", "タイトル", "カテゴリ", "概要", "出典の資料名", "出典の発行者")

# Record field (indices dropped) → the label whose answer it came from, for reporting problems.
_WHERE = {
    "organization.code": "団体コード",
    "organization.prefecture": "団体コード",
    "organization.name": "団体名",
    "organization.kind": "団体区分",
    "organization.population": "人口",
    "organization.population.as_of": "人口の基準日",
    "timeline": "時期",
    "sources": "出典のページ",  # no page, section or URL (title and publisher are required answers)
    "sources.title": "出典の資料名",
    "sources.publisher": "出典の発行者",
    "sources.date": "出典の日付",
    "sources.url": "出典の URL",
    "sources.page": "出典のページ",
    **{f"interview.{name}": question for name, question in INTERVIEW_QUESTIONS},
    **{name: label for label, name in FIELDS.items() if name in ("title", "category", "summary", "initiatives", "outcomes", "keywords", "challenges")},
}  # fmt: skip

_NO_RESPONSE = "_No response_"
_LIST = re.compile(r"[、,，;；\n]")


@dataclass(frozen=True)
class Answer:
    """One answer of the form: its text (stripped, empty when unanswered) and its first line in the body."""

    text: str
    line: int


def parse_body(body: str) -> dict[str, Answer]:
    """The answers of an issue-form body by label; `_No response_` and blank answers are empty."""
    answers: dict[str, Answer] = {}
    label: str | None = None
    lines: list[tuple[int, str]] = []

    def close() -> None:
        if label is not None:
            kept = [(n, t) for n, t in lines if t.strip()]
            text = "\n".join(t.rstrip() for _n, t in lines).strip().replace("\u3000", " ").strip()
            answers[label] = Answer("" if text == _NO_RESPONSE else text, kept[0][0] if kept else heading)

    heading = 1
    for number, raw in enumerate(body.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if raw.startswith("### "):
            close()
            label, heading, lines = raw[4:].strip(), number, []
        elif label is not None:
            lines.append((number, raw))
    close()
    return answers


def _plain(text: str) -> str:
    """Full-width digits and letters folded, spaces dropped: codes, numbers and pages."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _population(text: str) -> dict[str, Any] | str:
    plain = _plain(text).replace(",", "").removesuffix("人")
    approximate = plain.startswith("約")
    digits = plain.removeprefix("約")
    if not digits.isascii() or not digits.isdigit():
        return text  # the model reports it as "整数を書いてください"
    return {"value": int(digits), **({"approximate": True} if approximate else {})}


def _initiatives(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for raw in text.split("\n"):
        line = raw.strip()
        point = re.match(r"^[・･\-－*]\s*(.+)$", line)
        if not line:
            continue
        if point and out:
            out[-1]["points"].append(point.group(1).strip())
        else:
            out.append({"heading": point.group(1).strip() if point else line, "points": []})
    return out


def _words(text: str) -> list[str]:
    return [w.strip() for w in _LIST.split(text) if w.strip()]


def _terms(text: str, find: Callable[[str], str | None]) -> list[str]:
    """The registered terms listed, as the record names them (unknown ones are reported by term_problems)."""
    return list(dict.fromkeys(name for w in _words(text) if (name := find(w)) is not None))


def _keyword(tax: Taxonomy, word: str) -> str | None:
    kw = tax.keyword(word)
    return kw.label if kw is not None else None


def _challenge(tax: Taxonomy, word: str) -> str | None:
    key = normalize_key(word)
    for ch in tax.challenges:
        if key in {normalize_key(s) for s in (ch.label, ch.slug, *ch.aliases)}:
            return ch.slug
    return None


def build_record(answers: dict[str, Answer], tax: Taxonomy, today: dt.date) -> dict[str, Any]:
    """The record the answers describe, as data; `casebook check` judges it afterwards."""
    a = {FIELDS[label]: ans.text for label, ans in answers.items() if label in FIELDS}
    for name in ("population_as_of", "period", "source_date"):  # Ｒ５．４ as typed with the IME on → R5.4
        if a.get(name):
            a[name] = unicodedata.normalize("NFKC", a[name]).strip()
    code = _plain(a.get("code", ""))
    valid = code_problem(code) is None
    kinds = {k.value for k in OrgKind}
    kind = a.get("kind") if a.get("kind") in kinds else (default_kind(code).value if valid else OrgKind.CITY.value)
    org: dict[str, Any] = {"name": a.get("name", ""), "prefecture": prefecture_of_code(code) if valid else "",
                           "code": Quoted(code), "kind": kind}  # fmt: skip
    if a.get("population"):
        population = _population(a["population"])
        org["population"] = population if isinstance(population, dict) else {"value": population}
        if a.get("population_as_of"):
            org["population"]["as_of"] = a["population_as_of"]
    category = next((c.slug for c in tax.categories if c.label == a.get("category")), a.get("category", ""))
    record: dict[str, Any] = {"type": "case", "title": a.get("title", ""), "organization": org, "category": category}
    record["keywords"] = _terms(a.get("keywords", ""), lambda w: _keyword(tax, w))
    record["summary"] = a.get("summary", "")
    for name in ("initiatives", "outcomes"):
        if a.get(name):
            record[name] = _initiatives(a[name]) if name == "initiatives" else a[name]
    interview = {name: a[name] for name, _q in INTERVIEW_QUESTIONS if a.get(name)}
    if interview:
        record["interview"] = interview
    if a.get("period"):
        record["timeline"] = [{"date": a["period"], "event": "取り組みを始めた"}]
    record["challenges"] = _terms(a.get("challenges", ""), lambda w: _challenge(tax, w))
    source: dict[str, Any] = {"title": a.get("source_title", ""), "publisher": a.get("source_publisher", "")}
    for key, name in (("date", "source_date"), ("url", "source_url")):
        if a.get(name):
            source[key] = a[name]
    if a.get("page"):
        page = _plain(a["page"]).removeprefix("p.").removeprefix("P.").removesuffix("ページ")
        source["page"] = int(page) if page.isascii() and page.isdigit() else a["page"]
    record["sources"] = [source]
    record["published"] = record["updated"] = today.isoformat()
    return record


def term_problems(answers: dict[str, Answer], tax: Taxonomy, shown: str) -> list[Diagnostic]:
    """Keywords and challenges the answers name that are not registered, with check's words and candidates.

    Found here rather than by check on the written file: check stops at a wrong code before its
    cross-checks, and a proposal should hear of every problem at once.
    """
    out = []
    keywords = answers.get("キーワード", Answer("", 1))
    for word in _words(keywords.text):
        if problem := unknown_keyword(tax, word):
            out.append(Diagnostic(shown, keywords.line, 1, "キーワード", *problem))
    challenges = answers.get("課題", Answer("", 1))
    labels = [c.label for c in tax.challenges]
    for word in _words(challenges.text):
        if _challenge(tax, word) is None:
            guess = difflib.get_close_matches(word, labels, n=2, cutoff=0.4)
            hint = f"候補: {'、'.join(guess)}" if guess else "サイトの「課題から探す」にある見出しを書いてください"
            out.append(Diagnostic(shown, challenges.line, 1, "課題", f"未登録の課題「{word}」", hint))
    return out


def record_yaml(record: dict[str, Any], number: int | None) -> str:
    """The record file: the schema line, where it came from, then the data."""
    origin = f"イシュー #{number} の" if number else "イシューの"
    head = (
        "# yaml-language-server: $schema=../../schema/record.schema.json\n"
        f"# {origin}「事例を提案する」フォームから casebook from-issue で作った記録です。\n"
    )
    return head + yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


class Quoted(str):
    """A string written in double quotes: a code like 085421 is a number to YAML 1.2 editors otherwise."""


class _Dumper(yaml.SafeDumper):
    """Block style for text with line breaks (as people write it), double quotes for codes."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(
    Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')
)


def _where(field: str) -> str | None:
    """The form label a record field came from (`sources[0].page` → 出典のページ)."""
    path = re.sub(r"\[\d+\]", "", field)
    while path and path not in _WHERE:
        path = path.rpartition(".")[0]
    return _WHERE.get(path)


def _reported(d: Diagnostic, shown: str, answers: dict[str, Answer]) -> Diagnostic:
    label = _where(d.field) or ""
    line = answers[label].line if label in answers else 1
    return Diagnostic(shown, line, 1, label, d.message, d.hint, d.severity)


@dataclass(frozen=True)
class Result:
    """Where the record was written (None when it was not), and the problems, at the issue's lines."""

    path: Path | None
    diagnostics: list[Diagnostic]


def from_issue(body: str, shown: str, root: Path, ident: str | None, number: int | None, today: dt.date) -> Result:
    """Write the record an issue body describes into `root`, if `casebook check` accepts it; never a broken file."""
    answers = parse_body(body)
    missing = [label for label in REQUIRED if not (label in answers and answers[label].text)]
    if missing:
        return Result(None, [Diagnostic(shown, answers[m].line if m in answers else 1, 1, m,
                                        f"必須項目「{m}」がありません", "イシューを編集して書き足してください")
                             for m in missing])  # fmt: skip
    corpus = check([root])
    if corpus.errors:
        return Result(None, corpus.errors)
    record = build_record(answers, corpus.taxonomy, today)
    code = record["organization"]["code"]
    ident = ident or suggest_id(code if code_problem(code) is None else f"issue-{number or 0}", _taken(corpus))
    target = root / case_folder(OrgKind(record["organization"]["kind"])) / f"{ident}.yaml"
    if target.exists() or ident in _taken(corpus):
        where = Diagnostic(shown, 1, 1, "", f"ID「{ident}」の記録はすでにあります", "--id で別の名前を指定してください")
        return Result(None, [where])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(record_yaml(record, number), encoding="utf-8")
    problems = check([target]).diagnostics
    if code_problem(code) is not None:  # a wrong code makes the prefecture wrong too: say it once
        problems = [d for d in problems if d.field != "organization.prefecture"]
    reported = sorted(
        {_reported(d, shown, answers) for d in problems} | set(term_problems(answers, corpus.taxonomy, shown))
    )
    if any(d.severity is Severity.ERROR for d in reported):
        target.unlink()  # a proposal that does not pass check stays in the issue, not in the tree
        return Result(None, reported)
    return Result(target, reported)


def run(body_file: Path, root: Path, ident: str | None, number: int | None) -> int:
    """The command: print the new file's path (stdout), or every problem at the issue's lines."""
    try:
        body = sys.stdin.read() if body_file.as_posix() == "-" else body_file.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"casebook from-issue: {body_file.as_posix()} を読めません（{os_reason(exc)}）", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(
            f"casebook from-issue: {body_file.as_posix()} は UTF-8 ではありません — UTF-8 で保存し直してください",
            file=sys.stderr,
        )
        return 2
    shown = "issue" if body_file.as_posix() == "-" else body_file.as_posix()
    result = from_issue(body, shown, root, ident, number, dt.date.today())
    for d in result.diagnostics:
        print(d.format())
    if result.path is None:
        print(
            f"casebook from-issue: 問題が {len(result.diagnostics)} 件あるため、記録を作りませんでした", file=sys.stderr
        )
        return 1
    print(result.path.as_posix())
    print(f"casebook from-issue: {result.path.as_posix()} を作りました（casebook check に通ります）", file=sys.stderr)
    return 0


def _taken(corpus: Corpus) -> set[str]:
    return set(corpus.entries) | corpus.failed
