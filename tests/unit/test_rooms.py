"""Small rooms: no module of the generator over 400 lines, no function over 60 (issue 13)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "generator" / "casebook"
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_module_and_functions_stay_small(module: Path) -> None:
    text = module.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, "400 行を超えたモジュールは、仕事ごとに分けてください"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} 行)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (node.end_lineno or 0) - node.lineno >= 60
    ]
    assert long == []


def test_only_the_adapters_know_mkdocs_and_pagefind() -> None:
    """DESIGN §2: the core never imports MkDocs, so it can move to another engine by writing one adapter."""
    for module in MODULES:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        name = module.relative_to(PACKAGE).as_posix()
        if any(m == "mkdocs" or m.startswith("mkdocs.") for m in imported):
            assert name in ("plugin.py", "publish.py"), name
        if any(m.startswith("pagefind") for m in imported):
            assert name == "search/pagefind.py", name
