"""Public catalogue pages: home, listing, product, about, sitemap and robots."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from storefront.catalog import services
from storefront.catalog.models import Product
from storefront.catalog.reference import reference
from storefront.extensions import db
from storefront.i18n import current_language, localized
from storefront.impact.models import Partner, TrainingProgram
from storefront.outbox.services import absolute
from storefront.timeutil import shop_today

catalog = Blueprint("catalog", __name__)


@catalog.get("/")
def home():
    """The brand's story, families, featured products and programmes."""
    return render_template(
        "catalog/home.html",
        featured=services.featured_products(limit=8),
    )


@catalog.get("/products")
def products():
    """Product listing with search, filters, sorting and keyset pagination."""
    ref = reference()
    query = services.normalise_listing_args(
        request.args, category_slugs=ref.family_slugs, program_slugs=ref.program_slugs
    )
    page = services.list_products(
        query, language=current_language(), per_page=current_app.config["PRODUCTS_PER_PAGE"]
    )
    return render_template(
        "catalog/products.html",
        reference=ref,
        query=query,
        family=ref.family(query.category),
        listing=page,
    )


@catalog.get("/products/<slug>")
def product(slug: str):
    """A product page: gallery, variants, price, stock, programme and partners."""
    today = shop_today()
    try:
        detail = services.product_detail(slug, today=today)
    except services.CatalogError:
        abort(404)
    raw_variant = request.args.get("variant_id") or request.args.get("variant", "")
    selected = _selected_variant(detail.variants, raw_variant)
    return render_template(
        "catalog/product.html",
        detail=detail,
        selected=selected,
        today=today,
        related=services.related_products(detail.product, limit=4),
        json_ld=_product_json_ld(detail),
    )


def _selected_variant(variants, raw: str):
    """The variant named by ``?variant=``, else the first one in stock, else the first."""
    if raw.isdigit():
        for variant in variants:
            if variant.id == int(raw):
                return variant
    return next((v for v in variants if v.on_hand > 0), variants[0] if variants else None)


def _product_json_ld(detail: services.ProductDetail) -> dict:
    """schema.org Product with one Offer per variant, for search engines."""
    product = detail.product
    language = current_language()
    url = absolute(url_for("catalog.product", slug=product.slug))
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": localized(product, "name"),
        "description": localized(product, "description"),
        "category": localized(product.category, "name"),
        "brand": {"@type": "Brand", "name": "Cantik"},
        "url": url,
        "inLanguage": language,
        "image": [
            absolute(url_for("media.rendition", key=image.key, width=960))
            for image in detail.images
        ],
        "offers": [
            {
                "@type": "Offer",
                "sku": variant.sku,
                "price": str(variant.price),
                "priceCurrency": "IDR",
                "availability": "https://schema.org/InStock"
                if variant.on_hand > 0
                else "https://schema.org/OutOfStock",
                "url": f"{url}?variant={variant.id}",
            }
            for variant in detail.variants
        ],
    }


@catalog.get("/about")
def about():
    """What Cantik is and how a purchase helps."""
    return render_template("catalog/about.html")


@catalog.get("/robots.txt")
def robots():
    """Crawlers may read the catalogue; carts, checkout and accounts are private."""
    lines = [
        "User-agent: *",
        "Disallow: /cart",
        "Disallow: /checkout",
        "Disallow: /account",
        "Disallow: /orders",
        "Disallow: /staff",
        f"Sitemap: {absolute(url_for('catalog.sitemap'))}",
    ]
    return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@catalog.get("/sitemap.xml")
def sitemap():
    """Every public page, in both languages, for search engines."""
    ref = reference()
    product_rows = db.session.execute(
        select(Product.slug, Product.updated_at)
        .where(Product.is_active.is_(True))
        .order_by(Product.id)
        .limit(45_000)
    ).all()
    partner_slugs = db.session.scalars(
        select(Partner.slug).where(Partner.is_active.is_(True)).order_by(Partner.slug)
    ).all()
    program_slugs = db.session.scalars(
        select(TrainingProgram.slug)
        .where(TrainingProgram.is_active.is_(True))
        .order_by(TrainingProgram.slug)
    ).all()
    pages = [
        ("catalog.home", {}, None),
        ("catalog.products", {}, None),
        ("catalog.about", {}, None),
        ("impact.partners", {}, None),
    ]
    pages += [("catalog.products", {"category": f.slug}, None) for f in ref.families]
    pages += [("impact.program", {"slug": s}, None) for s in program_slugs]
    pages += [("impact.partner", {"slug": s}, None) for s in partner_slugs]
    pages += [("catalog.product", {"slug": s}, updated) for s, updated in product_rows]
    xml = render_template("catalog/sitemap.xml", pages=pages)
    return xml, 200, {"Content-Type": "application/xml; charset=utf-8"}


@catalog.app_template_global()
def listing_url(query: services.ListingQuery, **changes) -> str:
    """A listing URL keeping the buyer's filters, with ``changes`` applied."""
    args = {
        "q": query.q or None,
        "category": query.category,
        "program": query.program,
        "kind": query.kind,
        "min_price": query.min_price,
        "max_price": query.max_price,
        "in_stock": 1 if query.in_stock else None,
        "sort": query.sort if query.sort != "newest" else None,
    }
    args.update(changes)
    if args.get("page") == 1:
        args.pop("page")
        args.pop("before", None)
    return url_for("catalog.products", **{k: v for k, v in args.items() if v is not None})
