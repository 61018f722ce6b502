"""Template filters and globals: money, bilingual fields, images and language links."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from babel.dates import format_date as format_babel_date
from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from storefront.catalog.cards import render_cards
from storefront.catalog.services import stock_status
from storefront.checkout.shipping import DELIVERY_LABELS
from storefront.fragments import fragment
from storefront.i18n import current_language, is_localized, localized
from storefront.media.storage import RENDITION_WIDTHS
from storefront.money import format_rupiah
from storefront.outbox.services import absolute
from storefront.qr import qr_svg
from storefront.timeutil import in_shop_time, shop_today


def rupiah(amount: int, language: str | None = None) -> str:
    """``Rp150.000`` in Indonesian, ``Rp150,000`` in English (the current language
    unless a long list passes the one it already knows)."""
    return format_rupiah(int(amount), language or current_language())


def image_url(key: str, width: int = 640) -> str:
    """URL of an image rendition."""
    return url_for("media.rendition", key=key, width=width)


@lru_cache(maxsize=1024)
def srcset_widths(width: int) -> tuple[tuple[int, int], ...]:
    """(rendition, real width) of each distinct rendition of an image ``width`` px wide.

    Renditions are never upscaled: for a photo 500 px wide the 640 and 960
    files are 500 px too, so ``srcset`` lists that file once, at 500w.
    """
    seen: dict[int, int] = {}
    for rendition in RENDITION_WIDTHS:
        seen.setdefault(min(rendition, width), rendition)
    return tuple((rendition, real) for real, rendition in seen.items())


def image_srcset(key: str, width: int) -> str:
    """``srcset`` of an image's renditions, each at the width its file really has."""
    return ", ".join(f"{image_url(key, r)} {real}w" for r, real in srcset_widths(width))


CANONICAL_ARGS = ("category", "program", "kind", "sort", "page", "after", "before", "q", "variant")


class PageUrls(NamedTuple):
    """The current page's canonical URL and its URL in each language."""

    canonical: str  # absolute, on SITE_URL
    id: str  # paths, for the language switch; the head makes them absolute
    en: str
    localized: bool  # a public page with its own URL per language (hreflang pairs)


def page_urls() -> PageUrls:
    """The links every page's head and language switch need, worked out once.

    A public page has a URL per language (``/products/x``, ``/en/products/x``):
    each is its own canonical, and the pair are each other's ``hreflang``
    alternates, the Indonesian one also ``x-default``. A page with one URL
    (cart, checkout, account) is its own canonical; its switch links add
    ``lang``. All are on ``SITE_URL``, never on the Host the request named,
    so no visitor can plant a host in a page. Tracking parameters are dropped.
    """
    endpoint = request.endpoint or "catalog.home"
    args = {k: v[:200] for k, v in request.args.items() if k in CANONICAL_ARGS}
    args.update(request.view_args or {})
    id_path = url_for(endpoint, **args, lang="id")
    en_path = url_for(endpoint, **args, lang="en")
    if is_localized(endpoint):
        canonical = absolute(en_path if current_language() == "en" else id_path)
        return PageUrls(canonical=canonical, id=id_path, en=en_path, localized=True)
    canonical = absolute(url_for(endpoint, **args))
    return PageUrls(canonical=canonical, id=id_path, en=en_path, localized=False)


SHOP_ZONE_LABEL = "WIB"  # Palembang keeps Western Indonesian Time (Asia/Jakarta)


def shop_date(day: date | datetime | None, language: str | None = None) -> str:
    """A day as the shop writes it: ``5 Desember 2026`` / ``5 December 2026``.

    A moment (``datetime``) is first taken to Palembang time, so an order
    placed at 23.30 WIB is dated that day, not the next in UTC.
    """
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = in_shop_time(day).date()
    return format_babel_date(day, "d MMMM y", locale=language or current_language())


def shop_datetime(moment: datetime | date | None, language: str | None = None) -> str:
    """A moment in Palembang time with its zone, the one way the shop writes times:
    ``5 Desember 2026, 03.14 WIB`` in Indonesian, ``5 December 2026, 03:14 WIB`` in English."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return shop_date(moment, language)
    language = language or current_language()
    local = in_shop_time(moment)
    clock = local.strftime("%H:%M" if language == "en" else "%H.%M")
    return f"{shop_date(local.date(), language)}, {clock} {SHOP_ZONE_LABEL}"


def days_from_today(days: int) -> date:
    """The date ``days`` from today in Palembang."""
    return shop_today() + timedelta(days=days)


def days_after(day: date, days: int) -> date:
    """The date ``days`` after ``day``."""
    return day + timedelta(days=days)


def present(**attributes) -> dict:
    """The attributes that have a value: a form field's optional HTML attributes
    (WTForms would write ``type="None"`` for one passed as None)."""
    return {name: value for name, value in attributes.items() if value is not None}


SHOP_TEXTS = {"address": "SHOP_ADDRESS", "hours": "SHOP_HOURS", "bank_account": "BANK_ACCOUNT"}


def shop_text(name: str, language: str | None = None) -> str:
    """A configured text about the shop (``address``, ``hours``, ``bank_account``)
    in the current language: ``SHOP_ADDRESS_EN`` on English pages, ``_ID`` otherwise."""
    language = (language or current_language()).upper()
    return current_app.config[f"{SHOP_TEXTS[name]}_{language}"]


def whatsapp_url() -> str:
    """A link that opens a WhatsApp chat with the shop."""
    digits = "".join(ch for ch in current_app.config["SHOP_WHATSAPP"] if ch.isdigit())
    return f"https://wa.me/{digits}"


def register(app: Flask) -> None:
    """Install the filters and globals."""
    app.add_template_filter(rupiah)
    app.add_template_filter(localized)
    app.add_template_filter(shop_date)
    app.add_template_filter(shop_datetime)
    # The older names, kept until every template says shop_date / shop_datetime.
    app.add_template_filter(lambda d, fmt=None: shop_date(d), "date")
    app.add_template_filter(shop_datetime, "datetime_short")
    app.add_template_global(image_url)
    app.add_template_global(render_cards)
    app.add_template_global(fragment)
    app.add_template_global(image_srcset)
    app.add_template_global(srcset_widths)
    app.add_template_global(page_urls)
    app.add_template_global(absolute, "absolute_url")
    app.add_template_global(current_language)
    app.add_template_global(days_from_today)
    app.add_template_global(days_after)
    app.add_template_global(shop_text)
    app.add_template_global(present)
    app.add_template_global(whatsapp_url)
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
    "awaiting_payment": _l("Waiting for payment"),
    "paid": _l("Paid"),
    "in_production": _l("Being made"),
    "packed": _l("Packed"),
    "shipped": _l("Shipped"),
    "out_for_delivery": _l("Out for delivery"),
    "ready_for_pickup": _l("Ready for pickup"),
    "delivered": _l("Delivered"),
    "collected": _l("Collected"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired: not paid in time"),
}
AWAITING_LABELS = {
    "stripe": _l("Waiting for payment"),
    "bank_transfer": _l("Waiting for your bank transfer"),
    "cash_on_pickup": _l("Reserved: pay in cash at pickup"),
}
PAYMENT_STATE_LABELS = {
    "unpaid": _l("Not paid yet"),
    "paid": _l("Paid"),
    "amount_mismatch": _l("Amount received does not match"),
    "paid_after_expiry": _l("Paid after the order closed"),
}
REFUND_STATE_LABELS = {
    "none": "",
    "pending": _l("Refund being prepared"),
    "partially_refunded": _l("Partly refunded"),
    "refunded": _l("Refunded"),
}


def status_label(status: str) -> str:
    """The buyer-facing name of a lifecycle status."""
    return str(STATUS_LABELS.get(status, status))


def payment_state_label(state: str) -> str:
    """The name of a payment state."""
    return str(PAYMENT_STATE_LABELS.get(state, state))


def refund_state_label(state: str) -> str:
    """The name of a refund state ('' when nothing was refunded)."""
    return str(REFUND_STATE_LABELS.get(state, state))


def order_headline(order) -> str:
    """One line saying where an order stands, for the buyer: its step, and what the
    money says when that matters more (waiting, a mismatch, a refund)."""
    refund = str(REFUND_STATE_LABELS.get(order.refund_state, ""))
    if order.refund_state == "refunded":
        return refund
    if order.payment_state in ("amount_mismatch", "paid_after_expiry"):
        return payment_state_label(order.payment_state)
    if order.status == "awaiting_payment":
        label = str(AWAITING_LABELS.get(order.payment_method, STATUS_LABELS["awaiting_payment"]))
    else:
        label = status_label(order.status)
    return f"{label} · {refund}" if refund else label


PAYMENT_LABELS = {
    "stripe": _l("Card or e-wallet"),
    "bank_transfer": _l("Bank transfer"),
    "cash_on_pickup": _l("Cash at pickup"),
}


def payment_label(method: str) -> str:
    """The name of a payment method."""
    return str(PAYMENT_LABELS.get(method, method))


def card_failure_text(order) -> str:
    """Why the order's last card attempt failed, in the buyer's language, or ''."""
    from storefront.payments.methods import decline_reason
    from storefront.payments.services import last_card_failure

    return decline_reason(last_card_failure(order))


def tracking_link(order) -> str | None:
    """The courier's tracking page for the order, if any."""
    from storefront.orders.lifecycle import tracking_link as link

    return link(order)


def courier_name(code: str | None) -> str:
    """A courier's name from its code."""
    from storefront.orders.lifecycle import COURIERS

    found = COURIERS.get(code or "")
    return found.name if found else (code or "")


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
        payment_state_label,
        payment_label,
        refund_state_label,
        order_headline,
        card_failure_text,
        tracking_link,
        courier_name,
        qr_svg,
    ):
        app.add_template_global(helper)
    app.context_processor(shop_reference)
