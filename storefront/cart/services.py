"""Cart operations. Prices are never stored as truth: every view recomputes them.

A cart line keeps only the variant, the quantity and the price the buyer saw
when adding it, so a later price change can be pointed out instead of hidden.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from storefront.cart.models import Cart, CartLine
from storefront.catalog.models import Product, Variant
from storefront.domain import DomainError
from storefront.extensions import db
from storefront.impact.models import TrainingProgram
from storefront.parsing import positive_int

MAX_PER_LINE = 20
MAX_LINES = 30


class CartError(DomainError):
    """A cart change that cannot be made as asked."""


class CannotAdd(CartError):
    """A product that is on sale cannot be added as asked (quantity, stock):
    ``slug`` and ``variant_id`` let the buyer be sent back to it."""

    def __init__(self, message: str, *, slug: str, variant_id: int) -> None:
        super().__init__(message)
        self.slug = slug
        self.variant_id = variant_id


def new_cart_token() -> str:
    """An unguessable cart token."""
    return secrets.token_urlsafe(24)


def place_order_key(cart: Cart, revision: int) -> str:
    """The idempotency key of placing ``cart`` as reviewed at ``revision``.

    Built from the cart's random token, never from its row id: a database
    may hand a deleted cart's id (a guest cart merged at login) to the next
    new cart, whose first order would then find the earlier buyer's. The
    token is hashed so the key, stored on the order, cannot open the cart.
    """
    digest = hashlib.sha256(f"checkout:{cart.token}".encode()).hexdigest()[:40]
    return f"cart-{digest}-r{revision}"


def find_cart(token: str | None) -> Cart | None:
    """The cart with ``token``, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.execute(select(Cart).where(Cart.token == token)).scalar_one_or_none()


def cart_item_count(token: str | None) -> int:
    """Units in the cart (for the header's mini-cart), one query."""
    if not token or len(token) > 64:
        return 0
    count = db.session.execute(
        select(func.coalesce(func.sum(CartLine.quantity), 0))
        .join(Cart, Cart.id == CartLine.cart_id)
        .where(Cart.token == token)
    ).scalar()
    return int(count or 0)


def latest_cart_of(user_id: int) -> Cart | None:
    """The account's most recent cart, if it has one."""
    return db.session.execute(
        select(Cart).where(Cart.user_id == user_id).order_by(Cart.id.desc()).limit(1)
    ).scalar_one_or_none()


def _get_or_create(token: str | None, user_id: int | None) -> Cart:
    cart = find_cart(token)
    if cart is None and user_id is not None:
        cart = latest_cart_of(user_id)
    if cart is None:
        cart = Cart(token=new_cart_token(), user_id=user_id)
        db.session.add(cart)
        db.session.flush()
    return cart


def _parse_quantity(raw) -> int:
    try:
        quantity = int(str(raw).strip())
    except (TypeError, ValueError):
        raise CartError(_("Quantity must be a whole number.")) from None
    if quantity < 1:
        raise CartError(_("Quantity must be at least 1."))
    if quantity > MAX_PER_LINE:
        raise CartError(_("At most %(n)s of one item per order.", n=MAX_PER_LINE))
    return quantity


def add_to_cart(
    *, cart_token: str | None, user_id: int | None, variant_id, quantity, language: str = "id"
) -> Cart:
    """Add ``quantity`` of a variant to the cart (creating the cart if needed) and commit.

    The variant must be on sale and the line's new quantity within both the
    per-line maximum and the stock on hand; otherwise ``CartError`` explains
    why and nothing changes. A refusal about a product on sale is a
    ``CannotAdd`` naming the product (in ``language``) and what is available.
    """
    variant_id = positive_int(variant_id)
    if variant_id is None:
        raise CartError(_("Please choose a version of the product."))
    row = db.session.execute(
        select(Variant, Product)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.id == variant_id)
    ).first()
    if row is None or not row.Variant.is_active or not row.Product.is_active:
        raise CartError(_("That product is no longer on sale."))
    variant, product = row.Variant, row.Product
    name = product.name_en if language == "en" else product.name_id

    def refuse(message: str) -> CannotAdd:
        return CannotAdd(message, slug=product.slug, variant_id=variant.id)

    try:
        quantity = _parse_quantity(quantity)
    except CartError as error:
        raise refuse(error.message) from None
    if variant.on_hand <= 0:
        raise refuse(_("Sorry, %(name)s is sold out.", name=name))
    cart = _get_or_create(cart_token, user_id)
    line = next((ln for ln in cart.lines if ln.variant_id == variant.id), None)
    in_cart = line.quantity if line else 0
    wanted = quantity + in_cart
    if wanted > variant.on_hand:
        available = ngettext(
            "Only %(num)s of %(name)s is available.",
            "Only %(num)s of %(name)s are available.",
            variant.on_hand,
            name=name,
        )
        if in_cart:
            available += " " + ngettext(
                "%(num)s is already in your cart.", "%(num)s are already in your cart.", in_cart
            )
        raise refuse(available)
    if wanted > MAX_PER_LINE:
        raise refuse(_("At most %(n)s of one item per order.", n=MAX_PER_LINE))
    if line is None:
        if len(cart.lines) >= MAX_LINES:
            raise CartError(_("Your cart is full."))
        cart.lines.append(
            CartLine(variant_id=variant.id, quantity=wanted, price_seen=variant.price)
        )
    else:
        line.quantity = wanted
        line.price_seen = variant.price
    cart.revision += 1
    db.session.commit()
    return cart


def set_quantity(*, cart_token: str | None, line_id, quantity) -> Cart:
    """Change a line's quantity (0 removes it) and commit; bounded like ``add_to_cart``."""
    cart = find_cart(cart_token)
    if cart is None:
        raise CartError(_("Your cart is empty."))
    line_id = positive_int(line_id)
    if line_id is None:
        raise CartError(_("That line is not in your cart."))
    line = next((ln for ln in cart.lines if ln.id == line_id), None)
    if line is None:
        raise CartError(_("That line is not in your cart."))
    if str(quantity).strip() == "0":
        cart.lines.remove(line)
    else:
        quantity = _parse_quantity(quantity)
        variant = db.session.get(Variant, line.variant_id)
        if variant is None or quantity > variant.on_hand:
            raise CartError(_("Only %(n)s available.", n=variant.on_hand if variant else 0))
        line.quantity = quantity
    cart.revision += 1
    db.session.commit()
    return cart


@dataclass
class PricedLine:
    """A cart line as it stands now: current price, stock, and what changed."""

    line_id: int
    variant_id: int
    product_id: int
    slug: str
    name_id: str
    name_en: str
    options: dict
    sku: str
    kind: str
    unit_price: int
    price_seen: int
    quantity: int
    on_hand: int
    lead_time_days: int | None
    shelf_life_days: int | None
    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int
    program_id: int
    program_name_id: str
    program_name_en: str

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    def name(self, language: str) -> str:
        """The product's name in ``language``."""
        return self.name_en if language == "en" else self.name_id

    @property
    def price_changed(self) -> bool:
        return self.unit_price != self.price_seen


@dataclass
class PricedCart:
    """The cart priced from the database, with notices about anything that changed."""

    cart: Cart | None
    lines: list[PricedLine] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def has_perishable(self) -> bool:
        return any(line.kind == "perishable" for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines


def load_priced_lines(
    cart_id: int,
) -> list[tuple[CartLine, Variant | None, Product | None, TrainingProgram | None]]:
    """Every line of a cart with its variant, product and programme, in one query."""
    return db.session.execute(
        select(CartLine, Variant, Product, TrainingProgram)
        .outerjoin(Variant, Variant.id == CartLine.variant_id)
        .outerjoin(Product, Product.id == Variant.product_id)
        .outerjoin(TrainingProgram, TrainingProgram.id == Product.program_id)
        .where(CartLine.cart_id == cart_id)
        .order_by(CartLine.id)
    ).all()


def priced_line(line: CartLine, variant: Variant, product: Product, program) -> PricedLine:
    """The one place a cart line is priced: current price and stock from the database."""
    return PricedLine(
        line_id=line.id,
        variant_id=variant.id,
        product_id=product.id,
        slug=product.slug,
        name_id=product.name_id,
        name_en=product.name_en,
        options=variant.options or {},
        sku=variant.sku,
        kind=product.kind,
        unit_price=variant.price,
        price_seen=line.price_seen,
        quantity=line.quantity,
        on_hand=variant.on_hand,
        lead_time_days=product.lead_time_days,
        shelf_life_days=product.shelf_life_days,
        weight_grams=product.weight_grams,
        length_cm=product.length_cm,
        width_cm=product.width_cm,
        height_cm=product.height_cm,
        program_id=program.id,
        program_name_id=program.name_id,
        program_name_en=program.name_en,
    )


def price_cart(cart_token: str | None, *, language: str = "id") -> PricedCart:
    """Price the cart from current data, dropping lines that can no longer be sold.

    Lines whose product was withdrawn, or whose variant vanished, are removed
    and explained; a quantity above the stock now on hand is lowered to it
    (or the line removed when nothing is left) and explained; a price that
    changed since the item was added is flagged on the line. Commits only if
    it had to change the cart.
    """
    cart = find_cart(cart_token)
    priced = PricedCart(cart=cart)
    if cart is None:
        return priced
    changed = False
    for line, variant, product, program in load_priced_lines(cart.id):
        name = (product.name_en if language == "en" else product.name_id) if product else ""
        if variant is None or product is None or not variant.is_active or not product.is_active:
            priced.notices.append(
                _("%(name)s is no longer on sale and was removed from your cart.", name=name)
                if name
                else _("An item that is no longer on sale was removed from your cart.")
            )
            db.session.delete(line)
            changed = True
            continue
        if variant.on_hand <= 0:
            priced.notices.append(_("%(name)s sold out and was removed from your cart.", name=name))
            db.session.delete(line)
            changed = True
            continue
        if line.quantity > variant.on_hand:
            priced.notices.append(
                _(
                    "Only %(n)s of %(name)s are left; we changed the quantity.",
                    n=variant.on_hand,
                    name=name,
                )
            )
            line.quantity = variant.on_hand
            changed = True
        priced.lines.append(priced_line(line, variant, product, program))
    if changed:
        cart.revision += 1
        db.session.commit()
    return priced


def attach_cart_to_user(*, cart_token: str | None, user_id: int) -> Cart | None:
    """On login, make the guest cart the user's, merging it into any cart they had.

    Quantities of the same variant are added (up to the per-line maximum);
    the guest cart is then deleted. Returns the user's cart, or None when
    neither cart exists. Commits.
    """
    guest = find_cart(cart_token)
    own = latest_cart_of(user_id)
    if guest is None:
        return own
    if guest.user_id not in (None, user_id):
        return own  # someone else's cart cookie: never merge across accounts
    if own is None or own.id == guest.id:
        guest.user_id = user_id
        db.session.commit()
        return guest
    for line in guest.lines:
        mine = next((ln for ln in own.lines if ln.variant_id == line.variant_id), None)
        if mine is None:
            own.lines.append(
                CartLine(
                    variant_id=line.variant_id, quantity=line.quantity, price_seen=line.price_seen
                )
            )
        else:
            mine.quantity = min(MAX_PER_LINE, mine.quantity + line.quantity)
    own.revision += 1
    db.session.delete(guest)  # its lines go with it (delete-orphan)
    db.session.commit()
    return own


def save_checkout_details(*, cart_token: str | None, details: dict) -> Cart:
    """Keep the checkout form on the cart between the details and review steps; commits."""
    cart = find_cart(cart_token)
    if cart is None:
        raise CartError(_("Your cart is empty."))
    cart.checkout = details
    db.session.commit()
    return cart
