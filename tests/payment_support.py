"""Helpers for payment tests: a buyer placing orders over HTTP, signed webhooks, polling.

Everything here talks to the app the way a buyer's browser or Stripe would
(the test client, signed webhook bodies) and reads the database only to check
what happened. localstripe is reached with plain HTTP for the few things the
gateway has no call for (listing events, an intent in another currency).
"""

from __future__ import annotations

import itertools
import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from stripe_fixtures import (
    TEST_PUBLISHABLE_KEY,
    TEST_SECRET_KEY,
    TEST_WEBHOOK_SECRET,
    register_localstripe_webhook,
)

from storefront.extensions import db
from storefront.impact.models import AttributionEntry
from storefront.orders.models import Order, ShippingRate
from storefront.outbox.models import OutboxMessage
from storefront.payments.gateway import PaymentIntentInfo, sign_test_payload
from storefront.payments.models import PaymentEvent

POLL_DEADLINE_SECONDS = 15.0
POLL_INTERVAL_SECONDS = 0.05
WEBHOOK_PATH = "/payments/stripe/webhook"

BUYER = {
    "name": "Siti Aminah",
    "email": "siti@example.com",
    "phone": "081234567890",
}
PALEMBANG_ADDRESS = {
    "province": "Sumatera Selatan",
    "city": "Palembang",
    "address_line": "Jl. Sudirman No. 10",
    "postal_code": "30126",
}

_event_numbers = itertools.count(1)


# --- The app and localstripe -------------------------------------------------


def use_localstripe(app, base_url: str) -> None:
    """Point the app's card payments at this test's localstripe."""
    app.config.update(
        STRIPE_SECRET_KEY=TEST_SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=TEST_PUBLISHABLE_KEY,
        STRIPE_WEBHOOK_SECRET=TEST_WEBHOOK_SECRET,
        STRIPE_API_BASE=base_url,
    )


def listen_for(base_url: str, live_server, event_type: str) -> None:
    """Have localstripe deliver ``event_type`` events (only those) to the shop's webhook.

    One type per test: an event of another type left over from an earlier
    test (localstripe sends a second late) could name this test's order id.
    """
    register_localstripe_webhook(
        base_url, "shop", live_server.url + WEBHOOK_PATH, TEST_WEBHOOK_SECRET, [event_type]
    )


def set_courier_rate(
    zone: str = "palembang", first_kg: int = 15_000, per_extra_kg: int = 5_000
) -> ShippingRate:
    """Set the courier price for ``zone`` (the migration seeds one per zone); not committed."""
    rate = db.session.execute(
        select(ShippingRate).where(ShippingRate.method == "courier", ShippingRate.zone == zone)
    ).scalar_one_or_none()
    if rate is None:
        rate = ShippingRate(method="courier", zone=zone)
        db.session.add(rate)
    rate.first_kg, rate.per_extra_kg = first_kg, per_extra_kg
    db.session.flush()
    return rate


def localstripe_get(base_url: str, path: str, **query: str) -> Any:
    """GET a localstripe API path with the test key; the parsed JSON answer."""
    url = f"{base_url}{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def localstripe_intent_ids(base_url: str) -> list[str]:
    """Every PaymentIntent localstripe holds (the store is emptied per test)."""
    return [i["id"] for i in localstripe_get(base_url, "/v1/payment_intents", limit="100")["data"]]


def localstripe_event_ids(base_url: str, event_type: str, object_id: str) -> list[str]:
    """Ids of the events of ``event_type`` localstripe emitted about ``object_id``."""
    events = localstripe_get(base_url, "/v1/events", type=event_type, limit="100")["data"]
    return [e["id"] for e in events if e["data"]["object"].get("id") == object_id]


def create_raw_intent(
    base_url: str, *, amount_minor: int, currency: str, metadata: dict[str, str]
) -> str:
    """A PaymentIntent made without the gateway (which always sends IDR); returns its id."""
    form = {"amount": str(amount_minor), "currency": currency}
    form.update({f"metadata[{key}]": value for key, value in metadata.items()})
    request = urllib.request.Request(
        f"{base_url}/v1/payment_intents",
        data=urllib.parse.urlencode(form).encode("ascii"),
        headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)["id"]


# --- A buyer over HTTP --------------------------------------------------------


def text_of(response) -> str:
    """A response body as text with HTML entities decoded."""
    return unescape(response.get_data(as_text=True))


def submit_checkout(
    client, variant, quantity: int = 1, *, payment_method: str = "stripe", delivery: str = "pickup"
):
    """Put ``quantity`` of ``variant`` in the cart and send the checkout form; its response."""
    added = client.post(
        "/cart/add", data={"variant_id": str(variant.id), "quantity": str(quantity)}
    )
    assert added.status_code == 303, text_of(added)
    form = dict(BUYER, delivery_method=delivery, payment_method=payment_method)
    if delivery != "pickup":
        form.update(PALEMBANG_ADDRESS)
    return client.post("/checkout", data=form)


def place_card_order(
    client, variant, quantity: int = 1, payment_method: str = "stripe", delivery: str = "pickup"
) -> Order:
    """Buy ``quantity`` of ``variant`` the way a buyer does: cart, details, review, place.

    Returns the placed order, read back from the database. A card order is
    sent on to its payment page, any other to its status page.
    """
    details = submit_checkout(
        client, variant, quantity, payment_method=payment_method, delivery=delivery
    )
    assert details.status_code == 303, text_of(details)
    assert urlsplit(details.headers["Location"]).path == "/checkout/review"
    review = client.get("/checkout/review")
    assert review.status_code == 200, text_of(review)
    revision = re.search(r'name="revision" value="(\d+)"', review.get_data(as_text=True))
    assert revision, "the review page has no revision field"
    placed = client.post("/checkout/place", data={"revision": revision.group(1)})
    assert placed.status_code == 303, text_of(placed)
    path = urlsplit(placed.headers["Location"]).path
    match = re.fullmatch(r"/orders/([^/]+)(/pay)?", path)
    assert match, f"placing the order led to {path}"
    assert (match.group(2) == "/pay") == (payment_method == "stripe"), path
    order = order_by_token(match.group(1))
    assert order is not None
    return order


def order_by_token(token: str) -> Order | None:
    """The order behind a status-page token, read fresh from the database."""
    db.session.expire_all()
    return db.session.execute(select(Order).where(Order.access_token == token)).scalar_one_or_none()


def reload(order: Order) -> Order:
    """``order`` as the database holds it now (other sessions may have changed it)."""
    db.session.expire_all()
    return db.session.get(Order, order.id)


# --- Webhooks we sign ourselves ------------------------------------------------


def new_event_id(prefix: str = "evt_test") -> str:
    """An event id no other delivery in this run uses."""
    return f"{prefix}_{time.time_ns()}_{next(_event_numbers)}"


def intent_object(intent: PaymentIntentInfo, *, error_message: str | None = None) -> dict:
    """The ``data.object`` of a payment_intent event, as Stripe would send it."""
    obj: dict[str, Any] = {
        "id": intent.id,
        "object": "payment_intent",
        "amount": intent.amount_minor,
        "currency": intent.currency,
        "metadata": dict(intent.metadata),
        "status": intent.status,
    }
    if error_message is not None:
        obj["last_payment_error"] = {"code": "card_declined", "message": error_message}
    return obj


def event_body(
    event_type: str, obj: dict, event_id: str | None = None, created: int | None = None
) -> bytes:
    """A Stripe event's JSON body."""
    return json.dumps(
        {
            "id": event_id or new_event_id(),
            "object": "event",
            "type": event_type,
            "created": int(time.time()) if created is None else created,
            "data": {"object": obj},
        }
    ).encode()


def post_webhook(
    client,
    body: bytes,
    *,
    secret: str = TEST_WEBHOOK_SECRET,
    timestamp: int | None = None,
    signed: bool = True,
):
    """Deliver ``body`` to the shop's webhook, signed as Stripe would (or not at all)."""
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["Stripe-Signature"] = sign_test_payload(body, secret, timestamp)
    return client.post(WEBHOOK_PATH, data=body, headers=headers)


def send_event(client, event_type: str, obj: dict, event_id: str | None = None):
    """Sign and deliver one event; returns the response."""
    return post_webhook(client, event_body(event_type, obj, event_id))


# --- Looking at the outcome ---------------------------------------------------


def wait_for(
    condition: Callable[[], Any], what: str, timeout: float = POLL_DEADLINE_SECONDS
) -> Any:
    """Poll ``condition`` (with fresh database reads) until it is truthy; returns its value.

    Fails with ``what`` when the deadline passes.
    """
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(POLL_INTERVAL_SECONDS)


def ledger_total(order_id: int) -> int:
    """The net attribution credited for an order (sales minus refunds)."""
    return db.session.execute(
        select(func.coalesce(func.sum(AttributionEntry.amount), 0)).where(
            AttributionEntry.order_id == order_id
        )
    ).scalar_one()


def ledger_entries(order_id: int) -> list[AttributionEntry]:
    return list(
        db.session.scalars(
            select(AttributionEntry)
            .where(AttributionEntry.order_id == order_id)
            .order_by(AttributionEntry.id)
        )
    )


def outbox_kinds(order_id: int) -> list[str]:
    """The kinds of e-mail queued about an order, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.order_id == order_id)
            .order_by(OutboxMessage.id)
        )
    )


def payment_events(event_id: str | None = None) -> list[PaymentEvent]:
    """Stored provider events, all or those with ``event_id``."""
    query = select(PaymentEvent).order_by(PaymentEvent.id)
    if event_id is not None:
        query = query.where(PaymentEvent.event_id == event_id)
    return list(db.session.scalars(query))
