"""The cart page and its forms: add, change quantity, remove."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from storefront.cart import services
from storefront.cart.identity import current_cart_token, remember_cart
from storefront.extensions import csrf, limiter
from storefront.i18n import current_language
from storefront.rate_limits import new_cart_limit
from storefront.request_guards import same_origin_request

cart = Blueprint("cart", __name__, url_prefix="/cart")


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def render_cart(status: int = 200):
    """The cart page, priced now; also the answer to a refused cart or checkout change."""
    priced = services.price_cart(current_cart_token(), language=current_language())
    return render_template("cart/cart.html", priced=priced), status


@cart.get("")
def show():
    """The cart with current prices and anything that changed since items were added."""
    return render_cart()


def _has_cart() -> bool:
    """Whether this visitor already has a cart (so adding starts no new one)."""
    if services.find_cart(current_cart_token()) is not None:
        return True
    return current_user.is_authenticated and services.latest_cart_of(current_user.id) is not None


def _started_a_cart(response) -> bool:
    return response.status_code == 303 and response.location == url_for("cart.show")


def protect_add_to_cart() -> None:
    """CSRF protection for adding to the cart, from cached pages as from private ones.

    A product page seen by a visitor with a session carries a form token,
    which must be valid. The same page served from a shared cache to a
    first-time visitor cannot carry one (it is the same for everyone), so a
    post without a token must come, by the browser's own word, from one of
    the shop's pages; a post from another site is refused either way.
    """
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.form.get("csrf_token"):
        csrf.protect()
    elif not same_origin_request():
        raise CSRFError("The CSRF token is missing.")


@cart.post("/add")
@csrf.exempt  # checked by protect_add_to_cart: a token, or a post from the shop's own page
@limiter.limit(new_cart_limit, exempt_when=_has_cart, deduct_when=_started_a_cart)
def add():
    """Add a variant from the product page. A refusal (too many, sold out) sends the
    buyer back to the product with a message; a form naming no product on sale is
    answered by the cart page."""
    protect_add_to_cart()
    try:
        updated = services.add_to_cart(
            cart_token=current_cart_token(),
            user_id=_user_id(),
            variant_id=request.form.get("variant_id"),
            quantity=request.form.get("quantity", "1"),
            language=current_language(),
        )
    except services.CannotAdd as refusal:
        flash(refusal.message, "error")
        back = url_for("catalog.product", slug=refusal.slug, variant=refusal.variant_id)
        return redirect(back, code=303)
    except services.CartError as error:
        flash(error.message, "error")
        return render_cart(400)
    flash(_("Added to your cart."), "success")
    return remember_cart(redirect(url_for("cart.show"), code=303), updated.token)


@cart.post("/lines/<int:line_id>")
def update_line(line_id: int):
    """Change a line's quantity, or remove it with quantity 0 or the remove button."""
    quantity = "0" if "remove" in request.form else request.form.get("quantity", "")
    try:
        services.set_quantity(cart_token=current_cart_token(), line_id=line_id, quantity=quantity)
    except services.CartError as error:
        flash(error.message, "error")
        return render_cart(400)
    return redirect(url_for("cart.show"), code=303)
