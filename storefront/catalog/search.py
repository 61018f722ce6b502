"""Full-text product search on the database's own index.

SQLite uses an FTS5 table over ``product.search_text`` (kept in step by
triggers); PostgreSQL a GIN-indexed ``tsvector`` column generated from the
same text. ``search_text`` is already folded to lower case without accents
(see ``fold``), so "Songket", "SONGKET" and "sóngket" all find the same products.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import ColumnElement, text

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
_WORD = re.compile(r"[0-9a-z]+")


def fold(value: str) -> str:
    """Lower-case ``value`` and strip accents: the form both the index and queries use."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_terms(query: str) -> list[str]:
    """The words of a buyer's query, folded, at most ``MAX_TERMS`` of them."""
    return _WORD.findall(fold(query[:MAX_QUERY_LENGTH]))[:MAX_TERMS]


def search_condition(dialect: str) -> ColumnElement[bool]:
    """A WHERE clause on ``product.id`` matching the bound ``:search`` (``search_value``)."""
    if dialect == "postgresql":
        return text("product.search_vector @@ to_tsquery('simple', :search)")
    return text("product.id IN (SELECT rowid FROM product_fts WHERE product_fts MATCH :search)")


def search_value(dialect: str, terms: list[str]) -> str:
    """The value bound to ``:search``: a query requiring every term as a word prefix."""
    if dialect == "postgresql":
        return " & ".join(f"{term}:*" for term in terms)
    return fts_match(terms)


def fts_match(terms: list[str]) -> str:
    """An FTS5 query requiring every term as a word prefix (terms are [0-9a-z]+ only)."""
    return " ".join(f'"{term}"*' for term in terms)


def build_search_text(*parts: str) -> str:
    """The folded text a product is found by."""
    return fold(" ".join(part for part in parts if part))
