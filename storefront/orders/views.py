"""The buyer's order pages, at an unguessable URL that needs no account."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template

from storefront.orders import services

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
        paid=order.status in services.PAID_STATUSES,
        problem=order.payment_problem,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
