"""The buyer's order pages, at an unguessable URL that needs no account."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from storefront.accounts.permissions import current_actor
from storefront.orders import services
from storefront.payments.services import switch_to_other_method
from storefront.templating import card_failure_text

orders = Blueprint("orders", __name__, url_prefix="/orders")


def _order_or_404(token: str):
    order = services.open_order(token)  # an order past its time is released on sight
    if order is None:
        abort(404)
    return order


@orders.get("/<token>")
def status(token: str):
    """Lines, delivery, payment state, history and the programme behind each item."""
    order = _order_or_404(token)
    return render_template("orders/status.html", order=order)


@orders.get("/<token>/status.json")
def status_json(token: str):
    """The order's state for the return page's polling."""
    order = _order_or_404(token)
    response = jsonify(
        status=order.status,
        payment_state=order.payment_state,
        paid=order.is_paid,
        problem=card_failure_text(order) or None,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@orders.post("/<token>/cancel")
def cancel(token: str):
    """The buyer cancels an unpaid order from its page; its items go back on sale."""
    order = _order_or_404(token)
    services.cancel_unpaid_order(
        current_actor(), order_id=order.id, reason="cancelled by the buyer"
    )
    flash(_("Your order is cancelled. Nothing was charged."), "success")
    return redirect(url_for("orders.status", token=token), code=303)


@orders.post("/<token>/pay-another-way")
def pay_another_way(token: str):
    """After a failed card, the buyer chooses bank transfer or cash at pickup instead."""
    order = _order_or_404(token)
    switch_to_other_method(
        current_actor(), order_id=order.id, method=request.form.get("payment_method", "")[:20]
    )
    flash(_("Your items stay reserved. Here is how to pay."), "success")
    return redirect(url_for("orders.status", token=token), code=303)
