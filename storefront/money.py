"""The one money formatter: integer rupiah shown as people expect (Rp150.000)."""

from functools import lru_cache

from babel.numbers import format_currency


@lru_cache(maxsize=8192)
def format_rupiah(amount: int, locale: str = "id") -> str:
    """Format whole rupiah for ``locale`` with no fraction digits.

    Indonesian gives ``Rp150.000``; English keeps the familiar ``Rp`` symbol
    with English grouping, ``Rp150,000``.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("money is an integer number of rupiah")
    text = format_currency(amount, "IDR", locale=locale, format="¤#,##0", currency_digits=False)
    return text.replace("\xa0", "").replace("IDR", "Rp")


def rupiah_to_minor_units(amount: int) -> int:
    """Stripe counts IDR in hundredths: Rp150.000 is 15,000,000 minor units."""
    return amount * 100


def parse_rupiah(text: str | None) -> int | None:
    """Whole rupiah from what a person types: "150000", "150.000", "Rp 150.000" or
    "150,000". None for anything else (letters, decimals, signs, odd digits)."""
    cleaned = (text or "").strip().lower().removeprefix("rp").strip().replace(" ", "")
    if not cleaned or len(cleaned) > 16:
        return None
    for separator in (".", ","):
        groups = cleaned.split(separator)
        if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and 0 < len(groups[0]) <= 3:
            cleaned = "".join(groups)
            break
    if not (cleaned.isascii() and cleaned.isdigit()):
        return None
    return int(cleaned)
