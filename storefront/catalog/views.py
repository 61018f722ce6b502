"""Public catalogue pages: home, listing, product, about, sitemap and robots."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from storefront.catalog import services
from storefront.catalog.models import Product
from storefront.catalog.reference import reference
from storefront.extensions import db
from storefront.i18n import current_language
from storefront.impact.models import Partner, TrainingProgram
from storefront.timeutil import shop_today

catalog = Blueprint("catalog", __name__)


@catalog.get("/")
def home():
    """The brand's story, families, featured products and programmes."""
    return render_template(
        "catalog/home.html",
        reference=reference(),
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
    return render_template("catalog/products.html", reference=ref, query=query, listing=page)


@catalog.get("/products/<slug>")
def product(slug: str):
    """A product page: gallery, variants, price, stock, programme and partners."""
    try:
        detail = services.product_detail(slug, today=shop_today())
    except services.CatalogError:
        abort(404)
    return render_template(
        "catalog/product.html",
        reference=reference(),
        detail=detail,
        related=services.related_products(detail.product, limit=4),
    )


@catalog.get("/about")
def about():
    """What Cantik is and how a purchase helps."""
    return render_template("catalog/about.html", reference=reference())


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
        f"Sitemap: {url_for('catalog.sitemap', _external=True)}",
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
    pages = [("catalog.home", {}, None), ("catalog.products", {}, None),
             ("catalog.about", {}, None), ("impact.partners", {}, None)]
    pages += [("catalog.products", {"category": f.slug}, None) for f in ref.families]
    pages += [("impact.program", {"slug": s}, None) for s in program_slugs]
    pages += [("impact.partner", {"slug": s}, None) for s in partner_slugs]
    pages += [("catalog.product", {"slug": s}, updated) for s, updated in product_rows]
    xml = render_template("catalog/sitemap.xml", pages=pages)
    return xml, 200, {"Content-Type": "application/xml; charset=utf-8"}
