"""Catalogue search (a read module of the selectors layer; `procedures.selectors` re-exports it).

- Matching and ranking happen in the database, in **one statement** per page
  (`statement._run`): the ids of the page in ranked order and the total as `COUNT(*) OVER ()`.
  On PostgreSQL the words are matched through the generated, GIN-indexed `tsvector` of the
  folded text (`common.search.words_in_sql`, migration 0004); on SQLite with `INSTR` on the same
  text. The statement is written out rather than built with the ORM: building and compiling the
  ORM query cost more than running it (ADR 0170). The filters become conditions of that
  statement (`filters`).
- What a result list shows of each procedure (`CatalogueEntry`) is read once per catalogue
  version for the whole catalogue and kept in the process (`rows.catalogue_entries`).
- Typos: when nothing matches, words no procedure name knows are corrected against the
  vocabulary of names (`typos`); PostgreSQL then falls back to trigram similarity.
- A page of results is cached for `PROCEDURES_SEARCH_CACHE_SECONDS` under a key that carries
  the catalogue version, which every catalogue change bumps after commit (`versions`).
- The words a search matched are marked in the results (`words.highlight_words`).

The search itself (`results`) ties these together; this package exports the public names.
"""

from procedures.search.filters import CatalogueFilters, procedures_for_agency
from procedures.search.results import SearchPage, procedure_search, procedure_search_page
from procedures.search.rows import (
    CatalogueChannel,
    CatalogueEntry,
    catalogue_entries,
    catalogue_entry_of,
    catalogue_filter_options,
    catalogue_has_code,
)
from procedures.search.typos import search_vocabulary
from procedures.search.versions import (
    catalogue_cached,
    catalogue_version,
    forget_catalogue_version,
    fresh_catalogue_version,
    search_cache_key,
)
from procedures.search.words import highlight, highlight_words, query_words

__all__ = [
    "CatalogueChannel",
    "CatalogueEntry",
    "CatalogueFilters",
    "SearchPage",
    "catalogue_cached",
    "catalogue_entries",
    "catalogue_entry_of",
    "catalogue_filter_options",
    "catalogue_has_code",
    "catalogue_version",
    "forget_catalogue_version",
    "fresh_catalogue_version",
    "highlight",
    "highlight_words",
    "procedure_search",
    "procedure_search_page",
    "procedures_for_agency",
    "query_words",
    "search_cache_key",
    "search_vocabulary",
]
