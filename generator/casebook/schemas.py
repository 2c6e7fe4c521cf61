"""The JSON Schemas of every record and taxonomy file: for the contributor's editor and the data page.

Made from the models, so the schema and `casebook check` can never disagree about a field.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter

from casebook.models import (
    RECORD_ADAPTER,
    ROADMAP_ADAPTER,
    CategoryList,
    ChallengeList,
    FrameworkList,
    KeywordList,
    SourceList,
)

SCHEMAS: dict[str, tuple[str, TypeAdapter[Any]]] = {
    "record.schema.json": ("casebook の記録（事例・メッセージ・支援制度など）", RECORD_ADAPTER),
    "roadmap.schema.json": ("ロードマップ（cases/roadmaps/*.yaml）", ROADMAP_ADAPTER),
    "keywords.schema.json": ("統制キーワード（cases/keywords.yaml）", KeywordList),
    "categories.schema.json": ("カテゴリ（cases/categories.yaml）", CategoryList),
    "challenges.schema.json": ("課題（cases/challenges.yaml）", ChallengeList),
    "sources.schema.json": ("出典資料（cases/sources.yaml）", SourceList),
    "frameworks.schema.json": ("人材像の枠組み（cases/frameworks.yaml）", FrameworkList),
}
_WRAPPER_KEYS = {
    "keywords.schema.json": "keywords",
    "categories.schema.json": "categories",
    "challenges.schema.json": "challenges",
    "sources.schema.json": "sources",
    "frameworks.schema.json": "frameworks",
}


@functools.cache
def schemas() -> dict[str, dict[str, object]]:
    """Every JSON Schema the editor uses, by file name (computed once: each build exports one)."""
    out: dict[str, dict[str, object]] = {}
    for name, (title, adapter) in SCHEMAS.items():
        schema = adapter.json_schema()
        if name in _WRAPPER_KEYS:
            defs = schema.pop("$defs", {})
            schema = {
                "type": "object",
                "properties": {_WRAPPER_KEYS[name]: schema},
                "required": [_WRAPPER_KEYS[name]],
                "additionalProperties": False,
                "$defs": defs,
            }
        out[name] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}
    return out
