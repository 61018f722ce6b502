"""Orders and their lines, with snapshots so later catalogue edits never change them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import db
from storefront.timeutil import utcnow


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    AWAITING_TRANSFER = "awaiting_transfer"
    AWAITING_PICKUP_PAYMENT = "awaiting_pickup_payment"
    PAID = "paid"
    IN_PRODUCTION = "in_production"
    PACKED = "packed"
    SHIPPED = "shipped"
    READY_FOR_PICKUP = "ready_for_pickup"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class DeliveryMethod(enum.StrEnum):
    COURIER = "courier"
    SAME_DAY = "same_day"
    PICKUP = "pickup"


class PaymentMethod(enum.StrEnum):
    CARD = "stripe"
    BANK_TRANSFER = "bank_transfer"
    CASH_ON_PICKUP = "cash_on_pickup"


class Order(db.Model):
    """A buyer's order. Personal fields are erased on request; money fields never change."""

    __tablename__ = "shop_order"
    __table_args__ = (
        CheckConstraint(
            "subtotal >= 0 AND shipping_fee >= 0 AND total = subtotal + shipping_fee",
            name="totals_add_up",
        ),
        Index("ix_shop_order_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    access_token: Mapped[str] = mapped_column(String(64), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default=OrderStatus.PENDING_PAYMENT.value)
    language: Mapped[str] = mapped_column(String(2), default="id")

    contact_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20))
    delivery_method: Mapped[str] = mapped_column(String(20))
    zone: Mapped[str | None] = mapped_column(String(20))
    address_line: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    chargeable_weight_grams: Mapped[int] = mapped_column(default=0)

    subtotal: Mapped[int]
    shipping_fee: Mapped[int]
    total: Mapped[int]
    refunded_total: Mapped[int] = mapped_column(default=0)
    payment_method: Mapped[str] = mapped_column(String(20))
    referral_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    needs_refund: Mapped[bool] = mapped_column(default=False)
    payment_problem: Mapped[str | None] = mapped_column(String(300))
    tracking_number: Mapped[str | None] = mapped_column(String(60))

    expires_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    personal_data_erased_at: Mapped[datetime | None]

    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.id")
    history: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id"
    )


class OrderLine(db.Model):
    """One variant bought, with the name, price and programme as they were at the sale."""

    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("line_total = unit_price * quantity", name="line_total_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    sku: Mapped[str] = mapped_column(String(64))
    product_name_id: Mapped[str] = mapped_column(String(200))
    product_name_en: Mapped[str] = mapped_column(String(200))
    variant_label: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[int]
    quantity: Mapped[int]
    line_total: Mapped[int]
    program_id: Mapped[int] = mapped_column(ForeignKey("training_program.id"))
    program_name_id: Mapped[str] = mapped_column(String(160))
    program_name_en: Mapped[str] = mapped_column(String(160))
    ready_by: Mapped[date | None]
    best_before_days: Mapped[int | None]

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderEvent(db.Model):
    """One step in an order's history: a status change or a note."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(60), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="history")


class ShippingRate(db.Model):
    """Courier price per zone: the first kilogram and each further kilogram step."""

    __tablename__ = "shipping_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(20))
    zone: Mapped[str] = mapped_column(String(20))
    first_kg: Mapped[int]
    per_extra_kg: Mapped[int]
    __table_args__ = (db.UniqueConstraint("method", "zone"),)
