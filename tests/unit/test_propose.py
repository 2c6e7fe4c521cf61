"""Where a proposal goes: MkDocs' repo_url and edit_uri → the forge's editors; the form's generated data."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.index import build_index
from casebook.propose import Contribution, Forge, forge_of, form_data
from casebook.taxonomy import normalize_key
from casebook.validate import check

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "forge"),
    [
        (
            "https://github.com/town/casebook",
            "edit/main/docs/",
            Forge("https://github.com/town/casebook/edit/main/", "https://github.com/town/casebook/new/main/", True),
        ),
        (
            "https://gitlab.example.lg.jp/joho/casebook/",
            "-/edit/main/docs/",
            Forge(
                "https://gitlab.example.lg.jp/joho/casebook/-/edit/main/",
                "https://gitlab.example.lg.jp/joho/casebook/-/new/main/",
                False,
            ),
        ),
        (
            "https://git.example.jp/town/casebook",
            "_edit/main/docs/",
            Forge("https://git.example.jp/town/casebook/_edit/main/", "https://git.example.jp/town/casebook/_new/main/", True),
        ),
        ("https://bitbucket.org/town/casebook", "src/default/docs/", Forge("https://bitbucket.org/town/casebook/src/default/", None, False)),
        ("https://bitbucket.org/town/casebook", "src/default/docs/?mode=edit", None),
        ("", "edit/main/docs/", None),
        ("https://github.com/town/casebook", None, None),
    ],
)  # fmt: skip
def test_the_forge_comes_from_repo_url_and_edit_uri(repo_url: str, edit_uri: str | None, forge: Forge | None) -> None:
    assert forge_of(repo_url, edit_uri, "docs") == forge


def test_an_edit_link_names_the_records_file_from_the_project_root() -> None:
    forge = forge_of("https://github.com/town/casebook", "edit/main/docs/", "docs")
    assert forge is not None
    assert (
        forge.edit_url("cases/municipal/goka.yaml")
        == "https://github.com/town/casebook/edit/main/cases/municipal/goka.yaml"
    )


def test_the_form_gets_the_vocabulary_of_the_taxonomy_with_its_matching_keys() -> None:
    corpus = check([ROOT / "cases"])
    forge = forge_of("https://github.com/town/casebook", "edit/main/docs/", "docs")
    data = form_data(build_index(corpus), Contribution(forge, "", "cases"))
    tax = corpus.taxonomy
    assert data["forge"] == {"new": "https://github.com/town/casebook/new/main/", "prefill": True}
    assert data["send"]  # a default 「送り方」 when the site has none of its own
    keywords = data["keywords"]
    assert isinstance(keywords, list) and len(keywords) == len(tax.keywords)
    ojt = next(k for k in keywords if k["value"] == "OJT(職場内訓練)")
    assert ojt["keys"][0] == normalize_key("OJT(職場内訓練)") and normalize_key("職場内訓練") in ojt["keys"]
    challenges = data["challenges"]
    assert isinstance(challenges, list) and {c["value"] for c in challenges} == {c.slug for c in tax.challenges}
    assert "goka" in data["taken"]  # type: ignore[operator]
