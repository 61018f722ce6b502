"""Product cards as HTML, kept per worker keyed by everything a card shows.

A card's HTML depends only on its ``ProductCard`` (a frozen dataclass: name,
price, stock, image...), the language, the heading level and the URL
prefixes. All of those form the key of ``storefront.fragments``, so a change
of price or stock makes a new key and nothing shown can go stale; the cache
only saves rendering the same card again for the next visitor.
"""

from __future__ import annotations

from flask import request, url_for
from markupsafe import Markup

from storefront.catalog.services import ProductCard
from storefront.fragments import macro_html
from storefront.i18n import current_language


def render_cards(cards: list[ProductCard], heading: str = "h3") -> Markup:
    """The ``<li>`` cards of a product list, from the per-worker cache where possible."""
    if heading not in ("h2", "h3"):
        raise ValueError("cards use h2 or h3 headings")
    lang = current_language()
    product_base = url_for("catalog.products") + "/"
    media_base = request.script_root + "/media/"
    return Markup("").join(
        macro_html(
            "partials/card.html",
            "card_item",
            (card, heading, lang, product_base, media_base),
        )
        for card in cards
    )
