"""Template filters and globals: money, bilingual fields, images and language links."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from storefront.catalog.cards import render_cards
from storefront.catalog.services import stock_status
from storefront.checkout.shipping import DELIVERY_LABELS
from storefront.fragments import fragment
from storefront.i18n import current_language, localized
from storefront.media.storage import RENDITION_WIDTHS
from storefront.money import format_rupiah
from storefront.outbox.services import absolute
from storefront.timeutil import shop_today


def rupiah(amount: int, language: str | None = None) -> str:
    """``Rp150.000`` in Indonesian, ``Rp150,000`` in English (the current language
    unless a long list passes the one it already knows)."""
    return format_rupiah(int(amount), language or current_language())


def image_url(key: str, width: int = 640) -> str:
    """URL of an image rendition."""
    return url_for("media.rendition", key=key, width=width)


def image_srcset(key: str) -> str:
    """``srcset`` listing every rendition width of an image."""
    return ", ".join(f"{image_url(key, w)} {w}w" for w in RENDITION_WIDTHS)


CANONICAL_ARGS = ("category", "program", "kind", "sort", "page", "after", "before", "q", "variant")


class PageUrls(NamedTuple):
    """The current page's canonical URL and its URL in each language."""

    canonical: str
    id: str
    en: str


def page_urls() -> PageUrls:
    """The links every page's head and language switch need, worked out once.

    Canonical: the Indonesian page on the public site URL, without tracking
    parameters; the language versions (hreflang and the switcher) keep the
    same arguments and add ``lang``.
    """
    endpoint = request.endpoint or "catalog.home"
    args = {k: v[:200] for k, v in request.args.items() if k in CANONICAL_ARGS}
    args.update(request.view_args or {})
    return PageUrls(
        canonical=absolute(url_for(endpoint, **args)),
        id=absolute(url_for(endpoint, **args, lang="id")),
        en=absolute(url_for(endpoint, **args, lang="en")),
    )


def days_from_today(days: int) -> date:
    """The date ``days`` from today in Palembang."""
    return shop_today() + timedelta(days=days)


def days_after(day: date, days: int) -> date:
    """The date ``days`` after ``day``."""
    return day + timedelta(days=days)


def register(app: Flask) -> None:
    """Install the filters and globals."""
    app.add_template_filter(rupiah)
    app.add_template_filter(localized)
    app.add_template_filter(lambda d, fmt="medium": format_date(d, fmt), "date")
    app.add_template_filter(lambda d: format_datetime(d, "short") if d else "", "datetime_short")
    app.add_template_global(image_url)
    app.add_template_global(render_cards)
    app.add_template_global(fragment)
    app.add_template_global(image_srcset)
    app.add_template_global(page_urls)
    app.add_template_global(absolute, "absolute_url")
    app.add_template_global(current_language)
    app.add_template_global(days_from_today)
    app.add_template_global(days_after)
    register_labels(app)


OPTION_LABELS = {
    "motif": _l("Motif"),
    "benang": _l("Thread"),
    "ukuran": _l("Size"),
    "warna": _l("Colour"),
    "isi": _l("Pack"),
    "rasa": _l("Flavour"),
    "berat": _l("Weight"),
}


def option_label(key: str) -> str:
    """The buyer-facing name of a variant option key."""
    return str(OPTION_LABELS.get(key, key.capitalize()))


SUPPORT_LABELS = {
    "trainer": _l("trainers"),
    "materials": _l("materials"),
    "equipment": _l("equipment"),
    "funding": _l("funding"),
    "marketing": _l("marketing"),
}


def support_label(kind: str) -> str:
    """The buyer-facing name of a kind of partner support."""
    return str(SUPPORT_LABELS.get(kind, kind))


PARTNER_KIND_LABELS = {
    "state_company": _l("State-owned company"),
    "regional_office": _l("Regional government office"),
    "crafts_council": _l("Crafts council"),
    "health_office": _l("Health office"),
    "agriculture_office": _l("Agriculture office"),
    "education": _l("Education"),
    "community": _l("Community organisation"),
    "private_company": _l("Private company"),
}


def partner_kind_label(kind: str) -> str:
    """The buyer-facing name of a kind of partner organisation."""
    return str(PARTNER_KIND_LABELS.get(kind, kind))


def stock_text(kind: str, on_hand: int) -> str:
    """What a buyer reads about availability."""
    status = stock_status(kind, on_hand)
    if status == "sold_out":
        return _("Sold out") if kind != "made_to_order" else _("Order book full for now")
    if kind == "made_to_order":
        return _("Taking orders")
    if status == "low":
        return _("Only %(n)s left", n=on_hand)
    return _("In stock")


def shop_reference():
    """Families and programmes for the navigation of every page."""
    from storefront.catalog.reference import reference

    try:
        return {"reference": reference()}
    except Exception:  # an error page must render even when the database is down
        from storefront.catalog.reference import Reference

        return {"reference": Reference(families=(), programs=())}


def mini_cart_count() -> int:
    """Units in this visitor's cart; no query at all for visitors without a cart cookie."""
    from storefront.cart.identity import current_cart_token
    from storefront.cart.services import cart_item_count

    token = current_cart_token()
    return cart_item_count(token) if token else 0


def delivery_label(method: str) -> str:
    """The buyer-facing name of a delivery method."""
    return str(DELIVERY_LABELS.get(method, method))


STATUS_LABELS = {
    "pending_payment": _l("Waiting for payment"),
    "awaiting_transfer": _l("Waiting for your bank transfer"),
    "awaiting_pickup_payment": _l("Reserved: pay in cash at pickup"),
    "paid": _l("Paid"),
    "in_production": _l("Being made"),
    "packed": _l("Packed"),
    "shipped": _l("Shipped"),
    "ready_for_pickup": _l("Ready for pickup"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired: not paid in time"),
    "refunded": _l("Refunded"),
    "partially_refunded": _l("Partly refunded"),
}


def status_label(status: str) -> str:
    """The buyer-facing name of an order status."""
    return str(STATUS_LABELS.get(status, status))


def payment_problem_text(problem: str | None) -> str:
    """An order's stored payment problem, in the buyer's language where we know it."""
    from storefront.payments.methods import decline_reason

    return decline_reason(problem)


def register_labels(app: Flask) -> None:
    """Install the label helpers."""
    for helper in (
        option_label,
        support_label,
        partner_kind_label,
        stock_text,
        stock_status,
        mini_cart_count,
        delivery_label,
        status_label,
        payment_problem_text,
    ):
        app.add_template_global(helper)
    app.context_processor(shop_reference)
