"""An order's life as data: the steps each kind of order may take, and the one
function that applies a step.

Payment and refunds are facets of their own (``payment_state``, refunds): a
step here never moves money, and a refund never moves an order back. Paying
(``payments.services``), expiring and cancelling (``orders.services``) use
``claim_status`` and ``record_step`` from here, so every change of the
lifecycle is a conditional UPDATE that records its event and audit row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from storefront.accounts.permissions import Actor
from storefront.audit.services import record
from storefront.domain import DomainError
from storefront.extensions import db
from storefront.orders.models import (
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
)
from storefront.timeutil import utcnow

S = OrderStatus
D = DeliveryMethod

# (delivery method, has a made-to-order line, paid in cash at handover): the
# steps in order. An order moves only to the step after its current one.
PATHS: dict[tuple[str, bool, bool], tuple[str, ...]] = {
    (D.COURIER, False, False): (S.PAID, S.PACKED, S.SHIPPED, S.DELIVERED, S.COMPLETED),
    (D.COURIER, True, False): (
        S.PAID, S.IN_PRODUCTION, S.PACKED, S.SHIPPED, S.DELIVERED, S.COMPLETED,
    ),
    (D.SAME_DAY, False, False): (S.PAID, S.PACKED, S.OUT_FOR_DELIVERY, S.DELIVERED),
    (D.SAME_DAY, True, False): (
        S.PAID, S.IN_PRODUCTION, S.PACKED, S.OUT_FOR_DELIVERY, S.DELIVERED,
    ),
    (D.PICKUP, False, False): (S.PAID, S.READY_FOR_PICKUP, S.COLLECTED),
    (D.PICKUP, True, False): (S.PAID, S.IN_PRODUCTION, S.READY_FOR_PICKUP, S.COLLECTED),
    (D.PICKUP, False, True): (S.AWAITING_PAYMENT, S.READY_FOR_PICKUP, S.COLLECTED),
    (D.PICKUP, True, True): (
        S.AWAITING_PAYMENT, S.IN_PRODUCTION, S.READY_FOR_PICKUP, S.COLLECTED,
    ),
}  # fmt: skip

# Steps that are not reached by ``advance``: paying has its service, and a cash
# order is collected only by the handover that takes the cash.
NOT_BY_HAND = {S.PAID}
UNPAID_OPEN = {S.AWAITING_PAYMENT, S.IN_PRODUCTION, S.READY_FOR_PICKUP}
TERMINAL = {S.COMPLETED, S.COLLECTED, S.CANCELLED, S.EXPIRED}
BEFORE_DISPATCH = {S.PAID, S.IN_PRODUCTION, S.PACKED, S.READY_FOR_PICKUP}


@dataclass(frozen=True)
class Courier:
    """A courier staff can ship with: its tracking number format and tracking page."""

    code: str
    name: str
    pattern: re.Pattern
    tracking_url: str  # "{number}" is replaced; empty when the courier has no public page
    example: str


COURIERS: dict[str, Courier] = {
    c.code: c
    for c in (
        Courier(
            "jne", "JNE", re.compile(r"^[A-Z0-9]{10,16}$"),
            "https://www.jne.co.id/tracking-package?resi={number}", "CGK1234567890",
        ),
        Courier(
            "jnt", "J&T Express", re.compile(r"^(JP|JD|JX)?\d{10,12}$"),
            "https://jet.co.id/track?awb={number}", "JP1234567890",
        ),
        Courier(
            "sicepat", "SiCepat", re.compile(r"^\d{12}$"),
            "https://www.sicepat.com/checkAwb?awb={number}", "000123456789",
        ),
        Courier(
            "pos", "Pos Indonesia", re.compile(r"^[A-Z0-9]{9,20}$"),
            "https://www.posindonesia.co.id/id/tracking?barcode={number}", "P2312010012345",
        ),
        Courier(
            "anteraja", "AnterAja", re.compile(r"^\d{10,16}$"),
            "https://anteraja.id/tracking/{number}", "10001234567890",
        ),
        Courier("gosend", "GoSend", re.compile(r"^[A-Z0-9-]{6,30}$"), "", "GK-11-123456"),
        Courier("grab", "GrabExpress", re.compile(r"^[A-Z0-9-]{6,30}$"), "", "IN-2-ABCDEF123"),
        Courier("other", "Other", re.compile(r"^[A-Z0-9./ -]{3,40}$"), "", "RESI-001"),
    )
}  # fmt: skip

STEP_LABELS = {
    S.IN_PRODUCTION: _l("Start production"),
    S.PACKED: _l("Mark packed"),
    S.SHIPPED: _l("Mark shipped"),
    S.OUT_FOR_DELIVERY: _l("Out for delivery"),
    S.READY_FOR_PICKUP: _l("Ready for pickup"),
    S.DELIVERED: _l("Mark delivered"),
    S.COLLECTED: _l("Mark collected"),
    S.COMPLETED: _l("Complete"),
}


class InvalidTransition(DomainError):
    """The order cannot take that step from where it is now."""

    status_code = 409


class InvalidShipment(DomainError):
    """The courier or tracking number given for a shipment is not acceptable."""

    status_code = 422


def pays_at_handover(order: Order) -> bool:
    """Whether the order is paid in cash when it is collected."""
    return order.payment_method == PaymentMethod.CASH_ON_PICKUP


def path_of(order: Order) -> tuple[str, ...]:
    """The steps this order goes through after it is placed (or paid)."""
    return PATHS[(order.delivery_method, order.needs_production, pays_at_handover(order))]


def next_step(order: Order) -> str | None:
    """The one step staff can take now, or None."""
    path = path_of(order)
    if order.status not in path:
        return None
    index = path.index(order.status)
    if index + 1 >= len(path):
        return None
    step = path[index + 1]
    if step == S.COLLECTED and pays_at_handover(order) and not order.is_paid:
        return None  # collected only by the cash handover
    return step


def normalise_tracking(courier: str | None, number: str | None) -> tuple[str, str]:
    """A known courier and a tracking number in its usual format, upper-cased; or
    ``InvalidShipment`` saying what is wrong."""
    found = COURIERS.get((courier or "").strip().lower())
    if found is None:
        raise InvalidShipment(_("Choose a courier from the list."))
    cleaned = re.sub(r"\s+", "", (number or "")).upper()
    if found.code == "other":
        cleaned = " ".join((number or "").upper().split())
    if not cleaned:
        raise InvalidShipment(_("A tracking number is needed to mark an order shipped."))
    if len(cleaned) > 40 or not found.pattern.match(cleaned):
        raise InvalidShipment(
            _(
                "That does not look like a %(courier)s tracking number (for example %(example)s).",
                courier=found.name,
                example=found.example,
            )
        )
    return found.code, cleaned


def tracking_link(order: Order) -> str | None:
    """The courier's public tracking page for a shipped order, if it has one."""
    found = COURIERS.get(order.courier or "")
    if found is None or not found.tracking_url or not order.tracking_number:
        return None
    return found.tracking_url.format(number=order.tracking_number)


def claim_status(order: Order, from_statuses, to_status: str, **values) -> bool:
    """Move the order to ``to_status`` only if it is still in one of ``from_statuses``.

    A conditional UPDATE checked by its row count: two staff pressing the same
    button, or a webhook racing the expiry job, cannot both win.
    """
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_([str(s) for s in from_statuses]))
        .values(status=str(to_status), updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.session.refresh(order)
        return True
    return False


def record_step(
    order: Order,
    actor: Actor,
    *,
    action: str,
    from_status: str | None,
    to_status: str,
    note: str = "",
    now: datetime | None = None,
    changes: dict | None = None,
) -> None:
    """The order's history event and its audit row for one change, in the caller's transaction."""
    now = now or utcnow()
    db.session.add(
        OrderEvent(
            order_id=order.id,
            from_status=from_status,
            to_status=to_status,
            note=note,
            actor_user_id=actor.user_id,
            actor_role=str(actor.role),
            actor_label=actor.label[:120],
            created_at=now,
        )
    )
    facts = {"reference": order.reference, **(changes or {})}
    if from_status != to_status:
        facts["status"] = [from_status, to_status]
    if note:
        facts["note"] = note
    record(actor, action, order, facts)


def advance(
    actor: Actor,
    *,
    order_id: int,
    to_status: str,
    courier: str | None = None,
    tracking_number: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Order:
    """Take an order one step along its path, in one transaction; commits.

    Only the next step of the order's own path is allowed (a pickup order is
    never shipped; a made-to-order line cannot skip production). Shipping
    needs a known courier and a tracking number in its format, and queues the
    "shipped" e-mail. The step is claimed by a conditional UPDATE, so of two
    staff pressing the same button one wins and the other gets
    ``InvalidTransition``.
    """
    from storefront.outbox.services import queue_order_email

    now = now or utcnow()
    order = db.session.get(Order, order_id)
    if order is None:
        raise InvalidTransition(_("No such order."))
    previous = order.status
    if to_status in NOT_BY_HAND or to_status != next_step(order):
        raise InvalidTransition(
            _("This order cannot take that step now; it may have changed meanwhile.")
        )
    values: dict = {}
    if to_status == S.SHIPPED:
        values["courier"], values["tracking_number"] = normalise_tracking(courier, tracking_number)
    if to_status == S.READY_FOR_PICKUP and pays_at_handover(order) and not order.is_paid:
        # Reserved until collected: the buyer has the pickup window from now.
        from flask import current_app

        from storefront.payments.methods import PAYMENT_OPTIONS

        values["expires_at"] = now + PAYMENT_OPTIONS[order.payment_method].expiry(
            current_app.config
        )
    if not claim_status(order, [previous], to_status, **values):
        db.session.rollback()
        raise InvalidTransition(_("The order changed meanwhile; please look at it again."))
    record_step(
        order,
        actor,
        action=f"order.{to_status}",
        from_status=previous,
        to_status=to_status,
        note=note[:500],
        now=now,
        # The tracking number is personal data an erasure must reach: the audit
        # row says that one was given, not what it was.
        changes={"courier": values["courier"], "tracking_number": "given"}
        if to_status == S.SHIPPED
        else None,
    )
    if to_status in (S.SHIPPED, S.OUT_FOR_DELIVERY, S.READY_FOR_PICKUP):
        queue_order_email(order=order, template=f"order_{to_status}")
    db.session.commit()
    return order
