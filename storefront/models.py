"""Every model, imported in one place so Alembic and the app see the whole schema."""

from storefront.accounts.models import Role, User
from storefront.cart.models import Cart, CartLine
from storefront.catalog.models import Category, Product, ProductImage, ProductKind, Variant
from storefront.impact.models import (
    Agreement,
    AttributionEntry,
    Partner,
    PartnerKind,
    RevenueShare,
    SupportKind,
    TrainingProgram,
)
from storefront.inventory.models import MovementKind, StockMovement
from storefront.orders.models import (
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    ShippingRate,
)
from storefront.outbox.models import OutboxMessage
from storefront.payments.models import Payment, PaymentEvent, Refund

__all__ = [
    "Agreement",
    "AttributionEntry",
    "Cart",
    "CartLine",
    "Category",
    "DeliveryMethod",
    "MovementKind",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
    "OutboxMessage",
    "Partner",
    "PartnerKind",
    "Payment",
    "PaymentEvent",
    "PaymentMethod",
    "Product",
    "ProductImage",
    "ProductKind",
    "Refund",
    "RevenueShare",
    "Role",
    "ShippingRate",
    "StockMovement",
    "SupportKind",
    "TrainingProgram",
    "User",
    "Variant",
]
