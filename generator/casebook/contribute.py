"""The contributor's commands: `casebook new` (case or keyword) and `casebook report`.

Questions are asked on standard input, so the commands work in a terminal and with answers piped in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import sys
from pathlib import Path

from casebook.dates import parse_date
from casebook.index import build_index
from casebook.models import Case
from casebook.municipality import OrgKind, code_problem, default_kind
from casebook.scaffold import (
    CaseDraft,
    KeywordDraft,
    append_keyword,
    case_folder,
    case_yaml,
    keyword_matches,
    keyword_problems,
    near_duplicates,
    suggest_id,
)
from casebook.taxonomy import normalize_key
from casebook.validate import Corpus, check


def _ask(question: str, default: str | None = None) -> str:
    prompt = f"{question}{f' [{default}]' if default else ''}: "
    print(prompt, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        raise EOFError
    answer = answer.strip()
    return answer or (default or "")


def _load(root: Path) -> Corpus | None:
    corpus = check([root])
    if corpus.errors:
        for d in corpus.errors:
            print(d.format(), file=sys.stderr)
        print("casebook new: いまの記録にエラーがあるため、先に直してください", file=sys.stderr)
        return None
    return corpus


def new_case(args: argparse.Namespace) -> int:
    """Ask for what is missing, then write a commented case file that passes `casebook check`."""
    corpus = _load(args.root)
    if corpus is None:
        return 1
    tax = corpus.taxonomy
    org = args.org or _ask("団体名（都道府県名を除く。例: 五霞町）")
    while not org:
        org = _ask("団体名は必須です。団体名")
    code = args.code or _ask("全国地方公共団体コード（6 桁。例: 085421）")
    while (problem := code_problem(code)) is not None:
        print(f"  {problem}", file=sys.stderr)
        code = _ask("団体コードをもう一度")
    kind_text = args.kind or _ask(f"団体区分（{'/'.join(k.value for k in OrgKind)}）", default_kind(code).value)
    while kind_text not in {k.value for k in OrgKind}:
        kind_text = _ask(
            f"「{kind_text}」は団体区分にありません。次から選んでください: {'/'.join(k.value for k in OrgKind)}"
        )
    kind = OrgKind(kind_text)
    title = args.title or _ask("事例のタイトル")
    while not title:
        title = _ask("タイトルは必須です。タイトル")
    slugs = [c.slug for c in tax.categories]
    category = args.category
    if category is None:
        for i, c in enumerate(tax.categories, start=1):
            print(f"  {i}. {c.label}（{c.slug}）", file=sys.stderr)
        category = _ask("カテゴリ（番号か slug）", "1")
    while category not in slugs:
        if category.isdigit() and 1 <= int(category) <= len(slugs):
            category = slugs[int(category) - 1]
            break
        guess = difflib.get_close_matches(category, slugs, n=1)
        category = _ask(
            f"「{category}」はカテゴリにありません{f'（もしかして {guess[0]}？）' if guess else ''}。カテゴリ"
        )
    keywords = _keywords(args.keywords, corpus)
    source = args.source or _ask("出典資料の id（cases/sources.yaml）", tax.sources[0].id if tax.sources else None)
    while tax.source(source) is None:
        source = _ask(
            f"「{source}」は cases/sources.yaml にありません（{'、'.join(s.id for s in tax.sources)}）。出典資料の id"
        )
    page_text = str(args.page) if args.page else _ask("出典のページ（なければ空欄）", "")
    page = int(page_text) if page_text.isdigit() else None
    ident = args.id or suggest_id(code, set(corpus.entries))
    if not ident or ident in corpus.entries:
        print(f"casebook new: ID「{ident}」はすでに使われています。--id で別の名前を指定してください", file=sys.stderr)
        return 1
    target = args.root / case_folder(kind) / f"{ident}.yaml"
    if target.exists():
        print(f"casebook new: {target.as_posix()} はすでにあります。上書きはしません", file=sys.stderr)
        return 1
    draft = CaseDraft(org, code, kind, title, category, keywords, source, page, None if page else "（節や見出し）")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(case_yaml(draft, dt.date.today()), encoding="utf-8")
    after = check([target])
    for d in after.diagnostics:
        print(d.format(), file=sys.stderr)
    print(f"casebook new: {target.as_posix()} を作りました。summary などを書き足してください。", file=sys.stderr)
    return 1 if after.errors else 0


def _keywords(given: str | None, corpus: Corpus) -> list[str]:
    tax = corpus.taxonomy
    text = given if given is not None else _ask("キーワード（読点かカンマ区切り。例: OJT, グループウェア）", "")
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
        hint = "、".join(f"{i}. {o}" for i, o in enumerate(options, start=1)) or "候補なし"
        answer = _ask(f"「{word}」は未登録です。候補: {hint}。番号・別のキーワード・空欄（外す）")
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
    label = args.label or _ask("キーワードの表示名")
    similar = near_duplicates(label, tax)
    if similar:
        print(f"  似たキーワードがあります: {'、'.join(similar)}", file=sys.stderr)
        if not args.yes and _ask("それでも新しく追加しますか（y/N）", "N").lower() not in ("y", "yes", "はい"):
            print(
                "casebook new: 追加しませんでした。既存のキーワードか、その別名（aliases）を使ってください",
                file=sys.stderr,
            )
            return 1
    draft = KeywordDraft(
        label=label,
        slug=args.slug or _ask("URL 用の slug（半角英小文字とハイフン。例: one-person-it）"),
        yomi=args.yomi or _ask("読み（ひらがな）"),
        group=args.group or _ask("分類", tax.keywords[0].group if tax.keywords else None),
        description=args.description or _ask("説明（1 文）"),
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
    today = today or dt.date.today()
    print("## 使われ方の少ないキーワード（記録 1 件以下）")
    rare = [(kv.keyword.label, len(kv.cases) + len(kv.others) + len(kv.programs)) for kv in index.keywords]
    for label, n in sorted(rare, key=lambda r: (r[1], normalize_key(r[0]))):
        if n < 2:
            print(f"- {label}: {n} 件")
    print("\n## 重複の疑いがある事例（同じ団体で似たタイトル）")
    cases = [e for e in corpus.entries.values() if isinstance(e.record, Case)]
    found = False
    for i, a in enumerate(cases):
        for b in cases[i + 1 :]:
            ra, rb = a.record, b.record
            assert isinstance(ra, Case) and isinstance(rb, Case)
            if ra.organization.code != rb.organization.code:
                continue
            ratio = difflib.SequenceMatcher(None, normalize_key(ra.title), normalize_key(rb.title)).ratio()
            if ratio >= 0.6:
                found = True
                print(f"- {a.path} と {b.path}（{ra.organization.name}、タイトルの類似度 {ratio:.0%}）")
    if not found:
        print("- なし")
    print(f"\n## しばらく更新されていない記録（{older_than} 日より前）")
    stale = []
    for entry in corpus.entries.values():
        last = parse_date(entry.record.updated).last_day()
        age = (today - last).days
        if age > older_than:
            stale.append((age, entry.path, entry.record.updated))
    for age, path, stamp in sorted(stale, reverse=True):
        print(f"- {path}: 最終更新 {stamp}（{age} 日前）")
    if not stale:
        print("- なし")
    return 0
