"""Programmes, partners and agreements.

Products are credited to a training programme, never to a person: no model
here (or anywhere) has a field for a resident's name or photo.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Index, String, Text, and_, or_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import db
from storefront.timeutil import utcnow


class PartnerKind(enum.StrEnum):
    STATE_COMPANY = "state_company"
    REGIONAL_OFFICE = "regional_office"
    CRAFTS_COUNCIL = "crafts_council"
    HEALTH_OFFICE = "health_office"
    AGRICULTURE_OFFICE = "agriculture_office"
    EDUCATION = "education"
    COMMUNITY = "community"
    PRIVATE_COMPANY = "private_company"


class SupportKind(enum.StrEnum):
    TRAINER = "trainer"
    MATERIALS = "materials"
    EQUIPMENT = "equipment"
    FUNDING = "funding"
    MARKETING = "marketing"


class TrainingProgram(db.Model):
    """A training programme residents take part in; sales are credited to it.

    The revenue split says how each rupiah of net revenue is shared among the
    residents' premi (wages), the state's non-tax revenue (PNBP) and the
    programme's working capital; the three must add up to 100.
    """

    __tablename__ = "training_program"
    __table_args__ = (
        CheckConstraint(
            "premi_percent + pnbp_percent + capital_percent = 100", name="split_is_100"
        ),
        CheckConstraint(
            "premi_percent >= 0 AND pnbp_percent >= 0 AND capital_percent >= 0",
            name="split_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name_id: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    summary_id: Mapped[str] = mapped_column(String(300), default="")
    summary_en: Mapped[str] = mapped_column(String(300), default="")
    story_id: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    premi_percent: Mapped[int]
    pnbp_percent: Mapped[int]
    capital_percent: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreements: Mapped[list[Agreement]] = relationship(back_populates="program")

    def __repr__(self) -> str:
        return f"<TrainingProgram {self.slug}>"


class Partner(db.Model):
    """An organisation that supports training programmes under signed agreements."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    website: Mapped[str] = mapped_column(String(300), default="")
    logo_key: Mapped[str | None] = mapped_column(String(120))
    description_id: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreements: Mapped[list[Agreement]] = relationship(back_populates="partner")

    def __repr__(self) -> str:
        return f"<Partner {self.slug}>"


class Agreement(db.Model):
    """A cooperation agreement (PKS) between a partner and a training programme.

    While in force (valid_from to valid_to, inclusive), the partner shares in
    the credit for the programme's sales in proportion to ``weight``.
    """

    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        Index("ix_agreement_program_validity", "program_id", "valid_from", "valid_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(80), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("training_program.id"))
    support_kind: Mapped[str] = mapped_column(String(40))
    weight: Mapped[int] = mapped_column(default=1)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partner: Mapped[Partner] = relationship(back_populates="agreements")
    program: Mapped[TrainingProgram] = relationship(back_populates="agreements")

    @hybrid_method
    def in_force_on(self, day: date) -> bool:
        """Whether the agreement covers ``day`` (also a WHERE clause on the class)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @in_force_on.inplace.expression
    @classmethod
    def _in_force_on_clause(cls, day) -> ColumnElement[bool]:
        return and_(cls.valid_from <= day, or_(cls.valid_to.is_(None), cls.valid_to >= day))


class RevenueShare(enum.StrEnum):
    PREMI = "premi"
    PNBP = "pnbp"
    CAPITAL = "capital"


class AttributionEntry(db.Model):
    """One rupiah amount of a sale (or refund) credited to a programme, share and partner.

    Written at the moment of sale from the agreements and split in force that
    day; never updated afterwards. A refund adds negative entries. The
    entries of an order line add up exactly to the line's net revenue.
    """

    __tablename__ = "attribution_entry"
    __table_args__ = (
        Index("ix_attribution_program_day", "program_id", "occurred_on"),
        Index("ix_attribution_partner_day", "partner_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("training_program.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"))
    share: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int]
    occurred_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
