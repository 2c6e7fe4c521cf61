"""The contributor's commands: `casebook new` (case or keyword) and `casebook report`.

Questions are asked on standard input, so the commands work in a terminal and with answers piped in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import sys
import unicodedata
from pathlib import Path

from casebook.dates import ACCEPTED_FORMS, parse_date
from casebook.index import build_index
from casebook.models import PLACEHOLDER, Case
from casebook.municipality import (
    OrgKind,
    code_problem,
    completed_code,
    default_kind,
    kind_problem,
    name_kind_problem,
)
from casebook.scaffold import (
    CaseDraft,
    KeywordDraft,
    NewSource,
    append_keyword,
    case_folder,
    case_yaml,
    keyword_matches,
    keyword_problems,
    near_duplicates,
    suggest_id,
)
from casebook.taxonomy import Taxonomy, normalize_key
from casebook.validate import Corpus, check, is_safe_id


def _ask(question: str, default: str | None = None, option: str = "") -> str:
    """One answer from stdin; at its end (a script), EOFError names the question and the option that answers it."""
    prompt = f"{question}{f' [{default}]' if default else ''}: "
    print(prompt, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        raise EOFError(question, option)  # the caller says which answer was missing
    answer = answer.strip()
    return answer or (default or "")


def _optional(question: str) -> str:
    """An answer that may be left out: when the piped answers have run out, it is (scripts give options)."""
    try:
        return _ask(question, "")
    except EOFError:
        return ""


def _load(root: Path) -> Corpus | None:
    corpus = check([root])
    if corpus.errors:
        for d in corpus.errors:
            print(d.format(), file=sys.stderr)
        print("casebook new: いまの記録にエラーがあるため、先に直してください", file=sys.stderr)
        return None
    return corpus


def new_case(args: argparse.Namespace) -> int:
    """Ask for what is missing, then write a commented case file; what is left to write is marked for check."""
    if args.id is not None and not is_safe_id(args.id):
        print(
            f"casebook new: --id {args.id}: ID はファイル名と URL になるため、半角英小文字・数字・ハイフン"
            "（80 字まで、先頭は英数字）だけで書いてください。何も書き込みませんでした — 例: --id goka-ojt",
            file=sys.stderr,
        )
        return 2
    corpus = _load(args.root)
    if corpus is None:
        return 1
    tax = corpus.taxonomy
    if args.id in corpus.entries:  # say so before the questions, not after them
        return _taken(args.id)
    org = _required(args.org, "団体名（都道府県名を除く。例: 五霞町）", "団体名", "--org")
    code = _ask_code(args.code)
    kind = _ask_kind(args.kind, code, org)
    title = _required(args.title, "事例のタイトル", "タイトル", "--title")
    category = _ask_category(args.category, tax)
    keywords = _keywords(args.keywords, corpus)
    summary = (
        args.summary if args.summary is not None else _optional("取り組みの概要（300 字以内。あとで書くなら空欄）")
    )
    period = _ask_date(args.period, "取り組みを始めた時期（例: 令和5年度、R5.4。なければ空欄）", "--period")
    source = _ask_source(args, tax)
    page_text = str(args.page) if args.page else _ask("出典のページ（なければ空欄）", "", "--page")
    page = int(page_text) if page_text.isdigit() else None
    section = None if page or args.page else _optional("資料の節や見出し（なければ空欄）") or None
    ident = args.id or suggest_id(code, set(corpus.entries))
    if not ident or ident in corpus.entries:
        return _taken(ident)
    target = args.root / case_folder(kind) / f"{ident}.yaml"
    if target.exists():
        print(f"casebook new: {target.as_posix()} はすでにあります。上書きはしません", file=sys.stderr)
        return 1
    draft = CaseDraft(org, code, kind, title, category, keywords, source, page, section, summary=summary, period=period)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(case_yaml(draft, dt.date.today()), encoding="utf-8")
    after = check([target])
    for d in after.diagnostics:
        print(d.format(), file=sys.stderr)
    todo = "。上の行の「（ここに…）」を書き換えると検査に通ります" if after.errors else "。ほかの項目も書き足せます"
    print(f"casebook new: {target.as_posix()} を作りました{todo}。", file=sys.stderr)
    # What is left to write is the contributor's next step, not a failure; anything else is.
    return 0 if all(PLACEHOLDER.search(d.message) for d in after.errors) else 1


def _taken(ident: str) -> int:
    print(f"casebook new: ID「{ident}」はすでに使われています。--id で別の名前を指定してください", file=sys.stderr)
    return 1


def _required(given: str | None, question: str, name: str, option: str) -> str:
    answer = given or _ask(question, option=option)
    while not answer:
        answer = _ask(f"{name}は必須です。{name}", option=option)
    return answer


def _ask_code(given: str | None) -> str:
    """A valid 団体コード; a 5-digit one gets its check digit offered as the default answer."""
    code = unicodedata.normalize(
        "NFKC", given or _ask("全国地方公共団体コード（6 桁。例: 085421）", option="--code")
    ).strip()
    while (problem := code_problem(code)) is not None:
        print(f"  {problem}", file=sys.stderr)
        full = completed_code(code)
        question = "団体コードをもう一度（そのままでよければ Enter）" if full else "団体コードをもう一度"
        code = unicodedata.normalize("NFKC", _ask(question, full, "--code")).strip()
    return code


def _ask_kind(given: str | None, code: str, name: str) -> OrgKind:
    """A 団体区分 that fits the code and the name; a misfit is explained in plain words and asked again."""
    kinds = [k.value for k in OrgKind]
    likely = default_kind(code, name).value
    text = given or _ask(f"団体区分（{'/'.join(kinds)}）", likely, "--kind")
    while True:
        if text not in kinds:
            print(f"  「{text}」は団体区分にありません。次から選んでください: {'/'.join(kinds)}", file=sys.stderr)
        elif (problem := kind_problem(code, OrgKind(text)) or name_kind_problem(name, OrgKind(text))) is not None:
            print(f"  {problem}", file=sys.stderr)
        else:
            return OrgKind(text)
        text = _ask("団体区分をもう一度", likely, "--kind")


def _ask_category(given: str | None, tax: Taxonomy) -> str:
    """A category's slug: by its number in the list, its slug, or the label the site shows."""
    slugs = [c.slug for c in tax.categories]
    by_label = {normalize_key(c.label): c.slug for c in tax.categories}
    category = given
    if category is None:
        _list_categories(tax)
        category = _ask("カテゴリ（番号か英字の名前）", "1", "--category")
    while category not in slugs:
        if category.isdigit() and 1 <= int(category) <= len(slugs):
            return slugs[int(category) - 1]
        if (slug := by_label.get(normalize_key(category))) is not None:
            return slug
        guess = difflib.get_close_matches(category, slugs, n=1)
        print(
            f"  「{category}」はカテゴリにありません{f'（もしかして {guess[0]}？）' if guess else ''}", file=sys.stderr
        )
        _list_categories(tax)
        category = _ask("カテゴリ（番号か英字の名前）", "1", "--category")
    return category


def _list_categories(tax: Taxonomy) -> None:
    for i, c in enumerate(tax.categories, start=1):
        print(f"  {i}. {c.label}（{c.slug}）", file=sys.stderr)


def _ask_date(given: str | None, question: str, option: str) -> str | None:
    """One date as check reads it (和暦 too), or None; a period or a typo is explained and asked again."""
    text = given if given is not None else _optional(question)
    while text:
        try:
            parse_date(text)
            return text
        except ValueError as exc:
            print(f"  {exc} — {ACCEPTED_FORMS}", file=sys.stderr)
        text = _ask("もう一度（なければ空欄）", "", option)
    return None


NEW_SOURCE = "0"
"""The answer that describes a source not in cases/sources.yaml."""


def _ask_source(args: argparse.Namespace, tax: Taxonomy) -> str | NewSource:
    """A registered source id, or a document described here (the town's own plan or page)."""
    if args.source_title or args.source_publisher:
        return _new_source(args.source_title, args.source_publisher, args.source_date, args.source_url)
    ids = [s.id for s in tax.sources]
    source: str | None = args.source
    if source is None:
        for i, s in enumerate(tax.sources, start=1):
            print(f"  {i}. {s.title}（{s.id}）", file=sys.stderr)
        print(f"  {NEW_SOURCE}. 登録されていない資料（団体の計画書・報告書・ホームページなど）", file=sys.stderr)
        source = _ask(
            f"出典資料（番号か id。登録されていない資料は {NEW_SOURCE}）", "1" if ids else NEW_SOURCE, "--source"
        )
    while source not in ids:
        if source in (NEW_SOURCE, "新規"):
            return _new_source(None, None, None, None)
        if source.isdigit() and 1 <= int(source) <= len(ids):
            return ids[int(source) - 1]
        source = _ask(
            f"「{source}」は cases/sources.yaml にありません。番号か id（登録されていない資料は {NEW_SOURCE}）",
            option="--source",
        )
    return source


def _new_source(title: str | None, publisher: str | None, date: str | None, url: str | None) -> NewSource:
    title = _required(title, "資料名（例: 五霞町デジタル人材育成プラン）", "資料名", "--source-title")
    publisher = _required(publisher, "発行者（例: 五霞町）", "発行者", "--source-publisher")
    if date is None and url is None:
        answer = _ask(
            "資料の日付か URL（例: 令和6年4月、https://…。なければ空欄）", "", "--source-date か --source-url"
        )
        url = answer if answer.startswith(("http://", "https://")) else None
        date = None if url else answer
    return NewSource(title, publisher, _ask_date(date, "資料の日付", "--source-date") if date else None, url)


def _keywords(given: str | None, corpus: Corpus) -> list[str]:
    tax = corpus.taxonomy
    text = (
        given
        if given is not None
        else _ask("キーワード（読点かカンマ区切り。例: OJT, グループウェア）", "", "--keywords")
    )
    chosen: list[str] = []
    pending = [t.strip() for t in text.replace("、", ",").split(",") if t.strip()]
    while pending:
        word = pending.pop(0)
        kw = tax.keyword(word)
        if kw is not None:
            if kw.label not in chosen:
                chosen.append(kw.label)
            continue
        options = keyword_matches(word, tax.keywords)
        if options:
            listed = "、".join(f"{i}. {o}" for i, o in enumerate(options, start=1))
            question = f"「{word}」は未登録のキーワードです。候補: {listed}。番号・別のキーワード・空欄（外す）"
        else:
            print(
                f"  「{word}」に似た登録済みのキーワードはありません。"
                "新しいキーワードは `casebook new --keyword` で登録できます",
                file=sys.stderr,
            )
            question = "別のキーワードか空欄（外す）"
        try:
            answer = _ask(question, option="--keywords")
        except EOFError:  # run from a script: say which word stopped it, not only that input ended
            offer = f"（候補: {'、'.join(options)}）" if options else ""
            print(
                f"\n  「{word}」は未登録のキーワードです{offer} — --keywords には登録済みのキーワードを書いてください",
                file=sys.stderr,
            )
            raise
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            pending.insert(0, options[int(answer) - 1])
        elif answer:
            pending.insert(0, answer)
    return chosen


def new_keyword(args: argparse.Namespace) -> int:
    """Append a keyword to keywords.yaml after checking for near-duplicates."""
    corpus = _load(args.root)
    if corpus is None:
        return 1
    tax = corpus.taxonomy
    label = args.label or _ask("キーワードの表示名", option="--label")
    similar = near_duplicates(label, tax)
    if similar:
        print(f"  似たキーワードがあります: {'、'.join(similar)}", file=sys.stderr)
        if not args.yes and _ask("それでも新しく追加しますか（y/N）", "N", "--yes").lower() not in ("y", "yes", "はい"):
            print(
                "casebook new: 追加しませんでした。既存のキーワードか、その別名（aliases）を使ってください",
                file=sys.stderr,
            )
            return 1
    draft = KeywordDraft(
        label=label,
        slug=args.slug
        or _ask("URL に使う英字の名前（半角英小文字・数字・ハイフン。例: one-person-it）", option="--slug"),
        yomi=args.yomi or _ask("読み（ひらがな）", option="--yomi"),
        group=args.group or _ask("分類", tax.keywords[0].group if tax.keywords else None, "--group"),
        description=args.description or _ask("説明（1 文）", option="--description"),
        aliases=tuple(a.strip() for a in (args.aliases or "").split(",") if a.strip()),
    )
    problems = keyword_problems(draft, tax)
    if problems:
        for p in problems:
            print(f"casebook new: {p}", file=sys.stderr)
        return 1
    path = args.root / "keywords.yaml"
    before = path.read_text(encoding="utf-8")
    append_keyword(path, draft)
    after = check([path])
    if after.errors:
        path.write_text(before, encoding="utf-8")  # nothing lost: put the file back as it was
        for d in after.errors:
            print(d.format(), file=sys.stderr)
        print("casebook new: キーワードを追加できませんでした（ファイルは元に戻しました）", file=sys.stderr)
        return 1
    print(f"casebook new: キーワード「{draft.label}」を {path.as_posix()} に追加しました", file=sys.stderr)
    return 0


def report(root: Path, older_than: int, today: dt.date | None = None) -> int:
    """Print what a reviewer would otherwise look for by hand."""
    corpus = check([root])
    if corpus.errors:
        for d in corpus.errors:
            print(d.format())
        print(
            "casebook report: 記録にエラーがあります。先に `casebook check` の指示に従って直してください",
            file=sys.stderr,
        )
        return 1
    index = build_index(corpus)
    print("## 使われ方の少ないキーワード（記録 1 件以下）")
    rare = [(kv.keyword.label, kv.count) for kv in index.keywords]
    for label, n in sorted(rare, key=lambda r: (r[1], normalize_key(r[0]))):
        if n < 2:
            print(f"- {label}: {n} 件")
    print("\n## 重複の疑いがある事例（同じ団体で似たタイトル、または同じ概要）")
    _print_items(_similar_cases(corpus) + _same_summaries(corpus))
    print(f"\n## しばらく更新されていない記録（{older_than} 日より前）")
    _print_items(_stale(corpus, older_than, today or dt.date.today()))
    return 0


def _same_summaries(corpus: Corpus) -> list[str]:
    """Cases whose summaries are the same text: a record copied for another town and not yet rewritten."""
    by_summary: dict[str, list[str]] = {}
    for e in corpus.entries.values():
        if isinstance(e.record, Case) and len(key := normalize_key(e.record.summary)) >= 20:
            by_summary.setdefault(key, []).append(e.path)
    return [f"{' と '.join(paths)}（概要が同じ）" for paths in by_summary.values() if len(paths) > 1]


def _print_items(items: list[str]) -> None:
    for item in items or ["なし"]:
        print(f"- {item}")


def _similar_cases(corpus: Corpus) -> list[str]:
    """Pairs of cases of one organisation whose titles are alike (a copy under another file name)."""
    cases = [e for e in corpus.entries.values() if isinstance(e.record, Case)]
    found = []
    for i, a in enumerate(cases):
        for b in cases[i + 1 :]:
            ra, rb = a.record, b.record
            assert isinstance(ra, Case) and isinstance(rb, Case)
            if ra.organization.code != rb.organization.code:
                continue
            ratio = difflib.SequenceMatcher(None, normalize_key(ra.title), normalize_key(rb.title)).ratio()
            if ratio >= 0.6:
                found.append(f"{a.path} と {b.path}（{ra.organization.name}、タイトルの類似度 {ratio:.0%}）")
    return found


def _stale(corpus: Corpus, older_than: int, today: dt.date) -> list[str]:
    """Records last updated more than `older_than` days ago, the oldest first."""
    stale = []
    for entry in corpus.entries.values():
        age = (today - parse_date(entry.record.updated).last_day()).days
        if age > older_than:
            stale.append((age, entry.path, entry.record.updated))
    return [f"{path}: 最終更新 {stamp}（{age} 日前）" for age, path, stamp in sorted(stale, reverse=True)]
