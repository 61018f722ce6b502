"""The back-office benchmark's shop builder (bench/make_orders.py) on a small shop: the
orders it writes hang together as the shop's own would, and the order list reads them."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import func, select, text

from bench.make_orders import check_foreign_keys, fill
from storefront.extensions import db
from storefront.impact.models import AttributionEntry
from storefront.orders import queries
from storefront.orders.models import Order, OrderEvent, OrderLine
from storefront.payments.models import PaymentReceipt

ORDERS = 200


def test_a_small_benchmark_shop_is_consistent_and_searchable(app):
    facts = fill(db.engine, ORDERS, now=datetime.now(UTC), log=lambda *_: None)
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    else:
        check_foreign_keys(db.engine)

    assert facts["orders"] == ORDERS and facts["lines"] == 3 * ORDERS
    assert db.session.scalar(select(func.count()).select_from(OrderLine)) == 3 * ORDERS
    orders = {o.id: o for o in db.session.scalars(select(Order))}
    assert len(orders) == ORDERS

    receipts = defaultdict(list)
    for receipt in db.session.scalars(select(PaymentReceipt)):
        receipts[receipt.order_id].append(receipt)
    credited = dict(
        db.session.execute(
            select(AttributionEntry.order_id, func.sum(AttributionEntry.amount)).group_by(
                AttributionEntry.order_id
            )
        ).all()
    )
    history = defaultdict(list)
    for event in db.session.scalars(select(OrderEvent).order_by(OrderEvent.id)):
        history[event.order_id].append(event)
    for order in orders.values():
        events = history[order.id]
        assert (events[0].from_status, events[0].to_status) == (None, "awaiting_payment")
        assert events[-1].to_status == order.status
        assert (order.pickup_code is not None) == (order.delivery_method == "pickup")
        if order.delivery_method == "courier":
            assert all(line.kind != "perishable" for line in order.lines)
        if order.payment_state == "paid":
            assert order.invoice_number and order.paid_at is not None
            assert [r.amount for r in receipts[order.id]] == [order.total]
            assert credited[order.id] == order.subtotal  # the ledger adds up to the goods
        else:
            assert order.invoice_number is None and order.id not in credited
            if order.payment_state == "amount_mismatch":
                assert receipts[order.id][0].amount != order.total
            elif order.payment_state == "unpaid":
                assert order.id not in receipts

    # The order list reads the shop, newest first, and its search finds the sample buyer.
    page, key = queries.order_page(queries.OrderFilters(), size=50)
    assert len(page) == 50 and key is not None
    assert [row.created_at for row in page] == sorted((r.created_at for r in page), reverse=True)
    name = facts["search_name"]
    found, _ = queries.order_page(queries.OrderFilters(q=name.lower()), size=ORDERS)
    wanted = {o.id for o in orders.values() if name.lower() in o.contact_name.lower()}
    assert {row.id for row in found} == wanted
    if db.engine.dialect.name == "sqlite":  # the trigram index the search reads is in step
        indexed = db.session.execute(
            text("SELECT count(*) FROM shop_order_search WHERE shop_order_search MATCH :m"),
            {"m": f'contact_name : "{name}"'},
        ).scalar()
        assert indexed == len(wanted)
