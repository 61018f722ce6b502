"""Payments, the provider events that moved them, and refunds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import db
from storefront.timeutil import utcnow


class Payment(db.Model):
    """One attempt to collect an order's total by one method (one PaymentIntent for cards)."""

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


class Refund(db.Model):
    """Money given back on an order; goods refunds also write negative attribution."""

    __tablename__ = "refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    amount: Mapped[int]
    goods_amount: Mapped[int]
    reason: Mapped[str] = mapped_column(String(300), default="")
    provider_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
