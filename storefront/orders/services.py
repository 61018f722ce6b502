"""Orders: placing one from a cart, paying, expiring, refunding and moving it along.

Each public function is one transaction. Stock is only ever taken by a
conditional UPDATE (``on_hand >= wanted``) checked by the rows it touched, so
two buyers can never both get the last unit, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from storefront.cart.models import Cart, CartLine
from storefront.cart.services import (
    MAX_PER_LINE,
    PricedLine,
    find_cart,
    load_priced_lines,
    priced_line,
)
from storefront.catalog.models import Variant
from storefront.checkout.shipping import (
    DeliveryNotPossible,
    Parcel,
    allowed_methods,
    chargeable_weight_grams,
    delivery_fee,
    zone_for,
)
from storefront.domain import DomainError
from storefront.extensions import db
from storefront.impact.attribution import credit_sale_to_programmes, debit_refund
from storefront.impact.models import Partner
from storefront.inventory.models import MovementKind, StockMovement
from storefront.orders.models import (
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
)
from storefront.outbox.services import queue_order_email
from storefront.payments.methods import PAYABLE_STATUSES, PAYMENT_OPTIONS
from storefront.payments.models import Payment, PaymentEvent, Refund
from storefront.timeutil import SHOP_TIMEZONE, utcnow

S = OrderStatus
# The fulfilment steps staff take after payment (``advance_order``). Paying,
# expiry and refunds are their own services (``mark_paid``, ``expire_order``,
# ``record_refund``), each with the checks and stock moves the step needs.
FULFILMENT_STEPS: dict[str, set[str]] = {
    S.PAID: {S.IN_PRODUCTION, S.PACKED, S.READY_FOR_PICKUP},
    S.IN_PRODUCTION: {S.PACKED, S.READY_FOR_PICKUP},
    S.PACKED: {S.SHIPPED, S.READY_FOR_PICKUP},
    S.SHIPPED: {S.COMPLETED},
    S.READY_FOR_PICKUP: {S.COMPLETED},
    S.PARTIALLY_REFUNDED: {S.IN_PRODUCTION, S.PACKED, S.SHIPPED, S.READY_FOR_PICKUP, S.COMPLETED},
}
PAID_STATUSES = {
    S.PAID,
    S.IN_PRODUCTION,
    S.PACKED,
    S.SHIPPED,
    S.READY_FOR_PICKUP,
    S.COMPLETED,
    S.REFUNDED,
    S.PARTIALLY_REFUNDED,
}


class OrderError(DomainError):
    """An order request the shop cannot carry out."""


class EmptyCart(OrderError):
    """There is nothing to order."""


class CartChanged(OrderError):
    """The cart changed after the buyer reviewed it: they must look again."""


class SoldOut(OrderError):
    """Someone else bought the last units first; ``items`` names what ran out."""

    status_code = 409

    def __init__(self, message: str, items: list[str]) -> None:
        super().__init__(message)
        self.items = items


class InvalidTransition(OrderError):
    """The order cannot move from its current status to the one asked for."""

    status_code = 409


@dataclass(frozen=True)
class CheckoutDetails:
    """The buyer's contact and delivery choices, already validated by the form."""

    name: str
    email: str
    phone: str
    delivery_method: str
    payment_method: str
    province: str = ""
    city: str = ""
    address_line: str = ""
    postal_code: str = ""
    language: str = "id"

    @property
    def zone(self) -> str | None:
        if self.delivery_method == DeliveryMethod.PICKUP:
            return None
        return zone_for(self.province, self.city)


@dataclass(frozen=True)
class Quote:
    """What the order would cost now: subtotal, delivery and total in rupiah."""

    subtotal: int
    shipping_fee: int
    chargeable_grams: int

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee


def quote_delivery(lines, details: CheckoutDetails) -> Quote:
    """Price delivery for priced cart lines; ``OrderError`` if the method cannot serve them."""
    has_perishable = any(line.kind == "perishable" for line in lines)
    if details.delivery_method not in allowed_methods(
        has_perishable=has_perishable, zone=details.zone
    ):
        if has_perishable:
            raise OrderError(
                _("Fresh food can only be picked up or delivered the same day within Palembang.")
            )
        raise OrderError(_("Same-day delivery is only available within Palembang."))
    grams = chargeable_weight_grams(
        Parcel(line.weight_grams, line.length_cm, line.width_cm, line.height_cm, line.quantity)
        for line in lines
    )
    try:
        fee = delivery_fee(method=details.delivery_method, zone=details.zone, grams=grams)
    except DeliveryNotPossible:
        raise OrderError(_("We cannot deliver to that address with the chosen method.")) from None
    subtotal = sum(line.line_total for line in lines)
    return Quote(subtotal=subtotal, shipping_fee=fee, chargeable_grams=grams)


def new_reference() -> str:
    """A short order reference a person can read out on the phone (no 0/O or 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "CTK-" + "".join(secrets.choice(alphabet) for _ in range(7))


def _variant_label(options: dict) -> str:
    return ", ".join(f"{key.capitalize()}: {value}" for key, value in (options or {}).items())


def place_order(
    *,
    cart_token: str | None,
    cart_revision: int | None,
    details: CheckoutDetails,
    idempotency_key: str,
    user_id: int | None = None,
    referral_partner_slug: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Turn the cart into an order with its stock reserved, in one transaction.

    Prices are read again from the database; every line's stock is taken by
    one conditional UPDATE that succeeds only if all lines have enough, so
    the order either reserves everything or nothing (``SoldOut``). The order
    and its lines are written with snapshots of name, variant, price and
    programme, the stock movements and a confirmation e-mail are recorded, and
    the cart is emptied, all in the same commit. The same ``idempotency_key``
    (a double click, a second tab, a retry) always yields the same order.
    """
    now = now or utcnow()
    existing = find_order_by_idempotency_key(idempotency_key)
    if existing is not None:
        return existing

    cart = find_cart(cart_token)
    rows = load_priced_lines(cart.id) if cart is not None else []
    stale = cart is not None and cart_revision is not None and cart.revision != cart_revision
    if not rows or stale:
        # A concurrent submission of this same order may just have emptied the cart.
        placed = find_order_by_idempotency_key(idempotency_key)
        if placed is not None:
            return placed
    if not rows:
        raise EmptyCart(_("Your cart is empty."))
    if stale:
        raise CartChanged(_("Your cart changed since you reviewed it. Please check it again."))
    for line, variant, product, _program in rows:
        if variant is None or product is None or not variant.is_active or not product.is_active:
            raise CartChanged(
                _("An item in your cart is no longer on sale. Please check your cart.")
            )
        if not 0 < line.quantity <= MAX_PER_LINE:
            raise CartChanged(_("Please check the quantities in your cart."))
    option = PAYMENT_OPTIONS.get(details.payment_method)
    if option is None or not option.available_for(details.delivery_method):
        raise OrderError(_("That payment method is not available for this delivery method."))

    priced = [priced_line(*row) for row in rows]
    quote = quote_delivery(priced, details)

    # Take all the stock in one statement: it touches every line's row only if
    # every line has enough, so the row count says whether all succeeded.
    wanted = {line.variant_id: line.quantity for line in priced}
    labels = {line.variant_id: line.name(details.language) for line in priced}
    if len(_take_stock(wanted)) != len(wanted):
        db.session.rollback()
        # A concurrent submission of this same order may have taken the stock.
        placed = find_order_by_idempotency_key(idempotency_key)
        if placed is not None:
            return placed
        short = (
            db.session.execute(
                select(Variant.id).where(
                    Variant.id.in_(wanted), Variant.on_hand < case(wanted, value=Variant.id)
                )
            )
            .scalars()
            .all()
        )
        names = [labels[vid] for vid in wanted if vid in short]
        raise SoldOut(
            _(
                "Sorry, sold out: %(items)s. Someone bought the last units just before you.",
                items=", ".join(names) or _("an item in your cart"),
            ),
            names,
        )

    referral_id = None
    if referral_partner_slug:
        referral_id = db.session.execute(
            select(Partner.id).where(
                Partner.slug == referral_partner_slug[:120], Partner.is_active.is_(True)
            )
        ).scalar_one_or_none()

    today = now.astimezone(SHOP_TIMEZONE).date()
    order = Order(
        reference=new_reference(),
        access_token=secrets.token_urlsafe(24),
        idempotency_key=idempotency_key,
        user_id=user_id,
        status=option.initial_status,
        language=details.language,
        contact_name=details.name,
        email=details.email,
        phone=details.phone,
        delivery_method=details.delivery_method,
        zone=details.zone,
        address_line=details.address_line
        if details.delivery_method != DeliveryMethod.PICKUP
        else "",
        city=details.city if details.delivery_method != DeliveryMethod.PICKUP else "",
        province=details.province if details.delivery_method != DeliveryMethod.PICKUP else "",
        postal_code=details.postal_code if details.delivery_method != DeliveryMethod.PICKUP else "",
        chargeable_weight_grams=quote.chargeable_grams,
        subtotal=quote.subtotal,
        shipping_fee=quote.shipping_fee,
        total=quote.total,
        payment_method=option.code,
        referral_partner_id=referral_id,
        expires_at=now + option.expiry(current_app.config),
        created_at=now,
    )
    order.history = [
        OrderEvent(
            from_status=None,
            to_status=order.status,
            note="order placed",
            actor="buyer",
            created_at=now,
        )
    ]
    db.session.add(order)
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent submission with the same key won the race: its order stands.
        db.session.rollback()
        return find_order_by_idempotency_key(idempotency_key)
    # One multi-row INSERT for the lines and one for the stock movements.
    lines = [{"order_id": order.id, **order_line(line, today)} for line in priced]
    db.session.execute(insert(OrderLine), lines)
    _record_movements(order, wanted, MovementKind.RESERVATION, order.reference, now, sign=-1)
    db.session.expire(order, ["lines"])
    db.session.execute(delete(CartLine).where(CartLine.cart_id == cart.id))
    db.session.execute(
        update(Cart).where(Cart.id == cart.id).values(revision=Cart.revision + 1, checkout=None)
    )
    queue_order_email(order=order, template="order_confirmation")
    db.session.commit()
    return order


def order_line(line: PricedLine, today: date) -> dict:
    """The one place an order line is built: a snapshot of the sale, as column values."""
    return {
        "variant_id": line.variant_id,
        "product_id": line.product_id,
        "sku": line.sku,
        "product_name_id": line.name_id,
        "product_name_en": line.name_en,
        "variant_label": _variant_label(line.options),
        "kind": line.kind,
        "unit_price": line.unit_price,
        "quantity": line.quantity,
        "line_total": line.line_total,
        "program_id": line.program_id,
        "program_name_id": line.program_name_id,
        "program_name_en": line.program_name_en,
        "ready_by": today + timedelta(days=line.lead_time_days)
        if line.kind == "made_to_order" and line.lead_time_days
        else None,
        "best_before_days": line.shelf_life_days if line.kind == "perishable" else None,
    }


def find_order_by_idempotency_key(key: str) -> Order | None:
    """The order an earlier submission with ``key`` placed, or None."""
    return db.session.execute(
        select(Order).where(Order.idempotency_key == key)
    ).scalar_one_or_none()


def find_order_by_token(token: str) -> Order | None:
    """The order whose status page is at ``token``, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.execute(select(Order).where(Order.access_token == token)).scalar_one_or_none()


def open_order(token: str) -> Order | None:
    """The order at ``token``, expired first if its time ran out unpaid (commits then)."""
    order = find_order_by_token(token)
    if order is not None:
        expire_order(order)
    return order


def _record_event(
    order: Order,
    to_status: str,
    note: str,
    actor: str,
    now: datetime,
    from_status: str | None = None,
) -> None:
    db.session.add(
        OrderEvent(
            order_id=order.id,
            from_status=from_status or order.status,
            to_status=to_status,
            note=note,
            actor=actor,
            created_at=now,
        )
    )


def _claim_status(order: Order, from_statuses, to_status: str, **values) -> bool:
    """Move the order to ``to_status`` only if it is still in ``from_statuses``.

    A conditional UPDATE, so a webhook and the expiry job racing for the same
    order cannot both win.
    """
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_([str(s) for s in from_statuses]))
        .values(status=to_status, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.session.refresh(order)
        return True
    return False


def _quantities_by_variant(order: Order) -> dict[int, int]:
    """Units of each variant an order holds."""
    wanted: dict[int, int] = {}
    for line in order.lines:
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
    return wanted


def _take_stock(wanted: dict[int, int]) -> list[int]:
    """Take ``wanted`` units per variant id in one statement, from each variant that has
    enough; returns the ids taken from (all of them, or the caller must undo)."""
    take = case(wanted, value=Variant.id)
    return (
        db.session.execute(
            update(Variant)
            .where(Variant.id.in_(wanted), Variant.on_hand >= take)
            .values(on_hand=Variant.on_hand - take)
            .returning(Variant.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )


def _give_stock(wanted: dict[int, int]) -> None:
    """Put ``wanted`` units per variant id back, in one statement."""
    give = case(wanted, value=Variant.id)
    db.session.execute(
        update(Variant)
        .where(Variant.id.in_(wanted))
        .values(on_hand=Variant.on_hand + give)
        .execution_options(synchronize_session=False)
    )


def _record_movements(
    order: Order, wanted: dict[int, int], kind: MovementKind, note: str, now: datetime, sign: int
) -> None:
    """One stock movement per variant of ``wanted`` (units, signed by ``sign``), one INSERT."""
    db.session.execute(
        insert(StockMovement),
        [
            {
                "variant_id": vid,
                "order_id": order.id,
                "quantity": sign * q,
                "kind": kind.value,
                "note": note,
                "created_at": now,
            }
            for vid, q in wanted.items()
        ],
    )


def _restock(order: Order, kind: MovementKind, now: datetime) -> None:
    wanted = _quantities_by_variant(order)
    _give_stock(wanted)
    _record_movements(order, wanted, kind, order.reference, now, sign=1)


def expire_order(order: Order, *, now: datetime | None = None) -> bool:
    """Expire an unpaid order whose time is up and put its stock back; commits.

    Returns False (and changes nothing) if the order is not payable any more
    or its time has not come, e.g. because a payment just arrived.
    """
    now = now or utcnow()
    expires_at = order.expires_at
    if expires_at is not None and expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=now.tzinfo)
    if order.status not in PAYABLE_STATUSES or expires_at is None or expires_at > now:
        return False
    previous = order.status
    if not _claim_status(order, PAYABLE_STATUSES, S.EXPIRED):
        db.session.rollback()
        return False
    _restock(order, MovementKind.RELEASE, now)
    _record_event(
        order, S.EXPIRED, "not paid in time; stock released", "system", now, from_status=previous
    )
    db.session.commit()
    return True


def release_expired_reservations(*, now: datetime | None = None, limit: int = 500) -> int:
    """Expire every unpaid order past its time, one transaction each; returns how many."""
    now = now or utcnow()
    due = (
        db.session.execute(
            select(Order)
            .where(Order.status.in_(PAYABLE_STATUSES), Order.expires_at < now)
            .order_by(Order.expires_at)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    return sum(1 for order in due if expire_order(order, now=now))


@dataclass(frozen=True)
class PaymentOutcome:
    """What ``mark_paid`` did: ``paid``, ``already_paid``, ``refund_needed`` or ``mismatch``."""

    result: str
    order: Order | None


def mark_paid(
    *,
    order_id: int,
    method: str,
    amount_rupiah: int,
    currency: str = "idr",
    provider_ref: str | None = None,
    provider_event: tuple[str, str] | None = None,
    actor: str = "stripe",
    now: datetime | None = None,
) -> PaymentOutcome:
    """Record a confirmed payment and mark the order paid, in one transaction.

    Only called with a payment the provider has confirmed (a verified webhook
    whose PaymentIntent was fetched again, or staff confirming a transfer).
    The order is paid only if the amount and currency equal its total; the
    status change is a conditional UPDATE so a duplicate or racing
    confirmation does nothing twice. Paying writes the attribution ledger and
    queues the "paid" e-mail in the same commit. A payment for an order that
    already expired re-reserves its stock if every unit is still there, and
    otherwise flags the order for a refund: it is never dropped. The provider
    event, when given, is stored in the same commit (its id is unique).
    """
    now = now or utcnow()
    order = db.session.get(Order, order_id)
    event_row = None
    if provider_event is not None:
        event_row = PaymentEvent(
            event_id=provider_event[0],
            event_type=provider_event[1],
            order_id=order.id if order else None,
            received_at=now,
        )
        db.session.add(event_row)
    if order is None:
        _note_event_outcome(event_row, "no such order")
        db.session.commit()
        return PaymentOutcome("mismatch", None)

    payment = _payment_row(order, method, provider_ref)
    if currency.lower() != "idr" or amount_rupiah != order.total:
        order.payment_problem = f"paid {amount_rupiah} {currency}, expected {order.total} idr"
        order.needs_refund = True
        _record_event(
            order, order.status, f"payment amount mismatch: {order.payment_problem}", actor, now
        )
        payment.status = "mismatch"
        payment.amount = max(amount_rupiah, 0)
        _note_event_outcome(event_row, "amount or currency mismatch")
        db.session.commit()
        return PaymentOutcome("mismatch", order)

    if order.status in PAID_STATUSES:
        _note_event_outcome(event_row, "already paid")
        db.session.commit()
        return PaymentOutcome("already_paid", order)

    payment.status = "succeeded"
    payment.amount = amount_rupiah
    previous = order.status
    if _claim_status(order, PAYABLE_STATUSES, S.PAID, paid_at=now):
        note = "payment confirmed"
    elif (
        previous == S.EXPIRED
        and _rereserve(order, now)
        and _claim_status(order, [S.EXPIRED], S.PAID, paid_at=now)
    ):
        note = "payment arrived after expiry; stock reserved again"
    else:
        db.session.refresh(order)
        order.needs_refund = True
        order.payment_problem = "paid after the order expired or was cancelled; stock is gone"
        _record_event(
            order, order.status, "payment received but the goods are gone: refund due", actor, now
        )
        _note_event_outcome(event_row, "refund needed")
        db.session.commit()
        return PaymentOutcome("refund_needed", order)

    _record_event(order, S.PAID, note, actor, now, from_status=previous)
    db.session.execute(
        insert(StockMovement),
        [
            {
                "variant_id": line.variant_id,
                "order_id": order.id,
                "quantity": 0,
                "kind": MovementKind.SALE.value,
                "note": f"{order.reference} x{line.quantity}",
                "created_at": now,
            }
            for line in order.lines
        ],
    )
    credit_sale_to_programmes(order, day=now.astimezone(SHOP_TIMEZONE).date())
    queue_order_email(order=order, template="order_paid")
    _note_event_outcome(event_row, "order paid")
    db.session.commit()
    return PaymentOutcome("paid", order)


def _rereserve(order: Order, now: datetime) -> bool:
    wanted = _quantities_by_variant(order)
    taken = _take_stock(wanted)
    if len(taken) != len(wanted):
        # Some units are gone: give back exactly what this statement took.
        if taken:
            _give_stock({vid: wanted[vid] for vid in taken})
        return False
    note = f"{order.reference} late payment"
    _record_movements(order, wanted, MovementKind.RESERVATION, note, now, sign=-1)
    return True


def _payment_row(order: Order, method: str, provider_ref: str | None) -> Payment:
    payment = None
    if provider_ref:
        payment = db.session.execute(
            select(Payment).where(Payment.provider_ref == provider_ref)
        ).scalar_one_or_none()
    if payment is None:
        payment = db.session.execute(
            select(Payment)
            .where(Payment.order_id == order.id, Payment.method == method)
            .order_by(Payment.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if payment is None:
        payment = Payment(
            order_id=order.id, method=method, provider_ref=provider_ref, amount=order.total
        )
        db.session.add(payment)
    return payment


def _note_event_outcome(event_row: PaymentEvent | None, outcome: str) -> None:
    """Write on the stored provider event what came of it."""
    if event_row is not None:
        event_row.outcome = outcome


def record_payment_failure(
    *,
    order_id: int,
    provider_ref: str,
    message: str,
    provider_event: tuple[str, str],
    now: datetime | None = None,
) -> None:
    """Remember why a payment attempt failed; the order stays payable. One transaction."""
    now = now or utcnow()
    order = db.session.get(Order, order_id)
    db.session.add(
        PaymentEvent(
            event_id=provider_event[0],
            event_type=provider_event[1],
            order_id=order.id if order else None,
            outcome="payment failed",
            received_at=now,
        )
    )
    if order is not None and order.status in PAYABLE_STATUSES:
        payment = _payment_row(order, "stripe", provider_ref)
        payment.status = "failed"
        payment.failure_message = message[:300]
        order.payment_problem = message[:300]
        _record_event(
            order, order.status, f"payment attempt failed: {message[:200]}", "stripe", now
        )
    db.session.commit()


def record_ignored_event(*, event_id: str, event_type: str, note: str) -> None:
    """Store a provider event that needs no action, so a redelivery is recognised; commits."""
    db.session.add(PaymentEvent(event_id=event_id, event_type=event_type, outcome=note))
    db.session.commit()


def event_already_processed(event_id: str) -> bool:
    """Whether a provider event with this id was handled before."""
    return (
        db.session.execute(select(PaymentEvent.id).where(PaymentEvent.event_id == event_id)).first()
        is not None
    )


def card_payment_ref(order_id: int) -> str | None:
    """The PaymentIntent id already created for an order, if any."""
    return db.session.execute(
        select(Payment.provider_ref)
        .where(
            Payment.order_id == order_id,
            Payment.method == "stripe",
            Payment.provider_ref.is_not(None),
        )
        .order_by(Payment.id)
        .limit(1)
    ).scalar_one_or_none()


def begin_payment_attempt(order: Order) -> None:
    """A new payment attempt starts: forget the last failure so the return page waits afresh."""
    if order.payment_problem and order.status in PAYABLE_STATUSES and not order.needs_refund:
        order.payment_problem = None
        db.session.commit()


def attach_payment_intent(*, order: Order, intent_id: str) -> Payment:
    """Remember the PaymentIntent created for an order; commits."""
    payment = _payment_row(order, "stripe", intent_id)
    payment.provider_ref = intent_id
    db.session.commit()
    return payment


def record_refund(
    *,
    order_id: int,
    amount: int | None,
    reason: str,
    provider_ref: str | None,
    now: datetime | None = None,
) -> Refund:
    """Record money given back on a paid order, with negative ledger entries; one transaction.

    ``amount`` None refunds everything not yet refunded. Goods are refunded
    before delivery: the goods part is debited from the attribution ledger in
    the sale's proportions, so the ledger always equals net goods revenue.
    """
    now = now or utcnow()
    order = db.session.get(Order, order_id)
    if order is None or (order.status not in PAID_STATUSES and not order.needs_refund):
        raise OrderError(_("Only a paid order can be refunded."))
    remaining = order.total - order.refunded_total
    amount = remaining if amount is None else amount
    if not isinstance(amount, int) or amount <= 0 or amount > remaining:
        raise OrderError(_("A refund must be between Rp1 and what is left to refund."))
    goods_refunded = db.session.execute(
        select(db.func.coalesce(db.func.sum(Refund.goods_amount), 0)).where(
            Refund.order_id == order.id
        )
    ).scalar()
    goods = min(amount, order.subtotal - goods_refunded)
    refund = Refund(
        order_id=order.id,
        amount=amount,
        goods_amount=goods,
        reason=reason[:300],
        provider_ref=provider_ref,
        created_at=now,
        payment_id=db.session.execute(
            select(Payment.id)
            .where(Payment.order_id == order.id, Payment.status == "succeeded")
            .limit(1)
        ).scalar(),
    )
    db.session.add(refund)
    db.session.flush()
    if order.paid_at is not None and not order.needs_refund:
        debit_refund(
            order, refund_id=refund.id, goods_amount=goods, day=now.astimezone(SHOP_TIMEZONE).date()
        )
    order.refunded_total += amount
    to_status = S.REFUNDED if order.refunded_total == order.total else S.PARTIALLY_REFUNDED
    previous = order.status
    # A late payment on an expired or cancelled order is given back without
    # reviving the order: it keeps its status, only the money moves.
    if order.status in PAID_STATUSES and order.status != S.REFUNDED:
        order.status = to_status
    if order.refunded_total == order.total:
        order.needs_refund = False
    _record_event(
        order,
        order.status,
        f"refunded Rp{amount}: {reason[:200]}",
        "staff",
        now,
        from_status=previous,
    )
    db.session.commit()
    return refund


def advance_order(
    *,
    order_id: int,
    to_status: str,
    actor: str,
    note: str = "",
    tracking_number: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Move a paid order along its fulfilment path, checked against the allowed transitions.

    Shipping needs a tracking number and queues the "shipped" e-mail in the
    same commit. Raises ``InvalidTransition`` otherwise.
    """
    now = now or utcnow()
    order = db.session.get(Order, order_id)
    if order is None:
        raise OrderError(_("No such order."))
    if to_status not in FULFILMENT_STEPS.get(order.status, set()):
        raise InvalidTransition(
            _("An order cannot go from %(a)s to %(b)s.", a=order.status, b=to_status)
        )
    if to_status == S.SHIPPED and not (tracking_number or "").strip():
        raise OrderError(_("A tracking number is needed to mark an order shipped."))
    previous = order.status
    if not _claim_status(order, [previous], to_status):
        raise InvalidTransition(_("The order changed meanwhile; please reload it."))
    if tracking_number:
        order.tracking_number = tracking_number.strip()[:60]
    _record_event(order, to_status, note, actor, now, from_status=previous)
    if to_status == S.SHIPPED:
        queue_order_email(order=order, template="order_shipped")
    db.session.commit()
    return order
