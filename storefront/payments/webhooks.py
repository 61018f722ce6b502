"""Stripe webhook events, dispatched by type to one handler each.

A payment is believed only here: the delivery's signature has been verified
by the gateway, and for a success the PaymentIntent is fetched from Stripe
again so that only Stripe's own current record decides. Every event id is
processed once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.orders import services as orders
from storefront.payments.gateway import GatewayError, StripeGateway, WebhookEvent

log = logging.getLogger(__name__)


def _order_id(metadata: dict) -> int | None:
    raw = str((metadata or {}).get("order_id", ""))
    return int(raw) if raw.isdigit() else None


def payment_succeeded(event: WebhookEvent, gateway: StripeGateway) -> str:
    """Fetch the PaymentIntent again and mark its order paid if everything matches."""
    intent = gateway.retrieve_payment_intent(event.object["id"])
    order_id = _order_id(intent.metadata)
    if intent.status != "succeeded" or order_id is None:
        orders.record_ignored_event(
            event_id=event.id,
            event_type=event.type,
            note=f"intent {intent.status}, order {order_id}",
        )
        return "ignored"
    # Not a whole rupiah (-1) can never match an order total.
    amount_rupiah = -1 if intent.amount_minor % 100 else intent.amount_minor // 100
    outcome = orders.mark_paid(
        order_id=order_id,
        method="stripe",
        amount_rupiah=amount_rupiah,
        currency=intent.currency,
        provider_ref=intent.id,
        provider_event=(event.id, event.type),
    )
    return outcome.result


def payment_failed(event: WebhookEvent, gateway: StripeGateway) -> str:
    """Remember the failure so the buyer sees why; the order stays payable."""
    obj = event.object
    error = obj.get("last_payment_error") or {}
    message = error.get("message") or "The payment was not completed."
    order_id = _order_id(obj.get("metadata") or {})
    if order_id is None:
        orders.record_ignored_event(event_id=event.id, event_type=event.type, note="no order")
        return "ignored"
    orders.record_payment_failure(
        order_id=order_id,
        provider_ref=obj.get("id", ""),
        message=message,
        provider_event=(event.id, event.type),
    )
    return "failed"


HANDLERS: dict[str, Callable[[WebhookEvent, StripeGateway], str]] = {
    "payment_intent.succeeded": payment_succeeded,
    "payment_intent.payment_failed": payment_failed,
}


def handle_event(event: WebhookEvent, gateway: StripeGateway) -> str:
    """Process a verified event once; returns what happened (for the log and the response).

    A duplicate delivery, even two at the same moment, is recognised by the
    unique event id and does nothing. A Stripe error while fetching the
    intent is raised so the delivery fails and Stripe retries it later.
    """
    if orders.event_already_processed(event.id):
        return "duplicate"
    handler = HANDLERS.get(event.type)
    try:
        if handler is None:
            orders.record_ignored_event(
                event_id=event.id, event_type=event.type, note="not handled"
            )
            return "ignored"
        return handler(event, gateway)
    except IntegrityError:
        db.session.rollback()
        if orders.event_already_processed(event.id):
            return "duplicate"
        raise
    except GatewayError:
        db.session.rollback()
        log.warning("could not fetch payment for event %s; Stripe will retry", event.id)
        raise
