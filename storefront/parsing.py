"""Whole numbers from the outside world (query strings, forms, cursors), parsed once.

``str.isdigit()`` accepts "²" and "٣", which ``int()`` refuses or reads as a
digit nobody typed, and ``int()`` accepts numbers no database column can hold,
so a comparison with such a value fails inside the database driver. These
helpers say yes only to plain ASCII digits that fit the column they are for.
"""

from __future__ import annotations

import re

INT32_MAX = 2**31 - 1  # INTEGER ids and amounts
INT64_MAX = 2**63 - 1  # BIGINT columns

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def positive_int(raw: object, *, limit: int = INT32_MAX) -> int | None:
    """``raw`` as an int from 1 to ``limit``, or None for anything else.

    Surrounding spaces are allowed; signs, separators, non-ASCII digits and
    numbers past ``limit`` are not.
    """
    number = whole_number(raw, limit=limit)
    return number if number else None


def whole_number(raw: object, *, limit: int = INT32_MAX) -> int | None:
    """``raw`` as an int from 0 to ``limit``, or None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= limit else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= limit else None
