"""Pydantic's errors → Japanese diagnostics at the right line and column (DESIGN §8)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from casebook.dates import ACCEPTED_FORMS
from casebook.diagnostics import Diagnostic
from casebook.load import Document, dotted
from casebook.models import (
    SLUG_PATTERN,
    SUMMARY_MAX,
)
from casebook.taxonomy import Taxonomy, closest, normalize_key

_TYPE_WORDS = {"int": "整数", "float": "数値", "str": "文字列", "bool": "true / false"}


_FIXED: dict[str, tuple[str, str]] = {
    "string_type": ("文字列を書いてください", "値を引用符で囲むか、文章をそのまま書いてください"),
    "string_unicode": ("文字として読めない値です（単独のサロゲートなど）", "その文字を消してください"),
    "list_type": ("リストで書いてください", "各行を「- 」で始めるか、[a, b] の形で書いてください"),
    "model_type": ("「項目: 値」の形（マッピング）で書いてください", "下の行を字下げして項目を並べてください"),
    "string_too_short": ("空にはできません", "少なくとも 1 つ値を書いてください"),
    "too_short": ("空にはできません", "少なくとも 1 つ値を書いてください"),
    "int_parsing_size": ("整数の桁が多すぎます", "資料に書かれた数を確かめてください"),
    "finite_number": ("有限の数を書いてください（非数・無限大は書けません）", "例: 27 や 0.5"),
}


_FIXED["model_attributes_type"] = _FIXED["dict_type"] = _FIXED["model_type"]


_CUSTOM_HINTS = {
    "date": ACCEPTED_FORMS,
    "code": '総務省の全国地方公共団体コード（6 桁）を引用符つきで書いてください（例: "085421"）',
    "url": "https:// で始まる URL にしてください",
    "url_space": "空白を %20 に置き換えるか、ブラウザのアドレス欄から URL をコピーし直してください",
    "slug": "半角英小文字・数字・ハイフンだけで書いてください（例: dx-advisor）",
    "text": "その文字を取り除いてください",
    "yomi": "例: ごかまち",
    "number": "資料に書かれた数を半角数字で書いてください（例: 27、0.5、1200000。単位は unit に書きます）",
    "population": "資料の人口の桁を確かめてください",
    "placeholder": "その部分を書き換えてください（`casebook new` が書き込んだ目印です）",
    "table": "表の各行のセルの数を columns の数にそろえてください",
}
"""Hints for the errors our own validators raise (their messages are already Japanese)."""


_SLUG_FIELDS = {
    "category": "表示名ではなく、cases/categories.yaml の slug（英字の ID）を書きます（例: plans-and-systems）",
    "challenges": "表示名ではなく、cases/challenges.yaml の slug（英字の ID）を書きます（例: takes-time）",
    "programs": "cases/programs/ にある記録のファイル名（拡張子なし）を書きます（例: dx-advisor）",
    "document": "cases/sources.yaml の id を書きます（例: guidebook）。登録していない資料は title と publisher で書きます",
}
"""Where a slug field's value comes from, for a contributor who wrote the label shown on the site."""


def _slug_field(loc: tuple[int | str, ...]) -> str:
    """The field a slug belongs to: `challenges[1]` → challenges, `sources[0].document` → document."""
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else ""


_BOUNDS = {"ge": "以上に", "gt": "より大きく", "le": "以下に", "lt": "より小さく"}


def _quoted(shown: str) -> str:
    return f"（「{shown[:40]}」）" if shown else ""


_INTEGER = ("整数を書いてください", "例: 8000（カンマや単位は付けません）")
_INTEGER_HINTS = {
    "value": "例: 8000（カンマや「人」は付けません。資料が「約」と書いていれば、value の次の行に approximate: true を添えます）",
    "page": "ページ番号だけを書きます（例: 12。「p.」や「ページ」は付けません）",
    "page_end": "ページ番号だけを書きます（例: 13。「p.」や「ページ」は付けません）",
}
"""The integer fields a contributor most often writes with words around the number, and what to write."""
_NUMBER = ("数値を書いてください", "例: 27 や 0.5（単位は unit に書きます）")
_BOOLEAN = ("true か false を書いてください", "例: approximate: true")
_WRONG_TYPE = {
    "int_parsing": _INTEGER,
    "int_type": _INTEGER,
    "int_from_float": _INTEGER,
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "bool_parsing": _BOOLEAN,
    "bool_type": _BOOLEAN,
}
"""A value of the wrong type: what to write instead (the value as written is quoted after it)."""


def _explain(err: ErrorDetails, fields: list[str]) -> tuple[str, str]:
    """(what is wrong, how to fix it) for one pydantic error; always Japanese, never pydantic's English."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    name = str(err["loc"][-1]) if err["loc"] else ""
    shown = value if isinstance(value, str) else ""
    if kind in _FIXED:
        return _FIXED[kind]
    if kind == "missing":
        return f"必須項目「{name}」がありません", f"「{name}: …」を書き足してください"
    if kind == "extra_forbidden":
        return _unknown_key(name, fields)
    if kind in _WRONG_TYPE:
        what, hint = _WRONG_TYPE[kind]
        return f"{what}{_quoted(shown)}", _INTEGER_HINTS.get(name, hint) if what == _INTEGER[0] else hint
    if kind in ("literal_error", "enum"):
        return _explain_choice(name, shown, str(ctx.get("expected", "")))
    if kind in ("string_too_long", "too_long"):  # too_long: the limit of Text-based types (after cleaning)
        limit = ctx.get("max_length")
        how = "要約してください" if limit == SUMMARY_MAX else "短くしてください"
        return f"{limit} 字を超えています（{len(shown)} 字）", f"{limit} 字以内に{how}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(k for k in _BOUNDS if k in ctx)
        return f"値「{value}」は範囲外です", f"{ctx[bound]} {_BOUNDS[bound]}してください"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return (
                f"「{shown}」は ID に使えません",
                "半角英小文字・数字・ハイフンだけで書いてください（例: dx-advisor）",
            )
        return f"「{shown}」は形式に合いません", f"形式: {ctx.get('pattern')}"
    if kind == "slug" and (field := _slug_field(err["loc"])) in _SLUG_FIELDS:
        return err["msg"], _SLUG_FIELDS[field]
    if kind in _CUSTOM_HINTS:
        return err["msg"], _CUSTOM_HINTS[kind]
    return (
        "この項目には書けない値です",
        "書ける値はエディタの入力補完（JSON Schema）か CONTRIBUTING.md で確かめてください",
    )


_LABEL_AS_SLUG = re.compile(r"「(?P<value>.+)」は ID に使えません")
"""The message of models.fields._slug, which quotes the value written."""


def slugs_for_labels(diagnostics: Iterable[Diagnostic], tax: Taxonomy) -> list[Diagnostic]:
    """A category or challenge written by the label the site shows: the hint names its slug.

    Records are checked file by file before the taxonomy is consulted, so the slug is looked up here.
    """
    labels = {
        field: {normalize_key(t.label): (t.label, t.slug) for t in terms}
        for field, terms in (("category", tax.categories), ("challenges", tax.challenges))
    }
    out = []
    for d in diagnostics:
        field = "challenges" if re.fullmatch(r"challenges\[\d+\]", d.field) else d.field
        found = _LABEL_AS_SLUG.match(d.message) if field in labels else None
        if found and (named := labels[field].get(normalize_key(found["value"]))):
            d = replace(d, hint=f"表示名「{named[0]}」ではなく、その slug「{named[1]}」を書いてください")
        out.append(d)
    return out


def _explain_choice(name: str, shown: str, expected: str) -> tuple[str, str]:
    """A value outside a fixed list (type, prefecture, 団体区分…): the closest choice, or the list."""
    options = [o.strip(" '\"") for o in expected.replace(" or ", ",").split(",") if o.strip()]
    guess = closest(shown, options) if shown else []
    hint = f"もしかして「{guess[0]}」ですか？" if guess else f"次のいずれかを書いてください: {'、'.join(options)}"
    if name == "prefecture":
        hint = (
            f"もしかして「{guess[0]}」ですか？" if guess else ""
        ) + "都道府県名は「県」「府」「都」まで書きます（例: 茨城県、京都府、東京都、北海道）"
    return (f"「{shown}」は使えません" if shown else "ここには文字列で次の値のどれかを書きます"), hint


def _meant_key(name: str, fields: list[str]) -> str | None:
    """The known field an unknown key most likely means (full-width letters are a common slip)."""
    folded = unicodedata.normalize("NFKC", name)
    guess = [folded] if folded in fields else closest(folded.casefold(), fields)
    return guess[0] if guess else None


def _unknown_key(name: str, fields: list[str]) -> tuple[str, str]:
    """An unknown field name, with the nearest known one."""
    folded = unicodedata.normalize("NFKC", name)
    wide = "（全角で書かれています）" if folded != name and folded.isascii() else ""
    guess = _meant_key(name, fields)
    if wide and guess:
        return f"未知の項目「{name}」{wide}", f"半角で「{guess}」と書いてください"
    hint = f"もしかして「{guess}」ですか？" if guess else f"使える項目: {', '.join(fields)}"
    return f"未知の項目「{name}」{wide}", hint


def _is_key(data: Any, loc: tuple[str | int, ...]) -> bool:
    """Whether `loc` names a key written in the file (not a type name pydantic adds to a location)."""
    for part in loc[:-1]:
        if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            continue
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return isinstance(data, dict) and loc[-1] in data


def pydantic_diagnostics(
    exc: ValidationError, doc: Document, prefix: tuple[str | int, ...], model_fields: dict[str, list[str]]
) -> list[Diagnostic]:
    """Pydantic's errors as Japanese diagnostics, each at its line and column, each field once."""
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    errors = [_field_error(err, doc, prefix) for err in exc.errors()]
    # `summry:` (or `ｓｕｍｍａｒｙ:`) is one slip: its unknown-key message names the field, so the
    # field is not reported missing as well.
    meant = {
        (*err["loc"][:-1], _meant_key(str(err["loc"][-1]), _fields_at(err["loc"], model_fields)))
        for err in errors
        if err["type"] == "extra_forbidden" and err["loc"]
    }
    for err in errors:
        loc = tuple(err["loc"])
        full = (*prefix, *loc)
        if full in seen or (err["type"] == "missing" and loc in meant):
            continue
        seen.add(full)
        message, hint = _explain(err, _fields_at(loc, model_fields))
        if err["type"] == "missing":
            line, col = doc.position(full[:-1])
        else:
            line, col = doc.position(full, key=err["type"] == "extra_forbidden")
        out.append(Diagnostic(doc.path, line, col, dotted(full), message, hint))
    return out


def _field_error(err: ErrorDetails, doc: Document, prefix: tuple[str | int, ...]) -> ErrorDetails:
    """The error with the type names pydantic adds for union members taken off its location."""
    loc = tuple(err["loc"])
    while (
        loc
        and isinstance(loc[-1], str)
        and (loc[-1] in _TYPE_WORDS or "[" in loc[-1] or loc[-1].startswith("function-"))
        and not _is_key(doc.data, (*prefix, *loc))
    ):
        loc = loc[:-1]
    return {**err, "loc": loc}


def _fields_at(loc: tuple[str | int, ...], model_fields: dict[str, list[str]]) -> list[str]:
    parent = ".".join(str(p) for p in loc[:-1] if isinstance(p, str))
    return model_fields.get(parent, model_fields.get("", []))


def field_names(model: type[BaseModel], prefix: str = "") -> dict[str, list[str]]:
    """Field names per dotted path inside a model, for 'did you mean' on unknown keys."""
    names: dict[str, list[str]] = {prefix: list(model.model_fields)}
    for fname, info in model.model_fields.items():
        for sub in _nested_models(info.annotation):
            names.update(field_names(sub, f"{prefix}.{fname}" if prefix else fname))
    return names


def _nested_models(annotation: Any) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _nested_models(arg)
