"""Orders and their lines, with snapshots so later catalogue edits never change them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import db
from storefront.timeutil import utcnow


class OrderStatus(enum.StrEnum):
    """Where the order is in its life; payment and refunds are facets of their own."""

    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    IN_PRODUCTION = "in_production"
    PACKED = "packed"
    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out_for_delivery"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    COLLECTED = "collected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class PaymentState(enum.StrEnum):
    """What the money received says about the order."""

    UNPAID = "unpaid"
    PAID = "paid"
    AMOUNT_MISMATCH = "amount_mismatch"
    PAID_AFTER_EXPIRY = "paid_after_expiry"


class RefundState(enum.StrEnum):
    """Derived from the order's refunds, never stored."""

    NONE = "none"
    PENDING = "pending"
    PARTIAL = "partially_refunded"
    FULL = "refunded"


def _values_in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


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
        CheckConstraint(_values_in("status", OrderStatus), name="status_known"),
        CheckConstraint(_values_in("payment_state", PaymentState), name="payment_state_known"),
        Index("ix_shop_order_status_expires", "status", "expires_at"),
        Index("ix_shop_order_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    access_token: Mapped[str] = mapped_column(String(64), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default=OrderStatus.AWAITING_PAYMENT.value)
    payment_state: Mapped[str] = mapped_column(String(20), default=PaymentState.UNPAID.value)
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
    payment_method: Mapped[str] = mapped_column(String(20))
    referral_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    invoice_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    pickup_code: Mapped[str | None] = mapped_column(String(12))
    courier: Mapped[str | None] = mapped_column(String(20))
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
    receipts: Mapped[list[PaymentReceipt]] = relationship(  # noqa: F821
        order_by="PaymentReceipt.id", viewonly=True
    )
    refunds: Mapped[list[Refund]] = relationship(order_by="Refund.id", viewonly=True)  # noqa: F821

    @property
    def is_paid(self) -> bool:
        """Whether the order's money has arrived in full."""
        return self.payment_state == PaymentState.PAID

    @property
    def received_total(self) -> int:
        """Rupiah actually received for this order, over every receipt."""
        return sum(receipt.amount for receipt in self.receipts)

    @property
    def refunded_total(self) -> int:
        """Rupiah given back or on its way back (refunds sent or settled)."""
        return sum(r.amount for r in self.refunds if r.status in ("sent", "settled"))

    @property
    def refund_state(self) -> str:
        """None, pending (asked for, not yet sent), partly or fully refunded."""
        if any(r.status in ("requested", "approved") for r in self.refunds):
            return RefundState.PENDING
        refunded = self.refunded_total
        if refunded == 0:
            return RefundState.NONE
        return RefundState.FULL if refunded >= self.received_total else RefundState.PARTIAL

    @property
    def needs_production(self) -> bool:
        """Whether a line is made to order, so the order must pass through production."""
        return any(line.kind == "made_to_order" for line in self.lines)


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
    """One step in an order's history: a status change or a note, with who made it."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="history")


class InvoiceCounter(db.Model):
    """The last invoice number given in a year: numbers run without gaps, per year."""

    __tablename__ = "invoice_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class ShippingRate(db.Model):
    """Courier price per zone: the first kilogram and each further kilogram step."""

    __tablename__ = "shipping_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(20))
    zone: Mapped[str] = mapped_column(String(20))
    first_kg: Mapped[int]
    per_extra_kg: Mapped[int]
    __table_args__ = (db.UniqueConstraint("method", "zone"),)
