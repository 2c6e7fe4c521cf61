"""Routes: one module decides every address; the page list, the nav and the views agree with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from casebook.index import build_index
from casebook.pages import page_list
from casebook.routes import ROUTES, collision, page_url, resolve, source_path, url_for
from casebook.validate import check

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def specs():  # type: ignore[no-untyped-def]
    return page_list(build_index(check([ROOT / "cases"])))


def test_every_page_address_round_trips_through_the_routes(specs) -> None:  # type: ignore[no-untyped-def]
    assert len(specs) > 100
    for spec in specs:
        assert resolve(spec.url) == (spec.kind, spec.key, spec.page)
        assert page_url(spec.path) == spec.url
        assert source_path(spec.url) == spec.path


def test_no_two_pages_share_an_address(specs) -> None:  # type: ignore[no-untyped-def]
    paths = [s.path for s in specs]
    assert len(paths) == len(set(paths))


def test_every_generated_kind_has_pages_on_the_bundled_site(specs) -> None:  # type: ignore[no-untyped-def]
    files = {k for k, pattern in ROUTES.items() if not pattern.endswith("/") and pattern}
    hand_written = {"about", "publish"}
    assert {s.kind for s in specs} == set(ROUTES) - files - hand_written


def _nav_paths(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_paths(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_paths(value)]
    return []


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def test_every_nav_entry_resolves_through_the_routes(specs) -> None:  # type: ignore[no-untyped-def]
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    generated = {s.path for s in specs}
    hand_written = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    entries = _nav_paths(config["nav"])
    assert len(entries) > 20
    for entry in entries:
        assert resolve(page_url(entry)) is not None, entry
        assert entry in generated | hand_written, entry


@pytest.mark.parametrize(
    ("kind", "key", "taken"),
    [
        ("case", "index", "cases/"),
        ("initiative", "index", "initiatives/"),
        ("keyword", "index", "keywords/"),
        ("category", "index", "categories/"),
        ("challenge", "index", "challenges/"),
        ("question", "matrix", "compare/matrix/"),
        ("case", "goka", None),
        ("question", "effect", None),
    ],
)
def test_collisions_with_fixed_pages(kind: str, key: str, taken: str | None) -> None:
    assert collision(kind, key) == taken


@pytest.mark.parametrize("key", ["../x", "/abs", "a/b", "", "UPPER", None])
def test_a_keyed_route_refuses_anything_but_a_slug(key: str | None) -> None:
    with pytest.raises(ValueError, match="slug"):
        url_for("case", key)


def test_an_unkeyed_route_refuses_a_key() -> None:
    with pytest.raises(ValueError):
        url_for("home", "x")


def test_every_page_link_in_the_built_site_resolves_through_the_routes(built_site: Path) -> None:
    from urllib.parse import unquote, urldefrag, urljoin, urlsplit

    from sitecheck import _parse

    base = "http://site/"
    seen: set[str] = set()
    for page in built_site.rglob("*.html"):
        here = urljoin(base, page.relative_to(built_site).as_posix())
        for link in _parse(page).links:
            url = urldefrag(urljoin(here, link))[0]
            if not url.startswith(base):
                continue  # another origin (none exist: test_offline checks) or a root-relative 404 link
            path = unquote(urlsplit(url).path[len("/") :])
            if path.endswith("index.html"):
                path = path.removesuffix("index.html")
            if path and not path.endswith("/"):
                continue  # a file: stylesheet, script, download, feed
            seen.add(path)
            assert resolve(path) is not None, f"{page.relative_to(built_site)} -> {link}"
    assert len(seen) > 100
