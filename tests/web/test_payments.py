"""Paying for orders, as buyers and the shop's operators see it, on SQLite and PostgreSQL.

Card payments run the real ``stripe`` library against localstripe: the buyer's
flow goes through the test client, and Stripe's side either through
localstripe's own webhook deliveries to a live server or through events
signed here with the shop's webhook secret. An order is believed paid only
when a verified ``payment_intent.succeeded`` arrives for an intent whose
amount and currency match it.

localstripe sends each event about a second after it happens, to whatever
endpoints are registered then; the fixture forgets endpoints per test, but an
event from the previous test can still reach this test's endpoint. So tests
that listen register only for the event type they wait for and match events
by id. A stale ``payment_intent.succeeded`` is harmless (its intent is gone
from this test's localstripe: the shop answers 503 and stores nothing); the
one test here that causes a ``payment_failed`` (whose body is believed as
sent) waits for its delivery, so it can never land in a later test's shop.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from factories import make_agreement, make_category, make_partner, make_product, make_program
from order_support import refund as give_back
from payment_support import (
    create_raw_intent,
    event_body,
    intent_object,
    ledger_entries,
    ledger_total,
    listen_for,
    localstripe_event_ids,
    localstripe_intent_ids,
    new_event_id,
    order_by_token,
    outbox_kinds,
    payment_events,
    place_card_order,
    post_webhook,
    reload,
    send_event,
    set_courier_rate,
    submit_checkout,
    text_of,
    use_localstripe,
    wait_for,
)
from sqlalchemy import func, select
from stripe_fixtures import (
    TEST_PUBLISHABLE_KEY,
    TEST_WEBHOOK_SECRET,
    authenticate_localstripe_intent,
    create_localstripe_card,
)

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.inventory.models import StockMovement
from storefront.orders import services as orders
from storefront.orders.models import Order, OrderEvent
from storefront.payments.gateway import (
    WEBHOOK_TOLERANCE_SECONDS,
    gateway_from_config,
    sign_test_payload,
)
from storefront.payments.models import Payment, Refund
from storefront.payments.services import card_payment_ref as orders_ref
from storefront.payments.services import last_card_failure
from storefront.timeutil import utcnow

PRICE = 150_000
OTHER_PRICE = 175_000
STOCK = 5
COURIER_FEE = 15_000  # the first kilogram to Palembang
THREE_D_SECURE_CARD = "4000002760003184"
SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"
PAID_TEXT = "Thank you! Your order is paid."
CONFIRMING_TEXT = "Confirming your payment"
REFUND_COMING_TEXT = "We will refund you in full"
NOTHING_CHARGED_TEXT = "Nothing was charged"


# --- Fixtures -------------------------------------------------------------------


@pytest.fixture
def shop(app):
    """One songket product with two variants in stock, two partners backing its programme."""
    category = make_category()
    program = make_program(split=(50, 30, 20))
    today = date.today()
    dekranasda = make_partner("dekranasda-sumsel", "Dekranasda Sumatera Selatan")
    railway = make_partner("kai-divre-3", "KAI Divre III Palembang", kind="state_company")
    make_agreement(
        dekranasda,
        program,
        valid_from=today - timedelta(days=100),
        valid_to=today + timedelta(days=300),
        weight=2,
    )
    make_agreement(railway, program, valid_from=today - timedelta(days=30), weight=1)
    product = make_product(category, program, prices=(PRICE, OTHER_PRICE), on_hand=STOCK)
    set_courier_rate(zone="palembang", first_kg=COURIER_FEE, per_extra_kg=5_000)
    db.session.commit()
    return SimpleNamespace(
        variant=product.variants[0],
        other=product.variants[1],
        partner_ids={dekranasda.id, railway.id},
    )


@pytest.fixture
def stripe_env(app, localstripe):
    """The app's card payments pointed at this test's (empty) localstripe."""
    use_localstripe(app, localstripe)
    return SimpleNamespace(base_url=localstripe, gateway=gateway_from_config(app.config))


@pytest.fixture
def buyer(client):
    """A browser that asks for English pages."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- Small steps ------------------------------------------------------------------


def open_pay_page(buyer, order) -> str:
    """Open the order's payment page; returns the client secret it hands to Stripe.js."""
    page = buyer.get(f"/orders/{order.access_token}/pay")
    assert page.status_code == 200, text_of(page)
    html = page.get_data(as_text=True)
    assert f'data-publishable-key="{TEST_PUBLISHABLE_KEY}"' in html
    secret = re.search(r'data-client-secret="(pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+)"', html)
    assert secret, "the payment page carries no client secret"
    return secret.group(1)


def card_intent(buyer, stripe_env, order):
    """The order's PaymentIntent, created by opening the payment page."""
    open_pay_page(buyer, order)
    intent_id = orders_ref(order.id)
    assert intent_id is not None
    return stripe_env.gateway.retrieve_payment_intent(intent_id)


def charged_intent(buyer, stripe_env, order):
    """The order's PaymentIntent, paid with a good test card (no webhook delivered yet)."""
    intent = card_intent(buyer, stripe_env, order)
    paid = stripe_env.gateway.confirm_test_payment(intent.id, "pm_card_visa")
    assert paid.status == "succeeded"
    return paid


def pay_with_signed_webhook(buyer, stripe_env, order):
    """Charge the order's intent and deliver its success event ourselves; the order is paid."""
    intent = charged_intent(buyer, stripe_env, order)
    event_id = new_event_id()
    answer = send_event(buyer, SUCCEEDED, intent_object(intent), event_id)
    assert answer.status_code == 200
    assert answer.get_json()["result"] == "paid"
    return SimpleNamespace(intent=intent, event_id=event_id, order=reload(order))


def status_page(buyer, order) -> str:
    page = buyer.get(f"/orders/{order.access_token}")
    assert page.status_code == 200
    return text_of(page)


def return_page(buyer, order) -> str:
    page = buyer.get(f"/orders/{order.access_token}/return")
    assert page.status_code == 200
    return text_of(page)


def on_hand(variant) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant.id).on_hand


def paid_transitions(order) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OrderEvent)
        .where(OrderEvent.order_id == order.id, OrderEvent.to_status == "paid")
    )


def assert_not_paid(order, *, status: str = "awaiting_payment") -> None:
    order = reload(order)
    assert order.status == status
    assert order.paid_at is None
    assert ledger_entries(order.id) == []
    assert "order_paid" not in outbox_kinds(order.id)


# --- 1. The whole card flow, with localstripe delivering the webhook --------------


def test_card_order_is_paid_when_localstripe_delivers_the_webhook(
    app, shop, stripe_env, buyer, live_server
):
    order = place_card_order(buyer, shop.variant, quantity=1, delivery="courier")
    assert order.status == "awaiting_payment"
    assert (order.subtotal, order.shipping_fee, order.total) == (
        PRICE,
        COURIER_FEE,
        PRICE + COURIER_FEE,
    )
    assert on_hand(shop.variant) == STOCK - 1

    # The payment page: Stripe's publishable key and the intent's client secret.
    secret = open_pay_page(buyer, order)
    intent_id = orders_ref(order.id)
    assert intent_id and secret.startswith(f"{intent_id}_secret_")
    intent = stripe_env.gateway.retrieve_payment_intent(intent_id)
    assert intent.amount_minor == order.total * 100
    assert intent.currency == "idr"
    assert intent.metadata["order_id"] == str(order.id)
    assert intent.metadata["order_reference"] == order.reference

    # Reloading the page (or a second tab) reuses the same intent.
    assert open_pay_page(buyer, order) == secret
    assert orders_ref(order.id) == intent_id
    assert localstripe_intent_ids(stripe_env.base_url) == [intent_id]

    listen_for(stripe_env.base_url, live_server, SUCCEEDED)
    paid = buyer.post(
        f"/orders/{order.access_token}/pay/test", data={"payment_method": "pm_card_visa"}
    )
    assert paid.status_code == 303
    assert paid.headers["Location"].endswith(f"/orders/{order.access_token}/return")

    order = wait_for(
        lambda: (o := reload(order)).status == "paid" and o, "the order to be paid by the webhook"
    )
    assert order.paid_at is not None
    assert order.payment_state == "paid" and last_card_failure(order) is None
    entries = ledger_entries(order.id)
    assert entries and all(entry.amount > 0 for entry in entries)
    assert sum(entry.amount for entry in entries) == order.subtotal  # delivery is not credited
    assert {entry.partner_id for entry in entries} == shop.partner_ids
    assert outbox_kinds(order.id).count("order_paid") == 1
    assert on_hand(shop.variant) == STOCK - 1  # reserved at checkout, not taken again
    assert PAID_TEXT in return_page(buyer, order)
    assert "Paid" in status_page(buyer, order)

    [event_id] = localstripe_event_ids(stripe_env.base_url, SUCCEEDED, intent_id)
    [stored] = payment_events(event_id)
    assert (stored.event_type, stored.order_id) == (SUCCEEDED, order.id)
    payment = db.session.execute(select(Payment).where(Payment.order_id == order.id)).scalar_one()
    assert (payment.provider_ref, payment.status, payment.amount) == (
        intent_id,
        "succeeded",
        order.total,
    )


# --- 2. A declined card --------------------------------------------------------------


def test_a_declined_card_shows_the_decline_and_the_order_stays_payable(
    app, shop, stripe_env, buyer, live_server
):
    order = place_card_order(buyer, shop.variant)
    secret = open_pay_page(buyer, order)
    intent_id = orders_ref(order.id)
    # Stripe also reports the failure by webhook; listening for it here means it is
    # delivered (and recorded) before this test ends, never into a later test's shop.
    listen_for(stripe_env.base_url, live_server, FAILED)

    declined = buyer.post(
        f"/orders/{order.access_token}/pay/test",
        data={"payment_method": "pm_card_chargeCustomerFail"},
    )

    # The answer is a redirect to the order page (a reload resubmits nothing).
    assert declined.status_code == 303
    assert declined.headers["Location"].endswith(f"/orders/{order.access_token}")
    [event_id] = localstripe_event_ids(stripe_env.base_url, FAILED, intent_id)
    wait_for(lambda: payment_events(event_id), "the payment_failed delivery to be recorded")
    assert_not_paid(order)
    assert last_card_failure(reload(order)) == "Your card was declined."
    assert on_hand(shop.variant) == STOCK - 1  # still reserved for this buyer
    page = status_page(buyer, order)
    assert "Your last payment attempt did not go through: Your card was declined." in page
    assert "Try the card again" in page
    assert 'value="bank_transfer"' in page and 'value="cash_on_pickup"' in page  # pickup order
    assert open_pay_page(buyer, order) == secret  # the payment form is offered again
    assert stripe_env.gateway.retrieve_payment_intent(intent_id).status == "requires_payment_method"


def test_after_a_declined_card_the_buyer_pays_by_transfer_and_keeps_the_items(
    app, shop, stripe_env, buyer
):
    order = place_card_order(buyer, shop.variant, delivery="courier")
    open_pay_page(buyer, order)
    buyer.post(
        f"/orders/{order.access_token}/pay/test",
        data={"payment_method": "pm_card_chargeCustomerFail"},
    )

    switched = buyer.post(
        f"/orders/{order.access_token}/pay-another-way", data={"payment_method": "bank_transfer"}
    )
    refused = buyer.post(
        f"/orders/{order.access_token}/pay-another-way", data={"payment_method": "cash_on_pickup"}
    )

    assert switched.status_code == 303 and refused.status_code == 400
    order = reload(order)
    assert (order.payment_method, order.status, order.payment_state) == (
        "bank_transfer",
        "awaiting_payment",
        "unpaid",
    )
    assert on_hand(shop.variant) == STOCK - 1  # the reservation was kept
    page = status_page(buyer, order)
    assert "How to pay by bank transfer" in page
    assert f"Write the reference {order.reference} in the transfer note." in page


def test_an_unknown_test_card_is_refused(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)

    answer = buyer.post(
        f"/orders/{order.access_token}/pay/test", data={"payment_method": "pm_card_amex_real"}
    )

    assert answer.status_code == 400
    assert_not_paid(order)


# --- 3. 3-D Secure ------------------------------------------------------------------


def test_three_d_secure_payment_is_paid_only_after_authentication(
    app, shop, stripe_env, buyer, live_server
):
    order = place_card_order(buyer, shop.variant)
    intent = card_intent(buyer, stripe_env, order)
    listen_for(stripe_env.base_url, live_server, SUCCEEDED)
    card = create_localstripe_card(stripe_env.base_url, THREE_D_SECURE_CARD)

    pending = stripe_env.gateway.confirm_test_payment(intent.id, card)

    assert pending.status == "requires_action"
    # No success happened, so none can be delivered: the buyer is still waiting.
    assert localstripe_event_ids(stripe_env.base_url, SUCCEEDED, intent.id) == []
    assert_not_paid(order)
    assert CONFIRMING_TEXT in return_page(buyer, order)

    authenticate_localstripe_intent(
        stripe_env.base_url, intent.id, pending.client_secret, success=True
    )

    order = wait_for(
        lambda: (o := reload(order)).status == "paid" and o, "the order to be paid after 3-D Secure"
    )
    assert order.paid_at is not None
    assert ledger_total(order.id) == order.subtotal
    [event_id] = localstripe_event_ids(stripe_env.base_url, SUCCEEDED, intent.id)
    assert len(payment_events(event_id)) == 1
    assert PAID_TEXT in return_page(buyer, order)


# --- 4. Refunds -----------------------------------------------------------------------


def test_a_full_refund_marks_the_order_refunded_and_nets_the_ledger_to_zero(
    shop, stripe_env, buyer
):
    order = place_card_order(buyer, shop.variant, quantity=2, delivery="courier")
    pay_with_signed_webhook(buyer, stripe_env, order)
    assert ledger_total(order.id) == order.subtotal == 2 * PRICE
    [line] = reload(order).lines

    sent = give_back(
        order.id,
        {line.id: 2},
        delivery_fee=True,
        reason="buyer cancelled",
        gateway=stripe_env.gateway,
    )

    order = reload(order)
    assert order.refund_state == "refunded"
    assert order.status == "cancelled"  # refunded in full before it left the shop
    assert order.refunded_total == order.total
    stored = db.session.execute(select(Refund).where(Refund.order_id == order.id)).scalar_one()
    assert (stored.amount, stored.goods_amount, stored.status) == (
        order.total,
        order.subtotal,
        "settled",
    )
    assert stored.provider_ref == sent.provider_ref and stored.provider_ref.startswith("re_")
    negatives = [e for e in ledger_entries(order.id) if e.amount < 0]
    assert negatives and all(e.refund_id == stored.id for e in negatives)
    assert sum(e.amount for e in negatives) == -order.subtotal
    assert ledger_total(order.id) == 0
    assert on_hand(shop.variant) == STOCK  # restocked
    page = status_page(buyer, order)
    assert "Refunded" in page
    assert f"Rp{order.total:,}" in page


def test_partial_refunds_leave_the_rest_credited_until_everything_is_refunded(
    shop, stripe_env, buyer
):
    order = place_card_order(buyer, shop.variant, quantity=2, delivery="courier")
    pay_with_signed_webhook(buyer, stripe_env, order)
    [line] = reload(order).lines

    give_back(order.id, {line.id: 1}, reason="one cloth damaged", gateway=stripe_env.gateway)

    order = reload(order)
    assert order.refund_state == "partially_refunded"
    assert order.status == "paid"  # a refund never moves the order along or back
    assert order.refunded_total == PRICE
    assert ledger_total(order.id) == order.subtotal - PRICE
    assert "Partly refunded" in status_page(buyer, order)

    give_back(
        order.id,
        {line.id: 1},
        delivery_fee=True,
        reason="order cancelled",
        gateway=stripe_env.gateway,
    )

    order = reload(order)
    assert order.refund_state == "refunded"
    assert order.refunded_total == order.total
    assert ledger_total(order.id) == 0
    assert all(e.amount >= 0 for e in ledger_entries(order.id) if e.refund_id is None)


# --- 5. Webhooks signed here ------------------------------------------------------------


def test_the_return_page_alone_never_marks_an_order_paid(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)
    intent = charged_intent(buyer, stripe_env, order)  # Stripe has the money, no webhook yet

    # Stripe.js sends the buyer back with these; they prove nothing.
    page = buyer.get(
        f"/orders/{order.access_token}/return",
        query_string={"payment_intent": intent.id, "redirect_status": "succeeded"},
    )

    assert page.status_code == 200
    assert CONFIRMING_TEXT in text_of(page)
    assert_not_paid(order)
    assert buyer.get(f"/orders/{order.access_token}/status.json").get_json()["paid"] is False


def test_a_redelivered_event_is_processed_once(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)
    intent = charged_intent(buyer, stripe_env, order)
    body = event_body(SUCCEEDED, intent_object(intent), event_id="evt_redelivered_1")

    first = post_webhook(buyer, body)
    second = post_webhook(buyer, body)

    assert first.status_code == 200 and first.get_json()["result"] == "paid"
    assert second.status_code == 200 and second.get_json()["result"] == "duplicate"
    order = reload(order)
    assert order.status == "paid"
    assert paid_transitions(order) == 1
    assert len(ledger_entries(order.id)) == 2 * 3  # two partners x three shares, once
    assert ledger_total(order.id) == order.subtotal
    assert outbox_kinds(order.id).count("order_paid") == 1
    assert len(payment_events("evt_redelivered_1")) == 1


def test_a_second_event_about_the_same_payment_does_not_pay_twice(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)
    paid = pay_with_signed_webhook(buyer, stripe_env, order)

    again = send_event(buyer, SUCCEEDED, intent_object(paid.intent))

    assert again.status_code == 200 and again.get_json()["result"] == "already_paid"
    order = reload(order)
    assert paid_transitions(order) == 1
    assert ledger_total(order.id) == order.subtotal
    assert outbox_kinds(order.id).count("order_paid") == 1


def test_each_stored_payment_event_says_what_it_did(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)
    paid = pay_with_signed_webhook(buyer, stripe_env, order)
    again_id = new_event_id()
    send_event(buyer, SUCCEEDED, intent_object(paid.intent), again_id)

    [first] = payment_events(paid.event_id)
    [again] = payment_events(again_id)

    assert (first.outcome, again.outcome) == ("order paid", "already received")


def test_a_failure_arriving_after_the_success_does_not_unpay_the_order(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)
    paid = pay_with_signed_webhook(buyer, stripe_env, order)
    paid_at = paid.order.paid_at

    late = send_event(
        buyer, FAILED, intent_object(paid.intent, error_message="Your card was declined.")
    )

    assert late.status_code == 200
    order = reload(order)
    assert order.status == "paid"
    assert order.paid_at == paid_at
    assert last_card_failure(order) is None
    assert ledger_total(order.id) == order.subtotal
    payment = db.session.execute(select(Payment).where(Payment.order_id == order.id)).scalar_one()
    assert payment.status == "succeeded"
    page = status_page(buyer, order)
    assert "Paid" in page and "did not go through" not in page
    assert PAID_TEXT in return_page(buyer, order)


def test_a_success_after_an_earlier_failure_pays_the_order(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)
    intent = card_intent(buyer, stripe_env, order)

    failed = send_event(
        buyer, FAILED, intent_object(intent, error_message="Your card has insufficient funds.")
    )

    assert failed.status_code == 200 and failed.get_json()["result"] == "failed"
    assert_not_paid(order)
    assert "Your last payment attempt did not go through: Your card has insufficient funds." in (
        status_page(buyer, order)
    )

    # The buyer tries again (another card) and this time Stripe charges it.
    charged = stripe_env.gateway.confirm_test_payment(intent.id, "pm_card_visa")
    succeeded = send_event(buyer, SUCCEEDED, intent_object(charged))

    assert succeeded.status_code == 200 and succeeded.get_json()["result"] == "paid"
    order = reload(order)
    assert order.status == "paid" and order.paid_at is not None
    assert ledger_total(order.id) == order.subtotal
    assert PAID_TEXT in return_page(buyer, order)
    assert "did not go through" not in status_page(buyer, order)


def test_the_return_page_after_a_retry_waits_for_the_new_payment(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)
    intent = card_intent(buyer, stripe_env, order)
    send_event(buyer, FAILED, intent_object(intent, error_message="Your card was declined."))

    retried = buyer.post(
        f"/orders/{order.access_token}/pay/test", data={"payment_method": "pm_card_visa"}
    )
    assert retried.status_code == 303

    page = return_page(buyer, order)
    assert CONFIRMING_TEXT in page
    assert "Your card was declined." not in page


@pytest.mark.parametrize(
    "case",
    [
        "forged-secret",
        "stale-timestamp",
        "missing-header",
        "not-json",
        "body-changed-after-signing",
    ],
)
def test_an_untrustworthy_delivery_is_refused_and_changes_nothing(shop, stripe_env, buyer, case):
    order = place_card_order(buyer, shop.variant)
    intent = charged_intent(buyer, stripe_env, order)
    body = event_body(SUCCEEDED, intent_object(intent), event_id="evt_suspicious_1")

    if case == "forged-secret":
        answer = post_webhook(buyer, body, secret="whsec_forged")
    elif case == "stale-timestamp":
        answer = post_webhook(
            buyer, body, timestamp=int(time.time()) - WEBHOOK_TOLERANCE_SECONDS - 60
        )
    elif case == "missing-header":
        answer = post_webhook(buyer, body, signed=False)
    elif case == "not-json":
        answer = post_webhook(buyer, b'{"id": "evt_suspicious_1", "type": ')
    else:  # a genuine signature over another body
        header = sign_test_payload(event_body(SUCCEEDED, {"id": "pi_other"}), TEST_WEBHOOK_SECRET)
        answer = buyer.post(
            "/payments/stripe/webhook",
            data=body,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )

    assert answer.status_code == 400
    assert payment_events() == []
    assert_not_paid(order)
    # The genuine delivery of the same event is still accepted afterwards.
    genuine = post_webhook(buyer, body)
    assert genuine.status_code == 200 and genuine.get_json()["result"] == "paid"


@pytest.mark.parametrize("mismatch", ["amount-lower", "fraction-of-a-rupiah", "other-currency"])
def test_a_payment_that_does_not_match_the_order_is_flagged_not_believed(
    shop, stripe_env, buyer, mismatch
):
    order = place_card_order(buyer, shop.variant)
    metadata = {"order_id": str(order.id), "order_reference": order.reference}
    amount_minor, currency = {
        "amount-lower": ((order.total - 1_000) * 100, "idr"),
        "fraction-of-a-rupiah": (order.total * 100 + 50, "idr"),
        "other-currency": (order.total * 100, "usd"),
    }[mismatch]
    intent_id = create_raw_intent(
        stripe_env.base_url, amount_minor=amount_minor, currency=currency, metadata=metadata
    )
    charged = stripe_env.gateway.confirm_test_payment(intent_id, "pm_card_visa")
    event_id = new_event_id()

    answer = send_event(buyer, SUCCEEDED, intent_object(charged), event_id)

    assert answer.status_code == 200  # acknowledged, so Stripe does not retry for ever
    assert answer.get_json()["result"] == "mismatch"
    assert_not_paid(order)
    order = reload(order)
    assert order.payment_state == "amount_mismatch"
    [stored] = payment_events(event_id)
    assert (stored.event_type, stored.order_id) == (SUCCEEDED, order.id)
    page = status_page(buyer, order)
    # The buyer reads the true reason: the amount, not "the items were gone".
    assert "but its total is" in page and REFUND_COMING_TEXT not in page


def test_a_success_event_for_an_intent_stripe_has_not_charged_is_ignored(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant)
    intent = card_intent(buyer, stripe_env, order)  # created, never confirmed
    forged_object = dict(intent_object(intent), status="succeeded")

    answer = send_event(buyer, SUCCEEDED, forged_object)

    assert answer.status_code == 200
    assert answer.get_json()["result"] == "ignored"
    assert_not_paid(order)


def test_when_stripe_cannot_confirm_the_intent_the_delivery_is_retried_later(
    shop, stripe_env, buyer
):
    order = place_card_order(buyer, shop.variant)
    unknown = {
        "id": "pi_unknown0000000",
        "object": "payment_intent",
        "metadata": {"order_id": str(order.id)},
    }
    event_id = new_event_id()

    answer = send_event(buyer, SUCCEEDED, unknown, event_id)

    assert answer.status_code == 503
    assert payment_events(event_id) == []  # not stored: Stripe's retry will be processed
    assert_not_paid(order)


def test_a_payment_after_expiry_takes_the_stock_again_and_pays_the_order(shop, stripe_env, buyer):
    order = place_card_order(buyer, shop.variant, quantity=2)
    intent = charged_intent(buyer, stripe_env, order)
    assert orders.expire_order(reload(order), now=utcnow() + timedelta(hours=1))
    assert reload(order).status == "expired"
    assert on_hand(shop.variant) == STOCK
    assert NOTHING_CHARGED_TEXT in status_page(buyer, order)

    answer = send_event(buyer, SUCCEEDED, intent_object(intent))

    assert answer.status_code == 200 and answer.get_json()["result"] == "paid"
    order = reload(order)
    assert order.status == "paid" and order.paid_at is not None
    assert order.payment_state == "paid"
    assert on_hand(shop.variant) == STOCK - 2
    assert ledger_total(order.id) == order.subtotal
    assert outbox_kinds(order.id).count("order_paid") == 1
    reservations = db.session.scalars(
        select(StockMovement.quantity).where(
            StockMovement.order_id == order.id, StockMovement.kind == "reservation"
        )
    ).all()
    assert sorted(reservations) == [-2, -2]  # at checkout, and again when the money came
    page = status_page(buyer, order)
    assert NOTHING_CHARGED_TEXT not in page and REFUND_COMING_TEXT not in page


def _pay_after_the_stock_is_gone(shop, stripe_env, buyer):
    """An order of both variants that expires; one variant then sells out; the money arrives."""
    buyer.post("/cart/add", data={"variant_id": str(shop.other.id), "quantity": "1"})
    order = place_card_order(buyer, shop.variant, quantity=1)
    assert len(order.lines) == 2
    intent = charged_intent(buyer, stripe_env, order)
    assert orders.expire_order(reload(order), now=utcnow() + timedelta(hours=1))
    assert (on_hand(shop.variant), on_hand(shop.other)) == (STOCK, STOCK)
    db.session.get(Variant, shop.variant.id).on_hand = 0  # another buyer took the rest
    db.session.commit()
    event_id = new_event_id()
    answer = send_event(buyer, SUCCEEDED, intent_object(intent), event_id)
    return reload(order), answer, event_id


def test_a_payment_after_expiry_with_the_stock_gone_is_kept_and_flagged_for_refund(
    shop, stripe_env, buyer
):
    order, answer, event_id = _pay_after_the_stock_is_gone(shop, stripe_env, buyer)

    assert answer.status_code == 200 and answer.get_json()["result"] == "refund_needed"
    assert_not_paid(order, status="expired")
    order = reload(order)
    assert order.payment_state == "paid_after_expiry"
    # Nothing was half-taken: the variant still in stock keeps all of it.
    assert (on_hand(shop.variant), on_hand(shop.other)) == (0, STOCK)
    [stored] = payment_events(event_id)  # never dropped
    assert (stored.event_type, stored.order_id) == (SUCCEEDED, order.id)
    payment = db.session.execute(select(Payment).where(Payment.order_id == order.id)).scalar_one()
    assert payment.status == "succeeded"  # staff can see the money arrived
    assert REFUND_COMING_TEXT in status_page(buyer, order)
    assert PAID_TEXT not in return_page(buyer, order)
    redelivered = post_webhook(
        buyer,
        event_body(
            SUCCEEDED,
            intent_object(stripe_env.gateway.retrieve_payment_intent(payment.provider_ref)),
            event_id,
        ),
    )
    assert redelivered.get_json()["result"] == "duplicate"


def test_the_status_page_does_not_say_nothing_was_charged_when_a_refund_is_due(
    shop, stripe_env, buyer
):
    order, answer, _event_id = _pay_after_the_stock_is_gone(shop, stripe_env, buyer)
    assert answer.get_json()["result"] == "refund_needed"

    page = status_page(buyer, order)

    assert REFUND_COMING_TEXT in page
    assert NOTHING_CHARGED_TEXT not in page


def test_the_refund_owed_for_a_late_payment_can_be_recorded(shop, stripe_env, buyer):
    order, answer, _event_id = _pay_after_the_stock_is_gone(shop, stripe_env, buyer)
    assert answer.get_json()["result"] == "refund_needed"

    sent = give_back(
        order.id,
        money_only=order.total,
        reason="paid after expiry, sold out",
        gateway=stripe_env.gateway,
    )

    order = reload(order)
    assert sent.status == "settled" and sent.goods_amount == 0
    assert stripe_env.gateway.retrieve_payment_intent(orders_ref(order.id)).amount_minor == (
        order.total * 100
    )
    assert order.refund_state == "refunded"
    assert order.refunded_total == order.total
    assert ledger_total(order.id) == 0
    assert REFUND_COMING_TEXT not in status_page(buyer, order)


def test_an_event_type_the_shop_does_not_handle_is_acknowledged_and_recorded_once(
    shop, stripe_env, buyer
):
    body = event_body(
        "charge.dispute.created", {"id": "dp_123", "object": "dispute"}, event_id="evt_unhandled_1"
    )

    first = post_webhook(buyer, body)
    second = post_webhook(buyer, body)

    assert first.status_code == 200 and first.get_json()["result"] == "ignored"
    assert second.status_code == 200 and second.get_json()["result"] == "duplicate"
    [stored] = payment_events()
    assert (stored.event_id, stored.event_type) == ("evt_unhandled_1", "charge.dispute.created")


# --- 6. Bank transfer and cash at pickup ---------------------------------------------


def test_a_bank_transfer_order_reserves_stock_and_explains_how_to_pay(app, shop, buyer):
    order = place_card_order(
        buyer, shop.variant, quantity=2, payment_method="bank_transfer", delivery="courier"
    )

    assert (order.status, order.payment_state) == ("awaiting_payment", "unpaid")
    assert order.total == 2 * PRICE + COURIER_FEE
    assert on_hand(shop.variant) == STOCK - 2
    page = status_page(buyer, order)
    assert "How to pay by bank transfer" in page
    assert f"Transfer exactly Rp{order.total:,} to {app.config['BANK_ACCOUNT_EN']}." in page
    assert f"Write the reference {order.reference} in the transfer note." in page
    # There is no card payment page for it.
    pay = buyer.get(f"/orders/{order.access_token}/pay")
    assert pay.status_code == 303
    assert pay.headers["Location"].endswith(f"/orders/{order.access_token}")


def test_a_cash_at_pickup_order_reserves_stock_and_says_where_to_pay(app, shop, buyer):
    order = place_card_order(
        buyer, shop.variant, payment_method="cash_on_pickup", delivery="pickup"
    )

    assert (order.status, order.payment_state) == ("awaiting_payment", "unpaid")
    assert order.pickup_code and len(order.pickup_code) == 6
    assert order.total == PRICE
    assert on_hand(shop.variant) == STOCK - 1
    page = status_page(buyer, order)
    assert app.config["SHOP_ADDRESS_EN"] in page
    assert order.reference in page
    assert "pay in cash" in page.lower()


def test_cash_is_refused_for_courier_delivery(shop, buyer):
    answer = submit_checkout(
        buyer, shop.variant, payment_method="cash_on_pickup", delivery="courier"
    )

    assert answer.status_code == 400
    assert "Cash payment is only possible when you pick up at the shop." in text_of(answer)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert on_hand(shop.variant) == STOCK
    # Nothing can be placed from the refused choice either.
    review = buyer.get("/checkout/review")
    assert review.status_code == 303
    assert review.headers["Location"].endswith("/checkout")


def test_unpaid_transfer_and_cash_orders_expire_and_give_their_stock_back(app, shop, buyer):
    transfer = place_card_order(
        buyer, shop.variant, quantity=2, payment_method="bank_transfer", delivery="courier"
    )
    cash = place_card_order(buyer, shop.other, quantity=1, payment_method="cash_on_pickup")
    assert (on_hand(shop.variant), on_hand(shop.other)) == (STOCK - 2, STOCK - 1)
    placed = utcnow()

    # A day and a bit later only the transfer is overdue; cash waits three days.
    a_day_later = placed + timedelta(minutes=app.config["BANK_TRANSFER_EXPIRY_MINUTES"] + 5)
    assert orders.release_expired_reservations(now=a_day_later) == 1
    assert reload(transfer).status == "expired"
    assert reload(cash).status == "awaiting_payment"
    assert (on_hand(shop.variant), on_hand(shop.other)) == (STOCK, STOCK - 1)

    later = placed + timedelta(minutes=app.config["PICKUP_PAYMENT_EXPIRY_MINUTES"] + 5)
    assert orders.release_expired_reservations(now=later) == 1
    assert orders.release_expired_reservations(now=later) == 0  # nothing released twice
    assert reload(cash).status == "expired"
    assert (on_hand(shop.variant), on_hand(shop.other)) == (STOCK, STOCK)

    for order in (transfer, cash):
        page = status_page(buyer, order)
        assert "Expired: not paid in time" in page
        assert NOTHING_CHARGED_TEXT in page
        assert "How to pay by bank transfer" not in page
        order = order_by_token(order.access_token)
        assert order.paid_at is None and ledger_entries(order.id) == []


def test_an_intent_localstripe_forgot_after_a_restart_is_replaced_not_a_503(
    shop, stripe_env, buyer
):
    order = place_card_order(buyer, shop.variant)
    open_pay_page(buyer, order)
    # What a restarted localstripe looks like: it no longer knows the stored intent.
    payment = db.session.execute(select(Payment).where(Payment.order_id == order.id)).scalar_one()
    payment.provider_ref = "pi_forgotten0000000000000"
    db.session.commit()

    secret = open_pay_page(buyer, order)

    new_ref = orders_ref(order.id)
    assert new_ref != "pi_forgotten0000000000000" and secret.startswith(new_ref)
    assert stripe_env.gateway.retrieve_payment_intent(new_ref).amount_minor == order.total * 100
