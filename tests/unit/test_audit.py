"""The audit log: every change leaves its rows in its own transaction, nobody can change
or remove them, ``flask audit-verify`` notices a row changed behind the triggers' back,
and concurrent writers keep the hash chain one line. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from factories import fill_cart
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from write_model_support import (
    STOCK,
    Shop,
    audit_since,
    details,
    last_audit_id,
    make_shop,
    on_hand,
    pay,
    pay_by_card,
    pay_by_transfer,
    place,
    race,
    receipts_of,
    reload,
    staff,
)

from storefront.accounts import services as accounts
from storefront.accounts.permissions import Actor
from storefront.audit.models import AuditEntry, AuditHead
from storefront.audit.services import entry_hash, record, verify_chain
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.orders.lifecycle import advance
from storefront.orders.models import Order
from storefront.orders.services import (
    SoldOut,
    cancel_unpaid_order,
    expire_order,
    place_order,
)
from storefront.payments import services as payments
from storefront.payments.models import Refund
from storefront.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("in_request")


@dataclass
class People:
    operations: Actor
    finance: Actor
    second_finance: Actor
    buyer: Actor


@pytest.fixture
def shop(app) -> Shop:
    return make_shop()


@pytest.fixture
def people(app) -> People:
    buyer = accounts.register_buyer(
        email="ana.putri@example.org", password="kain-songket-2026", name="Ana Putri", language="id"
    )
    return People(
        operations=staff("operations", "Sari Operasional"),
        finance=staff("finance", "Rina Keuangan"),
        second_finance=staff("finance", "Budi Keuangan"),
        buyer=Actor.for_user(buyer),
    )


# --- Every service call writes its rows --------------------------------------------
#
# Each scenario prepares what it needs, calls ``start()`` just before the one service
# call under test, and returns the actor of that call and the rows expected from it,
# as (action, subject type, subject id).


class Scenario:
    def __init__(self, shop: Shop, people: People, request_id: str) -> None:
        self.shop, self.people, self.request_id = shop, people, request_id
        self.mark = 0

    def as_(self, actor: Actor) -> Actor:
        """The actor as its request would carry it: with this request's id."""
        return replace(actor, request_id=self.request_id)

    def start(self) -> None:
        self.mark = last_audit_id()


def placed_by_a_signed_in_buyer(s: Scenario):
    actor = s.as_(s.people.buyer)
    s.start()
    order = place([(s.shop.stock, 2)], actor=actor)
    oid = str(order.id)
    return actor, [("stock.reservation", "shop_order", oid), ("order.placed", "shop_order", oid)]


def packed(s: Scenario):
    order = place([(s.shop.stock, 1)])
    pay(order, s.people.operations)
    actor = s.as_(s.people.operations)
    s.start()
    advance(actor, order_id=order.id, to_status="packed")
    return actor, [("order.packed", "shop_order", str(order.id))]


def shipped(s: Scenario):
    order = place([(s.shop.stock, 1)])
    pay(order, s.people.operations)
    advance(s.people.operations, order_id=order.id, to_status="packed")
    actor = s.as_(s.people.operations)
    s.start()
    advance(
        actor, order_id=order.id, to_status="shipped", courier="sicepat",
        tracking_number="000123456789",
    )  # fmt: skip
    return actor, [("order.shipped", "shop_order", str(order.id))]


def transfer_recorded(s: Scenario):
    order = place([(s.shop.stock, 1)])
    actor = s.as_(s.people.operations)
    s.start()
    pay_by_transfer(order, actor)
    oid, [receipt] = str(order.id), receipts_of(order.id)
    return actor, [
        ("payment.received", "payment_receipt", str(receipt.id)),
        ("stock.sale", "shop_order", oid),
        ("order.paid", "shop_order", oid),
    ]


def short_transfer_recorded(s: Scenario):
    order = place([(s.shop.stock, 1)])
    actor = s.as_(s.people.operations)
    s.start()
    pay_by_transfer(order, actor, amount=50_000)
    [receipt] = receipts_of(order.id)
    return actor, [
        ("payment.received", "payment_receipt", str(receipt.id)),
        ("payment.amount_mismatch", "shop_order", str(order.id)),
    ]


def card_payment_received(s: Scenario):
    order = place([(s.shop.stock, 1)], payment="stripe")
    s.start()
    pay_by_card(order)
    oid, [receipt] = str(order.id), receipts_of(order.id)
    return Actor.system("stripe"), [
        ("payment.received", "payment_receipt", str(receipt.id)),
        ("stock.sale", "shop_order", oid),
        ("order.paid", "shop_order", oid),
    ]


def cash_handed_over(s: Scenario):
    order = place([(s.shop.stock, 1)], delivery="pickup", payment="cash_on_pickup")
    advance(s.people.operations, order_id=order.id, to_status="ready_for_pickup")
    actor = s.as_(s.people.operations)
    s.start()
    payments.hand_over_for_cash(
        actor, order_id=order.id, pickup_code=order.pickup_code, cash_received=500_000
    )
    oid, [receipt] = str(order.id), receipts_of(order.id)
    return actor, [
        ("payment.received", "payment_receipt", str(receipt.id)),
        ("stock.sale", "shop_order", oid),
        ("order.paid", "shop_order", oid),
        ("order.collected", "shop_order", oid),
    ]


def cancelled_by_staff(s: Scenario):
    order = place([(s.shop.stock, 1)])
    actor = s.as_(s.people.operations)
    s.start()
    cancel_unpaid_order(actor, order_id=order.id, reason="pembeli minta batal")
    oid = str(order.id)
    return actor, [("stock.release", "shop_order", oid), ("order.cancelled", "shop_order", oid)]


def expired_by_the_job(s: Scenario):
    order = place([(s.shop.stock, 1)], now=utcnow() - timedelta(days=2))
    actor = Actor.system("cron")
    s.start()
    assert expire_order(order, actor=actor)
    oid = str(order.id)
    return actor, [("stock.release", "shop_order", oid), ("order.expired", "shop_order", oid)]


def _paid_order(s: Scenario, quantity: int = 1) -> Order:
    order = place([(s.shop.stock, quantity)])
    pay(order, s.people.operations)
    return reload(order)


def _ask_refund(s: Scenario, order: Order, *, quantity=1, restock=True, limit=10**9) -> Refund:
    [line] = order.lines
    return payments.request_refund(
        s.people.finance,
        order_id=order.id,
        request=payments.RefundRequest(lines={line.id: (quantity, restock)}),
        reason="kain cacat",
        approval_limit=limit,
    )


def refund_requested(s: Scenario):
    order = _paid_order(s)
    [line] = order.lines
    actor = s.as_(s.people.finance)
    s.start()
    refund = payments.request_refund(
        actor,
        order_id=order.id,
        request=payments.RefundRequest(lines={line.id: (1, True)}),
        reason="kain cacat",
        approval_limit=10**9,
    )
    return actor, [
        ("refund.requested", "refund", str(refund.id)),
        ("order.refund_requested", "shop_order", str(order.id)),
    ]


def refund_approved(s: Scenario):
    refund = _ask_refund(s, _paid_order(s, quantity=3), quantity=3, limit=1_000_000)
    actor = s.as_(s.people.second_finance)
    s.start()
    payments.approve_refund(actor, refund_id=refund.id)
    return actor, [("refund.approved", "refund", str(refund.id))]


def refund_sent_and_restocked(s: Scenario):
    order = _paid_order(s, quantity=2)
    refund = _ask_refund(s, order)
    actor = s.as_(s.people.finance)
    s.start()
    payments.send_refund(actor, refund_id=refund.id, outgoing_reference="TRF-OUT-77")
    oid = str(order.id)
    return actor, [
        ("stock.return", "shop_order", oid),
        ("refund.sent", "refund", str(refund.id)),
        ("order.refunded", "shop_order", oid),
    ]


def refund_sent_and_written_off(s: Scenario):
    order = _paid_order(s, quantity=2)
    refund = _ask_refund(s, order, restock=False)
    actor = s.as_(s.people.finance)
    s.start()
    payments.send_refund(actor, refund_id=refund.id, outgoing_reference="TRF-OUT-78")
    oid = str(order.id)
    return actor, [
        ("stock.return", "shop_order", oid),
        ("stock.write_off", "shop_order", oid),
        ("refund.sent", "refund", str(refund.id)),
        ("order.refunded", "shop_order", oid),
    ]


def user_created(s: Scenario):
    actor = s.as_(Actor.system("cli"))
    s.start()
    user = accounts.create_user(
        actor, email="gudang@cantik.example", password="tenun-palembang-9", role="production"
    )
    return actor, [("user.created", "user_account", str(user.id))]


def role_changed(s: Scenario):
    user = accounts.create_user(
        Actor.system("cli"), email="kasir@cantik.example", password="tenun-palembang-9",
        role="operations",
    )  # fmt: skip
    actor = s.as_(Actor.system("cli"))
    s.start()
    accounts.set_role(actor, email="kasir@cantik.example", role="finance")
    return actor, [("user.role_changed", "user_account", str(user.id))]


SCENARIOS = [
    placed_by_a_signed_in_buyer,
    packed,
    shipped,
    transfer_recorded,
    short_transfer_recorded,
    card_payment_received,
    cash_handed_over,
    cancelled_by_staff,
    expired_by_the_job,
    refund_requested,
    refund_approved,
    refund_sent_and_restocked,
    refund_sent_and_written_off,
    user_created,
    role_changed,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_every_change_leaves_audit_rows_naming_who_did_what_to_which_subject(
    shop, people, scenario
):
    s = Scenario(shop, people, request_id=f"req-{scenario.__name__}"[:64])

    actor, expected = scenario(s)

    rows = audit_since(s.mark)
    assert [(r.action, r.subject_type, r.subject_id) for r in rows] == expected
    for row in rows:
        assert (row.actor_user_id, row.actor_role, row.actor_label) == (
            actor.user_id,
            str(actor.role),
            actor.label,
        )
        assert row.request_id == actor.request_id
        assert row.created_at is not None
        assert isinstance(json.loads(row.changes), dict)
    assert list(verify_chain()) == []


def test_a_buyer_is_named_in_the_audit_log_by_account_number_only(shop, people):
    mark = last_audit_id()

    place([(shop.stock, 1)], actor=people.buyer)

    rows = audit_since(mark)
    assert rows and all(r.actor_label == f"buyer #{people.buyer.user_id}" for r in rows)
    assert not any("ana.putri" in r.changes or "Ana Putri" in r.changes for r in rows)


def test_the_audit_rows_say_what_changed(shop, people):
    order = place([(shop.stock, 2)])
    mark = last_audit_id()

    pay_by_transfer(order, people.operations, reference="BSB-778899")

    rows = {r.action: json.loads(r.changes) for r in audit_since(mark)}
    order = reload(order)
    assert rows["payment.received"]["amount"] == order.total
    assert rows["payment.received"]["reference"] == "BSB-778899"
    assert rows["order.paid"]["status"] == ["awaiting_payment", "paid"]
    assert rows["order.paid"]["payment_state"] == ["unpaid", "paid"]
    assert rows["order.paid"]["invoice_number"] == order.invoice_number
    on_hand_now = STOCK - 2
    assert rows["stock.sale"]["on_hand"] == {str(shop.stock): [on_hand_now, on_hand_now]}


# --- A change rolled back leaves no rows -----------------------------------------------


def test_an_order_refused_for_lack_of_stock_leaves_no_audit_rows(shop, people):
    cart = fill_cart((shop.stock, 1), (shop.second_stock, 2))
    # Another buyer takes the last selendang while this one is at the review page.
    place([(shop.second_stock, STOCK - 1)])
    mark = last_audit_id()

    with pytest.raises(SoldOut):
        place_order(
            people.buyer,
            cart_token=cart.token,
            cart_revision=cart.revision,
            details=details("courier", "bank_transfer"),
            idempotency_key="sold-out-1",
        )
    db.session.rollback()

    assert audit_since(mark) == []
    assert on_hand(shop.stock) == STOCK


def test_a_payment_that_fails_before_commit_leaves_no_rows_and_none_leak_into_the_next(
    shop, people, monkeypatch
):
    order = place([(shop.stock, 1)])
    other = place([(shop.second_stock, 1)])
    mark = last_audit_id()

    def mail_server_template_broken(order):
        raise RuntimeError("staff e-mail could not be rendered")

    monkeypatch.setattr(payments, "notify_staff_of_paid_order", mail_server_template_broken)
    with pytest.raises(RuntimeError):
        pay_by_transfer(order, people.operations)
    db.session.rollback()  # what the request's teardown does
    monkeypatch.undo()

    assert audit_since(mark) == []
    assert receipts_of(order.id) == [] and reload(order).payment_state == "unpaid"

    advance_mark = last_audit_id()
    cancel_unpaid_order(people.operations, order_id=other.id, reason="dobel")
    rows = audit_since(advance_mark)
    assert {r.subject_id for r in rows} == {str(other.id)}
    assert [r.action for r in rows] == ["stock.release", "order.cancelled"]
    assert list(verify_chain()) == []


def test_a_commit_the_database_refuses_takes_its_audit_rows_with_it(shop, people):
    order = place([(shop.stock, 1)])
    head_before = db.session.get(AuditHead, 1)
    head_before = (head_before.last_id, head_before.last_hash)
    mark = last_audit_id()

    record(people.operations, "order.noted", order, {"note": "telepon pembeli"})
    order.status = "lost_in_the_post"  # the status CHECK refuses it at commit
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    assert audit_since(mark) == []
    db.session.expire_all()
    head = db.session.get(AuditHead, 1)
    assert (head.last_id, head.last_hash) == head_before
    assert list(verify_chain()) == []


# --- Append-only on both databases -----------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor_label = 'someone else' WHERE id = :id",
        "UPDATE audit_log SET changes = '{}'",
        "DELETE FROM audit_log WHERE id = :id",
        "DELETE FROM audit_log",
        "UPDATE payment_receipt SET amount = amount * 2",
        "DELETE FROM payment_receipt",
    ],
)
def test_audit_rows_and_receipts_cannot_be_changed_or_deleted(shop, people, statement):
    order = place([(shop.stock, 1)])
    pay_by_transfer(order, people.operations)
    rows_before = [(r.id, r.hash, r.actor_label, r.changes) for r in audit_since(0)]
    receipt_before = [(r.id, r.amount) for r in receipts_of(order.id)]

    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement), {"id": rows_before[0][0]})
    db.session.rollback()

    assert [(r.id, r.hash, r.actor_label, r.changes) for r in audit_since(0)] == rows_before
    assert [(r.id, r.amount) for r in receipts_of(order.id)] == receipt_before


# --- flask audit-verify ------------------------------------------------------------------


def behind_the_triggers(statement: str, params: dict) -> None:
    """Change the audit log the way only someone with the database's keys could: the
    append-only triggers lifted for one statement, then put back."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(text(statement), params)
        db.session.commit()
        return
    for verb in ("update", "delete"):
        db.session.execute(text(f"DROP TRIGGER audit_log_no_{verb}"))
    db.session.execute(text(statement), params)
    for verb in ("UPDATE", "DELETE"):
        db.session.execute(
            text(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
        )
    db.session.commit()


def some_history(shop, people) -> list[AuditEntry]:
    """A few days of a shop's changes: orders placed, paid, packed, cancelled."""
    for _ in range(3):
        order = place([(shop.stock, 1)])
        pay_by_transfer(order, people.operations)
        advance(people.operations, order_id=order.id, to_status="packed")
    cancel_unpaid_order(people.operations, order_id=place([(shop.stock, 1)]).id, reason="batal")
    rows = audit_since(0)
    assert len(rows) > 10
    return rows


def test_audit_verify_passes_on_an_intact_chain(runner, shop, people):
    assert runner.invoke(args=["audit-verify"]).exit_code == 0  # an empty log is intact
    some_history(shop, people)

    result = runner.invoke(args=["audit-verify"])

    assert result.exit_code == 0, result.output
    assert "audit log intact" in result.output


def _rehash(row: AuditEntry) -> dict:
    data = {c.name: getattr(row, c.name) for c in AuditEntry.__table__.columns}
    data["actor_label"] = "Someone Else"
    return {"id": row.id, "label": "Someone Else", "hash": entry_hash(data)}


TAMPERING = {
    "a row's content changed": (
        lambda rows: ("UPDATE audit_log SET actor_label = 'Someone Else' WHERE id = :id",
                      {"id": rows[4].id}),
        lambda rows: f"row {rows[4].id}: its content does not match its hash",
    ),
    "a row's content and its own hash changed": (
        lambda rows: ("UPDATE audit_log SET actor_label = :label, hash = :hash WHERE id = :id",
                      _rehash(rows[4])),
        lambda rows: f"row {rows[5].id}: does not follow the row before it",
    ),
    "an amount in a row's changes altered": (
        lambda rows: ("UPDATE audit_log SET changes = replace(changes, '0', '9') WHERE id = :id",
                      {"id": next(r.id for r in rows if r.action == "payment.received")}),
        lambda rows: "its content does not match its hash",
    ),
    "a row in the middle deleted": (
        lambda rows: ("DELETE FROM audit_log WHERE id = :id", {"id": rows[4].id}),
        lambda rows: f"rows {rows[4].id}..{rows[4].id} are missing",
    ),
    "the last rows deleted": (
        lambda rows: ("DELETE FROM audit_log WHERE id > :id", {"id": rows[-3].id}),
        lambda rows: f"the chain ends at row {rows[-3].id} but its head names row {rows[-1].id}",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("tamper", "complaint"), TAMPERING.values(), ids=TAMPERING)
def test_audit_verify_fails_when_a_row_is_changed_behind_the_triggers_back(
    runner, shop, people, tamper, complaint
):
    rows = some_history(shop, people)
    statement, params = tamper(rows)
    expected = complaint(rows)

    behind_the_triggers(statement, params)
    result = runner.invoke(args=["audit-verify"])

    assert result.exit_code == 1
    assert expected in result.stderr
    assert "audit log intact" not in result.output
    # The triggers are back: nobody can quietly put the row right either.
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE audit_log SET action = action"))
    db.session.rollback()


# --- Many writers, one chain ---------------------------------------------------------------


def test_the_chain_stays_one_line_when_many_staff_and_buyers_write_at_once(
    app, runner, shop, people
):
    walkers = 12
    db.session.execute(update(Variant).values(on_hand=100))  # a well-stocked week
    db.session.commit()
    orders = []
    for _ in range(walkers):
        order = place([(shop.stock, 1)], delivery="pickup")
        pay(order, people.operations)
        orders.append(order.id)
    db.session.commit()
    clerks = [staff("operations", f"Kasir {i}") for i in range(4)]

    def walk(order_id: int, actor: Actor):
        def steps():
            advance(actor, order_id=order_id, to_status="ready_for_pickup")
            advance(actor, order_id=order_id, to_status="collected")
            return order_id

        return steps

    def buy(variant_id: int):
        return lambda: place([(variant_id, 1)], delivery="pickup").id

    calls = [walk(oid, clerks[i % len(clerks)]) for i, oid in enumerate(orders)]
    calls += [buy(shop.second_stock) for _ in range(6)]
    mark = last_audit_id()

    outcome = race(app, calls, refused=())

    assert outcome.crashes == [], "\n".join(outcome.crashes)
    rows = audit_since(mark)
    assert len(rows) == walkers * 2 + 6 * 2
    ids = [r.id for r in rows]
    assert ids == list(range(mark + 1, mark + 1 + len(rows)))
    previous = db.session.execute(select(AuditEntry.hash).where(AuditEntry.id == mark)).scalar_one()
    for row in rows:
        assert row.prev_hash == previous, f"row {row.id} forks the chain"
        previous = row.hash
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    assert all(db.session.get(Order, oid).status == "collected" for oid in orders)
