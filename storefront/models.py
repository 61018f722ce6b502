"""Every model, imported in one place so Alembic and the app see the whole schema."""

from storefront.accounts.models import Role, User, UserSession
from storefront.audit.models import AuditEntry, AuditHead
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
    InvoiceCounter,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PaymentState,
    ShippingRate,
)
from storefront.outbox.models import OutboxMessage
from storefront.payments.models import (
    Payment,
    PaymentEvent,
    PaymentReceipt,
    Refund,
    RefundLine,
)

__all__ = [
    "Agreement",
    "AuditEntry",
    "AuditHead",
    "InvoiceCounter",
    "PaymentReceipt",
    "PaymentState",
    "RefundLine",
    "UserSession",
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
