"""Product cards as HTML, kept per worker keyed by everything a card shows.

A card's HTML depends only on its ``ProductCard`` (a named tuple: name,
price, stock, image...), the language, the heading level and the URL
prefixes. All of those form the key of ``storefront.fragments``, so a change
of price or stock makes a new key and nothing shown can go stale; the cache
only saves rendering the same card again for the next visitor. A whole list
of cards is kept too, so a page seen again costs one look-up, not one a card.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, request, url_for
from markupsafe import Markup

from storefront.catalog.services import ProductCard
from storefront.fragments import keeps_fragments, macro_html
from storefront.i18n import current_language

CACHED_LISTS = 1024  # a list of 24 cards is ~13 KB: about 13 MB a worker at most


def _join_cards(cards: tuple[ProductCard, ...], *context: str) -> Markup:
    return Markup("").join(
        macro_html("partials/card.html", "card_item", (card, *context)) for card in cards
    )


@lru_cache(maxsize=CACHED_LISTS)
def _kept_list(app_id: int, cards: tuple[ProductCard, ...], *context: str) -> Markup:
    return _join_cards(cards, *context)


def render_cards(cards: list[ProductCard], heading: str = "h3") -> Markup:
    """The ``<li>`` cards of a product list, from the per-worker cache where possible."""
    if heading not in ("h2", "h3"):
        raise ValueError("cards use h2 or h3 headings")
    context = (
        heading,
        current_language(),
        url_for("catalog.products") + "/",  # product links
        request.script_root + "/media/",  # image renditions
    )
    app = current_app._get_current_object()
    if not keeps_fragments(app):
        return _join_cards(tuple(cards), *context)
    return _kept_list(id(app), tuple(cards), *context)
