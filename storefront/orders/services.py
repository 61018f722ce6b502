"""Orders: placing one from a cart, expiring or cancelling it while unpaid, finding it.

Each public function that changes state is one transaction and takes the
``Actor`` making the change. Stock moves only through ``inventory.services``;
the lifecycle steps and their events through ``orders.lifecycle``; money
through ``payments.services``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from storefront.accounts.permissions import BUYER, SYSTEM, Actor
from storefront.cart.models import Cart, CartLine
from storefront.cart.services import (
    MAX_PER_LINE,
    PricedLine,
    find_cart,
    load_priced_lines,
    priced_line,
)
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
from storefront.impact.models import Partner
from storefront.inventory import services as inventory
from storefront.orders.lifecycle import UNPAID_OPEN, record_step
from storefront.orders.models import (
    DeliveryMethod,
    Order,
    OrderLine,
    OrderStatus,
    PaymentState,
)
from storefront.outbox.services import queue_order_email
from storefront.payments.methods import PAYMENT_OPTIONS
from storefront.timeutil import SHOP_TIMEZONE, utcnow

S = OrderStatus
# Unpaid orders whose reservation runs out: awaiting payment, or a cash order
# waiting at the counter. (A cash order in production keeps its reservation.)
EXPIRING_STATUSES = (S.AWAITING_PAYMENT, S.READY_FOR_PICKUP)
PICKUP_CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"


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


class CannotCancel(OrderError):
    """The order is paid or already closed: it cannot simply be cancelled."""

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
        return zone_for(self.province, self.city, self.postal_code)


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
    actor: Actor = BUYER,
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
    the order either reserves everything or nothing (``SoldOut``, and the
    whole transaction is rolled back). The order
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

    wanted = {line.variant_id: line.quantity for line in priced}
    labels = {line.variant_id: line.name(details.language) for line in priced}

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
        status=S.AWAITING_PAYMENT.value,
        payment_state=PaymentState.UNPAID.value,
        pickup_code=new_pickup_code() if details.delivery_method == DeliveryMethod.PICKUP else None,
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
    db.session.add(order)
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent submission with the same key won the race: its order stands.
        db.session.rollback()
        return find_order_by_idempotency_key(idempotency_key)
    try:
        inventory.reserve(actor, wanted=wanted, order_id=order.id, note=order.reference, now=now)
    except inventory.InsufficientStock as short:
        db.session.rollback()
        # A concurrent submission of this same order may have taken the stock.
        placed = find_order_by_idempotency_key(idempotency_key)
        if placed is not None:
            return placed
        names = [labels[vid] for vid in wanted if vid in short.variant_ids]
        raise SoldOut(
            _(
                "Sorry, sold out: %(items)s. Someone bought the last units just before you.",
                items=", ".join(names) or _("an item in your cart"),
            ),
            names,
        ) from None
    # One multi-row INSERT for the lines.
    lines = [{"order_id": order.id, **order_line(line, today)} for line in priced]
    db.session.execute(insert(OrderLine), lines)
    db.session.expire(order, ["lines"])
    record_step(
        order,
        actor,
        action="order.placed",
        from_status=None,
        to_status=order.status,
        note="order placed",
        now=now,
        changes={
            "total": order.total,
            "payment_method": order.payment_method,
            "delivery_method": order.delivery_method,
            "lines": {str(vid): q for vid, q in wanted.items()},
        },
    )
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


def new_pickup_code() -> str:
    """A six-character code the buyer shows at the counter (no look-alike characters)."""
    return "".join(secrets.choice(PICKUP_CODE_ALPHABET) for _ in range(6))


def _expired(order: Order, now: datetime) -> bool:
    expires_at = order.expires_at
    if expires_at is not None and expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=now.tzinfo)
    return (
        order.status in EXPIRING_STATUSES
        and order.payment_state == PaymentState.UNPAID
        and expires_at is not None
        and expires_at <= now
    )


def expire_order(order: Order, *, actor: Actor = SYSTEM, now: datetime | None = None) -> bool:
    """Expire an unpaid order whose time is up and put its stock back; commits.

    Returns False (and changes nothing) if the order is not unpaid any more or
    its time has not come, e.g. because a payment just arrived: the claim is a
    conditional UPDATE on both the status and the payment state.
    """
    now = now or utcnow()
    if not _expired(order, now):
        return False
    previous = order.status
    claimed = db.session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            Order.status.in_([str(s) for s in EXPIRING_STATUSES]),
            Order.payment_state == PaymentState.UNPAID,
        )
        .values(status=S.EXPIRED.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(order)
    inventory.release(
        actor,
        wanted=inventory.quantities_of(order.lines),
        order_id=order.id,
        reason="expired",
        note=order.reference,
        now=now,
    )
    record_step(
        order,
        actor,
        action="order.expired",
        from_status=previous,
        to_status=S.EXPIRED,
        note="not paid in time; stock released",
        now=now,
    )
    db.session.commit()
    return True


def release_expired_reservations(
    *, actor: Actor = SYSTEM, now: datetime | None = None, limit: int = 500
) -> int:
    """Expire every unpaid order past its time, one transaction each; returns how many."""
    now = now or utcnow()
    due = (
        db.session.execute(
            select(Order)
            .where(
                Order.status.in_([str(s) for s in EXPIRING_STATUSES]),
                Order.payment_state == PaymentState.UNPAID,
                Order.expires_at < now,
            )
            .order_by(Order.expires_at)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    return sum(1 for order in due if expire_order(order, actor=actor, now=now))


def cancel_unpaid_order(
    actor: Actor, *, order_id: int, reason: str, now: datetime | None = None
) -> Order:
    """Cancel an order nobody has paid for and put its stock back; one transaction.

    Staff or the buyer (from the order page) may do it. A paid order is
    cancelled only through a full refund; an order with money received but
    not matching (short, late) is resolved by staff, not cancelled here.
    """
    now = now or utcnow()
    order = db.session.get(Order, order_id)
    if order is None:
        raise CannotCancel(_("No such order."))
    previous = order.status
    if previous not in UNPAID_OPEN or order.payment_state != PaymentState.UNPAID:
        raise CannotCancel(
            _("Only an unpaid order can be cancelled; a paid order is cancelled by a full refund.")
        )
    claimed = db.session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            Order.status == previous,
            Order.payment_state == PaymentState.UNPAID,
        )
        .values(status=S.CANCELLED.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise CannotCancel(_("The order changed meanwhile; please look at it again."))
    db.session.refresh(order)
    inventory.release(
        actor,
        wanted=inventory.quantities_of(order.lines),
        order_id=order.id,
        reason="cancelled",
        note=order.reference,
        now=now,
    )
    reason = " ".join((reason or "").split())[:300]
    record_step(
        order,
        actor,
        action="order.cancelled",
        from_status=previous,
        to_status=S.CANCELLED,
        note=reason or "cancelled",
        now=now,
    )
    queue_order_email(order=order, template="order_cancelled")
    db.session.commit()
    return order
