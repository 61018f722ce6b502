"""Money in and out of an order: receipts (card, bank transfer, cash), their
effect on the order's payment state, invoice numbers, and refunds.

Every function here that changes state is one transaction and begins by
locking the order (a no-op UPDATE on its row: PostgreSQL's row lock, SQLite's
write lock), so that two staff confirming one transfer, a refund racing a
webhook, or a webhook racing reconciliation see each other's result and
change the order once. A receipt is written once and never changed; refunds
are capped by money actually received.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storefront.accounts.permissions import STRIPE, Actor, Permission
from storefront.audit.services import record
from storefront.domain import DomainError
from storefront.extensions import db
from storefront.impact.attribution import credit_sale_to_programmes, debit_refund
from storefront.inventory import services as inventory
from storefront.orders.lifecycle import (
    BEFORE_DISPATCH,
    UNPAID_OPEN,
    claim_status,
    pays_at_handover,
    record_step,
)
from storefront.orders.models import (
    InvoiceCounter,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PaymentState,
)
from storefront.orders.notifications import notify_staff_of_paid_order
from storefront.outbox.services import queue_order_email
from storefront.payments.models import (
    Payment,
    PaymentEvent,
    PaymentReceipt,
    Refund,
    RefundLine,
    RefundStatus,
)
from storefront.templating import rupiah
from storefront.timeutil import SHOP_TIMEZONE, utcnow

S = OrderStatus
MAX_RUPIAH = 1_000_000_000  # no single payment or refund of this shop comes near a billion


class PaymentError(DomainError):
    """A payment or refund request the shop cannot carry out."""


class RefundError(PaymentError):
    """A refund that is not allowed as asked."""


class NeedsApproval(RefundError):
    """The refund is above the approval limit and waits for a second finance officer."""

    status_code = 409


@dataclass(frozen=True)
class PaymentOutcome:
    """What a receipt did: ``paid``, ``already_paid`` (this receipt was seen before), ``mismatch``,
    ``refund_needed`` (money for an order whose goods are gone) or ``no_order``."""

    result: str
    order: Order | None


def _lock_order(order_id: int) -> Order | None:
    """Lock the order's row for this transaction and read it afresh."""
    locked = db.session.execute(
        update(Order)
        .where(Order.id == order_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        return None
    order = db.session.get(Order, order_id)
    db.session.refresh(order)
    db.session.expire(order, ["receipts", "refunds"])
    return order


def _set_payment_state(order: Order, state: PaymentState, **values) -> None:
    db.session.execute(
        update(Order)
        .where(Order.id == order.id)
        .values(payment_state=state.value, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(order)


def _received(order_id: int) -> int:
    return db.session.execute(
        select(func.coalesce(func.sum(PaymentReceipt.amount), 0)).where(
            PaymentReceipt.order_id == order_id, PaymentReceipt.currency == "idr"
        )
    ).scalar_one()


def _next_invoice_number(day: date) -> str:
    """The next invoice number of ``day``'s year, without gaps: the counter moves in
    the paying transaction, so a rolled-back payment gives its number back."""
    dialect = db.session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        make(InvoiceCounter).values(year=day.year, last_number=0).on_conflict_do_nothing()
    )
    number = db.session.execute(
        update(InvoiceCounter)
        .where(InvoiceCounter.year == day.year)
        .values(last_number=InvoiceCounter.last_number + 1)
        .returning(InvoiceCounter.last_number)
    ).scalar_one()
    return f"INV/{day.year}/{number:06d}"


def _store_event(provider_event, order: Order | None, now: datetime) -> PaymentEvent | None:
    if provider_event is None:
        return None
    event_row = PaymentEvent(
        event_id=provider_event[0],
        event_type=provider_event[1],
        order_id=order.id if order else None,
        received_at=now,
    )
    db.session.add(event_row)
    return event_row


def _note(event_row: PaymentEvent | None, outcome: str) -> None:
    if event_row is not None:
        event_row.outcome = outcome


def _pay(order: Order, actor: Actor, *, from_status: str, note: str, now: datetime) -> None:
    """The order's money is in: paid state, invoice number, ledger, sale movements, e-mail."""
    day = now.astimezone(SHOP_TIMEZONE).date()
    invoice = _next_invoice_number(day)
    _set_payment_state(order, PaymentState.PAID, paid_at=now, invoice_number=invoice)
    inventory.sell(
        actor,
        wanted=inventory.quantities_of(order.lines),
        order_id=order.id,
        note=order.reference,
        now=now,
    )
    credit_sale_to_programmes(order, day=day)
    record_step(
        order,
        actor,
        action="order.paid",
        from_status=from_status,
        to_status=order.status,
        note=note,
        now=now,
        changes={"payment_state": ["unpaid", "paid"], "invoice_number": invoice},
    )
    queue_order_email(order=order, template="order_paid")
    notify_staff_of_paid_order(order)


def _commit_unless_deferred(commit: bool) -> None:
    if commit:
        db.session.commit()


def receive_payment(
    actor: Actor,
    *,
    order_id: int,
    method: str,
    amount_rupiah: int,
    reference: str,
    currency: str = "idr",
    received_on: date | None = None,
    note: str = "",
    exact: bool = True,
    provider_event: tuple[str, str] | None = None,
    now: datetime | None = None,
    commit: bool = True,
) -> PaymentOutcome:
    """Record money received for an order and decide what it means; one transaction.

    Called only with money the provider confirmed (a verified webhook whose
    PaymentIntent was fetched again, or reconciliation asking Stripe) or that
    staff saw on the bank statement. The receipt is stored once per method and
    reference. When everything received equals the order's total in rupiah,
    the order is paid: invoice number, ledger and "paid" e-mail in the same
    commit. Anything else is kept and flagged, never dropped: a short or excess
    amount becomes ``amount_mismatch``; money for an order that expired is
    matched with its stock again if every unit is still there, and otherwise
    becomes ``paid_after_expiry`` (a refund is due). The provider event, when
    given, is stored in the same commit (its id is unique). With ``commit=False``
    the caller's transaction stays open for the rest of its change (the cash
    handover collects the order in the same commit).
    """
    now = now or utcnow()
    order = _lock_order(order_id)
    event_row = _store_event(provider_event, order, now)
    if order is None:
        _note(event_row, "no such order")
        _commit_unless_deferred(commit)
        return PaymentOutcome("no_order", None)
    reference = " ".join(str(reference).split())[:100]
    duplicate = db.session.execute(
        select(PaymentReceipt.id).where(
            PaymentReceipt.method == method, PaymentReceipt.reference == reference
        )
    ).first()
    if duplicate is not None:
        _note(event_row, "already received")
        _commit_unless_deferred(commit)
        return PaymentOutcome("already_paid", order)
    if amount_rupiah <= 0:
        _note(event_row, "nothing received")
        _commit_unless_deferred(commit)
        return PaymentOutcome("mismatch", order)

    receipt = PaymentReceipt(
        order_id=order.id,
        method=method,
        amount=amount_rupiah,
        currency=currency.lower()[:3],
        reference=reference,
        received_on=received_on or now.astimezone(SHOP_TIMEZONE).date(),
        note=note[:300],
        actor_user_id=actor.user_id,
        actor_label=actor.label[:120],
        created_at=now,
    )
    db.session.add(receipt)
    db.session.flush()
    record(
        actor,
        "payment.received",
        receipt,
        {
            "order": order.reference,
            "method": method,
            "amount": amount_rupiah,
            "currency": receipt.currency,
            "reference": reference,
        },
    )
    received = _received(order.id)
    previous = order.status

    if order.payment_state == PaymentState.PAID:
        # Paid twice (a second card, a transfer on top of a card): keep it, flag it.
        _set_payment_state(order, PaymentState.AMOUNT_MISMATCH)
        result, what = "mismatch", f"received Rp{received} for a total of Rp{order.total}"
    elif received != order.total or receipt.currency != "idr" or not exact:
        state = (
            PaymentState.PAID_AFTER_EXPIRY
            if order.status in (S.EXPIRED, S.CANCELLED)
            else PaymentState.AMOUNT_MISMATCH
        )
        _set_payment_state(order, state)
        result, what = "mismatch", f"received Rp{received} for a total of Rp{order.total}"
    elif order.status in UNPAID_OPEN:
        if order.status == S.AWAITING_PAYMENT and not pays_at_handover(order):
            claim_status(order, [S.AWAITING_PAYMENT], S.PAID)
        _pay(order, actor, from_status=previous, note="payment confirmed", now=now)
        _note(event_row, "order paid")
        _commit_unless_deferred(commit)
        return PaymentOutcome("paid", order)
    elif order.status == S.EXPIRED and _reserve_again(order, actor, now):
        claim_status(order, [S.EXPIRED], S.PAID)
        _pay(
            order,
            actor,
            from_status=previous,
            note="payment arrived after expiry; stock reserved again",
            now=now,
        )
        _note(event_row, "order paid")
        _commit_unless_deferred(commit)
        return PaymentOutcome("paid", order)
    else:
        _set_payment_state(order, PaymentState.PAID_AFTER_EXPIRY)
        result, what = "refund_needed", "payment received but the order is closed: refund due"

    record_step(
        order,
        actor,
        action=f"payment.{order.payment_state}",
        from_status=previous,
        to_status=order.status,
        note=what,
        now=now,
        changes={"received": received, "total": order.total},
    )
    _note(event_row, "refund needed" if result == "refund_needed" else "amount mismatch")
    _commit_unless_deferred(commit)
    return PaymentOutcome(result, order)


def _reserve_again(order: Order, actor: Actor, now: datetime) -> bool:
    try:
        inventory.reserve(
            actor,
            wanted=inventory.quantities_of(order.lines),
            order_id=order.id,
            note=f"{order.reference} late payment",
            now=now,
        )
    except inventory.InsufficientStock:
        return False
    return True


def receive_card_payment(
    *,
    order_id: int,
    intent_id: str,
    amount_minor: int,
    currency: str,
    provider_event: tuple[str, str] | None = None,
    actor: Actor = STRIPE,
    now: datetime | None = None,
) -> PaymentOutcome:
    """A PaymentIntent Stripe says succeeded: its attempt row is marked and the money received.

    Stripe counts IDR in hundredths; an amount that is not whole rupiah is kept
    (rounded down) but can never match a total.
    """
    outcome = receive_payment(
        actor,
        order_id=order_id,
        method=PaymentMethod.CARD,
        amount_rupiah=amount_minor // 100,
        exact=amount_minor % 100 == 0,
        currency=currency,
        reference=intent_id,
        provider_event=provider_event,
        now=now,
    )
    if outcome.order is not None:
        db.session.execute(
            update(Payment)
            .where(Payment.provider_ref == intent_id)
            .values(status="succeeded", failure_message=None, updated_at=utcnow())
        )
        db.session.commit()
    return outcome


def record_bank_transfer(
    actor: Actor,
    *,
    order_id: int,
    amount_rupiah: int,
    received_on: date,
    bank_reference: str,
    now: datetime | None = None,
) -> PaymentOutcome:
    """Staff record a transfer seen on the bank statement; a matching amount pays the order."""
    order = db.session.get(Order, order_id)
    if order is None or order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise PaymentError(_("This order is not paid by bank transfer."))
    if order.payment_state == PaymentState.PAID:
        raise PaymentError(_("This order is already paid."))
    reference = " ".join((bank_reference or "").split())
    if not reference or len(reference) > 60:
        raise PaymentError(_("Enter the bank's reference for the transfer (up to 60 characters)."))
    _check_amount(amount_rupiah)
    today = (now or utcnow()).astimezone(SHOP_TIMEZONE).date()
    if received_on > today:
        raise PaymentError(_("A transfer cannot be dated in the future."))
    # Again under the order's lock: a colleague confirming the same transfer at the
    # same moment (its reference typed another way) has finished by now, or waits.
    if _lock_order(order_id).payment_state == PaymentState.PAID:
        db.session.rollback()
        raise PaymentError(_("This order is already paid."))
    outcome = receive_payment(
        actor,
        order_id=order_id,
        method=PaymentMethod.BANK_TRANSFER,
        amount_rupiah=amount_rupiah,
        reference=reference,
        received_on=received_on,
        now=now,
    )
    if outcome.result == "already_paid":
        raise PaymentError(_("A transfer with that bank reference is already recorded."))
    return outcome


def _check_amount(amount: int) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_RUPIAH:
        raise PaymentError(_("Enter an amount in whole rupiah, above zero."))


def pickup_code_matches(order: Order, code: str) -> bool:
    """Whether ``code`` is this order's pickup code (case and spaces ignored)."""
    given = "".join((code or "").split()).upper()[:20]
    return bool(order.pickup_code) and hmac.compare_digest(given, order.pickup_code)


def hand_over_for_cash(
    actor: Actor,
    *,
    order_id: int,
    pickup_code: str,
    cash_received: int,
    now: datetime | None = None,
) -> Order:
    """The buyer collects a cash order at the counter: pays and collects it at once.

    The pickup code must be this order's; the cash handed over must cover the
    total (change is given from the till, so the receipt records the total).
    One transaction: the receipt, the paid state with invoice and ledger, and
    the ``collected`` step.
    """
    now = now or utcnow()
    order = db.session.get(Order, order_id)
    if order is None or not pays_at_handover(order):
        raise PaymentError(_("This order is not paid in cash at pickup."))
    if not pickup_code_matches(order, pickup_code):
        raise PaymentError(_("That pickup code does not belong to this order."))
    _check_amount(cash_received)
    if cash_received < order.total:
        raise PaymentError(
            _(
                "The cash received is less than the order total of %(total)s.",
                total=rupiah(order.total),
            )
        )
    if order.status != S.READY_FOR_PICKUP or order.payment_state != PaymentState.UNPAID:
        raise PaymentError(_("This order is not waiting at the counter; look at it again."))
    outcome = receive_payment(
        actor,
        order_id=order.id,
        method=PaymentMethod.CASH_ON_PICKUP,
        amount_rupiah=order.total,
        reference=f"{order.reference}-cash",
        note=f"cash handed over: Rp{cash_received}",
        now=now,
        commit=False,
    )
    if outcome.result != "paid":
        db.session.rollback()
        raise PaymentError(_("This order changed meanwhile; look at it again."))
    if not claim_status(order, [S.READY_FOR_PICKUP], S.COLLECTED):
        db.session.rollback()
        raise PaymentError(_("This order changed meanwhile; look at it again."))
    record_step(
        order,
        actor,
        action="order.collected",
        from_status=S.READY_FOR_PICKUP,
        to_status=S.COLLECTED,
        note="collected and paid in cash",
        now=now,
    )
    db.session.commit()
    return order


def record_payment_failure(
    *,
    order_id: int,
    provider_ref: str,
    message: str,
    provider_event: tuple[str, str],
    now: datetime | None = None,
) -> None:
    """Remember why a card attempt failed, on the attempt; the order stays payable."""
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
    if order is not None and order.payment_state == PaymentState.UNPAID:
        attempt = _card_attempt(order, provider_ref)
        attempt.status = "failed"
        attempt.failure_message = message[:300]
        record_step(
            order,
            STRIPE,
            action="payment.failed",
            from_status=order.status,
            to_status=order.status,
            note=f"payment attempt failed: {message[:200]}",
            now=now,
        )
    db.session.commit()


def _card_attempt(order: Order, intent_id: str | None) -> Payment:
    attempt = None
    if intent_id:
        attempt = db.session.execute(
            select(Payment).where(Payment.provider_ref == intent_id)
        ).scalar_one_or_none()
    if attempt is None:
        attempt = db.session.execute(
            select(Payment)
            .where(Payment.order_id == order.id, Payment.method == PaymentMethod.CARD)
            .order_by(Payment.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if attempt is None:
        attempt = Payment(
            order_id=order.id,
            method=PaymentMethod.CARD.value,
            provider_ref=intent_id,
            amount=order.total,
        )
        db.session.add(attempt)
    return attempt


def note_card_decline(order: Order, *, intent_id: str, message: str) -> None:
    """Remember at once why the card was declined (the webhook says so again later)."""
    attempt = _card_attempt(order, intent_id)
    attempt.status = "failed"
    attempt.failure_message = (message or "")[:300]
    db.session.commit()


def switch_to_other_method(
    actor: Actor, *, order_id: int, method: str, now: datetime | None = None
) -> Order:
    """After a failed card, pay an unpaid order another way (bank transfer, or cash at
    pickup for a pickup order) without losing its reserved items; one transaction.

    The reservation runs for the new method's window from now.
    """
    from flask import current_app

    from storefront.payments.methods import PAYMENT_OPTIONS

    now = now or utcnow()
    order = _lock_order(order_id)
    option = PAYMENT_OPTIONS.get(method)
    if order is None or option is None or method == PaymentMethod.CARD:
        raise PaymentError(_("That payment method is not available for this order."))
    if not option.available_for(order.delivery_method):
        raise PaymentError(_("That payment method is not available for this delivery method."))
    if order.status != S.AWAITING_PAYMENT or order.payment_state != PaymentState.UNPAID:
        raise PaymentError(_("This order is no longer waiting for payment."))
    if order.payment_method != PaymentMethod.CARD:
        raise PaymentError(_("This order is not paid by card."))
    before = order.payment_method
    db.session.execute(
        update(Order)
        .where(Order.id == order.id)
        .values(payment_method=method, expires_at=now + option.expiry(current_app.config))
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(order)
    record_step(
        order,
        actor,
        action="order.payment_method_changed",
        from_status=order.status,
        to_status=order.status,
        note=f"pays by {method} instead of card",
        now=now,
        changes={"payment_method": [before, method]},
    )
    queue_order_email(order=order, template="order_confirmation")
    db.session.commit()
    return order


def last_card_failure(order: Order) -> str | None:
    """Why the latest card attempt of an unpaid order failed, if it did."""
    if order.payment_state != PaymentState.UNPAID:
        return None
    return db.session.execute(
        select(Payment.failure_message)
        .where(Payment.order_id == order.id, Payment.status == "failed")
        .order_by(Payment.updated_at.desc(), Payment.id.desc())
        .limit(1)
    ).scalar_one_or_none()


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
            Payment.method == PaymentMethod.CARD,
            Payment.provider_ref.is_not(None),
        )
        .order_by(Payment.id)
        .limit(1)
    ).scalar_one_or_none()


def begin_payment_attempt(order: Order) -> None:
    """A new card attempt starts: the last failure no longer describes it."""
    if order.payment_state != PaymentState.UNPAID:
        return
    db.session.execute(
        update(Payment)
        .where(Payment.order_id == order.id, Payment.status == "failed")
        .values(status="pending", updated_at=utcnow())
    )
    db.session.commit()


def attach_payment_intent(*, order: Order, intent_id: str) -> Payment:
    """Remember the PaymentIntent created for an order; commits."""
    attempt = _card_attempt(order, intent_id)
    attempt.provider_ref = intent_id
    db.session.commit()
    return attempt


def unpaid_card_intents(*, limit: int = 1000) -> list[tuple[int, str]]:
    """(order id, intent id) of every card order still unpaid that has an intent, newest
    first: abandoned checkouts pile up as expired orders and must not crowd out today's
    lost webhook. A cancelled order is asked about too: its buyer may have paid."""
    return list(
        db.session.execute(
            select(Order.id, Payment.provider_ref)
            .join(Payment, Payment.order_id == Order.id)
            .where(
                Order.payment_method == PaymentMethod.CARD,
                Order.payment_state == PaymentState.UNPAID,
                Order.status.in_([S.AWAITING_PAYMENT, S.EXPIRED, S.CANCELLED]),
                Payment.provider_ref.is_not(None),
            )
            .order_by(Order.id.desc())
            .limit(limit)
        ).all()
    )


# --- Refunds -------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundRequest:
    """What staff asked to give back: units per order line (and whether each goes back
    on the shelf), the delivery fee, or, for money without goods (paid after
    expiry, paid twice), an amount alone."""

    lines: dict[int, tuple[int, bool]]
    delivery_fee: bool = False
    money_only: int = 0


def refundable(order: Order) -> int:
    """Money received and not yet given back (or promised back)."""
    promised = sum(r.amount for r in order.refunds if r.status != RefundStatus.FAILED)
    return max(order.received_total - promised, 0)


def refunded_units(order: Order) -> dict[int, int]:
    """Units already refunded (or promised) per order line id."""
    units: dict[int, int] = {}
    for refund in order.refunds:
        if refund.status == RefundStatus.FAILED:
            continue
        for line in refund.lines:
            units[line.order_line_id] = units.get(line.order_line_id, 0) + line.quantity
    return units


def request_refund(
    actor: Actor,
    *,
    order_id: int,
    request: RefundRequest,
    reason: str,
    approval_limit: int,
    now: datetime | None = None,
) -> Refund:
    """Record a refund to be sent, checked against what the order can still give back.

    Units per line are capped by what was bought and not yet refunded; the
    amount by money actually received and not yet refunded. A refund above
    ``approval_limit`` waits for a second finance officer's approval. Nothing
    leaves the shop yet: ``send_refund`` does that. One transaction.
    """
    now = now or utcnow()
    reason = " ".join((reason or "").split())
    if not reason:
        raise RefundError(_("Say why the money is given back."))
    order = _lock_order(order_id)
    if order is None:
        raise RefundError(_("No such order."))
    if order.received_total == 0:
        raise RefundError(
            _("Nothing has been received for this order, so nothing can be refunded.")
        )
    lines = {line.id: line for line in order.lines}
    done = refunded_units(order)
    refund_lines = []
    for line_id, (quantity, restock) in request.lines.items():
        line = lines.get(line_id)
        if line is None:
            raise RefundError(_("That line is not part of this order."))
        if not isinstance(quantity, int) or quantity < 0:
            raise RefundError(_("Quantities to refund must be whole numbers, zero or more."))
        if quantity == 0:
            continue
        left = line.quantity - done.get(line_id, 0)
        if quantity > left:
            raise RefundError(
                _(
                    "Only %(n)s of %(item)s can still be refunded.",
                    n=left,
                    item=line.product_name_id,
                )
            )
        refund_lines.append(
            RefundLine(
                order_line_id=line_id,
                quantity=quantity,
                amount=line.unit_price * quantity,
                restock=bool(restock),
            )
        )
    goods = sum(rl.amount for rl in refund_lines)
    shipping = 0
    if request.delivery_fee:
        shipping_refunded = sum(
            r.shipping_amount for r in order.refunds if r.status != RefundStatus.FAILED
        )
        shipping = order.shipping_fee - shipping_refunded
        if shipping <= 0 and not refund_lines:
            raise RefundError(_("The delivery fee has already been refunded."))
    money_only = request.money_only
    if money_only and (refund_lines or request.delivery_fee):
        raise RefundError(_("Refund either goods and delivery, or an amount alone."))
    if money_only:
        _check_refund_amount(money_only)
        if order.payment_state == PaymentState.PAID and order.received_total - money_only < (
            order.total - order.refunded_total
        ):
            raise RefundError(
                _(
                    "For a paid order, choose the lines to refund; an amount alone only "
                    "returns money received beyond the total."
                )
            )
    amount = goods + shipping + money_only
    if amount <= 0:
        raise RefundError(_("Choose at least one item, the delivery fee or an amount to refund."))
    if amount > refundable(order):
        raise RefundError(
            _(
                "A refund cannot be more than the money received and not yet refunded (%(left)s).",
                left=rupiah(refundable(order)),
            )
        )
    refund = Refund(
        order_id=order.id,
        method=_refund_method(order),
        status=RefundStatus.REQUESTED.value,
        amount=amount,
        goods_amount=goods,
        shipping_amount=shipping,
        reason=reason[:300],
        needs_approval=amount > approval_limit,
        requested_by_user_id=actor.user_id,
        requested_by_label=actor.label[:120],
        created_at=now,
        lines=refund_lines,
    )
    db.session.add(refund)
    db.session.flush()
    record(
        actor,
        "refund.requested",
        refund,
        {
            "order": order.reference,
            "amount": amount,
            "goods": goods,
            "delivery": shipping,
            "lines": {str(rl.order_line_id): rl.quantity for rl in refund_lines},
            "needs_approval": refund.needs_approval,
            "reason": reason[:300],
        },
    )
    record_step(
        order,
        actor,
        action="order.refund_requested",
        from_status=order.status,
        to_status=order.status,
        note=f"refund of Rp{amount} requested: {reason[:200]}",
        now=now,
    )
    db.session.commit()
    return refund


def _check_refund_amount(amount: int) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_RUPIAH:
        raise RefundError(_("Enter an amount in whole rupiah, above zero."))


def _refund_method(order: Order) -> str:
    """Refunds go back the way the money came: to the card, or by an outgoing transfer."""
    methods = {receipt.method for receipt in order.receipts}
    return PaymentMethod.CARD.value if methods == {PaymentMethod.CARD} else "bank_transfer"


def approve_refund(actor: Actor, *, refund_id: int, now: datetime | None = None) -> Refund:
    """A second finance officer approves a large refund; the one who asked cannot."""
    now = now or utcnow()
    if not actor.can(Permission.REFUNDS_APPROVE):
        raise RefundError(_("You may not approve refunds."))
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.status != RefundStatus.REQUESTED or not refund.needs_approval:
        raise RefundError(_("This refund is not waiting for approval."))
    if refund.requested_by_user_id == actor.user_id:
        raise RefundError(_("A refund must be approved by someone other than who asked for it."))
    claimed = db.session.execute(
        update(Refund)
        .where(Refund.id == refund.id, Refund.status == RefundStatus.REQUESTED)
        .values(
            status=RefundStatus.APPROVED.value,
            approved_by_user_id=actor.user_id,
            approved_by_label=actor.label[:120],
            approved_at=now,
        )
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise RefundError(_("This refund changed meanwhile; look at it again."))
    db.session.refresh(refund)
    record(actor, "refund.approved", refund, {"status": ["requested", "approved"]})
    db.session.commit()
    return refund


def send_refund(
    actor: Actor,
    *,
    refund_id: int,
    gateway=None,
    outgoing_reference: str = "",
    now: datetime | None = None,
) -> Refund:
    """Send a recorded refund: to the card through the gateway, or as a transfer staff made.

    The refund is claimed first (requested or approved -> sent, committed), so
    two presses send it once. A card refund then goes to Stripe with the
    refund's own idempotency key; if Stripe refuses, the claim is undone and
    the refund can be tried again. With the money on its way, one transaction
    writes the ledger's negative entries, puts restocked units back (or
    writes them off), cancels an order refunded in full before dispatch, and
    queues the buyer's e-mail.
    """
    from storefront.payments.gateway import GatewayError

    now = now or utcnow()
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        raise RefundError(_("No such refund."))
    if refund.status == RefundStatus.REQUESTED and refund.needs_approval:
        raise NeedsApproval(_("This refund waits for a second finance officer's approval."))
    reference = " ".join((outgoing_reference or "").split())
    if refund.method != PaymentMethod.CARD and not reference:
        raise RefundError(_("Enter the reference of the outgoing transfer (or cash receipt)."))
    if len(reference) > 100:
        raise RefundError(_("The reference is too long (up to 100 characters)."))
    claimed = db.session.execute(
        update(Refund)
        .where(
            Refund.id == refund.id,
            Refund.status.in_([RefundStatus.REQUESTED, RefundStatus.APPROVED]),
        )
        .values(status=RefundStatus.SENT.value, sent_at=now)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise RefundError(_("This refund has already been sent."))
    db.session.commit()
    settled = refund.method != PaymentMethod.CARD
    if refund.method == PaymentMethod.CARD:
        intent_id = card_payment_ref(refund.order_id)
        try:
            answer = gateway.refund(
                intent_id=intent_id,
                amount_rupiah=refund.amount,
                idempotency_key=f"refund-{refund.id}",
            )
        except GatewayError as error:
            db.session.execute(
                update(Refund)
                .where(Refund.id == refund.id)
                .values(
                    status=RefundStatus.APPROVED.value
                    if refund.needs_approval
                    else RefundStatus.REQUESTED.value,
                    sent_at=None,
                    failure_message=error.message[:300],
                )
            )
            db.session.commit()
            raise RefundError(
                _("The card refund could not be sent: %(reason)s", reason=error.message)
            ) from None
        reference = answer.id
        settled = answer.status == "succeeded"
    _apply_sent_refund(actor, refund, reference=reference, settled=settled, now=now)
    return refund


def _apply_sent_refund(
    actor: Actor, refund: Refund, *, reference: str, settled: bool, now: datetime
) -> None:
    order = _lock_order(refund.order_id)
    db.session.refresh(refund)
    refund.provider_ref = reference
    if settled:
        refund.status = RefundStatus.SETTLED.value
        refund.settled_at = now
    day = now.astimezone(SHOP_TIMEZONE).date()
    if (
        order.paid_at is not None
        and refund.goods_amount
        and order.payment_state
        in (
            PaymentState.PAID,
            PaymentState.AMOUNT_MISMATCH,
        )
    ):
        by_line = {rl.order_line_id: rl.amount for rl in refund.lines}
        for line_id, amount in by_line.items():
            debit_refund(order, refund_id=refund.id, goods_amount=amount, day=day, line_id=line_id)
    _move_refunded_stock(actor, order, refund, now)
    db.session.flush()
    db.session.expire(order, ["refunds"])
    previous = order.status
    fully = refundable(order) == 0 and all(
        refunded_units(order).get(line.id, 0) >= line.quantity for line in order.lines
    )
    if fully and previous in BEFORE_DISPATCH:
        claim_status(order, [previous], S.CANCELLED)
    elif (
        order.payment_state == PaymentState.AMOUNT_MISMATCH
        and order.status in UNPAID_OPEN
        and order.received_total - order.refunded_total == order.total
    ):
        # The excess went back: what the shop keeps is exactly the total.
        if order.status == S.AWAITING_PAYMENT and not pays_at_handover(order):
            claim_status(order, [S.AWAITING_PAYMENT], S.PAID)
        _pay(order, actor, from_status=previous, note="excess refunded; payment confirmed", now=now)
    elif (
        order.payment_state == PaymentState.AMOUNT_MISMATCH
        and order.status in UNPAID_OPEN
        and order.received_total == order.refunded_total
    ):
        # Every rupiah received went back and the order was never paid: nothing can
        # expire it now, so it is cancelled and the units not refunded go back on sale.
        claim_status(order, [previous], S.CANCELLED)
        done = refunded_units(order)
        left: dict[int, int] = {}
        for line in order.lines:
            units = line.quantity - done.get(line.id, 0)
            if units > 0:
                left[line.variant_id] = left.get(line.variant_id, 0) + units
        if left:
            inventory.release(
                actor,
                wanted=left,
                order_id=order.id,
                reason="cancelled",
                note=order.reference,
                now=now,
            )
    record(
        actor,
        "refund.sent",
        refund,
        {"status": ["requested", refund.status], "reference": reference, "amount": refund.amount},
    )
    record_step(
        order,
        actor,
        action="order.refunded",
        from_status=previous,
        to_status=order.status,
        note=f"refunded Rp{refund.amount}: {refund.reason[:200]}",
        now=now,
    )
    queue_order_email(order=order, template="order_refunded", refund=refund)
    db.session.commit()


def _move_refunded_stock(actor: Actor, order: Order, refund: Refund, now: datetime) -> None:
    """Units that come back go on the shelf or are written off; an order that never
    shipped gives its units back to the shelf either way unless written off."""
    lines = {line.id: line for line in order.lines}
    back: dict[int, int] = {}
    damaged: dict[int, int] = {}
    for rl in refund.lines:
        variant_id = lines[rl.order_line_id].variant_id
        target = back if rl.restock else damaged
        target[variant_id] = target.get(variant_id, 0) + rl.quantity
    note = f"{order.reference} refund {refund.id}"
    if back:
        inventory.return_to_stock(
            actor, wanted=back, order_id=order.id, reason="refund", note=note, now=now
        )
    if damaged:
        inventory.return_and_write_off(
            actor, wanted=damaged, order_id=order.id, reason=f"refund {refund.id}", now=now
        )


def settle_card_refund(actor: Actor, *, refund_id: int, now: datetime | None = None) -> Refund:
    """Mark a sent card refund settled once Stripe reports it succeeded."""
    now = now or utcnow()
    refund = db.session.get(Refund, refund_id)
    claimed = db.session.execute(
        update(Refund)
        .where(Refund.id == refund_id, Refund.status == RefundStatus.SENT)
        .values(status=RefundStatus.SETTLED.value, settled_at=now)
    )
    if refund is None or claimed.rowcount != 1:
        db.session.rollback()
        raise RefundError(_("This refund is not on its way."))
    record(actor, "refund.settled", refund, {"status": ["sent", "settled"]})
    db.session.commit()
    return refund


def order_line_units(order: Order) -> list[tuple[OrderLine, int]]:
    """Each line with the units still refundable."""
    done = refunded_units(order)
    return [(line, line.quantity - done.get(line.id, 0)) for line in order.lines]
