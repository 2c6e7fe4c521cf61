"""Search: the Pagefind adapter (the only code that runs Pagefind) and our vocabulary beside it."""

from casebook.search.pagefind import (
    OUTPUT,
    IndexStats,
    SearchIndexError,
    SiteIndexer,
    extended_binary,
    index_site,
)
from casebook.search.vocabulary import FACETS, search_vocabulary

__all__ = [
    "FACETS",
    "OUTPUT",
    "IndexStats",
    "SearchIndexError",
    "SiteIndexer",
    "extended_binary",
    "index_site",
    "search_vocabulary",
]
