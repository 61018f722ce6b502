"""The shop's information pages, in both languages, with texts staff can change.

Each page's text is a template of its own, ``templates/pages/<slug>.<lang>.html``
(``shipping.id.html``, ``shipping.en.html``...): plain HTML inside a block,
with the shop's address, opening hours, WhatsApp link and delivery prices
filled in from the settings and the rate table, so changing those changes
the pages too. With ``PAGES_FOLDER`` set, a page found in that folder (same
file names) is used instead of the one shipped with the code, so the texts
can be edited on the server without a release.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from sqlalchemy import select

from storefront.checkout.shipping import COURIER_DAYS
from storefront.extensions import db
from storefront.i18n import current_language, localized_route
from storefront.orders.models import ShippingRate

pages = Blueprint("pages", __name__)

PAGES = ("shipping", "returns", "privacy", "terms", "contact")


@localized_route(pages, "/<any(shipping, returns, privacy, terms, contact):slug>")
def page(slug: str):
    """One information page in the current language."""
    rates = db.session.scalars(
        select(ShippingRate).order_by(ShippingRate.method, ShippingRate.first_kg)
    ).all()
    return render_template(
        f"pages/{slug}.{current_language()}.html",
        slug=slug,
        rates=rates,
        courier_days=COURIER_DAYS,
    )


def init_pages(app: Flask) -> None:
    """Read the pages from ``PAGES_FOLDER`` first, when it is set."""
    folder = app.config.get("PAGES_FOLDER")
    if folder:
        app.jinja_loader = ChoiceLoader(
            [PrefixLoader({"pages": FileSystemLoader(folder)}), app.jinja_loader]
        )
