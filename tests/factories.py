"""Builders for catalogue rows, so tests say what they need and nothing more."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from PIL import Image
from sqlalchemy import insert

from storefront.cart.services import add_to_cart
from storefront.catalog.models import Category, Product, ProductImage, Variant
from storefront.catalog.search import build_search_text
from storefront.catalog.services import refresh_derived_columns
from storefront.extensions import db
from storefront.impact.models import Agreement, Partner, TrainingProgram
from storefront.media.storage import store_image
from storefront.orders.models import Order, OrderLine

_seq = itertools.count(1)


def make_category(slug="songket", name_id="Songket", name_en="Songket") -> Category:
    category = Category(
        slug=slug,
        name_id=name_id,
        name_en=name_en,
        description_id=f"Keluarga {name_id}",
        description_en=f"The {name_en} family",
    )
    db.session.add(category)
    db.session.flush()
    return category


def make_program(
    slug="tenun-songket", name_id="Tenun Songket", name_en="Songket Weaving", split=(50, 30, 20)
) -> TrainingProgram:
    program = TrainingProgram(
        slug=slug,
        name_id=name_id,
        name_en=name_en,
        summary_id="Pelatihan menenun.",
        summary_en="Weaving training.",
        story_id="Cerita program.\n\nParagraf kedua.",
        story_en="Programme story.\n\nSecond paragraph.",
        premi_percent=split[0],
        pnbp_percent=split[1],
        capital_percent=split[2],
    )
    db.session.add(program)
    db.session.flush()
    return program


def make_partner(
    slug="dekranasda-sumsel", name="Dekranasda Sumatera Selatan", kind="crafts_council"
) -> Partner:
    partner = Partner(
        slug=slug,
        name=name,
        kind=kind,
        website="https://example.org",
        description_id="Mitra pelatihan.",
        description_en="Training partner.",
    )
    db.session.add(partner)
    db.session.flush()
    return partner


def make_agreement(
    partner, program, *, valid_from, valid_to=None, weight=1, support_kind="trainer"
) -> Agreement:
    agreement = Agreement(
        partner=partner,
        program=program,
        valid_from=valid_from,
        valid_to=valid_to,
        weight=weight,
        support_kind=support_kind,
        number=f"PKS/{next(_seq):04d}/TEST",
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def make_product(
    category,
    program,
    *,
    name_id="Kain Songket Lepus",
    name_en="Lepus Songket Cloth",
    slug=None,
    kind="stock",
    prices=(150_000,),
    on_hand=5,
    lead_time_days=None,
    shelf_life_days=None,
    description_id="Kain tenun tangan.",
    description_en="Hand-woven cloth.",
    featured=False,
    media_root=None,
    options=None,
) -> Product:
    n = next(_seq)
    product = Product(
        slug=slug or f"product-{n}",
        category=category,
        program=program,
        name_id=name_id,
        name_en=name_en,
        description_id=description_id,
        description_en=description_en,
        kind=kind,
        weight_grams=300,
        lead_time_days=lead_time_days or (21 if kind == "made_to_order" else None),
        shelf_life_days=shelf_life_days or (3 if kind == "perishable" else None),
        is_featured=featured,
    )
    for i, price in enumerate(prices):
        product.variants.append(
            Variant(
                sku=f"SKU-{n}-{i}",
                price=price,
                on_hand=on_hand,
                position=i,
                options=options or {"ukuran": f"V{i}"},
            )
        )
    if media_root:
        stored = store_image(
            media_root, Image.new("RGB", (64, 64), (120, 30, 40)), key=f"test{n:06d}"
        )
        product.images.append(
            ProductImage(
                key=stored.key,
                width=stored.width,
                height=stored.height,
                alt_id=name_id,
                alt_en=name_en,
            )
        )
    db.session.add(product)
    db.session.flush()
    refresh_derived_columns(product)
    db.session.flush()
    return product


def bulk_products(category, program, count: int, *, image_key: str | None = None) -> None:
    """Insert ``count`` products with two variants and an image each, fast (Core inserts)."""
    start = db.session.execute(db.select(db.func.coalesce(db.func.max(Product.id), 0))).scalar()
    products, variants, images = [], [], []
    for i in range(1, count + 1):
        pid = start + i
        name = f"Tas Anyaman Purun {pid}"
        products.append(
            dict(
                id=pid,
                slug=f"bulk-{pid}",
                category_id=category.id,
                program_id=program.id,
                name_id=name,
                name_en=f"Purun Woven Bag {pid}",
                description_id="Anyaman purun.",
                description_en="Woven purun.",
                kind="stock",
                weight_grams=200,
                price_from=50_000 + i,
                search_text=build_search_text(name, f"Purun Woven Bag {pid}"),
                is_active=True,
                is_featured=i % 50 == 0,
                length_cm=10,
                width_cm=10,
                height_cm=5,
            )
        )
        variants += [
            dict(
                product_id=pid,
                sku=f"BULK-{pid}-{v}",
                price=50_000 + i + v * 1000,
                on_hand=i % 7,
                position=v,
                options={"warna": f"W{v}"},
                is_active=True,
            )
            for v in range(2)
        ]
        if image_key:
            images.append(
                dict(
                    product_id=pid,
                    key=image_key,
                    width=64,
                    height=64,
                    alt_id=name,
                    alt_en=name,
                    position=0,
                )
            )
    db.session.execute(insert(Product), products)
    db.session.execute(insert(Variant), variants)
    if images:
        db.session.execute(insert(ProductImage), images)
    db.session.flush()


def fill_cart(*items: tuple[int, int]):
    """A fresh cart with ``(variant_id, quantity)`` lines, added the buyer's way."""
    cart = None
    for variant_id, quantity in items:
        cart = add_to_cart(
            cart_token=cart.token if cart else None,
            user_id=None,
            variant_id=variant_id,
            quantity=quantity,
        )
    return SimpleNamespace(token=cart.token, revision=cart.revision)


def make_order(
    product,
    *,
    reference="CTK-0001",
    status="awaiting_payment",
    payment_state="unpaid",
    language="id",
    user_id=None,
    email="ana@example.com",
    unit_price=None,
    quantity=2,
    shipping_fee=25_000,
    variant_label="",
) -> Order:
    """An order for two units of ``product``'s first variant, as checkout would store it."""
    variant = product.variants[0]
    program = product.program
    unit_price = variant.price if unit_price is None else unit_price
    subtotal = unit_price * quantity
    order = Order(
        reference=reference,
        access_token=f"tok-{reference}",
        idempotency_key=f"idem-{reference}",
        user_id=user_id,
        status=status,
        payment_state=payment_state,
        language=language,
        contact_name="Ana Putri",
        email=email,
        phone="+6281234567890",
        delivery_method="courier",
        zone="sumsel",
        address_line="Jl. Merdeka No. 1",
        city="Palembang",
        province="Sumatera Selatan",
        postal_code="30111",
        subtotal=subtotal,
        shipping_fee=shipping_fee,
        total=subtotal + shipping_fee,
        payment_method="stripe",
    )
    order.lines.append(
        OrderLine(
            variant_id=variant.id,
            product_id=product.id,
            sku=variant.sku,
            product_name_id=product.name_id,
            product_name_en=product.name_en,
            variant_label=variant_label,
            kind=product.kind,
            unit_price=unit_price,
            quantity=quantity,
            line_total=subtotal,
            program_id=program.id,
            program_name_id=program.name_id,
            program_name_en=program.name_en,
        )
    )
    db.session.add(order)
    db.session.flush()
    return order
