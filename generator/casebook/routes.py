"""Routes: the one place that decides every page's address (DESIGN §2).

Views, templates (`url_for` in Jinja), the page list, the nav check and the live rebuild all ask
this module; nothing else spells a page address. Addresses are site URLs relative to the site root
with directory URLs (`cases/goka/`); `source_path` gives the page's file under docs/ (`cases/goka.md`).
"""

from __future__ import annotations

import functools
import re
from typing import Final, NamedTuple
from urllib.parse import urlencode

ROUTES: Final[dict[str, str]] = {
    # generated list pages
    "home": "",
    "cases": "cases/",
    "keywords": "keywords/",
    "categories": "categories/",
    "regions": "regions/",
    "prefectures": "prefectures/",
    "dialogues": "dialogues/",
    "sizes": "sizes/",
    "challenges": "challenges/",
    "search": "search/",
    "initiatives": "initiatives/",
    "voices": "voices/",
    "updates": "updates/",
    "data": "data/",
    "print": "print/",
    "roadmaps": "roadmaps/",
    "timelines": "timelines/",
    "compare": "compare/",
    "matrix": "compare/matrix/",
    "chosen": "compare/chosen/",
    "overview": "overview/",
    "frameworks": "frameworks/",
    "programs": "programs/",
    "propose": "propose/",
    # generated pages, one per record or term
    "case": "cases/{key}/",
    "keyword": "keywords/{key}/",
    "category": "categories/{key}/",
    "prefecture": "prefectures/{key}/",
    "size": "sizes/{key}/",
    "challenge": "challenges/{key}/",
    "initiative": "initiatives/{key}/",
    "voice": "voices/{key}/",
    "dialogue": "dialogues/{key}/",
    "roadmap": "roadmaps/{key}/",
    "question": "compare/{key}/",
    "framework": "frameworks/{key}/",
    "program": "programs/{key}/",
    # hand-written pages (docs/)
    "about": "about/",
    "publish": "publish/",
    # files
    "feed": "feed.xml",
    "proposal": "propose/form.json",
    "facets": "search/facets.json",
    "suggest": "search/suggest/{key}.json",
    "download": "data/{key}",
}
"""Page kind → address; `{key}` is the record id or the term's slug."""

HAND_WRITTEN: Final = frozenset({"about", "publish"})
"""Kinds whose page is a file in docs/, not generated."""

_KEY = re.compile(r"^[a-z0-9][a-z0-9.-]*$")

PAGED: Final = "page"
"""The folder of a list's later pages (`keywords/ojt/page/2/`), as Hugo names it."""

RESERVED_KEYS: Final = frozenset({"index", PAGED})
"""Keys no record or term may take: `index` is a folder's own page, `page` holds a list's later pages."""


class Route(NamedTuple):
    """What an address names: the page kind, its key, and which page of a paged list."""

    kind: str
    key: str | None
    page: int = 1


def url_for(kind: str, key: str | None = None, page: int = 1) -> str:
    """The site address of a page (or file) of `kind`; keyed kinds need the record id or slug.

    Long lists are paged: page 1 keeps the list's own address, page n is `…/page/n/` below it.
    """
    pattern = ROUTES[kind]
    if "{key}" not in pattern:
        if key is not None:
            raise ValueError(f"route {kind!r} takes no key")
        url = pattern
    elif key is None or not _KEY.match(key):
        # Ids and slugs are validated slugs; anything else here is a programming error, not input.
        raise ValueError(f"route {kind!r} needs a slug key, got {key!r}")
    else:
        url = pattern.format(key=key)
    if page == 1:
        return url
    if page < 1 or not url.endswith("/"):
        raise ValueError(f"route {kind!r} has no page {page}")
    return f"{url}{PAGED}/{page}/"


def search_url(*facets: tuple[str, str]) -> str:
    """The search page with those facets already chosen (`search/?keyword=OJT&region=東北`)."""
    return url_for("search") + ("?" + urlencode(facets) if facets else "")


def source_path(url: str) -> str:
    """The page's file under docs/ for a page address: `cases/goka/` → `cases/goka.md`."""
    if url == "":
        return "index.md"
    stem = url.removesuffix("/")
    # A top-level section (`cases/`) is a folder with its index page; anything deeper is a page file.
    return f"{stem}/index.md" if "/" not in stem else f"{stem}.md"


def page_url(path: str) -> str:
    """The address of a page file under docs/: `cases/goka.md` → `cases/goka/`, `index.md` → ``."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def resolve(url: str) -> Route | None:
    """The route of a page address, or None when no route makes it (a test asks this of every link)."""
    page = 1
    head, sep, tail = url.rpartition(f"{PAGED}/")
    if sep and tail.removesuffix("/").isdigit() and tail.endswith("/") and (head == "" or head.endswith("/")):
        url, page = head, int(tail.removesuffix("/"))
        if page < 2:
            return None  # page 1 has the list's own address
    for kind, pattern in ROUTES.items():
        if "{key}" not in pattern:
            if url == pattern:
                return Route(kind, None, page)
            continue
        before, _, after = pattern.partition("{key}")
        if url.startswith(before) and url.endswith(after):
            key = url[len(before) : len(url) - len(after)] if after else url[len(before) :]
            if key and _KEY.match(key) and "/" not in key and key not in RESERVED_KEYS:
                return Route(kind, key, page)
    return None


def collision(kind: str, key: str) -> str | None:
    """The fixed page a keyed page of `kind` would take the place of, or None.

    A record `cases/municipal/index.yaml` would become `cases/index.md`, the case list; a keyword
    slug `matrix`… only under `compare/`. Any key whose address is another route's fixed address,
    or whose page file is a list page's `index.md`, collides.
    """
    if key in RESERVED_KEYS:  # `cases/index.md` is the folder's own page; `cases/page/` its later pages
        return ROUTES[kind].partition("{key}")[0] + ("" if key == "index" else f"{PAGED}/")
    url = url_for(kind, key)
    for other, pattern in ROUTES.items():
        if other != kind and "{key}" not in pattern and pattern == url:
            return pattern
    return None


@functools.lru_cache(maxsize=65536)
def relative(target: str, here: str) -> str:
    """Link from page URL `here` to site URL `target` (both relative to the site root, may hold #).

    Plain string work: posixpath.relpath resolves against the working directory on every call,
    which dominated rendering at thousands of pages.
    """
    path, _, fragment = target.partition("#")
    mine = [p for p in here.split("/") if p]
    theirs = [p for p in path.split("/") if p]
    common = 0
    while common < min(len(mine), len(theirs)) and mine[common] == theirs[common]:
        common += 1
    parts = [".."] * (len(mine) - common) + theirs[common:]
    is_dir = not path or path.endswith("/")
    rel = "/".join(parts)
    if not rel:
        rel = "./"
    elif is_dir:
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")
