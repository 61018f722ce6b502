"""Money in and out of an order at the service level, on SQLite and PostgreSQL: bank
transfers staff read off the statement, cash handed over at the counter, and refunds
by line with approval, restock or write-off; and the races between them.

A refused request must change nothing an operator could see: the order's states,
receipts, invoice number, ledger, stock, e-mails and audit rows.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from write_model_support import (
    STOCK,
    audit_since,
    charge_card_order,
    count,
    deliver_succeeded_webhook,
    events_of,
    last_audit_id,
    ledger_total,
    make_shop,
    movements_of,
    on_hand,
    outbox_kinds,
    pay_by_transfer,
    place,
    race,
    receipts_of,
    reload,
    snapshot,
    staff,
)

from storefront.extensions import db
from storefront.inventory.models import StockMovement
from storefront.orders.lifecycle import advance
from storefront.orders.models import Order
from storefront.payments import services as payments
from storefront.payments.models import Refund
from storefront.payments.services import (
    NeedsApproval,
    PaymentError,
    RefundError,
    RefundRequest,
    approve_refund,
    hand_over_for_cash,
    record_bank_transfer,
    request_refund,
    send_refund,
)
from storefront.timeutil import SHOP_TIMEZONE

pytestmark = pytest.mark.usefixtures("in_request")

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 in Palembang
APPROVAL_LIMIT = 1_000_000
_outgoing = itertools.count(1)


@pytest.fixture
def shop(app):
    return make_shop()


@pytest.fixture
def operations(app):
    return staff("operations", "Sari Operasional")


@pytest.fixture
def finance(app):
    return staff("finance", "Rina Keuangan")


def transfer(order, actor, **kwargs):
    return pay_by_transfer(order, actor, **kwargs)


def invoice_of(order) -> str | None:
    return reload(order).invoice_number


# --- Bank transfers ------------------------------------------------------------------


def test_an_exact_transfer_pays_the_order_with_invoice_ledger_and_email(shop, operations):
    first = place([(shop.stock, 2)], now=NOW)
    second = place([(shop.made_to_order, 1)], now=NOW)
    received_on = date(2026, 3, 9)

    outcome = record_bank_transfer(
        operations,
        order_id=first.id,
        amount_rupiah=first.total,
        received_on=received_on,
        bank_reference="  BSB 0042\t771 ",
        now=NOW,
    )

    order = reload(first)
    assert outcome.result == "paid"
    assert (order.status, order.payment_state) == ("paid", "paid")
    assert order.paid_at is not None
    assert order.invoice_number == "INV/2026/000001"
    assert ledger_total(order.id) == order.subtotal
    assert "order_paid" in outbox_kinds(order.id)
    [receipt] = receipts_of(order.id)
    assert (receipt.method, receipt.amount, receipt.reference, receipt.received_on) == (
        "bank_transfer",
        order.total,
        "BSB 0042 771",
        received_on,
    )
    assert (receipt.actor_user_id, receipt.actor_label) == (operations.user_id, operations.label)
    assert on_hand(shop.stock) == STOCK - 2  # reserved at placing, sold now: no second take

    transfer(second, operations, now=NOW + timedelta(hours=1))
    assert invoice_of(second) == "INV/2026/000002"


def test_invoice_numbers_leave_no_gap_when_a_payment_is_rolled_back(shop, operations, monkeypatch):
    orders = [place([(shop.stock, 1)], now=NOW) for _ in range(3)]
    transfer(orders[0], operations, now=NOW)

    def broken(order):
        raise RuntimeError("the staff e-mail could not be queued")

    monkeypatch.setattr(payments, "notify_staff_of_paid_order", broken)
    with pytest.raises(RuntimeError):
        transfer(orders[1], operations, now=NOW)
    db.session.rollback()
    monkeypatch.undo()
    assert invoice_of(orders[1]) is None and receipts_of(orders[1].id) == []

    transfer(orders[2], operations, now=NOW)
    transfer(orders[1], operations, now=NOW)

    assert [invoice_of(o) for o in orders] == [
        "INV/2026/000001",
        "INV/2026/000003",
        "INV/2026/000002",
    ]


def test_invoice_numbers_start_again_on_new_year_in_palembang(shop, operations):
    late = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 23:30 on 31 December in Palembang
    after_midnight = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January
    old_year = place([(shop.stock, 1)], now=late)
    new_year = place([(shop.stock, 1)], now=late)

    transfer(old_year, operations, now=late)
    transfer(new_year, operations, now=after_midnight)

    assert invoice_of(old_year) == "INV/2026/000001"
    assert invoice_of(new_year) == "INV/2027/000001"


@pytest.mark.parametrize(
    "difference", [-1, -100_000, +1, +250_000], ids=["Rp1 short", "short", "Rp1 over", "over"]
)
def test_a_short_or_excess_transfer_is_kept_and_flagged_not_believed(shop, operations, difference):
    order = place([(shop.stock, 2)])

    outcome = transfer(order, operations, amount=order.total + difference)

    order = reload(order)
    assert outcome.result == "mismatch"
    assert (order.status, order.payment_state) == ("awaiting_payment", "amount_mismatch")
    assert order.invoice_number is None and order.paid_at is None
    assert ledger_total(order.id) == 0
    assert "order_paid" not in outbox_kinds(order.id)
    assert [r.amount for r in receipts_of(order.id)] == [order.total + difference]
    assert on_hand(shop.stock) == STOCK - 2  # the goods stay reserved for the buyer


def test_a_second_transfer_completing_a_short_one_pays_the_order(shop, operations):
    order = place([(shop.stock, 1)])
    transfer(order, operations, amount=200_000, reference="BSB-1001")

    outcome = transfer(order, operations, amount=order.total - 200_000, reference="BSB-1002")

    order = reload(order)
    assert outcome.result == "paid"
    assert (order.status, order.payment_state) == ("paid", "paid")
    assert order.invoice_number == f"INV/{datetime.now(SHOP_TIMEZONE).year}/000001"
    assert ledger_total(order.id) == order.subtotal
    assert [r.amount for r in receipts_of(order.id)] == [200_000, order.total - 200_000]


@pytest.mark.parametrize(
    "again",
    ["BSB-1001", "  BSB-1001 ", "BSB-1001\t"],
    ids=["same", "with spaces", "with a tab"],
)
def test_the_same_bank_reference_twice_is_refused(shop, operations, again):
    order = place([(shop.stock, 1)])
    transfer(order, operations, amount=200_000, reference="BSB-1001")
    before = snapshot(order)

    with pytest.raises(PaymentError):
        transfer(order, operations, amount=order.total - 200_000, reference=again)
    db.session.rollback()

    assert snapshot(order) == before


def test_a_bank_reference_already_used_for_another_order_is_refused(shop, operations):
    paid = place([(shop.stock, 1)])
    transfer(paid, operations, reference="BSB-7777")
    other = place([(shop.stock, 1)])
    before = snapshot(other)

    with pytest.raises(PaymentError):
        transfer(other, operations, reference="BSB-7777")
    db.session.rollback()

    assert snapshot(other) == before


BAD_AMOUNTS = {
    "in letters": "seratus lima puluh ribu",
    "digits as text": "450000",
    "with dots": "450.000",
    "a float": 450_000.0,
    "negative": -450_000,
    "zero": 0,
    "huge": 10**15,
    "a yes": True,
    "nothing": None,
}


@pytest.mark.parametrize("amount", BAD_AMOUNTS.values(), ids=BAD_AMOUNTS)
def test_a_transfer_amount_that_is_not_whole_rupiah_is_refused_and_changes_nothing(
    shop, operations, amount
):
    order = place([(shop.stock, 1)])
    before = snapshot(order)

    with pytest.raises(PaymentError):
        record_bank_transfer(
            operations,
            order_id=order.id,
            amount_rupiah=amount,
            received_on=date.today(),
            bank_reference="BSB-2001",
        )
    db.session.rollback()

    assert snapshot(order) == before


def test_other_bad_transfer_details_are_refused_and_change_nothing(shop, operations):
    order = place([(shop.stock, 1)])
    card = place([(shop.stock, 1)], payment="stripe")
    cash = place([(shop.stock, 1)], delivery="pickup", payment="cash_on_pickup")
    before = [snapshot(o) for o in (order, card, cash)]
    tomorrow = datetime.now(SHOP_TIMEZONE).date() + timedelta(days=1)
    attempts = [
        dict(order_id=order.id, bank_reference=""),
        dict(order_id=order.id, bank_reference="   "),
        dict(order_id=order.id, bank_reference="R" * 61),
        dict(order_id=order.id, bank_reference="BSB-1", received_on=tomorrow),
        dict(order_id=card.id, bank_reference="BSB-2"),
        dict(order_id=cash.id, bank_reference="BSB-3"),
        dict(order_id=987_654, bank_reference="BSB-4"),
    ]

    for attempt in attempts:
        with pytest.raises(PaymentError):
            record_bank_transfer(
                operations,
                amount_rupiah=order.total,
                **{"received_on": date.today(), **attempt},
            )
        db.session.rollback()

    assert [snapshot(o) for o in (order, card, cash)] == before


def test_a_transfer_for_an_order_already_paid_is_refused(shop, operations):
    order = place([(shop.stock, 1)])
    transfer(order, operations)
    before = snapshot(order)

    with pytest.raises(PaymentError):
        transfer(order, operations, reference="BSB-LAGI")
    db.session.rollback()

    assert snapshot(order) == before


@pytest.mark.parametrize(
    "references",
    [("BSB-0042", "BSB-0042"), ("BSB-0042", "BSB 0042")],
    ids=["the same reference", "the reference typed differently"],
)
def test_two_staff_confirming_one_transfer_at_once_change_the_order_once(
    app, shop, operations, references
):
    """Both see the same line on the bank statement and press "confirm" together."""
    second = staff("operations", "Dewi Operasional")
    for round_ in range(4):
        order = place([(shop.stock, 1)])

        def confirm(actor, reference, order_id=order.id, total=order.total):
            return lambda: (
                record_bank_transfer(
                    actor,
                    order_id=order_id,
                    amount_rupiah=total,
                    received_on=date.today(),
                    bank_reference=reference,
                ).result
            )

        outcome = race(
            app,
            [
                confirm(operations, f"{references[0]}-{round_}"),
                confirm(second, f"{references[1]}-{round_}"),
            ],
            refused=(PaymentError,),
        )

        where = f"round {round_}"
        assert outcome.crashes == [], "\n".join(outcome.crashes)
        assert outcome.values == ["paid"], where
        assert len(outcome.refusals) == 1 and outcome.refusals[0].message, where
        order = reload(order)
        assert (order.status, order.payment_state) == ("paid", "paid"), where
        assert len(receipts_of(order.id)) == 1, where
        assert [e.to_status for e in events_of(order.id)].count("paid") == 1, where
        assert ledger_total(order.id) == order.subtotal, where
        assert outbox_kinds(order.id).count("order_paid") == 1, where


# --- Cash at pickup ---------------------------------------------------------------------


def at_the_counter(shop, operations, lines=None) -> Order:
    order = place(lines or [(shop.stock, 1)], delivery="pickup", payment="cash_on_pickup")
    advance(operations, order_id=order.id, to_status="ready_for_pickup")
    return reload(order)


def test_the_right_code_and_enough_cash_pays_and_collects_the_order_at_once(shop, operations):
    order = at_the_counter(shop, operations, [(shop.stock, 1), (shop.perishable, 2)])
    typed = " ".join(order.pickup_code.lower())  # read out letter by letter

    hand_over_for_cash(operations, order_id=order.id, pickup_code=typed, cash_received=500_000)

    order = reload(order)
    assert (order.status, order.payment_state) == ("collected", "paid")
    assert order.invoice_number is not None
    [receipt] = receipts_of(order.id)
    assert (receipt.method, receipt.amount) == ("cash_on_pickup", order.total)
    assert receipt.actor_label == operations.label
    assert "500000" in receipt.note  # the cash actually handed over, change given from the till
    assert ledger_total(order.id) == order.subtotal
    assert ("sale", shop.stock, 0) in movements_of(order.id)
    assert on_hand(shop.stock) == STOCK - 1


def test_exactly_the_total_in_cash_is_enough(shop, operations):
    order = at_the_counter(shop, operations)

    hand_over_for_cash(
        operations, order_id=order.id, pickup_code=order.pickup_code, cash_received=order.total
    )

    assert reload(order).status == "collected"


def test_a_pickup_code_of_another_order_or_too_little_cash_is_refused(shop, operations):
    order = at_the_counter(shop, operations)
    other = at_the_counter(shop, operations)
    before = snapshot(order)
    attempts = [
        (other.pickup_code, order.total),
        ("", order.total),
        (order.pickup_code[:-1], order.total),
        (order.pickup_code + "X", order.total),
        (order.pickup_code, order.total - 1),
        (order.pickup_code, 0),
        (order.pickup_code, -order.total),
        (order.pickup_code, "lima ratus ribu"),
        (order.pickup_code, float(order.total)),
    ]

    for code, cash in attempts:
        with pytest.raises(PaymentError):
            hand_over_for_cash(operations, order_id=order.id, pickup_code=code, cash_received=cash)
        db.session.rollback()

    assert snapshot(order) == before
    assert reload(other).status == "ready_for_pickup"


def test_cash_handover_is_refused_for_orders_not_paid_in_cash(shop, operations):
    transfer_order = place([(shop.stock, 1)], delivery="pickup", payment="bank_transfer")
    before = snapshot(transfer_order)

    with pytest.raises(PaymentError):
        hand_over_for_cash(
            operations, order_id=transfer_order.id, pickup_code=transfer_order.pickup_code,
            cash_received=10**6,
        )  # fmt: skip
    db.session.rollback()

    assert snapshot(transfer_order) == before


def test_a_handover_that_fails_before_it_is_collected_leaves_the_order_unpaid(
    shop, operations, monkeypatch
):
    """Paying and collecting are one transaction: if the collected step cannot be
    written, the till's cash is not booked against an order still at the counter."""
    order = at_the_counter(shop, operations)
    before = snapshot(order)

    def connection_lost(*args, **kwargs):
        raise RuntimeError("connection to the database lost")

    monkeypatch.setattr(payments, "claim_status", connection_lost)
    with pytest.raises(RuntimeError):
        hand_over_for_cash(
            operations, order_id=order.id, pickup_code=order.pickup_code, cash_received=order.total
        )
    db.session.rollback()
    monkeypatch.undo()

    assert snapshot(order) == before
    hand_over_for_cash(
        operations, order_id=order.id, pickup_code=order.pickup_code, cash_received=order.total
    )
    assert reload(order).status == "collected"


def test_two_counters_handing_over_one_order_collect_it_once(app, shop, operations):
    order = at_the_counter(shop, operations)
    second = staff("operations", "Dewi Kasir")

    order_id, code, total = order.id, order.pickup_code, order.total

    def hand_over(actor):
        return lambda: (
            hand_over_for_cash(
                actor, order_id=order_id, pickup_code=code, cash_received=total
            ).status
        )

    outcome = race(app, [hand_over(operations), hand_over(second)], refused=(PaymentError,))

    assert outcome.crashes == [], "\n".join(outcome.crashes)
    assert outcome.values == ["collected"] and len(outcome.refusals) == 1
    assert len(receipts_of(order.id)) == 1
    assert ledger_total(order.id) == reload(order).subtotal


# --- Refunds ----------------------------------------------------------------------------


def ask(actor, order, lines=None, *, delivery_fee=False, money_only=0, limit=APPROVAL_LIMIT):
    return request_refund(
        actor,
        order_id=order.id,
        request=RefundRequest(
            lines={lid: (q, restock) for lid, (q, restock) in (lines or {}).items()},
            delivery_fee=delivery_fee,
            money_only=money_only,
        ),
        reason="barang rusak dalam pengiriman",
        approval_limit=limit,
    )


def send(actor, refund):
    return send_refund(actor, refund_id=refund.id, outgoing_reference=f"OUT-{next(_outgoing)}")


def line_of(order, variant_id):
    return next(line for line in reload(order).lines if line.variant_id == variant_id)


def paid_order(shop, operations, lines=None, delivery="courier"):
    order = place(lines or [(shop.stock, 3)], delivery=delivery)
    transfer(order, operations)
    return reload(order)


def test_a_refund_is_capped_by_the_money_received_not_the_order_total(shop, operations, finance):
    order = place([(shop.stock, 1)])
    transfer(order, operations, amount=200_000)  # short: the buyer sent less than the total
    line = line_of(order, shop.stock)
    before = snapshot(order)

    for lines, money_only in (({line.id: (1, True)}, 0), (None, 200_001)):
        with pytest.raises(RefundError):
            ask(finance, order, lines, money_only=money_only)
        db.session.rollback()
    assert snapshot(order) == before

    send(finance, ask(finance, order, money_only=200_000))  # the buyer gets back what they sent

    order = reload(order)
    assert order.refunded_total == 200_000 == order.received_total
    with pytest.raises(RefundError):
        ask(finance, order, money_only=1)
    db.session.rollback()


def test_sending_a_short_payment_back_in_full_cancels_the_order_and_frees_its_stock(
    shop, operations, finance
):
    """The buyer never tops up a short transfer: finance sends the money back, and the
    order stops holding the goods (an order with money received cannot expire)."""
    order = place([(shop.stock, 2)])
    transfer(order, operations, amount=200_000)
    assert on_hand(shop.stock) == STOCK - 2

    send(finance, ask(finance, order, money_only=200_000))

    order = reload(order)
    assert order.status == "cancelled"
    assert order.refunded_total == order.received_total == 200_000
    assert order.invoice_number is None and ledger_total(order.id) == 0
    assert on_hand(shop.stock) == STOCK
    assert ("release", shop.stock, 2) in movements_of(order.id)
    assert outbox_kinds(order.id)[-1] == "order_refunded"


def test_a_short_payment_sent_back_partly_by_line_frees_each_unit_once(shop, operations, finance):
    order = place([(shop.stock, 1), (shop.perishable, 2)], delivery="pickup")
    transfer(order, operations, amount=200_000)
    roti = line_of(order, shop.perishable)

    send(finance, ask(finance, order, {roti.id: (2, True)}))  # the bread goes back first
    send(finance, ask(finance, order, money_only=200_000 - roti.line_total))

    assert reload(order).status == "cancelled"
    assert (on_hand(shop.stock), on_hand(shop.perishable)) == (STOCK, STOCK)


def test_sending_back_part_of_a_short_payment_keeps_the_goods_reserved(shop, operations, finance):
    order = place([(shop.stock, 2)])
    transfer(order, operations, amount=200_000)

    send(finance, ask(finance, order, money_only=50_000))

    order = reload(order)
    assert (order.status, order.payment_state) == ("awaiting_payment", "amount_mismatch")
    assert on_hand(shop.stock) == STOCK - 2


def test_a_paid_order_refunds_at_most_what_it_was_paid(shop, operations, finance):
    order = paid_order(shop, operations, [(shop.stock, 1)])
    line = line_of(order, shop.stock)

    send(finance, ask(finance, order, {line.id: (1, True)}, delivery_fee=True, limit=10**9))

    order = reload(order)
    assert order.refunded_total == order.total and order.refund_state == "refunded"
    before = snapshot(order)
    for kwargs in ({"delivery_fee": True}, {"money_only": 1}, {"lines": {line.id: (1, True)}}):
        with pytest.raises(RefundError):
            ask(finance, order, **kwargs)
        db.session.rollback()
    assert snapshot(order) == before


def test_refunding_the_excess_of_an_overpayment_settles_the_order(shop, operations, finance):
    order = place([(shop.stock, 1)])
    transfer(order, operations, amount=order.total + 50_000)
    assert reload(order).payment_state == "amount_mismatch"

    send(finance, ask(finance, order, money_only=50_000))

    order = reload(order)
    assert (order.status, order.payment_state) == ("paid", "paid")
    assert order.invoice_number is not None
    assert ledger_total(order.id) == order.subtotal


def test_refunds_are_capped_by_the_units_left_on_each_line(shop, operations, finance):
    order = paid_order(shop, operations, [(shop.stock, 3), (shop.second_stock, 1)])
    songket, selendang = line_of(order, shop.stock), line_of(order, shop.second_stock)
    other_order = paid_order(shop, operations, [(shop.stock, 1)])
    foreign = line_of(other_order, shop.stock)

    pending = ask(finance, order, {songket.id: (2, True)})  # asked, not yet sent
    refused = [
        {songket.id: (2, True)},  # only one left once the pending two are counted
        {selendang.id: (2, True)},
        {foreign.id: (1, True)},  # a line of another order
        {songket.id: (-1, True)},
        {songket.id: ("1", True)},
        {songket.id: (1.5, True)},
        {songket.id: (0, True)},  # nothing at all
    ]
    before = snapshot(order)
    for lines in refused:
        with pytest.raises(RefundError):
            ask(finance, order, lines)
        db.session.rollback()
    assert snapshot(order) == before

    send(finance, pending)
    send(finance, ask(finance, order, {songket.id: (1, True), selendang.id: (1, True)}))

    order = reload(order)
    assert payments.refunded_units(order) == {songket.id: 3, selendang.id: 1}
    with pytest.raises(RefundError):
        ask(finance, order, {songket.id: (1, True)})
    db.session.rollback()


def test_a_refund_above_the_limit_needs_a_second_finance_officer(shop, operations, finance):
    order = paid_order(shop, operations, [(shop.stock, 3)])  # Rp1.350.000 of goods
    line = line_of(order, shop.stock)
    second = staff("finance", "Budi Keuangan")
    auditor = staff("auditor", "Pak Inspektur")

    refund = ask(finance, order, {line.id: (3, True)})
    assert refund.needs_approval and refund.amount > APPROVAL_LIMIT

    with pytest.raises(NeedsApproval):
        send(finance, refund)
    db.session.rollback()
    for not_allowed in (finance, operations, auditor):  # the requester, and roles without the right
        with pytest.raises(RefundError):
            approve_refund(not_allowed, refund_id=refund.id)
        db.session.rollback()
    refund = db.session.get(Refund, refund.id)
    assert refund.status == "requested" and refund.approved_by_user_id is None
    assert on_hand(shop.stock) == STOCK - 3 and ledger_total(order.id) == order.subtotal

    approve_refund(second, refund_id=refund.id)
    with pytest.raises(RefundError):  # approved once only
        approve_refund(second, refund_id=refund.id)
    db.session.rollback()
    send(finance, refund)

    refund = db.session.get(Refund, refund.id)
    assert (refund.status, refund.approved_by_user_id) == ("settled", second.user_id)
    assert refund.requested_by_user_id == finance.user_id
    assert ledger_total(order.id) == 0
    assert on_hand(shop.stock) == STOCK


def test_a_refund_at_or_below_the_limit_is_sent_without_approval(shop, operations, finance):
    order = paid_order(shop, operations, [(shop.stock, 2)])  # Rp900.000 of goods
    line = line_of(order, shop.stock)

    refund = ask(finance, order, {line.id: (2, True)})

    assert not refund.needs_approval
    assert send(finance, refund).status == "settled"


def test_refunded_units_go_back_on_the_shelf_or_are_written_off(shop, operations, finance):
    order = paid_order(shop, operations, [(shop.stock, 3)])
    line = line_of(order, shop.stock)
    assert on_hand(shop.stock) == STOCK - 3

    send(finance, ask(finance, order, {line.id: (1, True)}))
    assert on_hand(shop.stock) == STOCK - 2
    send(finance, ask(finance, order, {line.id: (2, False)}))
    assert on_hand(shop.stock) == STOCK - 2  # damaged: back in the books, then off the shelf

    after_sale = [m for m in movements_of(order.id) if m[0] in ("return", "write_off")]
    assert after_sale == [
        ("return", shop.stock, 1),
        ("return", shop.stock, 2),
        ("write_off", shop.stock, -2),
    ]
    reasons = db.session.scalars(
        select(StockMovement.reason).where(
            StockMovement.order_id == order.id, StockMovement.kind == "write_off"
        )
    ).all()
    assert reasons == ["damaged"]
    assert ledger_total(order.id) == 0


def test_two_finance_officers_refunding_the_last_unit_at_once_refund_it_once(
    app, shop, operations, finance
):
    order = paid_order(shop, operations, [(shop.stock, 1)])
    line = line_of(order, shop.stock)
    second = staff("finance", "Budi Keuangan")

    order_id, line_id = order.id, line.id

    def asks(actor):
        return lambda: (
            request_refund(
                actor,
                order_id=order_id,
                request=RefundRequest(lines={line_id: (1, True)}),
                reason="kain cacat",
                approval_limit=APPROVAL_LIMIT,
            ).id
        )

    outcome = race(app, [asks(finance), asks(second)], refused=(RefundError,))

    assert outcome.crashes == [], "\n".join(outcome.crashes)
    assert len(outcome.values) == 1 and len(outcome.refusals) == 1
    assert count(Refund, Refund.order_id == order.id) == 1


def test_two_presses_of_send_give_the_money_back_once(app, shop, operations, finance):
    order = paid_order(shop, operations, [(shop.stock, 2)])
    refund_id = ask(finance, order, {line_of(order, shop.stock).id: (2, True)}).id
    second = staff("finance", "Budi Keuangan")

    def press(actor, reference):
        return lambda: send_refund(actor, refund_id=refund_id, outgoing_reference=reference).status

    outcome = race(app, [press(finance, "OUT-A"), press(second, "OUT-B")], refused=(RefundError,))

    assert outcome.crashes == [], "\n".join(outcome.crashes)
    assert outcome.values == ["settled"] and len(outcome.refusals) == 1
    order = reload(order)
    assert order.refunded_total == 2 * order.lines[0].unit_price
    assert ledger_total(order.id) == 0  # one set of negative entries, not two
    assert on_hand(shop.stock) == STOCK  # the two units came back once


def test_a_refund_racing_a_redelivered_webhook_changes_the_order_once(
    app, shop, finance, stripe_gateway
):
    """Stripe delivers the success event again just as finance sends a full refund."""
    for round_ in range(3):
        order = place([(shop.stock, 2)], delivery="pickup", payment="stripe")
        intent = charge_card_order(stripe_gateway, order)
        assert deliver_succeeded_webhook(intent, f"evt_first_{order.id}").result == "paid"
        refund = ask(finance, order, {line_of(order, shop.stock).id: (2, True)}, limit=10**9)
        mark = last_audit_id()

        def refund_now(refund_id=refund.id):
            return send_refund(finance, refund_id=refund_id, gateway=stripe_gateway).status

        def redelivery(intent=intent, order_id=order.id):
            return deliver_succeeded_webhook(intent, f"evt_again_{order_id}").result

        outcome = race(app, [refund_now, redelivery], refused=())

        where = f"round {round_}"
        assert outcome.crashes == [], "\n".join(outcome.crashes)
        assert sorted(outcome.values) == ["already_paid", "settled"], where
        order = reload(order)
        assert (order.status, order.payment_state) == ("cancelled", "paid"), where
        assert order.refund_state == "refunded", where
        assert len(receipts_of(order.id)) == 1, where
        assert ledger_total(order.id) == 0, where
        assert on_hand(shop.stock) == STOCK, where
        assert [r.action for r in audit_since(mark)].count("payment.received") == 0, where
