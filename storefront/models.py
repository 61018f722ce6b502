"""Every model, imported in one place so Alembic and the app see the whole schema."""

from storefront.catalog.models import Category, Product, ProductImage, ProductKind, Variant
from storefront.impact.models import Agreement, Partner, PartnerKind, SupportKind, TrainingProgram

__all__ = [
    "Agreement",
    "Category",
    "Partner",
    "PartnerKind",
    "Product",
    "ProductImage",
    "ProductKind",
    "SupportKind",
    "TrainingProgram",
    "Variant",
]
