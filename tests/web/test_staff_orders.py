"""The back office's order screens, used as staff use them: through the test client.

Every test runs on SQLite and, with ``TEST_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from factories import make_category, make_product, make_program
from payment_support import place_card_order, set_courier_rate, text_of
from staff_support import StaffActions

from storefront.audit.models import AuditEntry
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.outbox.models import OutboxMessage

PRICE = 150_000
STOCK = 10


@pytest.fixture
def shop(app):
    category = make_category()
    program = make_program()
    product = make_product(category, program, prices=(PRICE,), on_hand=STOCK)
    set_courier_rate(zone="palembang", first_kg=20_000, per_extra_kg=5_000)
    db.session.commit()
    return product.variants[0]


@pytest.fixture
def staff(app, client):
    return StaffActions(app, client)


def reload(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def order_page(client, order) -> str:
    page = client.get(f"/staff/orders/{order.reference}")
    assert page.status_code == 200, text_of(page)[:2000]
    return text_of(page)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    answer = client.get("/staff/orders")
    assert answer.status_code == 302
    assert "/account/login" in answer.headers["Location"]


def test_operations_confirm_a_transfer_that_pays_the_order(app, shop, staff):
    buyer = app.test_client()
    order = place_card_order(buyer, shop, 2, payment_method="bank_transfer", delivery="courier")
    client = staff.login("operations")
    assert (
        "Record the bank transfer" in order_page(client, order)
        or "transfer" in order_page(client, order).lower()
    )

    answer = client.post(
        f"/staff/orders/{order.reference}/transfer",
        data={
            "amount": f"{order.total:,}".replace(",", "."),
            "received_on": date.today().isoformat(),
            "bank_reference": "BSB 0012",
        },
    )

    assert answer.status_code == 303
    order = reload(order)
    assert (order.status, order.payment_state) == ("paid", "paid")
    assert re.fullmatch(rf"INV/{date.today().year}/\d{{6}}", order.invoice_number)
    kinds = [m.kind for m in db.session.query(OutboxMessage).filter_by(order_id=order.id)]
    assert "order_paid" in kinds
    actions = [
        a.action
        for a in db.session.query(AuditEntry).filter_by(
            subject_type="shop_order", subject_id=str(order.id)
        )
    ]
    assert "order.paid" in actions


@pytest.mark.parametrize(
    "amount, message",
    [
        ("seratus ribu", "whole rupiah"),
        ("-5000", "whole rupiah"),
        ("0", "whole rupiah"),
        ("1,5", "whole rupiah"),
    ],
)
def test_bad_transfer_amounts_are_refused_and_change_nothing(app, shop, staff, amount, message):
    order = place_card_order(
        app.test_client(), shop, payment_method="bank_transfer", delivery="pickup"
    )
    client = staff.login("operations")
    answer = client.post(
        f"/staff/orders/{order.reference}/transfer",
        data={"amount": amount, "received_on": date.today().isoformat(), "bank_reference": "X1"},
    )
    assert answer.status_code == 422
    assert message in text_of(answer)
    assert reload(order).payment_state == "unpaid"
    assert reload(order).receipts == []


def test_a_short_transfer_gets_its_own_state_and_a_second_one_settles_it(app, shop, staff):
    order = place_card_order(
        app.test_client(), shop, payment_method="bank_transfer", delivery="pickup"
    )
    client = staff.login("operations")
    today = date.today().isoformat()
    client.post(
        f"/staff/orders/{order.reference}/transfer",
        data={"amount": "100000", "received_on": today, "bank_reference": "A1"},
    )
    assert reload(order).payment_state == "amount_mismatch"
    assert "does not match" in text_of(
        client.get(f"/orders/{order.access_token}")
    ) or "tidak sesuai" in text_of(client.get(f"/orders/{order.access_token}"))
    client.post(
        f"/staff/orders/{order.reference}/transfer",
        data={"amount": "50000", "received_on": today, "bank_reference": "A2"},
    )
    assert (reload(order).payment_state, reload(order).status) == ("paid", "paid")


def test_pack_and_ship_with_a_tracking_number_the_buyer_can_follow(app, shop, staff):
    buyer = app.test_client()
    order = place_card_order(buyer, shop, payment_method="bank_transfer", delivery="courier")
    client = staff.login("operations")
    client.post(
        f"/staff/orders/{order.reference}/transfer",
        data={
            "amount": str(order.total),
            "received_on": date.today().isoformat(),
            "bank_reference": "B1",
        },
    )
    assert (
        client.post(
            f"/staff/orders/{order.reference}/step", data={"to_status": "packed"}
        ).status_code
        == 303
    )

    too_long = client.post(
        f"/staff/orders/{order.reference}/step",
        data={"to_status": "shipped", "courier": "jne", "tracking_number": "9" * 5000},
    )
    unknown = client.post(
        f"/staff/orders/{order.reference}/step",
        data={"to_status": "shipped", "courier": "dhl", "tracking_number": "CGK1234567890"},
    )
    assert too_long.status_code == 422 and unknown.status_code == 422
    assert reload(order).status == "packed"

    shipped = client.post(
        f"/staff/orders/{order.reference}/step",
        data={"to_status": "shipped", "courier": "jne", "tracking_number": "cgk 1234567890"},
    )
    assert shipped.status_code == 303
    order = reload(order)
    assert (order.status, order.courier, order.tracking_number) == (
        "shipped",
        "jne",
        "CGK1234567890",
    )
    page = text_of(buyer.get(f"/orders/{order.access_token}"))
    assert "CGK1234567890" in page and "jne.co.id" in page
    shipped_mail = (
        db.session.query(OutboxMessage).filter_by(order_id=order.id, kind="order_shipped").one()
    )
    assert "CGK1234567890" in shipped_mail.body_text


def test_two_presses_of_the_same_step_change_the_order_once(app, shop, staff):
    order = place_card_order(
        app.test_client(), shop, payment_method="bank_transfer", delivery="courier"
    )
    client = staff.login("operations")
    client.post(
        f"/staff/orders/{order.reference}/transfer",
        data={
            "amount": str(order.total),
            "received_on": date.today().isoformat(),
            "bank_reference": "C1",
        },
    )
    first = client.post(f"/staff/orders/{order.reference}/step", data={"to_status": "packed"})
    second = client.post(f"/staff/orders/{order.reference}/step", data={"to_status": "packed"})
    assert first.status_code == 303 and second.status_code == 409
    assert "cannot take that step" in text_of(second)
    events = [e.to_status for e in reload(order).history]
    assert events.count("packed") == 1


def test_cash_at_pickup_is_paid_and_collected_against_the_pickup_code(app, shop, staff):
    buyer = app.test_client()
    order = place_card_order(buyer, shop, 2, payment_method="cash_on_pickup", delivery="pickup")
    other = place_card_order(
        app.test_client(), shop, payment_method="cash_on_pickup", delivery="pickup"
    )
    assert order.pickup_code in text_of(buyer.get(f"/orders/{order.access_token}"))
    client = staff.login("operations")
    client.post(f"/staff/orders/{order.reference}/step", data={"to_status": "ready_for_pickup"})
    assert reload(order).status == "ready_for_pickup"

    wrong = client.post(
        f"/staff/orders/{order.reference}/handover",
        data={"pickup_code": other.pickup_code, "cash_received": str(order.total)},
    )
    short = client.post(
        f"/staff/orders/{order.reference}/handover",
        data={"pickup_code": order.pickup_code, "cash_received": str(order.total - 1)},
    )
    assert wrong.status_code == 400 and "does not belong" in text_of(wrong)
    assert short.status_code == 400
    assert reload(order).payment_state == "unpaid"

    found = client.get(f"/staff/pickup?code={order.pickup_code.lower()}")
    assert found.status_code == 302 and order.reference in found.headers["Location"]
    done = client.post(
        f"/staff/orders/{order.reference}/handover",
        data={"pickup_code": order.pickup_code.lower(), "cash_received": "400.000"},
    )
    assert done.status_code == 303
    order = reload(order)
    assert (order.status, order.payment_state) == ("collected", "paid")
    assert [(r.method, r.amount) for r in order.receipts] == [("cash_on_pickup", order.total)]
    cash = text_of(client.get("/staff/cash-up"))
    assert "Operations Test" in cash and f"Rp{order.total:,}" in cash


def test_unpaid_orders_are_cancelled_by_staff_or_the_buyer_and_stock_returns(app, shop, staff):
    buyer = app.test_client()
    first = place_card_order(buyer, shop, 3, payment_method="bank_transfer", delivery="pickup")
    second = place_card_order(
        app.test_client(), shop, 2, payment_method="bank_transfer", delivery="pickup"
    )
    assert db.session.get(Variant, shop.id).on_hand == STOCK - 5
    client = staff.login("operations")
    assert (
        client.post(
            f"/staff/orders/{first.reference}/cancel", data={"reason": "buyer phoned"}
        ).status_code
        == 303
    )
    assert buyer.post(f"/orders/{second.access_token}/cancel").status_code == 303
    assert (reload(first).status, reload(second).status) == ("cancelled", "cancelled")
    db.session.expire_all()
    assert db.session.get(Variant, shop.id).on_hand == STOCK


def test_the_order_list_filters_searches_and_exports_every_row_safely(app, shop, staff):
    buyer = app.test_client()
    orders = [
        place_card_order(buyer, shop, payment_method="bank_transfer", delivery="pickup")
        for _ in range(3)
    ]
    evil = reload(orders[0])
    evil.contact_name = '=HYPERLINK("http://evil")'
    db.session.commit()
    client = staff.login("operations")

    listing = text_of(client.get("/staff/orders?status=awaiting_payment"))
    assert all(o.reference in listing for o in orders)
    found = text_of(client.get(f"/staff/orders?q={orders[1].reference}"))
    assert orders[1].reference in found and orders[2].reference not in found
    none = text_of(client.get("/staff/orders?status=shipped"))
    assert orders[0].reference not in none

    exported = client.get("/staff/orders.csv?status=awaiting_payment")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert len(rows) == 1 + 3
    names = [row[7] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names


def test_auditors_read_every_page_but_every_post_is_refused(app, shop, staff):
    order = place_card_order(
        app.test_client(), shop, payment_method="bank_transfer", delivery="pickup"
    )
    client = staff.login("auditor")
    assert client.get("/staff/").status_code == 200
    assert client.get(f"/staff/orders/{order.reference}").status_code == 200
    assert client.get("/staff/audit").status_code == 200
    answer = client.post(
        f"/staff/orders/{order.reference}/transfer",
        data={
            "amount": str(order.total),
            "received_on": date.today().isoformat(),
            "bank_reference": "Z",
        },
    )
    assert answer.status_code == 403
    assert reload(order).payment_state == "unpaid"


def test_operations_staff_are_told_of_each_paid_order_and_get_a_morning_summary(
    app, shop, staff, runner
):
    operations = staff.user("operations")
    staff.user("production")  # not told: only the roles that prepare orders
    order = place_card_order(
        app.test_client(), shop, payment_method="bank_transfer", delivery="pickup"
    )
    client = staff.login("admin")
    client.post(
        f"/staff/orders/{order.reference}/transfer",
        data={
            "amount": str(order.total),
            "received_on": date.today().isoformat(),
            "bank_reference": "N1",
        },
    )

    told = db.session.query(OutboxMessage).filter_by(kind="staff_order_paid").all()
    assert [m.to_address for m in told] == [operations.email]
    assert (
        order.reference in told[0].subject
        and f"/staff/orders/{order.reference}" in told[0].body_text
    )

    result = runner.invoke(args=["staff-summary"])
    assert result.exit_code == 0, result.output
    [summary] = db.session.query(OutboxMessage).filter_by(kind="staff_summary").all()
    assert summary.to_address == operations.email
    # Indonesian, the staff member's language: one paid order to pack.
    assert "Pesanan dibayar yang perlu dikemas: 1" in summary.body_text
    assert "/staff/" in summary.body_text


def test_a_large_refund_needs_a_second_finance_officer_and_restocks_the_line(app, staff):
    category = make_category(slug="kain")
    program = make_program(slug="tenun")
    songket = make_product(category, program, prices=(2_500_000,), on_hand=3)
    db.session.commit()
    order = place_card_order(
        app.test_client(), songket.variants[0], payment_method="bank_transfer", delivery="pickup"
    )
    operations = staff.login("operations")
    operations.post(
        f"/staff/orders/{order.reference}/transfer",
        data={
            "amount": "2.500.000",
            "received_on": date.today().isoformat(),
            "bank_reference": "R1",
        },
    )
    [line] = reload(order).lines
    refused = operations.post(
        f"/staff/orders/{order.reference}/refunds",
        data={"reason": "rusak", f"qty-{line.id}": "1", f"restock-{line.id}": "1"},
    )
    assert refused.status_code == 403  # operations do not refund

    first = staff.login("finance", client=app.test_client())
    too_many = first.post(
        f"/staff/orders/{order.reference}/refunds",
        data={"reason": "rusak", f"qty-{line.id}": "2"},
    )
    assert too_many.status_code == 400 and "can still be refunded" in text_of(too_many)
    asked = first.post(
        f"/staff/orders/{order.reference}/refunds",
        data={"reason": "benang lepas", f"qty-{line.id}": "1", f"restock-{line.id}": "1"},
    )
    assert asked.status_code == 303
    [refund] = reload(order).refunds
    assert (refund.status, refund.needs_approval, refund.amount) == ("requested", True, 2_500_000)
    assert "Approve refund" not in order_page(first, order)  # not for the one who asked
    assert first.post(f"/staff/refunds/{refund.id}/approve").status_code == 400

    second = staff.login("finance", "-2", client=app.test_client())
    assert second.post(f"/staff/refunds/{refund.id}/approve").status_code == 303
    no_reference = second.post(f"/staff/refunds/{refund.id}/send", data={})
    assert no_reference.status_code == 400
    sent = second.post(
        f"/staff/refunds/{refund.id}/send", data={"outgoing_reference": "TRF-OUT-77"}
    )
    assert sent.status_code == 303
    order = reload(order)
    assert (order.refund_state, order.status) == ("refunded", "cancelled")
    db.session.expire_all()
    assert db.session.get(Variant, songket.variants[0].id).on_hand == 3  # back on the shelf
    mails = [m.kind for m in db.session.query(OutboxMessage).filter_by(order_id=order.id)]
    assert "order_refunded" in mails


def test_a_refund_asks_for_the_password_again_when_the_sign_in_is_old(app, shop, staff):
    from datetime import timedelta

    from storefront.accounts.models import UserSession
    from storefront.timeutil import utcnow

    order = place_card_order(app.test_client(), shop, payment_method="bank_transfer")
    staff.login("operations", client=app.test_client()).post(
        f"/staff/orders/{order.reference}/transfer",
        data={
            "amount": str(order.total),
            "received_on": date.today().isoformat(),
            "bank_reference": "P1",
        },
    )
    finance = staff.login("finance")
    db.session.execute(
        UserSession.__table__.update().values(authenticated_at=utcnow() - timedelta(minutes=20))
    )
    db.session.commit()
    [line] = reload(order).lines

    answer = finance.post(
        f"/staff/orders/{order.reference}/refunds",
        data={"reason": "rusak", f"qty-{line.id}": "1", f"restock-{line.id}": "1"},
        headers={"Referer": f"http://localhost/staff/orders/{order.reference}"},
    )

    assert answer.status_code in (302, 303)
    assert "/account/confirm-password" in answer.headers["Location"]
    assert reload(order).refunds == []
