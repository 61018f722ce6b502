"""Paying by card: the Payment Element page, the return page and Stripe's webhook."""

from __future__ import annotations

import logging
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from storefront.extensions import csrf, limiter
from storefront.orders import services as orders
from storefront.orders.models import OrderStatus, PaymentMethod, PaymentState
from storefront.payments import services as payment_services
from storefront.payments import webhooks
from storefront.payments.gateway import (
    GatewayError,
    InvalidWebhook,
    PaymentDeclined,
    gateway_from_config,
)

payments = Blueprint("payments", __name__)
log = logging.getLogger(__name__)

MAX_WEBHOOK_BYTES = 256 * 1024
TEST_PAYMENT_METHODS = {"pm_card_visa", "pm_card_chargeCustomerFail"}


def _payable_card_order(token: str):
    order = orders.open_order(token)
    if order is None:
        abort(404)
    if (
        order.payment_method != PaymentMethod.CARD
        or order.status != OrderStatus.AWAITING_PAYMENT
        or order.payment_state != PaymentState.UNPAID
    ):
        return order, False
    return order, True


def test_mode() -> bool:
    """Whether payments go to localstripe, where a server-side test payment is allowed."""
    return bool(current_app.config.get("STRIPE_API_BASE"))


def _intent_for(order, gateway):
    """The order's PaymentIntent, created once (the idempotency key is the order's).

    localstripe keeps intents in memory only: after it restarts (a new ``make
    run``), an order's intent is gone, and a fresh one is made instead of a 503.
    """
    intent_id = payment_services.card_payment_ref(order.id)
    key = f"order-{order.id}-intent"
    if intent_id is not None:
        try:
            return gateway.retrieve_payment_intent(intent_id)
        except GatewayError:
            if not gateway.uses_localstripe:
                raise
            log.info("localstripe forgot %s of %s; making a new one", intent_id, order.reference)
            key = f"{key}-{secrets.token_hex(4)}"
    intent = gateway.create_payment_intent(
        order_id=order.id,
        order_reference=order.reference,
        amount_rupiah=order.total,
        idempotency_key=key,
    )
    payment_services.attach_payment_intent(order=order, intent_id=intent.id)
    return intent


@payments.get("/orders/<token>/pay")
def pay(token: str):
    """The payment page: Stripe's Payment Element collects the card in Stripe's iframe."""
    order, payable = _payable_card_order(token)
    if not payable:
        return redirect(url_for("orders.status", token=token), code=303)
    payment_services.begin_payment_attempt(order)
    try:
        intent = _intent_for(order, gateway_from_config(current_app.config))
    except GatewayError as error:
        log.warning("payment page for %s: %s", order.reference, error.message)
        return render_template("payments/unavailable.html", order=order), 503
    return render_template(
        "payments/pay.html",
        order=order,
        client_secret=intent.client_secret,
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"],
        test_mode=test_mode(),
    )


@payments.post("/orders/<token>/pay/test")
@limiter.limit("20 per minute")
def pay_test(token: str):
    """Test mode only: confirm the PaymentIntent server-side with a test card.

    The order is still marked paid only by the webhook that follows.
    """
    if not test_mode():
        abort(404)
    order, payable = _payable_card_order(token)
    if not payable:
        return redirect(url_for("orders.status", token=token), code=303)
    method = request.form.get("payment_method", "pm_card_visa")
    if method not in TEST_PAYMENT_METHODS:
        abort(400, description=_("Unknown test card."))
    try:
        gateway = gateway_from_config(current_app.config)
        intent = _intent_for(order, gateway)
        if intent.status in ("succeeded", "processing"):
            # A second press of the button: the first one already paid.
            return redirect(url_for("payments.returned", token=token), code=303)
        payment_services.begin_payment_attempt(order)
        gateway.confirm_test_payment(intent.id, method)
    except PaymentDeclined as error:
        payment_services.note_card_decline(order, intent_id=intent.id, message=error.message)
        return redirect(url_for("orders.status", token=token), code=303)
    except GatewayError:
        return render_template("payments/unavailable.html", order=order), 503
    return redirect(url_for("payments.returned", token=token), code=303)


@payments.get("/orders/<token>/return")
def returned(token: str):
    """Where the buyer lands after paying: the order's true state, polled until confirmed."""
    order = orders.find_order_by_token(token)
    if order is None:
        abort(404)
    return render_template("payments/return.html", order=order)


@payments.post("/payments/stripe/webhook")
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """Verify Stripe's signature on the raw body, then process the event once.

    A bad or missing signature gets 400 and changes nothing. If Stripe
    cannot be reached to re-read the PaymentIntent, 503 makes Stripe retry.
    """
    if (request.content_length or 0) > MAX_WEBHOOK_BYTES:
        abort(413)
    payload = request.get_data(cache=False)
    try:
        gateway = gateway_from_config(current_app.config)
        event = gateway.parse_webhook(payload, request.headers.get("Stripe-Signature"))
    except InvalidWebhook as error:
        log.warning("rejected webhook: %s", error)
        return jsonify(error="invalid signature"), 400
    except GatewayError:
        return jsonify(error="payments not configured"), 503
    try:
        result = webhooks.handle_event(event, gateway)
    except GatewayError:
        return jsonify(error="could not reach the payment provider"), 503
    log.info("webhook %s %s: %s", event.id, event.type, result)
    return jsonify(received=True, result=result)
