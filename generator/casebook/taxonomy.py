"""Controlled vocabularies (keywords, categories, challenges, sources) and the matching key.

The matching key folds what Japanese writers vary without meaning to: full/half width,
case, spaces, a leading `#`, and the many dashes and tildes (DESIGN §4).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from casebook.models import Category, Challenge, Framework, Keyword, SourceDocument

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u2500]")
_CHOON_AS_DASH = re.compile("(?<![\u30a0-\u30ff])\u30fc(?![\u30a0-\u30ff])")
_TILDES = re.compile("[\u301c\uff5e\u223c\u2053~]")
_SPACES = re.compile(r"\s+")


def normalize_key(text: str) -> str:
    """Matching key for keywords and aliases; idempotent (normalize_key(normalize_key(x)) == it).

    Spaces are removed rather than collapsed: in Japanese labels they carry no meaning
    (`# ITパスポート`, `IT パスポート`), and contributors type them inconsistently.
    """
    key = _fold(text)
    for _ in range(4):  # Unicode casefold/NFKC can interact; settle to a fixed point
        again = _fold(key)
        if again == key:
            break
        key = again
    return key


def _fold(text: str) -> str:
    key = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    key = _SPACES.sub("", key).lstrip("#")
    key = _TILDES.sub("~", key)
    # ー is a dash only outside katakana words (データ keeps its long vowel).
    key = _CHOON_AS_DASH.sub("-", key)
    return _DASHES.sub("-", key)


@dataclass
class Taxonomy:
    """Every controlled term, with lookup by matching key."""

    keywords: list[Keyword] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    challenges: list[Challenge] = field(default_factory=list)
    sources: list[SourceDocument] = field(default_factory=list)
    frameworks: list[Framework] = field(default_factory=list)
    _by_key: dict[str, Keyword] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the keyword lookup (first registration of a key wins)."""
        self._by_key = {}
        for kw in self.keywords:
            for spelling in (kw.label, kw.slug, *kw.aliases):
                self._by_key.setdefault(normalize_key(spelling), kw)

    def keyword(self, text: str) -> Keyword | None:
        """The keyword a label, slug or alias (in any registered spelling variant) refers to."""
        return self._by_key.get(normalize_key(text))

    def keyword_suggestions(self, text: str, n: int = 3) -> list[str]:
        """Closest registered keyword labels to an unknown spelling."""
        key = normalize_key(text)
        close = difflib.get_close_matches(key, list(self._by_key), n=n * 3, cutoff=0.5)
        labels: list[str] = []
        for k in close:
            label = self._by_key[k].label
            if label not in labels:
                labels.append(label)
        if not labels:  # a registered label containing the text (or vice versa) is a good guess too
            labels = [
                kw.label
                for kw in self.keywords
                if key and (key in normalize_key(kw.label) or normalize_key(kw.label) in key)
            ]
        return labels[:n]

    def category(self, slug: str) -> Category | None:
        """Category by slug."""
        return next((c for c in self.categories if c.slug == slug), None)

    def challenge(self, slug: str) -> Challenge | None:
        """Challenge by slug."""
        return next((c for c in self.challenges if c.slug == slug), None)

    def source(self, ident: str) -> SourceDocument | None:
        """Source document by id."""
        return next((s for s in self.sources if s.id == ident), None)


def closest(word: str, candidates: list[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Closest candidates to a misspelled word (field names, slugs)."""
    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)
