"""Lost webhooks and card refunds against localstripe, on SQLite and PostgreSQL.

A buyer pays by card but the webhook never reaches the shop (none registered,
or one pointing at a port nobody listens on). ``reconcile_card_payments`` and
``flask reconcile-payments`` ask Stripe through the gateway and pay the order
through the same service the webhook uses: receipt, invoice number, ledger and
e-mail. A refund of one line goes to localstripe, and the ledger's net is what
the shop keeps of the goods.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from types import SimpleNamespace

import pytest
from payment_support import create_raw_intent, localstripe_get, use_localstripe
from sqlalchemy import select
from stripe_fixtures import TEST_WEBHOOK_SECRET, register_localstripe_webhook
from write_model_support import (
    audit_since,
    charge_card_order,
    events_of,
    last_audit_id,
    ledger_total,
    make_shop,
    outbox_kinds,
    place,
    receipts_of,
    reload,
    staff,
)

from storefront.accounts.permissions import BUYER
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.services import cancel_unpaid_order, release_expired_reservations
from storefront.payments import services as payments
from storefront.payments.gateway import gateway_from_config
from storefront.payments.models import Payment
from storefront.payments.reconcile import reconcile_card_payments
from storefront.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def stripe_env(app, localstripe):
    """The app's card payments pointed at this test's (empty) localstripe."""
    use_localstripe(app, localstripe)
    return SimpleNamespace(base_url=localstripe, gateway=gateway_from_config(app.config))


@pytest.fixture
def shop(app):
    return make_shop()


def closed_port_url() -> str:
    """An address on loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def card_status(intent_id: str) -> str:
    db.session.expire_all()
    return db.session.execute(
        select(Payment.status).where(Payment.provider_ref == intent_id)
    ).scalar_one()


def test_a_card_payment_whose_webhook_was_lost_is_paid_by_reconciliation(shop, stripe_env):
    order = place([(shop.stock, 1), (shop.second_stock, 2)], delivery="pickup", payment="stripe")
    intent = charge_card_order(stripe_env.gateway, order)  # no webhook is registered
    not_yet = place([(shop.stock, 1)], delivery="pickup", payment="stripe")
    pending = stripe_env.gateway.create_payment_intent(  # the buyer left the payment page
        order_id=not_yet.id, order_reference=not_yet.reference, amount_rupiah=not_yet.total,
        idempotency_key=f"order-{not_yet.id}-intent",
    )  # fmt: skip
    payments.attach_payment_intent(order=not_yet, intent_id=pending.id)
    transfer = place([(shop.stock, 1)])
    assert reload(order).payment_state == "unpaid"
    mark = last_audit_id()

    report = reconcile_card_payments(stripe_env.gateway)

    assert (report.asked, report.paid, report.errors) == (2, [order.reference], [])
    order = reload(order)
    assert (order.status, order.payment_state) == ("paid", "paid")
    assert order.invoice_number and order.invoice_number.startswith("INV/")
    assert ledger_total(order.id) == order.subtotal
    assert "order_paid" in outbox_kinds(order.id)
    [receipt] = receipts_of(order.id)
    assert (receipt.method, receipt.amount, receipt.reference) == ("stripe", order.total, intent.id)
    assert card_status(intent.id) == "succeeded"
    assert {r.actor_role for r in audit_since(mark)} == {"cron"}
    assert events_of(order.id)[-1].actor_label == "cron"
    assert reload(not_yet).payment_state == "unpaid"
    assert reload(transfer).payment_state == "unpaid"

    again = reconcile_card_payments(stripe_env.gateway)  # the next run of the timer

    assert (again.asked, again.paid, again.errors) == (1, [], [])
    assert len(receipts_of(order.id)) == 1
    assert ledger_total(order.id) == order.subtotal
    assert reload(order).invoice_number == order.invoice_number


def test_flask_reconcile_payments_pays_an_order_whose_webhook_points_nowhere(
    runner, shop, stripe_env
):
    register_localstripe_webhook(
        stripe_env.base_url, "lost", closed_port_url() + "/payments/stripe/webhook",
        TEST_WEBHOOK_SECRET, ["payment_intent.succeeded"],
    )  # fmt: skip
    order = place([(shop.stock, 1)], delivery="courier", payment="stripe")
    charge_card_order(stripe_env.gateway, order)
    db.session.commit()

    result = runner.invoke(args=["reconcile-payments"])

    assert result.exit_code == 0, result.output
    assert "asked Stripe about 1 intent(s); 1 order(s) paid; 0 error(s)" in result.output
    order = reload(order)
    assert order.payment_state == "paid" and order.invoice_number
    assert ledger_total(order.id) == order.subtotal


def test_flask_reconcile_payments_fails_loudly_when_stripe_cannot_be_reached(
    app, runner, shop, stripe_env
):
    order = place([(shop.stock, 1)], delivery="pickup", payment="stripe")
    charge_card_order(stripe_env.gateway, order)
    db.session.commit()
    app.config["STRIPE_API_BASE"] = closed_port_url()

    result = runner.invoke(args=["reconcile-payments"])

    assert result.exit_code == 1
    assert "0 order(s) paid; 1 error(s)" in result.output
    assert reload(order).payment_state == "unpaid"

    app.config["STRIPE_API_BASE"] = stripe_env.base_url  # Stripe is back for the next run
    assert runner.invoke(args=["reconcile-payments"]).exit_code == 0
    assert reload(order).payment_state == "paid"


def test_reconciliation_checks_the_amount_as_the_webhook_does(shop, stripe_env):
    order = place([(shop.stock, 1)], delivery="pickup", payment="stripe")
    intent_id = create_raw_intent(
        stripe_env.base_url,
        amount_minor=(order.total - 1_000) * 100,
        currency="idr",
        metadata={"order_id": str(order.id), "order_reference": order.reference},
    )
    payments.attach_payment_intent(order=order, intent_id=intent_id)
    stripe_env.gateway.confirm_test_payment(intent_id, "pm_card_visa")

    report = reconcile_card_payments(stripe_env.gateway)

    order = reload(order)
    assert (report.asked, report.paid) == (1, [])
    assert (order.status, order.payment_state) == ("awaiting_payment", "amount_mismatch")
    assert order.invoice_number is None and ledger_total(order.id) == 0


@pytest.mark.parametrize(
    ("delivery", "with_fee"),
    [("pickup", False), ("courier", False), ("courier", True)],
    ids=["pickup", "courier, fee kept", "courier, fee refunded too"],
)
def test_a_card_refund_of_one_line_leaves_the_ledger_at_the_money_kept(
    shop, stripe_env, delivery, with_fee
):
    finance = staff("finance", "Rina Keuangan")
    order = place([(shop.stock, 1), (shop.second_stock, 2)], delivery=delivery, payment="stripe")
    intent = charge_card_order(stripe_env.gateway, order)
    reconcile_card_payments(stripe_env.gateway)
    order = reload(order)
    songket = next(line for line in order.lines if line.variant_id == shop.stock)

    asked = payments.request_refund(
        finance,
        order_id=order.id,
        request=payments.RefundRequest(lines={songket.id: (1, True)}, delivery_fee=with_fee),
        reason="motif tidak sesuai",
        approval_limit=10**9,
    )
    refund = payments.send_refund(finance, refund_id=asked.id, gateway=stripe_env.gateway)

    order = reload(order)
    fee_returned = order.shipping_fee if with_fee else 0
    assert refund.status == "settled" and refund.provider_ref.startswith("re_")
    at_stripe = localstripe_get(stripe_env.base_url, f"/v1/refunds/{refund.provider_ref}")
    assert at_stripe["payment_intent"] == intent.id
    assert at_stripe["amount"] == (songket.line_total + fee_returned) * 100
    kept = order.received_total - order.refunded_total
    assert kept == order.total - songket.line_total - fee_returned
    # The ledger credits goods only: what the shop keeps, less the delivery fee it keeps.
    assert ledger_total(order.id) == kept - (order.shipping_fee - fee_returned)
    assert ledger_total(order.id) == order.subtotal - songket.line_total
    assert (order.status, order.refund_state) == ("paid", "partially_refunded")


def test_a_card_refund_stripe_refuses_can_be_tried_again(app, shop, stripe_env):
    finance = staff("finance", "Rina Keuangan")
    order = place([(shop.stock, 1)], delivery="pickup", payment="stripe")
    charge_card_order(stripe_env.gateway, order)
    reconcile_card_payments(stripe_env.gateway)
    [line] = reload(order).lines
    asked = payments.request_refund(
        finance,
        order_id=order.id,
        request=payments.RefundRequest(lines={line.id: (1, True)}),
        reason="batal",
        approval_limit=10**9,
    )
    app.config["STRIPE_API_BASE"] = closed_port_url()

    with pytest.raises(payments.RefundError):
        payments.send_refund(finance, refund_id=asked.id, gateway=gateway_from_config(app.config))
    db.session.rollback()

    order = reload(order)
    assert [r.status for r in order.refunds] == ["requested"]
    assert ledger_total(order.id) == order.subtotal and order.status == "paid"

    sent = payments.send_refund(finance, refund_id=asked.id, gateway=stripe_env.gateway)
    assert sent.status == "settled"
    assert ledger_total(order.id) == 0 and reload(order).status == "cancelled"


def test_every_order_is_asked_about_once_per_run(shop, stripe_env):
    orders = [place([(shop.stock, 1)], delivery="pickup", payment="stripe") for _ in range(3)]
    for order in orders:
        charge_card_order(stripe_env.gateway, order)

    report = reconcile_card_payments(stripe_env.gateway)

    assert report.asked == 3 and sorted(report.paid) == sorted(o.reference for o in orders)
    assert all(db.session.get(Order, o.id).payment_state == "paid" for o in orders)


def test_money_taken_for_an_order_cancelled_meanwhile_is_found_and_flagged_for_refund(
    shop, stripe_env
):
    """The buyer paid, the webhook was lost, and the buyer cancelled the order thinking
    the payment had failed: Stripe holds their money, so the shop must find it."""
    order = place([(shop.stock, 1)], delivery="pickup", payment="stripe")
    charge_card_order(stripe_env.gateway, order)
    cancel_unpaid_order(BUYER, order_id=order.id, reason="pembayaran sepertinya gagal")

    report = reconcile_card_payments(stripe_env.gateway)

    order = reload(order)
    assert report.asked == 1 and report.errors == []
    assert (order.status, order.payment_state) == ("cancelled", "paid_after_expiry")
    assert [r.amount for r in receipts_of(order.id)] == [order.total]
    assert order.invoice_number is None and ledger_total(order.id) == 0
    assert reconcile_card_payments(stripe_env.gateway).asked == 0  # found once, not again


def test_a_lost_webhook_is_found_behind_many_abandoned_card_checkouts(shop, stripe_env):
    """Buyers who open the payment page and leave leave an intent behind on an order
    that expires; months of those must not hide today's lost webhook."""
    long_ago = utcnow() - timedelta(days=60)
    for _ in range(4):
        abandoned = place(
            [(shop.second_stock, 1)], delivery="pickup", payment="stripe", now=long_ago
        )
        left = stripe_env.gateway.create_payment_intent(
            order_id=abandoned.id, order_reference=abandoned.reference,
            amount_rupiah=abandoned.total, idempotency_key=f"order-{abandoned.id}-intent",
        )  # fmt: skip
        payments.attach_payment_intent(order=abandoned, intent_id=left.id)
    assert release_expired_reservations() == 4
    today = place([(shop.stock, 1)], delivery="pickup", payment="stripe")
    charge_card_order(stripe_env.gateway, today)

    report = reconcile_card_payments(stripe_env.gateway, limit=3)

    assert report.paid == [today.reference]
    assert reload(today).payment_state == "paid"
