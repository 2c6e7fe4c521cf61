"""Search: the Pagefind adapter (the only code that runs Pagefind) and our vocabulary beside it."""

from casebook.search.pagefind import (
    OUTPUT,
    IndexStats,
    SearchIndexError,
    SiteIndexer,
    extended_binary,
    fallback_notice,
    index_site,
    preferred_binary_missing,
)
from casebook.search.vocabulary import (
    FACETS,
    FILTER_KEYS,
    facet_values,
    page_terms,
    search_assets,
    spellings,
    suggest_shard,
)

__all__ = [
    "FACETS",
    "FILTER_KEYS",
    "OUTPUT",
    "IndexStats",
    "SearchIndexError",
    "SiteIndexer",
    "extended_binary",
    "facet_values",
    "fallback_notice",
    "index_site",
    "page_terms",
    "preferred_binary_missing",
    "search_assets",
    "spellings",
    "suggest_shard",
]
