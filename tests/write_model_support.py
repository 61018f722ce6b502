"""A small shop for the write-model tests: products of each kind, staff with accounts,
orders placed the buyer's way, and readers for what an operator would look at.

Orders are placed through ``place_order`` from a real cart and paid through the
payment services, so every test goes through the same gate staff and buyers use.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from factories import fill_cart, make_category, make_product, make_program
from sqlalchemy import func, select

from storefront.accounts import services as accounts
from storefront.accounts.permissions import Actor
from storefront.audit.models import AuditEntry
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.impact.models import AttributionEntry
from storefront.inventory.models import StockMovement
from storefront.orders.models import Order, OrderEvent
from storefront.orders.services import CheckoutDetails, place_order
from storefront.outbox.models import OutboxMessage
from storefront.payments import services as payments
from storefront.payments.models import PaymentReceipt
from storefront.timeutil import SHOP_TIMEZONE, utcnow

PASSWORD = "kain-songket-2026"
SONGKET_PRICE = 450_000  # stock
CUSTOM_PRICE = 800_000  # made to order
ROTI_PRICE = 15_000  # perishable
STOCK = 10

_keys = itertools.count(1)
_references = itertools.count(1)

CONTACT = {"name": "Siti Aminah", "email": "siti@example.org", "phone": "+6281234567890"}
ADDRESSES = {
    "pickup": {},
    # Courier to Jakarta: the "java" zone's rate from the migration.
    "courier": {
        "province": "DKI Jakarta",
        "city": "Jakarta Selatan",
        "address_line": "Jl. Kemang Raya 10",
        "postal_code": "12730",
    },
    "same_day": {
        "province": "Sumatera Selatan",
        "city": "Palembang",
        "address_line": "Jl. Sudirman No. 10",
        "postal_code": "30126",
    },
}


@dataclass(frozen=True)
class Shop:
    """Variant ids by product kind."""

    stock: int
    made_to_order: int
    perishable: int
    second_stock: int

    def variant(self, kind: str) -> int:
        return getattr(self, kind)


def make_shop() -> Shop:
    """Four products, ten units each: two songket (stock), a made-to-order songket, bread."""
    category = make_category()
    weaving = make_program()
    baking = make_program(
        slug="tata-boga", name_id="Tata Boga", name_en="Baking", split=(40, 40, 20)
    )
    songket = make_product(
        category, weaving, name_id="Kain Songket Lepus", prices=(SONGKET_PRICE,), on_hand=STOCK
    )
    selendang = make_product(
        category, weaving, name_id="Selendang Songket", prices=(250_000,), on_hand=STOCK
    )
    custom = make_product(
        category,
        weaving,
        name_id="Songket Pesanan",
        kind="made_to_order",
        prices=(CUSTOM_PRICE,),
        on_hand=STOCK,
    )
    roti = make_product(
        category,
        baking,
        name_id="Roti Manis",
        kind="perishable",
        prices=(ROTI_PRICE,),
        on_hand=STOCK,
    )
    db.session.commit()
    return Shop(
        stock=songket.variants[0].id,
        made_to_order=custom.variants[0].id,
        perishable=roti.variants[0].id,
        second_stock=selendang.variants[0].id,
    )


def details(delivery: str, payment: str) -> CheckoutDetails:
    return CheckoutDetails(
        delivery_method=delivery, payment_method=payment, **CONTACT, **ADDRESSES[delivery]
    )


def place(
    lines: list[tuple[int, int]],
    *,
    delivery: str = "courier",
    payment: str = "bank_transfer",
    now: datetime | None = None,
    actor: Actor | None = None,
) -> Order:
    """A buyer fills a cart with ``(variant_id, quantity)`` and places the order."""
    cart = fill_cart(*lines)
    extra = {"actor": actor} if actor is not None else {}
    return place_order(
        cart_token=cart.token,
        cart_revision=cart.revision,
        details=details(delivery, payment),
        idempotency_key=f"wm-{next(_keys)}",
        now=now,
        **extra,
    )


def staff(role: str, name: str | None = None, request_id: str | None = None) -> Actor:
    """A staff account of ``role`` (created now) as the Actor its requests would carry."""
    name = name or f"{role.capitalize()} {next(_references)}"
    user = accounts.create_user(
        Actor.system("test"),
        email=f"{name.lower().replace(' ', '.')}@cantik.example",
        password=PASSWORD,
        role=role,
        name=name,
    )
    return Actor.for_user(user, request_id=request_id)


def pay_by_transfer(
    order: Order,
    actor: Actor,
    *,
    amount: int | None = None,
    reference: str | None = None,
    now: datetime | None = None,
):
    """Staff record the order's transfer as the bank statement shows it."""
    now = now or utcnow()
    return payments.record_bank_transfer(
        actor,
        order_id=order.id,
        amount_rupiah=order.total if amount is None else amount,
        received_on=now.astimezone(SHOP_TIMEZONE).date(),
        bank_reference=reference or f"BSB-{order.reference}-{next(_references)}",
        now=now,
    )


def pay_by_card(order: Order, *, intent_id: str | None = None, now: datetime | None = None):
    """Stripe's confirmed PaymentIntent for the whole total reaches the shop (the webhook path)."""
    return payments.receive_card_payment(
        order_id=order.id,
        intent_id=intent_id or f"pi_test_{order.reference}",
        amount_minor=order.total * 100,
        currency="idr",
        now=now,
    )


def pay(order: Order, actor: Actor):
    """Pay an order the way its method is paid before it is prepared (not cash)."""
    if order.payment_method == "stripe":
        return pay_by_card(order)
    return pay_by_transfer(order, actor)


def reload(order: Order) -> Order:
    """``order`` as the database holds it now."""
    db.session.expire_all()
    return db.session.get(Order, order.id)


def on_hand(variant_id: int) -> int:
    db.session.expire_all()
    return db.session.execute(select(Variant.on_hand).where(Variant.id == variant_id)).scalar_one()


def count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def last_audit_id() -> int:
    return db.session.execute(select(func.coalesce(func.max(AuditEntry.id), 0))).scalar_one()


def audit_since(after_id: int) -> list[AuditEntry]:
    """Audit rows written after row ``after_id``, oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > after_id).order_by(AuditEntry.id)
        )
    )


def ledger_total(order_id: int) -> int:
    return db.session.execute(
        select(func.coalesce(func.sum(AttributionEntry.amount), 0)).where(
            AttributionEntry.order_id == order_id
        )
    ).scalar_one()


def outbox_kinds(order_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.order_id == order_id)
            .order_by(OutboxMessage.id)
        )
    )


def receipts_of(order_id: int) -> list[PaymentReceipt]:
    return list(
        db.session.scalars(
            select(PaymentReceipt)
            .where(PaymentReceipt.order_id == order_id)
            .order_by(PaymentReceipt.id)
        )
    )


def movements_of(order_id: int) -> list[tuple[str, int, int]]:
    """``(kind, variant_id, quantity)`` of every stock movement about an order."""
    return [
        (m.kind, m.variant_id, m.quantity)
        for m in db.session.scalars(
            select(StockMovement)
            .where(StockMovement.order_id == order_id)
            .order_by(StockMovement.id)
        )
    ]


def events_of(order_id: int) -> list[OrderEvent]:
    return list(
        db.session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        )
    )


def snapshot(order: Order) -> dict:
    """Everything an operator sees change when an order changes."""
    order = reload(order)
    return {
        "status": order.status,
        "payment_state": order.payment_state,
        "invoice_number": order.invoice_number,
        "courier": order.courier,
        "tracking_number": order.tracking_number,
        "paid_at": order.paid_at,
        "expires_at": order.expires_at,
        "events": len(events_of(order.id)),
        "receipts": [(r.method, r.amount, r.reference) for r in receipts_of(order.id)],
        "refunds": [(r.status, r.amount) for r in order.refunds],
        "ledger": ledger_total(order.id),
        "movements": movements_of(order.id),
        "outbox": outbox_kinds(order.id),
        "audit_rows": last_audit_id(),
        "on_hand": {line.variant_id: on_hand(line.variant_id) for line in order.lines},
    }


@dataclass
class RaceResult:
    """What each of the racing threads got back: a value, or the error it raised."""

    values: list = field(default_factory=list)
    refusals: list[Exception] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def race(app, calls: list[Callable[[], object]], *, refused: tuple[type[Exception], ...]):
    """Run each call in its own thread and app context (own session and connection), all
    released together; ``refused`` errors are expected answers, anything else a crash."""
    result = RaceResult()
    barrier = threading.Barrier(len(calls))

    def run(call) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                value = call()
                with result.lock:
                    result.values.append(value)
            except refused as error:
                with result.lock:
                    result.refusals.append(error)
            except Exception:  # noqa: BLE001  (collected and reported by the test)
                with result.lock:
                    result.crashes.append(traceback.format_exc(limit=6))
            finally:
                db.session.rollback()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    db.session.expire_all()
    return result


def charge_card_order(gateway, order: Order):
    """The buyer's payment page creates the order's PaymentIntent and the buyer pays it
    with a good test card; no webhook has reached the shop. Returns the intent."""
    intent = gateway.create_payment_intent(
        order_id=order.id,
        order_reference=order.reference,
        amount_rupiah=order.total,
        idempotency_key=f"order-{order.id}-intent",
    )
    payments.attach_payment_intent(order=order, intent_id=intent.id)
    charged = gateway.confirm_test_payment(intent.id, "pm_card_visa")
    assert charged.status == "succeeded"
    return charged


def deliver_succeeded_webhook(intent, event_id: str):
    """What the webhook does with a verified ``payment_intent.succeeded`` it fetched again."""
    return payments.receive_card_payment(
        order_id=int(intent.metadata["order_id"]),
        intent_id=intent.id,
        amount_minor=intent.amount_minor,
        currency=intent.currency,
        provider_event=(event_id, "payment_intent.succeeded"),
    )
