"""``place_order``: prices from the database, stale and withdrawn carts, delivery rules,
snapshots, idempotency, query budget and the release of expired reservations.

Every test runs on SQLite and, when ``TEST_DATABASE_URL`` is set, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from factories import fill_cart, make_category, make_product, make_program
from flask import current_app
from sqlalchemy import func, select

from storefront.accounts.permissions import Actor
from storefront.cart.services import add_to_cart
from storefront.catalog.models import Product, Variant
from storefront.extensions import db
from storefront.impact.models import TrainingProgram
from storefront.inventory.models import MovementKind, StockMovement
from storefront.orders.lifecycle import InvalidShipment, InvalidTransition, advance
from storefront.orders.models import Order, OrderLine, OrderStatus
from storefront.orders.services import (
    CartChanged,
    CheckoutDetails,
    EmptyCart,
    OrderError,
    SoldOut,
    place_order,
    release_expired_reservations,
)
from storefront.outbox.models import OutboxMessage
from storefront.payments.services import record_bank_transfer

STAFF = Actor(user_id=None, role="operations", label="Sari")

PICKUP = CheckoutDetails(
    name="Siti Aminah",
    email="siti@example.org",
    phone="+6281234567890",
    delivery_method="pickup",
    payment_method="bank_transfer",
)
COURIER = CheckoutDetails(
    name="Siti Aminah",
    email="siti@example.org",
    phone="+6281234567890",
    delivery_method="courier",
    payment_method="bank_transfer",
    province="DKI Jakarta",
    city="Jakarta Selatan",
    address_line="Jl. Kemang Raya 10",
    postal_code="12730",
)
pytestmark = pytest.mark.usefixtures("in_request")
NOW = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def shop(app):
    """Two programmes and four products: stock, stock, perishable, made to order."""
    category = make_category()
    weaving = make_program()
    baking = make_program(
        slug="tata-boga", name_id="Tata Boga", name_en="Baking", split=(40, 40, 20)
    )
    songket = make_product(
        category,
        weaving,
        name_id="Kain Songket Lepus",
        name_en="Lepus Songket Cloth",
        prices=(1_500_000,),
        on_hand=5,
    )
    selendang = make_product(
        category,
        weaving,
        name_id="Selendang Songket",
        name_en="Songket Shawl",
        prices=(450_000,),
        on_hand=8,
    )
    roti = make_product(
        category,
        baking,
        name_id="Roti Manis",
        name_en="Sweet Bread",
        kind="perishable",
        prices=(15_000,),
        on_hand=30,
    )
    custom = make_product(
        category,
        weaving,
        name_id="Songket Pesanan",
        name_en="Made-to-order Songket",
        kind="made_to_order",
        prices=(3_000_000,),
        on_hand=3,
    )
    db.session.commit()
    return SimpleNamespace(
        weaving_id=weaving.id,
        baking_id=baking.id,
        songket=songket.variants[0].id,
        selendang=selendang.variants[0].id,
        roti=roti.variants[0].id,
        custom=custom.variants[0].id,
    )


def on_hand(variant_id: int) -> int:
    return db.session.execute(select(Variant.on_hand).where(Variant.id == variant_id)).scalar_one()


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def order_for(cart, key: str, details: CheckoutDetails = PICKUP, **kwargs) -> Order:
    return place_order(
        cart_token=cart.token,
        cart_revision=cart.revision,
        details=details,
        idempotency_key=key,
        **kwargs,
    )


def test_a_placed_order_reserves_stock_and_records_it(shop):
    cart = fill_cart((shop.songket, 2), (shop.selendang, 1))

    order = order_for(cart, "k-basic", now=NOW)

    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.subtotal == 2 * 1_500_000 + 450_000
    assert order.shipping_fee == 0 and order.total == order.subtotal
    assert (on_hand(shop.songket), on_hand(shop.selendang)) == (3, 7)
    movements = db.session.execute(
        select(StockMovement.variant_id, StockMovement.quantity, StockMovement.kind).where(
            StockMovement.order_id == order.id
        )
    ).all()
    assert sorted(movements) == sorted(
        [(shop.songket, -2, "reservation"), (shop.selendang, -1, "reservation")]
    )
    assert count(OutboxMessage) == 1
    # The cart is emptied and its revision moved on, in the same commit.
    again = add_to_cart(cart_token=cart.token, user_id=None, variant_id=shop.songket, quantity=1)
    assert len(again.lines) == 1 and again.revision > cart.revision


def test_prices_are_read_again_from_the_database(shop):
    cart = fill_cart((shop.songket, 2))
    db.session.get(Variant, shop.songket).price = 1_750_000
    db.session.commit()

    order = order_for(cart, "k-price")

    assert order.lines[0].unit_price == 1_750_000
    assert order.lines[0].line_total == 3_500_000
    assert order.subtotal == order.total == 3_500_000


def test_a_stale_cart_revision_is_refused(shop):
    cart = fill_cart((shop.songket, 1))
    add_to_cart(cart_token=cart.token, user_id=None, variant_id=shop.selendang, quantity=1)

    with pytest.raises(CartChanged):
        order_for(cart, "k-stale")

    assert count(Order) == 0
    assert (on_hand(shop.songket), on_hand(shop.selendang)) == (5, 8)


@pytest.mark.parametrize("withdraw", ["product", "variant"])
def test_an_item_withdrawn_from_sale_is_refused_and_no_stock_moves(shop, withdraw):
    cart = fill_cart((shop.selendang, 1), (shop.songket, 2))
    variant = db.session.get(Variant, shop.songket)
    if withdraw == "product":
        db.session.get(Product, variant.product_id).is_active = False
    else:
        variant.is_active = False
    db.session.commit()

    with pytest.raises(CartChanged):
        order_for(cart, "k-withdrawn")

    assert (on_hand(shop.songket), on_hand(shop.selendang)) == (5, 8)
    assert count(Order) == 0
    assert count(StockMovement) == 0


def test_perishable_goods_cannot_go_by_courier(shop):
    cart = fill_cart((shop.roti, 4), (shop.selendang, 1))

    with pytest.raises(OrderError) as raised:
        order_for(cart, "k-fresh", details=COURIER)

    assert type(raised.value) is OrderError
    assert "picked up" in raised.value.message or "diambil" in raised.value.message
    assert (on_hand(shop.roti), on_hand(shop.selendang)) == (30, 8)
    assert count(Order) == 0


def test_cash_on_pickup_is_not_offered_with_courier_delivery(shop):
    cart = fill_cart((shop.selendang, 1))
    details = CheckoutDetails(**{**COURIER.__dict__, "payment_method": "cash_on_pickup"})

    with pytest.raises(OrderError) as raised:
        order_for(cart, "k-cod", details=details)

    assert type(raised.value) is OrderError
    assert on_hand(shop.selendang) == 8
    assert count(Order) == 0


def test_an_unknown_payment_method_is_refused(shop):
    cart = fill_cart((shop.selendang, 1))
    details = CheckoutDetails(**{**PICKUP.__dict__, "payment_method": "bitcoin"})

    with pytest.raises(OrderError):
        order_for(cart, "k-btc", details=details)
    assert on_hand(shop.selendang) == 8


def test_courier_delivery_is_priced_from_the_rate_table(shop):
    cart = fill_cart((shop.selendang, 2))

    order = order_for(cart, "k-courier", details=COURIER)

    assert order.zone == "java"
    assert order.shipping_fee > 0
    assert order.total == order.subtotal + order.shipping_fee
    assert order.address_line == "Jl. Kemang Raya 10"


def test_an_empty_or_unknown_cart_is_refused(shop):
    with pytest.raises(EmptyCart):
        place_order(
            cart_token="no-such-cart", cart_revision=None, details=PICKUP, idempotency_key="k-none"
        )
    with pytest.raises(EmptyCart):
        place_order(cart_token=None, cart_revision=None, details=PICKUP, idempotency_key="k-nil")
    cart = fill_cart((shop.selendang, 1))
    order_for(cart, "k-first")
    with pytest.raises(EmptyCart):  # the cart was emptied by the first order
        place_order(
            cart_token=cart.token, cart_revision=None, details=PICKUP, idempotency_key="k-second"
        )


def test_all_or_nothing_when_one_line_is_short(shop):
    cart = fill_cart((shop.selendang, 3), (shop.songket, 4))
    db.session.get(Variant, shop.songket).on_hand = 2  # someone else bought three meanwhile
    db.session.commit()

    with pytest.raises(SoldOut) as raised:
        order_for(cart, "k-short")

    assert raised.value.status_code == 409
    assert raised.value.items == ["Kain Songket Lepus"]
    assert "Kain Songket Lepus" in raised.value.message
    assert (on_hand(shop.selendang), on_hand(shop.songket)) == (8, 2)
    assert count(Order) == 0 and count(StockMovement) == 0


def test_order_lines_keep_their_snapshot_after_catalogue_edits(shop):
    cart = fill_cart((shop.songket, 1), (shop.custom, 1))
    order = order_for(cart, "k-snap", now=NOW)
    order_id = order.id

    variant = db.session.get(Variant, shop.songket)
    variant.price = 2_000_000
    variant.sku = "RENAMED-SKU"
    product = db.session.get(Product, variant.product_id)
    product.name_id, product.name_en = "Nama Baru", "New Name"
    product.program_id = shop.baking_id
    program = db.session.get(TrainingProgram, shop.weaving_id)
    program.name_id, program.name_en = "Program Lain", "Other Programme"
    db.session.commit()
    db.session.expire_all()

    lines = (
        db.session.execute(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
        )
        .scalars()
        .all()
    )
    songket_line = next(line for line in lines if line.variant_id == shop.songket)
    assert songket_line.product_name_id == "Kain Songket Lepus"
    assert songket_line.product_name_en == "Lepus Songket Cloth"
    assert songket_line.unit_price == 1_500_000
    assert songket_line.line_total == 1_500_000
    assert songket_line.sku != "RENAMED-SKU"
    assert songket_line.program_id == shop.weaving_id
    assert songket_line.program_name_id == "Tenun Songket"
    assert songket_line.program_name_en == "Songket Weaving"
    assert songket_line.kind == "stock"
    custom_line = next(line for line in lines if line.variant_id == shop.custom)
    assert custom_line.kind == "made_to_order"
    assert custom_line.ready_by == NOW.date() + timedelta(days=21)
    saved = db.session.get(Order, order_id)
    assert saved.subtotal == saved.total == 4_500_000


def test_the_same_idempotency_key_returns_the_same_order(shop):
    cart = fill_cart((shop.songket, 2))

    first = order_for(cart, "k-twice")
    second = order_for(cart, "k-twice")  # a double click: the cart is already empty

    assert second.id == first.id
    assert count(Order) == 1
    assert on_hand(shop.songket) == 3
    assert count(StockMovement) == 1
    assert count(OutboxMessage) == 1


def test_placing_a_three_line_order_takes_few_distinct_queries(shop, count_queries):
    cart = fill_cart((shop.songket, 1), (shop.selendang, 2), (shop.custom, 1))
    db.session.remove()  # start from a cold session, as a request does

    with count_queries() as q:
        order_for(cart, "k-queries")

    shown = "\n".join(f"{i:2}: {' '.join(s.split())[:150]}" for i, s in enumerate(q.statements))
    assert q.count < 20, shown
    repeated = sorted({s for s in q.statements if q.statements.count(s) > 1})
    assert not repeated, f"repeated statements:\n{shown}"


def test_an_expired_reservation_gives_its_stock_back(shop):
    cart = fill_cart((shop.songket, 2), (shop.selendang, 3))
    order = order_for(cart, "k-expire", now=NOW)
    order_id = order.id
    expires_at = NOW + timedelta(minutes=current_app.config["BANK_TRANSFER_EXPIRY_MINUTES"])
    assert (on_hand(shop.songket), on_hand(shop.selendang)) == (3, 5)

    assert release_expired_reservations(now=expires_at - timedelta(minutes=1)) == 0
    assert (on_hand(shop.songket), on_hand(shop.selendang)) == (3, 5)

    assert release_expired_reservations(now=expires_at + timedelta(minutes=1)) == 1
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.EXPIRED
    assert (on_hand(shop.songket), on_hand(shop.selendang)) == (5, 8)
    net = db.session.execute(
        select(StockMovement.kind, func.sum(StockMovement.quantity))
        .where(StockMovement.order_id == order_id)
        .group_by(StockMovement.kind)
    ).all()
    assert dict(net) == {MovementKind.RESERVATION.value: -5, MovementKind.RELEASE.value: 5}

    # Running the job again changes nothing.
    assert release_expired_reservations(now=expires_at + timedelta(hours=1)) == 0
    assert (on_hand(shop.songket), on_hand(shop.selendang)) == (5, 8)


def test_service_errors_can_be_built_outside_a_request(app, shop):
    """A job or CLI command (no request) that hits a shop rule gets the rule's error,
    not ``RuntimeError: Working outside of request context`` from the locale selector."""
    raised = []

    def job() -> None:  # a thread of its own: no request context to inherit
        with app.app_context():
            try:
                place_order(
                    cart_token="no-such-cart",
                    cart_revision=None,
                    details=PICKUP,
                    idempotency_key="k-job",
                )
            except Exception as error:  # noqa: BLE001
                raised.append(error)

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()

    assert len(raised) == 1
    assert isinstance(raised[0], EmptyCart), repr(raised[0])


def test_fulfilment_steps_follow_payment_and_never_release_or_take_stock(shop):
    order = order_for(fill_cart((shop.selendang, 2)), "k-steps", details=COURIER)
    for step in ("packed", "cancelled", "paid"):  # unpaid: no step, and no cancelling here
        with pytest.raises(InvalidTransition):
            advance(STAFF, order_id=order.id, to_status=step)
    record_bank_transfer(
        STAFF,
        order_id=order.id,
        amount_rupiah=order.total,
        received_on=NOW.date(),
        bank_reference="BSB-1",
        now=NOW,
    )

    advance(STAFF, order_id=order.id, to_status="packed")
    with pytest.raises(InvalidShipment):  # shipping needs a courier and tracking number
        advance(STAFF, order_id=order.id, to_status="shipped")
    advance(
        STAFF,
        order_id=order.id,
        to_status="shipped",
        courier="jne",
        tracking_number="jne1234567890",
    )
    advance(STAFF, order_id=order.id, to_status="delivered")
    done = advance(STAFF, order_id=order.id, to_status="completed")

    assert done.status == OrderStatus.COMPLETED and done.tracking_number == "JNE1234567890"
    assert on_hand(shop.selendang) == 8 - 2
    with pytest.raises(InvalidTransition):
        advance(STAFF, order_id=order.id, to_status="refunded")
