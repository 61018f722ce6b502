"""Checkout: details, review, place. Works as a guest; an account only pre-fills the form."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from storefront.accounts.permissions import current_actor
from storefront.cart import services as carts
from storefront.cart.identity import current_cart_token
from storefront.cart.views import render_cart
from storefront.checkout.forms import CheckoutForm
from storefront.checkout.shipping import (
    KNOWN_PLACES,
    PROVINCES,
    chargeable_grams_of,
    delivery_options,
    kilogram_steps,
    zone_for,
)
from storefront.extensions import limiter
from storefront.i18n import current_language
from storefront.impact.referral import current_referral
from storefront.orders import services as orders
from storefront.orders.models import PaymentMethod
from storefront.parsing import positive_int
from storefront.payments.methods import PAYMENT_OPTIONS

checkout = Blueprint("checkout", __name__, url_prefix="/checkout")


def _details(data: dict) -> orders.CheckoutDetails:
    return orders.CheckoutDetails(language=current_language(), **data)


@checkout.route("", methods=["GET", "POST"])
def details():
    """Contact, delivery and payment choices; kept on the cart for the review step."""
    priced = carts.price_cart(current_cart_token(), language=current_language())
    if priced.is_empty:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.show"), code=303)
    saved = (priced.cart.checkout or {}) if priced.cart else {}
    if not saved and current_user.is_authenticated:
        saved = {
            "name": current_user.name,
            "email": current_user.email,
            "phone": current_user.phone,
        }
    form = CheckoutForm(data=saved if request.method == "GET" else None)
    if request.method == "GET" and not form.delivery_method.data:
        form.delivery_method.data = "pickup" if priced.has_perishable else "courier"
        form.payment_method.data = PaymentMethod.CARD.value
    if request.method == "POST":
        if form.validate_on_submit():
            carts.save_checkout_details(cart_token=current_cart_token(), details=form.details())
            return redirect(url_for("checkout.review"), code=303)
        return _details_page(form, priced, 400)
    return _details_page(form, priced)


def _details_page(form: CheckoutForm, priced: carts.PricedCart, status: int = 200):
    """The details form, offering only the delivery methods the cart can travel by,
    each with its price and time for the address entered so far, and the order summary."""
    options = _delivery_options(
        priced,
        delivery_method=form.delivery_method.data or "",
        province=form.province.data or "",
        city=form.city.data or "",
        postal_code=form.postal_code.data or "",
    )
    return render_template(
        "checkout/details.html",
        form=form,
        priced=priced,
        options={option.method: option for option in options},
        chosen=_chosen_option(options, form.delivery_method.data),
        known_places=KNOWN_PLACES,
    ), status


def _delivery_options(priced, *, delivery_method, province, city, postal_code):
    """The delivery options for this cart, priced for the address's zone once it has one."""
    zone = zone_for(province, city, postal_code) if province else None
    return delivery_options(
        has_perishable=priced.has_perishable, zone=zone, grams=chargeable_grams_of(priced.lines)
    )


def _chosen_option(options, method):
    """The option the form has chosen, if it is one offered."""
    return next((option for option in options if option.method == method), None)


@checkout.get("/delivery-options")
def delivery_prices():
    """The delivery options priced for the address typed so far, for the details page's
    script to show before the buyer sends the form (JSON, with the texts the page shows)."""
    priced = carts.price_cart(current_cart_token(), language=current_language())
    if priced.is_empty:
        return jsonify(options={}), 404
    args = request.args
    options = _delivery_options(
        priced,
        delivery_method=args.get("delivery_method", ""),
        province=args.get("province", "")[:60] if args.get("province", "") in PROVINCES else "",
        city=args.get("city", "")[:100],
        postal_code=args.get("postal_code", "")[:5],
    )
    describe = get_template_attribute("checkout/_delivery.html", "option_details")
    chosen = _chosen_option(options, args.get("delivery_method"))
    summary = get_template_attribute("checkout/_delivery.html", "summary_totals")
    return jsonify(
        options={
            option.method: {"html": str(describe(option)), "available": option.available}
            for option in options
        },
        totals=str(summary(priced, chosen)),
    )


@checkout.get("/review")
def review():
    """Everything the order will contain and cost, priced now; the place-order button."""
    priced = carts.price_cart(current_cart_token(), language=current_language())
    if priced.is_empty:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.show"), code=303)
    if not priced.cart.checkout:
        return redirect(url_for("checkout.details"), code=303)
    details = _details(priced.cart.checkout)
    try:
        quote = orders.quote_delivery(priced.lines, details)
    except orders.OrderError as error:
        flash(error.message, "error")
        return redirect(url_for("checkout.details"), code=303)
    return render_template(
        "checkout/review.html",
        priced=priced,
        details=details,
        quote=quote,
        chargeable_kg=kilogram_steps(quote.chargeable_grams),
        payment_option=PAYMENT_OPTIONS[details.payment_method],
    )


@checkout.post("/place")
@limiter.limit("20 per minute")
def place():
    """Place the order reviewed at ``revision``; a repeated submission finds the same order."""
    token = current_cart_token()
    cart = carts.find_cart(token)
    revision = positive_int(request.form.get("revision", ""))
    if revision is None:
        abort(400, description=_("The order form was incomplete. Please review your order again."))
    if cart is None:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.show"), code=303)
    key = carts.place_order_key(cart, revision)
    already = orders.find_order_by_idempotency_key(key)
    if already is not None:  # a second click or a retry: show the order the first one placed
        return _after_placing(already)
    if not cart.checkout:
        return redirect(url_for("checkout.details"), code=303)
    try:
        order = orders.place_order(
            current_actor(),
            cart_token=token,
            cart_revision=revision,
            details=_details(cart.checkout),
            idempotency_key=key,
            user_id=current_user.id if current_user.is_authenticated else None,
            referral_partner_slug=current_referral(),
        )
    except (orders.SoldOut, orders.CartChanged) as error:
        flash(error.message, "error")
        return render_cart(409)
    except orders.OrderError as error:
        flash(error.message, "error")
        form = CheckoutForm(data=cart.checkout)
        return _details_page(form, carts.price_cart(token, language=current_language()), 400)
    return _after_placing(order)


def _after_placing(order):
    """Card orders go on to payment; the others to their order page with instructions."""
    if order.payment_method == PaymentMethod.CARD and order.payment_state == "unpaid":
        return redirect(url_for("payments.pay", token=order.access_token), code=303)
    return redirect(url_for("orders.status", token=order.access_token), code=303)
