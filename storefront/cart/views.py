"""The cart page and its forms: add, change quantity, remove."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storefront.cart import services
from storefront.cart.identity import current_cart_token, remember_cart
from storefront.extensions import csrf
from storefront.i18n import current_language

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


@cart.post("/add")
@csrf.exempt  # the cart cookie is SameSite=Lax: a cross-site post cannot reach a buyer's cart
def add():
    """Add a variant from the product page; a refusal is explained on the cart page."""
    try:
        updated = services.add_to_cart(
            cart_token=current_cart_token(),
            user_id=_user_id(),
            variant_id=request.form.get("variant_id"),
            quantity=request.form.get("quantity", "1"),
        )
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
