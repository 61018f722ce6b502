"""The cart cookie: a signed token that finds the buyer's cart in the database."""

from __future__ import annotations

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

CART_COOKIE = "cart"
CART_COOKIE_MAX_AGE = 60 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="cart")


def current_cart_token() -> str | None:
    """The cart token from this request's cookie, if its signature holds."""
    raw = request.cookies.get(CART_COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        token = _serializer().loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def remember_cart(response: Response, token: str) -> Response:
    """Set the signed cart cookie on ``response``."""
    response.set_cookie(
        CART_COOKIE,
        _serializer().dumps(token),
        max_age=CART_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def forget_cart(response: Response) -> Response:
    """Remove the cart cookie, so this browser starts with no cart (on logout)."""
    response.delete_cookie(
        CART_COOKIE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
