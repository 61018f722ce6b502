"""Every change of a variant's stock, so the count can always be explained."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import db
from storefront.timeutil import utcnow


class MovementKind(enum.StrEnum):
    PRODUCTION = "production"
    RESERVATION = "reservation"
    SALE = "sale"
    RELEASE = "release"
    ADJUSTMENT = "adjustment"
    RETURN = "return"
    WRITE_OFF = "write_off"


class StockMovement(db.Model):
    """A signed change of ``Variant.on_hand`` (negative when stock leaves the shelf),
    with the figure before and after it, who made it and why."""

    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("shop_order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int]
    on_hand_before: Mapped[int | None]
    on_hand_after: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_label: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
