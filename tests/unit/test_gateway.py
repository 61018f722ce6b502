"""The Stripe gateway against localstripe, with the real stripe library.

These tests need no database. They use the ``localstripe`` and
``stripe_gateway`` fixtures from ``tests/stripe_fixtures.py``.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from stripe_fixtures import (
    TEST_WEBHOOK_SECRET,
    authenticate_localstripe_intent,
    create_localstripe_card,
    register_localstripe_webhook,
)

from storefront.payments.gateway import (
    WEBHOOK_TOLERANCE_SECONDS,
    GatewayError,
    InvalidWebhook,
    PaymentDeclined,
    StripeGateway,
    gateway_from_config,
    sign_test_payload,
)

DELIVERY_TIMEOUT_SECONDS = 15.0

# Stripe's test card that always asks for 3-D Secure; localstripe knows it too.
THREE_D_SECURE_CARD = "4000002760003184"


def _new_intent(gateway: StripeGateway, order_id: int = 42, amount_rupiah: int = 150_000):
    return gateway.create_payment_intent(
        order_id=order_id,
        order_reference=f"CTK-{order_id:06d}",
        amount_rupiah=amount_rupiah,
        idempotency_key=f"order-{order_id}-intent",
    )


# --- PaymentIntents --------------------------------------------------------


def test_create_payment_intent_sends_minor_units_currency_and_order_metadata(stripe_gateway):
    intent = _new_intent(stripe_gateway, order_id=42, amount_rupiah=150_000)

    assert intent.id.startswith("pi_")
    assert intent.status == "requires_payment_method"
    assert intent.amount_minor == 15_000_000
    assert intent.currency == "idr"
    assert intent.metadata == {"order_id": "42", "order_reference": "CTK-000042"}
    assert intent.client_secret and intent.client_secret.startswith(intent.id)
    assert intent.last_error_message is None
    assert intent.next_action_type is None


def test_retrieve_returns_the_same_intent(stripe_gateway):
    created = _new_intent(stripe_gateway)

    fetched = stripe_gateway.retrieve_payment_intent(created.id)

    assert fetched == created


@pytest.mark.parametrize("amount", [0, -1000, 1500.0, True])
def test_create_refuses_an_amount_that_is_not_positive_whole_rupiah(stripe_gateway, amount):
    with pytest.raises(ValueError):
        _new_intent(stripe_gateway, amount_rupiah=amount)


def test_retrieving_an_unknown_intent_is_a_gateway_error(stripe_gateway):
    with pytest.raises(GatewayError) as caught:
        stripe_gateway.retrieve_payment_intent("pi_doesnotexist")
    assert not isinstance(caught.value, PaymentDeclined)


def test_confirm_with_a_good_card_succeeds(stripe_gateway):
    intent = _new_intent(stripe_gateway)

    paid = stripe_gateway.confirm_test_payment(intent.id, "pm_card_visa")

    assert paid.status == "succeeded"
    assert paid.amount_minor == 15_000_000
    assert stripe_gateway.retrieve_payment_intent(intent.id).status == "succeeded"


def test_a_declined_card_raises_payment_declined_and_the_intent_wants_another_method(
    stripe_gateway,
):
    intent = _new_intent(stripe_gateway)

    with pytest.raises(PaymentDeclined) as caught:
        stripe_gateway.confirm_test_payment(intent.id, "pm_card_chargeCustomerFail")

    assert "declined" in caught.value.message.lower()
    assert caught.value.code == "card_declined"
    after = stripe_gateway.retrieve_payment_intent(intent.id)
    assert after.status == "requires_payment_method"
    assert after.last_error_message and "declined" in after.last_error_message.lower()


def test_a_three_d_secure_card_requires_action_until_authenticated(stripe_gateway, localstripe):
    intent = _new_intent(stripe_gateway)
    card = create_localstripe_card(localstripe, THREE_D_SECURE_CARD)

    pending = stripe_gateway.confirm_test_payment(intent.id, card)

    assert pending.status == "requires_action"
    assert pending.next_action_type == "use_stripe_sdk"

    assert pending.client_secret is not None
    authenticate_localstripe_intent(localstripe, intent.id, pending.client_secret)
    paid = stripe_gateway.retrieve_payment_intent(intent.id)
    assert paid.status == "succeeded"
    assert paid.next_action_type is None


def test_a_failed_three_d_secure_challenge_leaves_an_error(stripe_gateway, localstripe):
    intent = _new_intent(stripe_gateway)
    card = create_localstripe_card(localstripe, THREE_D_SECURE_CARD)
    pending = stripe_gateway.confirm_test_payment(intent.id, card)
    assert pending.client_secret is not None

    authenticate_localstripe_intent(localstripe, intent.id, pending.client_secret, success=False)

    after = stripe_gateway.retrieve_payment_intent(intent.id)
    assert after.status == "requires_payment_method"
    assert after.last_error_message and "authentication" in after.last_error_message


def test_test_payments_are_refused_with_a_live_key():
    gateway = StripeGateway("sk_live_not_a_real_key", TEST_WEBHOOK_SECRET, "http://127.0.0.1:9")

    with pytest.raises(GatewayError):
        gateway.confirm_test_payment("pi_anything")


# --- Refunds ----------------------------------------------------------------


def test_refund_in_full(stripe_gateway):
    intent = _new_intent(stripe_gateway, amount_rupiah=150_000)
    stripe_gateway.confirm_test_payment(intent.id)

    refund = stripe_gateway.refund(
        intent_id=intent.id, amount_rupiah=None, idempotency_key="refund-1"
    )

    assert refund.id.startswith("re_")
    assert refund.status == "succeeded"
    assert refund.amount_minor == 15_000_000


def test_refund_in_part_sends_minor_units(stripe_gateway):
    intent = _new_intent(stripe_gateway, amount_rupiah=150_000)
    stripe_gateway.confirm_test_payment(intent.id)

    refund = stripe_gateway.refund(
        intent_id=intent.id, amount_rupiah=25_000, idempotency_key="refund-2"
    )

    assert refund.status == "succeeded"
    assert refund.amount_minor == 2_500_000


def test_refunding_a_declined_payment_is_a_gateway_error(stripe_gateway):
    intent = _new_intent(stripe_gateway)
    with pytest.raises(PaymentDeclined):
        stripe_gateway.confirm_test_payment(intent.id, "pm_card_chargeCustomerFail")

    with pytest.raises(GatewayError):
        stripe_gateway.refund(intent_id=intent.id, amount_rupiah=None, idempotency_key="refund-3")


# --- Webhook verification ---------------------------------------------------


def _event_body(intent_id: str = "pi_123", event_id: str = "evt_123") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "data": {"object": {"id": intent_id, "object": "payment_intent", "amount": 100}},
        }
    ).encode()


@pytest.fixture
def offline_gateway() -> StripeGateway:
    """Webhook parsing needs no server; the port here is never contacted."""
    return StripeGateway("sk_test_12345", TEST_WEBHOOK_SECRET, "http://127.0.0.1:9")


def test_a_correctly_signed_event_is_accepted(offline_gateway):
    body = _event_body()

    event = offline_gateway.parse_webhook(body, sign_test_payload(body, TEST_WEBHOOK_SECRET))

    assert event.id == "evt_123"
    assert event.type == "payment_intent.succeeded"
    assert isinstance(event.created, int)
    assert event.object == {"id": "pi_123", "object": "payment_intent", "amount": 100}


def test_the_signature_helper_matches_stripes_own(offline_gateway):
    import stripe

    body = _event_body()
    ours = sign_test_payload(body, TEST_WEBHOOK_SECRET, timestamp=1_700_000_000)
    theirs = stripe.WebhookSignature.generate_signature_header(
        body.decode(), TEST_WEBHOOK_SECRET, timestamp=1_700_000_000
    )
    assert ours == theirs


def test_a_signature_made_with_another_secret_is_refused(offline_gateway):
    body = _event_body()
    with pytest.raises(InvalidWebhook):
        offline_gateway.parse_webhook(body, sign_test_payload(body, "whsec_forged"))


def test_a_body_changed_after_signing_is_refused(offline_gateway):
    header = sign_test_payload(_event_body("pi_123"), TEST_WEBHOOK_SECRET)
    with pytest.raises(InvalidWebhook):
        offline_gateway.parse_webhook(_event_body("pi_999"), header)


def test_a_stale_signature_is_refused(offline_gateway):
    body = _event_body()
    old = int(time.time()) - WEBHOOK_TOLERANCE_SECONDS - 60
    with pytest.raises(InvalidWebhook):
        offline_gateway.parse_webhook(body, sign_test_payload(body, TEST_WEBHOOK_SECRET, old))


@pytest.mark.parametrize("header", [None, "", "garbage", "t=notanumber,v1=abc", "t=123"])
def test_a_missing_or_malformed_signature_header_is_refused(offline_gateway, header):
    with pytest.raises(InvalidWebhook):
        offline_gateway.parse_webhook(_event_body(), header)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe", b"[]", b'{"id": "evt_1", "type": "x", "created": 1}'],
    ids=["malformed", "not-utf8", "not-an-object", "no-data-object"],
)
def test_a_signed_body_that_is_not_an_event_is_refused(offline_gateway, body):
    with pytest.raises(InvalidWebhook):
        offline_gateway.parse_webhook(body, sign_test_payload(body, TEST_WEBHOOK_SECRET))


def test_without_a_webhook_secret_nothing_is_accepted():
    gateway = StripeGateway("sk_test_12345", "", "http://127.0.0.1:9")
    body = _event_body()
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, sign_test_payload(body, ""))


# --- A real delivery from localstripe ----------------------------------------


@dataclass
class Delivery:
    body: bytes
    signature: str | None


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, queue.Queue[Delivery]]]:
    """A tiny HTTP server on 127.0.0.1 that records every POST it receives."""
    received: queue.Queue[Delivery] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            received.put(Delivery(self.rfile.read(length), self.headers.get("Stripe-Signature")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/stripe", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _wait_for_delivery(
    received: queue.Queue[Delivery], event_type: str, object_id: str
) -> Delivery:
    """The delivery of ``event_type`` about ``object_id``; others are skipped.

    Events from an earlier test may still be in flight, hence the matching.
    """
    deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            delivery = received.get(timeout=remaining)
        except queue.Empty:
            break
        event = json.loads(delivery.body)
        if event.get("type") == event_type and event["data"]["object"].get("id") == object_id:
            return delivery
    raise AssertionError(f"no {event_type} for {object_id} within {DELIVERY_TIMEOUT_SECONDS}s")


def test_localstripe_delivers_a_signed_event_that_the_gateway_accepts(
    stripe_gateway, localstripe, webhook_receiver
):
    url, received = webhook_receiver
    register_localstripe_webhook(localstripe, "shop", url, TEST_WEBHOOK_SECRET)
    intent = _new_intent(stripe_gateway, order_id=7, amount_rupiah=85_000)

    stripe_gateway.confirm_test_payment(intent.id)
    delivery = _wait_for_delivery(received, "payment_intent.succeeded", intent.id)

    assert delivery.signature is not None
    event = stripe_gateway.parse_webhook(delivery.body, delivery.signature)
    assert event.id.startswith("evt_")
    assert event.type == "payment_intent.succeeded"
    assert event.object["id"] == intent.id
    assert event.object["status"] == "succeeded"
    assert event.object["amount"] == 8_500_000
    assert event.object["currency"] == "idr"
    assert event.object["metadata"] == {"order_id": "7", "order_reference": "CTK-000007"}

    other = StripeGateway("sk_test_12345", "whsec_someone_else", localstripe)
    with pytest.raises(InvalidWebhook):
        other.parse_webhook(delivery.body, delivery.signature)


# --- The fixture itself -------------------------------------------------------


def test_localstripe_listens_on_loopback_only(localstripe):
    port = urlsplit(localstripe).port
    assert port is not None
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    for address in _non_loopback_addresses():
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            assert probe.connect_ex((address, port)) != 0, f"reachable on {address}"


def _non_loopback_addresses() -> list[str]:
    """The host's outward IPv4 address (if any) and IPv6 loopback, which must both be shut."""
    addresses = []
    if socket.has_ipv6:
        addresses.append("::1")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        try:
            # No packet is sent: connecting a UDP socket only picks a route.
            udp.connect(("192.0.2.1", 9))
            address = udp.getsockname()[0]
        except OSError:
            address = ""
    if address and not address.startswith("127."):
        addresses.append(address)
    return addresses


def test_each_test_starts_with_an_empty_localstripe(localstripe):
    # Whatever earlier tests created is gone: listing intents finds none.
    import urllib.request

    request = urllib.request.Request(
        f"{localstripe}/v1/payment_intents", headers={"Authorization": "Bearer sk_test_12345"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response)["data"] == []


def test_gateway_from_config_reads_the_three_settings(localstripe):
    gateway = gateway_from_config(
        {
            "STRIPE_SECRET_KEY": "sk_test_12345",
            "STRIPE_WEBHOOK_SECRET": TEST_WEBHOOK_SECRET,
            "STRIPE_API_BASE": localstripe + "/",
        }
    )
    assert gateway.uses_localstripe
    assert _new_intent(gateway).amount_minor == 15_000_000

    body = _event_body()
    assert gateway.parse_webhook(body, sign_test_payload(body, TEST_WEBHOOK_SECRET)).id


def test_gateway_from_config_without_a_base_means_real_stripe():
    gateway = gateway_from_config(
        {"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "", "STRIPE_API_BASE": ""}
    )
    assert not gateway.uses_localstripe


def test_a_missing_secret_key_is_refused():
    with pytest.raises(GatewayError):
        gateway_from_config({"STRIPE_SECRET_KEY": "", "STRIPE_API_BASE": ""})
