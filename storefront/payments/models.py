"""Card payment attempts, money receipts, the provider events that moved them, and refunds."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import db
from storefront.timeutil import utcnow


class Payment(db.Model):
    """A card payment attempt: the order's one PaymentIntent and how its last try went.

    This is not money: money received is a ``PaymentReceipt``.
    """

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    provider_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    amount: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    failure_message: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PaymentReceipt(db.Model):
    """One receipt of money for an order (a card intent, a bank transfer, cash at handover).

    Written once and never changed (database triggers refuse it). The same
    card intent or bank reference cannot be received twice for one method.
    """

    __tablename__ = "payment_receipt"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("method", "reference", name="uq_payment_receipt_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="idr")
    reference: Mapped[str] = mapped_column(String(100))
    received_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(300), default="")
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentEvent(db.Model):
    """A provider event, stored once: the unique event id makes redelivery harmless."""

    __tablename__ = "payment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="stripe")
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    event_type: Mapped[str] = mapped_column(String(60))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("shop_order.id"), index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class RefundStatus(enum.StrEnum):
    REQUESTED = "requested"  # recorded, waiting to be sent (or for a second approval)
    APPROVED = "approved"  # a second finance officer agreed; ready to send
    SENT = "sent"  # money on its way (card refund created, not yet settled)
    SETTLED = "settled"  # the money reached the buyer
    FAILED = "failed"  # the provider refused; nothing left the shop


class Refund(db.Model):
    """Money given back on an order, by line and quantity plus the delivery fee.

    Goods refunds write negative attribution entries when the money is sent.
    """

    __tablename__ = "refund"
    __table_args__ = (
        CheckConstraint(
            "amount > 0 AND goods_amount >= 0 AND shipping_amount >= 0 "
            "AND amount >= goods_amount + shipping_amount",
            name="amounts_add_up",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    method: Mapped[str] = mapped_column(String(20), default="stripe")
    status: Mapped[str] = mapped_column(String(20), default=RefundStatus.REQUESTED.value)
    amount: Mapped[int]
    goods_amount: Mapped[int]
    shipping_amount: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(300), default="")
    provider_ref: Mapped[str | None] = mapped_column(String(100))
    needs_approval: Mapped[bool] = mapped_column(default=False)
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_by_label: Mapped[str] = mapped_column(String(120), default="")
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_by_label: Mapped[str] = mapped_column(String(120), default="")
    failure_message: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    settled_at: Mapped[datetime | None]

    lines: Mapped[list[RefundLine]] = relationship(order_by="RefundLine.id")

    @property
    def is_open(self) -> bool:
        """Whether the refund still waits to be sent."""
        return self.status in (RefundStatus.REQUESTED, RefundStatus.APPROVED)


class RefundLine(db.Model):
    """Units of one order line given back, and whether they return to the shelf."""

    __tablename__ = "refund_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refund.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    quantity: Mapped[int]
    amount: Mapped[int]
    restock: Mapped[bool] = mapped_column(default=False)
