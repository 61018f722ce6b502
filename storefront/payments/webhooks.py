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
from storefront.parsing import positive_int
from storefront.payments import services as payments
from storefront.payments.gateway import GatewayError, StripeGateway, WebhookEvent

log = logging.getLogger(__name__)


def _order_id(metadata: dict) -> int | None:
    return positive_int((metadata or {}).get("order_id")) if isinstance(metadata, dict) else None


def payment_succeeded(event: WebhookEvent, gateway: StripeGateway) -> str:
    """Fetch the PaymentIntent again and mark its order paid if everything matches."""
    intent_id = event.object.get("id")
    if not isinstance(intent_id, str) or not intent_id:
        payments.record_ignored_event(event_id=event.id, event_type=event.type, note="no object id")
        return "ignored"
    intent = gateway.retrieve_payment_intent(intent_id)
    order_id = _order_id(intent.metadata)
    if intent.status != "succeeded" or order_id is None:
        payments.record_ignored_event(
            event_id=event.id,
            event_type=event.type,
            note=f"intent {intent.status}, order {order_id}",
        )
        return "ignored"
    outcome = payments.receive_card_payment(
        order_id=order_id,
        intent_id=intent.id,
        amount_minor=intent.amount_minor,
        currency=intent.currency,
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
        payments.record_ignored_event(event_id=event.id, event_type=event.type, note="no order")
        return "ignored"
    payments.record_payment_failure(
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
    if payments.event_already_processed(event.id):
        return "duplicate"
    handler = HANDLERS.get(event.type)
    try:
        if handler is None:
            payments.record_ignored_event(
                event_id=event.id, event_type=event.type, note="not handled"
            )
            return "ignored"
        return handler(event, gateway)
    except IntegrityError:
        db.session.rollback()
        if payments.event_already_processed(event.id):
            return "duplicate"
        raise
    except GatewayError:
        db.session.rollback()
        log.warning("could not fetch payment for event %s; Stripe will retry", event.id)
        raise
