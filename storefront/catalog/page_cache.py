"""A few seconds of memory for public catalogue pages seen by anonymous visitors.

A visitor with no session and no cart sees exactly what every other such
visitor sees, so for ``PAGE_CACHE_SECONDS`` each worker answers the same URL
in the same language from memory, like a micro-cache in front of the shop.
Anyone with a session (logged in, a message waiting) or a cart, every POST,
and every response that sets a cookie bypass it. What can go stale is a
stock figure for those seconds; the order itself always checks stock anew.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock

from flask import Response, current_app, g, request, session

from storefront.cart.identity import CART_COOKIE
from storefront.i18n import current_language

CACHEABLE_ENDPOINTS = frozenset(
    {
        "catalog.home",
        "catalog.products",
        "catalog.product",
        "catalog.about",
        "impact.program",
        "impact.partners",
        "impact.partner",
    }
)
MAX_PAGES = 2000

_pages: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()
_lock = Lock()


def _cache_key() -> tuple[str, str] | None:
    ttl = current_app.config.get("PAGE_CACHE_SECONDS", 0)
    if ttl <= 0 or request.method != "GET" or request.endpoint not in CACHEABLE_ENDPOINTS:
        return None
    cookies = request.cookies
    if current_app.config["SESSION_COOKIE_NAME"] in cookies or CART_COOKIE in cookies:
        return None
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
        return None
    return (request.full_path, current_language())


def serve_cached_page():
    """Before a request: answer from memory when this anonymous page is fresh."""
    key = _cache_key()
    if key is None:
        return None
    g.page_cache_key = key
    entry = _pages.get(key)
    if entry is None or time.monotonic() - entry[0] > current_app.config["PAGE_CACHE_SECONDS"]:
        return None
    response = Response(entry[1], mimetype="text/html")
    response.headers["X-Page-Cache"] = "hit"
    g.page_cache_hit = True
    return response


def keep_page(response: Response) -> Response:
    """After a request: remember a fresh anonymous page that sets no cookie."""
    key = g.pop("page_cache_key", None)
    if key is None or g.pop("page_cache_hit", False):
        return response
    if response.status_code != 200 or response.direct_passthrough:
        return response
    if response.headers.getlist("Set-Cookie") or response.mimetype != "text/html":
        return response
    if session.modified:  # e.g. a CSRF token was made: this page belongs to one visitor
        return response
    with _lock:
        _pages[key] = (time.monotonic(), response.get_data())
        _pages.move_to_end(key)
        while len(_pages) > MAX_PAGES:
            _pages.popitem(last=False)
    return response


def forget_pages() -> None:
    """Drop every remembered page (after staff change the catalogue)."""
    with _lock:
        _pages.clear()
