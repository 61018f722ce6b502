"""Catalogue models: what the shop sells.

Prices are whole rupiah (``int``). ``Product.price_from`` and
``Product.search_text`` are derived columns kept up to date by
``catalog.services`` so that listing, sorting and search stay one indexed query.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import db
from storefront.impact.models import TrainingProgram
from storefront.timeutil import utcnow


class ProductKind(enum.StrEnum):
    STOCK = "stock"
    MADE_TO_ORDER = "made_to_order"
    PERISHABLE = "perishable"


class Category(db.Model):
    """A product family: songket, fashion, bakery, tempe, handicrafts."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_id: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    description_id: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Product(db.Model):
    """Something the shop sells, made in one training programme."""

    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("kind IN ('stock', 'made_to_order', 'perishable')", name="kind_known"),
        CheckConstraint(
            "kind != 'made_to_order' OR lead_time_days > 0", name="lead_time_for_made_to_order"
        ),
        CheckConstraint(
            "kind != 'perishable' OR shelf_life_days > 0", name="shelf_life_for_perishable"
        ),
        CheckConstraint("weight_grams > 0", name="weight_positive"),
        CheckConstraint("price_from >= 0", name="price_from_not_negative"),
        # Listing indexes: every sort order, with and without a filter, ends in
        # id so keyset pagination has a total order. "Newest" is id order.
        Index("ix_product_listing_newest", "is_active", "id"),
        Index("ix_product_listing_price", "is_active", "price_from", "id"),
        Index("ix_product_listing_name_id", "is_active", "name_id", "id"),
        Index("ix_product_listing_name_en", "is_active", "name_en", "id"),
        Index("ix_product_category_newest", "category_id", "is_active", "id"),
        Index("ix_product_category_price", "category_id", "is_active", "price_from", "id"),
        Index("ix_product_program_newest", "program_id", "is_active", "id"),
        Index("ix_product_featured", "is_featured", "is_active", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("training_program.id"))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_id: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default=ProductKind.STOCK.value)
    lead_time_days: Mapped[int | None]
    shelf_life_days: Mapped[int | None]
    weight_grams: Mapped[int]
    length_cm: Mapped[int] = mapped_column(default=10)
    width_cm: Mapped[int] = mapped_column(default=10)
    height_cm: Mapped[int] = mapped_column(default=5)
    is_active: Mapped[bool] = mapped_column(default=True)
    is_featured: Mapped[bool] = mapped_column(default=False)
    price_from: Mapped[int] = mapped_column(default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship()
    program: Mapped[TrainingProgram] = relationship()
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.position, Variant.id"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position, ProductImage.id"
    )

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class Variant(db.Model):
    """A sellable version of a product (size, colour, motif...) with its price and stock."""

    __tablename__ = "variant"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        Index("ix_variant_product", "product_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    options: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    price: Mapped[int]
    on_hand: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="variants")

    def __repr__(self) -> str:
        return f"<Variant {self.sku}>"


class ProductImage(db.Model):
    """A product photo; the files (re-encoded, metadata stripped) live under MEDIA_ROOT."""

    __tablename__ = "product_image"
    __table_args__ = (Index("ix_product_image_product", "product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    # The variant the photo shows (a colour, a motif), if it shows one: choosing it shows this.
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variant.id"))
    key: Mapped[str] = mapped_column(String(120))
    width: Mapped[int]
    height: Mapped[int]
    alt_id: Mapped[str] = mapped_column(String(300), default="")
    alt_en: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="images")
