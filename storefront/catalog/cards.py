"""Product cards as HTML, kept per worker keyed by everything a card shows.

A card's HTML depends only on its ``ProductCard`` (a frozen dataclass: name,
price, stock, image...), the language, the heading level and the URL
prefixes. All of those form the cache key, so a change of price or stock
makes a new key and nothing shown can go stale; the cache only saves
rendering the same card again for the next visitor.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, request, url_for
from markupsafe import Markup

from storefront.catalog.services import ProductCard
from storefront.i18n import current_language

CACHED_CARDS = 4096


@lru_cache(maxsize=CACHED_CARDS)
def _card_html(
    app_id: int, card: ProductCard, heading: str, lang: str, product_base: str, media_base: str
) -> Markup:
    macro = current_app.jinja_env.get_template("partials/card.html").module.card_item
    return Markup(macro(card, heading, lang, product_base, media_base))


def render_cards(cards: list[ProductCard], heading: str = "h3") -> Markup:
    """The ``<li>`` cards of a product list, from the per-worker cache where possible."""
    if heading not in ("h2", "h3"):
        raise ValueError("cards use h2 or h3 headings")
    lang = current_language()
    product_base = url_for("catalog.products") + "/"
    media_base = request.script_root + "/media/"
    app_id = id(current_app._get_current_object())
    return Markup("").join(
        _card_html(app_id, card, heading, lang, product_base, media_base) for card in cards
    )
