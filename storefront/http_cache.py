"""Caching headers that browsers, nginx and CDNs understand; the app itself keeps no pages.

A catalogue page seen by a visitor with no session, no cart and no
"remember me" cookie is the same for every such visitor (in one language:
``Vary`` names the cookie and ``Accept-Language``), so it says ``public`` with
a short ``max-age`` and ``s-maxage`` and carries an ``ETag``; a repeated
request with ``If-None-Match`` gets a 304. Anything that belongs to one
visitor says ``private`` (and carts, checkout, orders and accounts
``no-store``), and so does a catalogue page that sets a cookie.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session

from storefront.cart.identity import CART_COOKIE

PUBLIC_ENDPOINTS = frozenset(
    {
        "catalog.home",
        "catalog.products",
        "catalog.product",
        "catalog.about",
        "catalog.robots",
        "catalog.sitemap",
        "impact.program",
        "impact.partners",
        "impact.partner",
        "pages.page",
    }
)
# Pages with a buyer's cart, contact details, order or account: never kept anywhere.
PRIVATE_BLUEPRINTS = frozenset({"cart", "checkout", "orders", "payments", "accounts"})


def is_shared_visitor() -> bool:
    """Whether this request carries nothing of its own: no session, cart or remember cookie."""
    cookies = request.cookies
    config = current_app.config
    return not (
        config["SESSION_COOKIE_NAME"] in cookies
        or CART_COOKIE in cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    )


def _shareable(response: Response) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint in PUBLIC_ENDPOINTS
        and response.status_code == 200
        and not response.direct_passthrough
        and not response.headers.getlist("Set-Cookie")
        and not session.modified  # e.g. a form token was made: the session cookie follows
        and is_shared_visitor()
    )


def set_caching_headers(response: Response) -> Response:
    """After a request: say who may keep the response, and answer If-None-Match."""
    if "Cache-Control" in response.headers:  # media, static files and others chose already
        return response
    if request.blueprint in PRIVATE_BLUEPRINTS:
        response.headers["Cache-Control"] = "no-store"
        return response
    if not _shareable(response):
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    seconds = current_app.config["PUBLIC_PAGE_MAX_AGE"]
    response.cache_control.public = True
    response.cache_control.max_age = seconds
    response.cache_control.s_maxage = seconds
    response.add_etag()
    return response.make_conditional(request)


def init_http_cache(app: Flask) -> None:
    """Install the caching headers (registered first, so it runs after the cookie hooks)."""
    app.after_request(set_caching_headers)
