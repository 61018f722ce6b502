"""Template filters and globals: money, bilingual fields, images and language links."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask, current_app, request, url_for
from flask_babel import format_date
from markupsafe import Markup

from storefront.i18n import current_language, localized
from storefront.media.storage import RENDITION_WIDTHS
from storefront.money import format_rupiah
from storefront.timeutil import shop_today


def rupiah(amount: int) -> str:
    """``Rp150.000`` in Indonesian, ``Rp150,000`` in English."""
    return format_rupiah(int(amount), current_language())


def image_url(key: str, width: int = 640) -> str:
    """URL of an image rendition."""
    return url_for("media.rendition", key=key, width=width)


def image_srcset(key: str) -> str:
    """``srcset`` listing every rendition width of an image."""
    return ", ".join(f"{image_url(key, w)} {w}w" for w in RENDITION_WIDTHS)


def url_in_language(language: str) -> str:
    """The current page's absolute URL in ``language`` (for hreflang and the switcher)."""
    args = request.args.to_dict(flat=True)
    args["lang"] = language
    endpoint = request.endpoint or "catalog.home"
    return url_for(endpoint, **(request.view_args or {}), **args, _external=True)


CANONICAL_ARGS = ("category", "program", "kind", "sort", "page", "after", "before", "q")


def canonical_url() -> str:
    """This page's canonical URL: the Indonesian version, without tracking parameters."""
    endpoint = request.endpoint or "catalog.home"
    args = {k: v for k, v in request.args.items() if k in CANONICAL_ARGS}
    base = current_app.config["SITE_URL"].rstrip("/")
    return base + url_for(endpoint, **(request.view_args or {}), **args)


def absolute_url(path: str) -> str:
    """``path`` on the public site URL (Open Graph and JSON-LD need absolute links)."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def days_from_today(days: int) -> date:
    """The date ``days`` from today in Palembang."""
    return shop_today() + timedelta(days=days)


def register(app: Flask) -> None:
    """Install the filters and globals."""
    app.add_template_filter(rupiah)
    app.add_template_filter(localized)
    app.add_template_filter(lambda d, fmt="medium": format_date(d, fmt), "date")
    app.add_template_global(image_url)
    app.add_template_global(image_srcset)
    app.add_template_global(url_in_language)
    app.add_template_global(canonical_url)
    app.add_template_global(absolute_url)
    app.add_template_global(current_language)
    app.add_template_global(days_from_today)
    app.add_template_global(lambda: Markup(""), "empty")
