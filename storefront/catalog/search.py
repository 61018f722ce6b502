"""Full-text product search on the database's own index, forgiving of typos.

SQLite uses an FTS5 table over ``product.search_text`` (kept in step by
triggers); PostgreSQL a GIN-indexed ``tsvector`` column generated from the
same text. ``search_text`` is already folded to lower case without accents
(see ``fold``), so "Songket", "SONGKET" and "sóngket" all find the same products.

A query word that no product has (not even as the start of a word) is
looked up in the catalogue's vocabulary: the words within one typo (two
for long words) are searched for as well, so "sonket" finds songket and
"kebya" finds kebaya. SQLite reads the vocabulary from the FTS5 index
(``product_fts_words``); PostgreSQL keeps it in ``search_word``, filled by a
trigger, searched by trigram similarity when ``pg_trgm`` is installed. Words
that are found as typed cost one look-up per search and nothing more.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, text

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
MAX_CORRECTIONS = 3  # nearest catalogue words searched for in place of an unknown one
MIN_CORRECTABLE = 4  # shorter words have too many neighbours to guess from
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


def search_value(dialect: str, groups: list[tuple[str, ...]]) -> str:
    """The value bound to ``:search``: every group must match, a group by any of its
    words, each word as a word prefix. A group is a query word and its corrections."""
    if dialect == "postgresql":
        return " & ".join("(" + " | ".join(f"{word}:*" for word in group) + ")" for group in groups)
    return fts_match(groups)


def fts_match(groups: list[tuple[str, ...]]) -> str:
    """An FTS5 query for ``groups`` (words are [0-9a-z]+ only, so quoting is safe)."""
    return " AND ".join(
        f'"{group[0]}"*'
        if len(group) == 1
        else "(" + " OR ".join(f'"{word}"*' for word in group) + ")"
        for group in groups
    )


def build_search_text(*parts: str) -> str:
    """The folded text a product is found by."""
    return fold(" ".join(part for part in parts if part))


# --- Typos ------------------------------------------------------------------


def allowed_typos(word: str) -> int:
    """How many typos a word may carry and still be corrected: none for short
    words and numbers, one up to seven letters, two beyond."""
    if len(word) < MIN_CORRECTABLE or any(ch.isdigit() for ch in word):
        return 0
    return 1 if len(word) <= 7 else 2


def typo_distance(a: str, b: str, limit: int) -> int:
    """The number of typos between ``a`` and ``b`` (a letter missing, extra,
    wrong, or two letters swapped), or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


@dataclass(frozen=True)
class SearchPlan:
    """What a query searches for: each word with the catalogue words standing in
    for it, and the corrections made (to tell the buyer)."""

    groups: tuple[tuple[str, ...], ...]
    corrected: tuple[tuple[str, tuple[str, ...]], ...]


def plan_search(connection: Connection, terms: list[str]) -> SearchPlan:
    """Look the query words up; add the nearest catalogue words for unknown ones.

    One statement tells which words some product has (as a word prefix);
    only a word none has costs a vocabulary look-up.
    """
    if not terms:
        return SearchPlan(groups=(), corrected=())
    dialect = connection.dialect.name
    known = _known_words(connection, dialect, terms)
    groups, corrected = [], []
    for term, found in zip(terms, known, strict=True):
        nearest = () if found else nearest_words(connection, term)
        groups.append((term, *nearest))
        if nearest:
            corrected.append((term, nearest))
    return SearchPlan(groups=tuple(groups), corrected=tuple(corrected))


def _known_words(connection: Connection, dialect: str, terms: list[str]) -> list[bool]:
    if dialect == "postgresql":
        probe = "EXISTS (SELECT 1 FROM product WHERE search_vector @@ to_tsquery('simple', :t{n}))"
        values = {f"t{n}": f"{term}:*" for n, term in enumerate(terms)}
    else:
        probe = "EXISTS (SELECT 1 FROM product_fts WHERE product_fts MATCH :t{n})"
        values = {f"t{n}": f'"{term}"*' for n, term in enumerate(terms)}
    columns = ", ".join(probe.format(n=n) for n in range(len(terms)))
    row = connection.execute(text(f"SELECT {columns}"), values).one()
    return [bool(value) for value in row]


def nearest_words(connection: Connection, word: str) -> tuple[str, ...]:
    """The catalogue words nearest to ``word`` within its allowed typos, nearest first."""
    limit = allowed_typos(word)
    if limit == 0:
        return ()
    candidates = _candidate_words(connection, word, limit)
    scored = sorted(
        (distance, abs(len(candidate) - len(word)), candidate)
        for candidate in candidates
        if candidate != word and (distance := typo_distance(word, candidate, limit)) <= limit
    )
    return tuple(candidate for *_, candidate in scored[:MAX_CORRECTIONS])


_trigram_index: dict[str, bool] = {}


def _has_trigram_index(connection: Connection) -> bool:
    """Whether this PostgreSQL database has the trigram index (asked once per process)."""
    url = connection.engine.url.render_as_string(hide_password=True)
    if url not in _trigram_index:
        _trigram_index[url] = (
            connection.execute(
                text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_search_word_trigram'")
            ).first()
            is not None
        )
    return _trigram_index[url]


def _candidate_words(connection: Connection, word: str, limit: int) -> list[str]:
    """Vocabulary words that may be within ``limit`` typos of ``word``.

    By trigram similarity where PostgreSQL has ``pg_trgm``; otherwise the
    words of about the same length starting with the same letter (a typo in
    the first letter is rare, and the range keeps the look-up small).
    """
    lengths = {"shortest": len(word) - limit, "longest": len(word) + limit}
    if connection.dialect.name == "postgresql":
        if _has_trigram_index(connection):
            return list(
                connection.execute(
                    text(
                        "SELECT word FROM search_word WHERE word % :word "
                        "AND length(word) BETWEEN :shortest AND :longest "
                        "ORDER BY word <-> :word LIMIT 50"
                    ),
                    {"word": word, **lengths},
                ).scalars()
            )
        vocabulary, column = "search_word", "word"
    else:
        vocabulary, column = "product_fts_words", "term"
    first = word[0]
    return list(
        connection.execute(
            text(
                f"SELECT {column} FROM {vocabulary} WHERE {column} >= :first "
                f"AND {column} < :after AND length({column}) BETWEEN :shortest AND :longest"
            ),
            {"first": first, "after": chr(ord(first) + 1), **lengths},
        ).scalars()
    )
