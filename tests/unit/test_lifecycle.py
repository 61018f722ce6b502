"""An order's life, step by step: every step allowed and every other refused, per delivery
method, product kind and payment method, on SQLite and PostgreSQL.

Orders are placed from a cart and paid through the payment services; steps are
taken with ``advance`` as the staff screens take them. A refused step must
leave the order exactly as it was: status, payment, events, audit rows, stock
and e-mails.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from write_model_support import (
    STOCK,
    audit_since,
    events_of,
    last_audit_id,
    make_shop,
    movements_of,
    on_hand,
    outbox_kinds,
    pay,
    pay_by_transfer,
    place,
    race,
    reload,
    snapshot,
    staff,
)

from storefront.extensions import db
from storefront.orders.lifecycle import (
    InvalidShipment,
    InvalidTransition,
    advance,
    next_step,
    tracking_link,
)
from storefront.orders.models import Order, OrderStatus
from storefront.orders.services import CannotCancel, cancel_unpaid_order, expire_order
from storefront.payments.services import (
    PaymentError,
    RefundRequest,
    hand_over_for_cash,
    request_refund,
    send_refund,
)
from storefront.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("in_request")

ALL_STEPS = [str(s) for s in OrderStatus]
GOOD_SHIPMENT = {"courier": "jne", "tracking_number": "CGK1234567890"}


@pytest.fixture
def shop(app):
    return make_shop()


@pytest.fixture
def operations(app):
    return staff("operations", "Sari Operasional")


@pytest.fixture
def finance(app):
    return staff("finance", "Rina Keuangan")


def take(actor, order, step: str) -> Order:
    """Staff take ``step``; shipping comes with a courier and a tracking number."""
    extra = GOOD_SHIPMENT if step == "shipped" else {}
    return advance(actor, order_id=order.id, to_status=step, **extra)


def assert_only_step_allowed(actor, order, allowed: str | None) -> None:
    """Every step but ``allowed`` is refused with ``InvalidTransition`` and changes nothing.

    The refused steps are offered with a valid courier and tracking number, so
    a refusal is about the step, never about the shipment's details.
    """
    before = snapshot(order)
    for step in ALL_STEPS:
        if step == allowed:
            continue
        with pytest.raises(InvalidTransition):
            advance(actor, order_id=order.id, to_status=step, **GOOD_SHIPMENT)
        db.session.rollback()
    assert snapshot(order) == before
    assert next_step(reload(order)) == allowed


# Each order as the buyer places it, and the steps staff take after it is paid (card,
# transfer) or, for cash at pickup, after it is placed; cash orders end with the handover.
PATH_CASES = {
    "courier, stock, transfer": (
        ["stock"], "courier", "bank_transfer",
        ["paid", "packed", "shipped", "delivered", "completed"],
    ),
    "courier, made to order and stock, card": (
        ["made_to_order", "stock"], "courier", "stripe",
        ["paid", "in_production", "packed", "shipped", "delivered", "completed"],
    ),
    "same day, stock, card": (
        ["stock"], "same_day", "stripe",
        ["paid", "packed", "out_for_delivery", "delivered"],
    ),
    "same day, perishable, transfer": (
        ["perishable"], "same_day", "bank_transfer",
        ["paid", "packed", "out_for_delivery", "delivered"],
    ),
    "same day, made to order and perishable, transfer": (
        ["made_to_order", "perishable"], "same_day", "bank_transfer",
        ["paid", "in_production", "packed", "out_for_delivery", "delivered"],
    ),
    "pickup, stock, transfer": (
        ["stock"], "pickup", "bank_transfer",
        ["paid", "ready_for_pickup", "collected"],
    ),
    "pickup, perishable, card": (
        ["perishable"], "pickup", "stripe",
        ["paid", "ready_for_pickup", "collected"],
    ),
    "pickup, made to order, card": (
        ["made_to_order"], "pickup", "stripe",
        ["paid", "in_production", "ready_for_pickup", "collected"],
    ),
    "pickup, stock and perishable, cash": (
        ["stock", "perishable"], "pickup", "cash_on_pickup",
        ["ready_for_pickup", "collected"],
    ),
    "pickup, made to order, cash": (
        ["made_to_order"], "pickup", "cash_on_pickup",
        ["in_production", "ready_for_pickup", "collected"],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("kinds", "delivery", "payment", "path"), PATH_CASES.values(), ids=PATH_CASES
)
def test_each_order_takes_exactly_the_steps_of_its_path(
    shop, operations, kinds, delivery, payment, path
):
    order = place([(shop.variant(kind), 1) for kind in kinds], delivery=delivery, payment=payment)
    assert order.status == "awaiting_payment"
    steps = list(path)

    if payment == "cash_on_pickup":
        # Nothing to pay yet: the order is prepared first and paid at the counter.
        assert steps.pop() == "collected"
    else:
        # Unpaid: no step at all, and "paid" is never a step staff take by hand.
        assert_only_step_allowed(operations, order, None)
        pay(order, operations)
        assert reload(order).status == steps.pop(0) == "paid"

    for step in steps:
        assert_only_step_allowed(operations, order, step)
        taken = take(operations, order, step)
        assert taken.status == step
        assert events_of(order.id)[-1].to_status == step

    if payment == "cash_on_pickup":
        # Waiting at the counter unpaid: only the handover that takes the cash collects it.
        assert_only_step_allowed(operations, order, None)
        order = reload(order)
        hand_over_for_cash(
            operations, order_id=order.id, pickup_code=order.pickup_code, cash_received=order.total
        )
        assert reload(order).status == "collected"
        assert reload(order).payment_state == "paid"

    # The end of the path: nothing more can happen to it.
    assert_only_step_allowed(operations, order, None)
    moves = [e.to_status for e in events_of(order.id) if e.from_status != e.to_status]
    assert moves == ["awaiting_payment", *path]


def test_a_pickup_order_is_never_shipped_at_any_point(shop, operations):
    order = place([(shop.stock, 1)], delivery="pickup", payment="bank_transfer")
    pay(order, operations)
    for step in ("ready_for_pickup", "collected", None):
        for refused in ("shipped", "out_for_delivery", "packed", "delivered"):
            with pytest.raises(InvalidTransition):
                advance(operations, order_id=order.id, to_status=refused, **GOOD_SHIPMENT)
            db.session.rollback()
        assert reload(order).courier is None and reload(order).tracking_number is None
        if step:
            take(operations, order, step)
    assert "order_shipped" not in outbox_kinds(order.id)


@pytest.mark.parametrize(
    ("delivery", "payment"),
    [
        ("courier", "bank_transfer"),
        ("same_day", "stripe"),
        ("pickup", "bank_transfer"),
        ("pickup", "cash_on_pickup"),
    ],
)
def test_a_made_to_order_line_cannot_skip_production(shop, operations, delivery, payment):
    order = place([(shop.stock, 1), (shop.made_to_order, 1)], delivery=delivery, payment=payment)
    if payment != "cash_on_pickup":
        pay(order, operations)
    for skipping in ("packed", "ready_for_pickup", "shipped", "out_for_delivery"):
        with pytest.raises(InvalidTransition):
            advance(operations, order_id=order.id, to_status=skipping, **GOOD_SHIPMENT)
        db.session.rollback()
    take(operations, order, "in_production")
    assert reload(order).status == "in_production"


def test_a_transfer_that_falls_short_allows_no_step(shop, operations):
    order = place([(shop.stock, 1)])
    pay_by_transfer(order, operations, amount=order.total - 1_000)
    assert reload(order).payment_state == "amount_mismatch"

    assert_only_step_allowed(operations, order, None)


# --- Shipping: a known courier and a tracking number in its format ------------------


def packed_courier_order(shop, operations) -> Order:
    order = place([(shop.stock, 1)], delivery="courier")
    pay(order, operations)
    take(operations, order, "packed")
    return reload(order)


BAD_SHIPMENTS = {
    "5,000-character tracking number": ("jne", "A" * 5000),
    "unknown courier": ("dhl", "CGK1234567890"),
    "no courier": ("", "CGK1234567890"),
    "courier missing": (None, "CGK1234567890"),
    "no tracking number": ("jne", ""),
    "tracking number missing": ("jne", None),
    "blank tracking number": ("jne", "   \t "),
    "letters for SiCepat (digits only)": ("sicepat", "ABCDEFGHIJKL"),
    "too short for J&T": ("jnt", "JP12"),
    "markup": ("jne", "<script>1</script>"),
    "NUL byte": ("jne", "CGK123\x004567890"),
    "a 41-character 'other' number": ("other", "R" * 41),
    "courier code with markup": ("<jne>", "CGK1234567890"),
}


@pytest.mark.parametrize(("courier", "number"), BAD_SHIPMENTS.values(), ids=BAD_SHIPMENTS)
def test_a_bad_courier_or_tracking_number_is_refused_and_changes_nothing(
    shop, operations, courier, number
):
    order = packed_courier_order(shop, operations)
    before = snapshot(order)

    with pytest.raises(InvalidShipment) as refused:
        advance(
            operations, order_id=order.id, to_status="shipped", courier=courier,
            tracking_number=number,
        )  # fmt: skip
    db.session.rollback()

    assert refused.value.message and refused.value.status_code == 422
    assert snapshot(order) == before
    assert "order_shipped" not in outbox_kinds(order.id)


GOOD_NUMBERS = {
    "jne": ("cgk 1234 5678 90", "CGK1234567890", "jne.co.id"),
    "jnt": ("JP1234567890", "JP1234567890", "jet.co.id"),
    "sicepat": ("000123456789", "000123456789", "sicepat.com"),
    "pos": ("p2312010012345", "P2312010012345", "posindonesia.co.id"),
    "anteraja": ("10001234567890", "10001234567890", "anteraja.id"),
    "gosend": ("GK-11-123456", "GK-11-123456", None),
    "grab": ("in-2-abcdef123", "IN-2-ABCDEF123", None),
    "other": ("resi  lokal 001", "RESI LOKAL 001", None),
}


@pytest.mark.parametrize("courier", GOOD_NUMBERS)
def test_shipping_with_a_known_courier_gives_the_buyer_a_tracking_link(shop, operations, courier):
    typed, stored, site = GOOD_NUMBERS[courier]
    order = packed_courier_order(shop, operations)
    mark = last_audit_id()

    shipped = advance(
        operations, order_id=order.id, to_status="shipped", courier=courier, tracking_number=typed
    )

    assert (shipped.status, shipped.courier, shipped.tracking_number) == (
        "shipped",
        courier,
        stored,
    )
    link = tracking_link(shipped)
    if site:
        assert site in link and stored in link
    else:
        assert link is None
    assert outbox_kinds(order.id)[-1] == "order_shipped"
    [row] = [r for r in audit_since(mark) if r.action == "order.shipped"]
    # The tracking number leads to the buyer's address: the append-only log keeps
    # only that one was given.
    assert stored not in row.changes and courier in row.changes


def test_two_staff_pressing_ship_at_once_ship_the_order_once(app, shop, operations):
    order = packed_courier_order(shop, operations)
    second = staff("operations", "Dewi Operasional")

    order_id = order.id  # threads read no object of this session

    def ship(actor, number):
        def press():
            shipped = advance(
                actor, order_id=order_id, to_status="shipped", courier="jne", tracking_number=number
            )
            return shipped.tracking_number

        return press

    outcome = race(
        app,
        [ship(operations, "CGK1111111111"), ship(second, "CGK2222222222")],
        refused=(InvalidTransition,),
    )

    assert outcome.crashes == []
    assert len(outcome.values) == 1 and len(outcome.refusals) == 1
    order = reload(order)
    assert order.tracking_number == outcome.values[0]
    assert [e.to_status for e in events_of(order.id)].count("shipped") == 1
    assert outbox_kinds(order.id).count("order_shipped") == 1


# --- The database itself refuses statuses it does not know ---------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "refunded"),
        ("status", "partially_refunded"),
        ("status", "pending_payment"),
        ("status", "PAID"),
        ("status", ""),
        ("payment_state", "needs_refund"),
        ("payment_state", "Paid"),
        ("payment_state", "refunded"),
    ],
)
def test_the_database_refuses_an_unknown_status_or_payment_state(shop, column, value):
    order = place([(shop.stock, 1)])
    before = snapshot(order)

    with pytest.raises(IntegrityError):
        db.session.execute(update(Order).where(Order.id == order.id).values({column: value}))
        db.session.flush()
    db.session.rollback()

    assert snapshot(order) == before


# --- Cancelling unpaid orders -----------------------------------------------------


@pytest.mark.parametrize(
    ("delivery", "payment", "steps"),
    [
        ("courier", "bank_transfer", []),
        ("courier", "stripe", []),
        ("pickup", "cash_on_pickup", []),
        ("pickup", "cash_on_pickup", ["ready_for_pickup"]),
        ("pickup", "cash_on_pickup", ["in_production"]),
        ("pickup", "cash_on_pickup", ["in_production", "ready_for_pickup"]),
    ],
    ids=["transfer", "card", "cash", "cash at the counter", "cash in production", "cash made"],
)
def test_cancelling_an_unpaid_order_puts_its_stock_back(shop, operations, delivery, payment, steps):
    lines = [(shop.stock, 2)]
    if "in_production" in steps:
        lines.append((shop.made_to_order, 1))
    order = place(lines, delivery=delivery, payment=payment)
    for step in steps:
        take(operations, order, step)
    assert on_hand(shop.stock) == STOCK - 2

    cancelled = cancel_unpaid_order(operations, order_id=order.id, reason="buyer asked by phone")

    assert cancelled.status == "cancelled" and cancelled.payment_state == "unpaid"
    assert on_hand(shop.stock) == STOCK
    assert ("release", shop.stock, 2) in movements_of(order.id)
    assert outbox_kinds(order.id)[-1] == "order_cancelled"
    assert events_of(order.id)[-1].note == "buyer asked by phone"
    assert_only_step_allowed(operations, order, None)


def test_the_buyer_can_cancel_their_own_unpaid_order(shop):
    from storefront.accounts.permissions import BUYER

    order = place([(shop.stock, 3)], delivery="pickup", payment="cash_on_pickup")

    cancel_unpaid_order(BUYER, order_id=order.id, reason="")

    assert reload(order).status == "cancelled"
    assert on_hand(shop.stock) == STOCK
    assert events_of(order.id)[-1].actor_role == "buyer"


def paid_order(shop, operations):
    order = place([(shop.stock, 2)])
    pay(order, operations)
    return order


def short_paid_order(shop, operations):
    order = place([(shop.stock, 2)])
    pay_by_transfer(order, operations, amount=100_000)
    return order


def cancelled_order(shop, operations):
    order = place([(shop.stock, 2)])
    cancel_unpaid_order(operations, order_id=order.id, reason="dobel")
    return order


def expired_order(shop, operations):
    order = place([(shop.stock, 2)], now=utcnow() - timedelta(days=3))
    assert expire_order(order)
    return order


def shipped_order(shop, operations):
    order = packed_courier_order(shop, operations)
    take(operations, order, "shipped")
    return order


@pytest.mark.parametrize(
    "make", [paid_order, short_paid_order, cancelled_order, expired_order, shipped_order]
)
def test_an_order_with_money_received_or_closed_cannot_be_cancelled(shop, operations, make):
    order = make(shop, operations)
    before = snapshot(order)

    with pytest.raises(CannotCancel):
        cancel_unpaid_order(operations, order_id=order.id, reason="salah pesan")
    db.session.rollback()

    assert snapshot(order) == before  # in particular no stock came back a second time


def test_two_staff_cancelling_at_once_put_the_stock_back_once(app, shop, operations):
    order = place([(shop.stock, 4)])
    second = staff("operations", "Dewi Operasional")

    order_id = order.id

    def cancel(actor):
        return lambda: cancel_unpaid_order(actor, order_id=order_id, reason="duplikat").status

    outcome = race(app, [cancel(operations), cancel(second)], refused=(CannotCancel,))

    assert outcome.crashes == []
    assert outcome.values == ["cancelled"] and len(outcome.refusals) == 1
    assert on_hand(shop.stock) == STOCK
    assert [m for m in movements_of(order.id) if m[0] == "release"] == [("release", shop.stock, 4)]


def test_a_transfer_arriving_after_cancellation_is_kept_for_a_refund(shop, operations):
    order = cancelled_order(shop, operations)

    outcome = pay_by_transfer(order, operations)

    order = reload(order)
    assert outcome.result == "refund_needed"
    assert (order.status, order.payment_state) == ("cancelled", "paid_after_expiry")
    assert order.invoice_number is None and on_hand(shop.stock) == STOCK


# --- Refunds never move an order back ----------------------------------------------


@pytest.mark.parametrize(
    "steps",
    [
        [],
        ["in_production"],
        ["in_production", "packed"],
        ["in_production", "packed", "shipped"],
        ["in_production", "packed", "shipped", "delivered"],
        ["in_production", "packed", "shipped", "delivered", "completed"],
    ],
    ids=["paid", "in production", "packed", "shipped", "delivered", "completed"],
)
def test_a_partial_refund_leaves_the_order_where_it_is(shop, operations, finance, steps):
    order = place([(shop.stock, 2), (shop.made_to_order, 1)], delivery="courier")
    pay(order, operations)
    for step in steps:
        take(operations, order, step)
    order = reload(order)
    status, following = order.status, next_step(order)
    songket = next(line for line in order.lines if line.variant_id == shop.stock)

    asked = request_refund(
        finance,
        order_id=order.id,
        request=RefundRequest(lines={songket.id: (1, True)}),
        reason="satu kain cacat",
        approval_limit=10**9,
    )
    assert reload(order).status == status
    send_refund(finance, refund_id=asked.id, outgoing_reference="TRF-OUT-1")

    order = reload(order)
    assert (order.status, next_step(order)) == (status, following)
    assert order.refund_state == "partially_refunded"
    assert order.payment_state == "paid"


@pytest.mark.parametrize("shipped", [False, True], ids=["before dispatch", "after dispatch"])
def test_a_full_refund_cancels_before_dispatch_and_never_goes_back(
    shop, operations, finance, shipped
):
    order = packed_courier_order(shop, operations)
    if shipped:
        take(operations, order, "shipped")
    [line] = reload(order).lines

    asked = request_refund(
        finance,
        order_id=order.id,
        request=RefundRequest(lines={line.id: (1, True)}, delivery_fee=True),
        reason="pembeli membatalkan",
        approval_limit=10**9,
    )
    send_refund(finance, refund_id=asked.id, outgoing_reference="TRF-OUT-2")

    order = reload(order)
    assert order.refund_state == "refunded"
    if shipped:
        # The parcel is on its way: the money went back but the order stays shipped.
        assert order.status == "shipped" and next_step(order) == "delivered"
    else:
        assert order.status == "cancelled"
        assert_only_step_allowed(operations, order, None)
    statuses = [e.to_status for e in events_of(order.id)]
    assert "paid" not in statuses[statuses.index("packed") :]


# --- Cash at pickup: collected only by the handover -----------------------------------


def test_a_cash_order_cannot_be_collected_by_hand_or_handed_over_early(shop, operations):
    order = place([(shop.stock, 1)], delivery="pickup", payment="cash_on_pickup")
    with pytest.raises(PaymentError):  # not yet at the counter
        hand_over_for_cash(
            operations, order_id=order.id, pickup_code=order.pickup_code, cash_received=10**6
        )
    db.session.rollback()
    take(operations, order, "ready_for_pickup")
    with pytest.raises(InvalidTransition):
        advance(operations, order_id=order.id, to_status="collected")
    db.session.rollback()

    assert reload(order).status == "ready_for_pickup"
    assert reload(order).payment_state == "unpaid"
