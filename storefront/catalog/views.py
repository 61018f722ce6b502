"""Public catalogue pages: home, listing, product, about, sitemap and robots."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from storefront.catalog import services
from storefront.catalog.models import Product
from storefront.catalog.reference import reference
from storefront.extensions import db
from storefront.i18n import current_language, localized, localized_route
from storefront.impact.models import Partner, TrainingProgram
from storefront.money import format_rupiah
from storefront.outbox.services import absolute
from storefront.pages.views import PAGES as INFORMATION_PAGES
from storefront.parsing import positive_int, whole_number
from storefront.timeutil import shop_today

catalog = Blueprint("catalog", __name__)

# Each page is listed in both languages and a sitemap holds at most 50,000 URLs.
SITEMAP_PRODUCTS = 24_000


@localized_route(catalog, "/")
def home():
    """The brand's story, families, featured products and programmes."""
    return render_template(
        "catalog/home.html",
        featured=services.featured_products(limit=8),
    )


@localized_route(catalog, "/products")
def products():
    """Product listing with search, filters, sorting and keyset pagination."""
    tidy = _without_unused_arguments(request.args)
    if tidy is not None:
        return redirect(url_for("catalog.products", **tidy), code=302)
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
        chips=filter_chips(query, ref),
    )


KIND_LABELS = {
    "stock": _l("Ready stock"),
    "made_to_order": _l("Made to order"),
    "perishable": _l("Fresh food"),
}


def filter_chips(query: services.ListingQuery, ref) -> list[tuple[str, str]]:
    """Each filter in use as (what it says, the listing without it)."""
    program = next((p for p in ref.programs if p.slug == query.program), None)
    family = ref.family(query.category)
    chips = [
        (query.q and _("Search: %(q)s", q=query.q), {"q": None}),
        (family and localized(family, "name"), {"category": None}),
        (program and localized(program, "name"), {"program": None}),
        (query.kind and str(KIND_LABELS[query.kind]), {"kind": None}),
        (
            query.min_price is not None and _("From %(price)s", price=rupiah(query.min_price)),
            {"min_price": None},
        ),
        (
            query.max_price is not None and _("Up to %(price)s", price=rupiah(query.max_price)),
            {"max_price": None},
        ),
        (query.in_stock and _("In stock only"), {"in_stock": None}),
    ]
    return [(label, listing_url(query, **without)) for label, without in chips if label]


# Arguments that say nothing: the form's empty fields, the default order, the first page.
UNUSED_VALUES = {"sort": "newest", "page": "1"}


def _without_unused_arguments(args) -> dict | None:
    """The listing's arguments without empty or default ones, if it had any.

    The filter form sends every field; the URL a buyer shares, bookmarks or
    sees in search results carries only the filters in use.
    """
    kept = {}
    dropped = False
    for key, values in args.lists():
        used = [v for v in values if v.strip() and UNUSED_VALUES.get(key) != v]
        dropped = dropped or len(used) != len(values)
        if used:
            kept[key] = used
    return kept if dropped else None


@localized_route(catalog, "/products/<slug>")
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
        photo=_shown_photo(detail, selected, request.args.get("photo", "")),
        today=today,
        related=services.related_products(detail.product, limit=4),
        json_ld=_product_json_ld(detail),
    )


def _selected_variant(variants, raw: str):
    """The variant named by ``?variant=``, else the cheapest one available (the card's
    "from" price when it can be bought), else the cheapest."""
    wanted = positive_int(raw)
    for variant in variants:
        if variant.id == wanted:
            return variant
    if not variants:
        return None
    available = [v for v in variants if v.on_hand > 0] or list(variants)
    return min(available, key=lambda v: v.price)  # min keeps the first of equal prices


def _shown_photo(detail: services.ProductDetail, selected, raw: str) -> int:
    """Which photo the gallery shows first: the one asked for (``?photo=``, the
    thumbnails' links without JavaScript), else the chosen variant's, else the first."""
    asked = whole_number(raw)
    if asked is not None and asked < len(detail.images):
        return asked
    if selected is not None:
        for index, image in enumerate(detail.images):
            if image.variant_id == selected.id:
                return index
    return 0


AVAILABILITY = "https://schema.org/"


def _availability(kind: str, on_hand: int) -> str:
    """schema.org availability: made-to-order pieces are pre-ordered, not in stock."""
    if on_hand <= 0:
        return AVAILABILITY + "OutOfStock"
    return AVAILABILITY + ("PreOrder" if kind == "made_to_order" else "InStock")


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
                "availability": _availability(product.kind, variant.on_hand),
                "url": f"{url}?variant={variant.id}",
            }
            for variant in detail.variants
        ],
    }


@localized_route(catalog, "/about")
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
        .limit(SITEMAP_PRODUCTS)
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
    pages += [("pages.page", {"slug": slug}, None) for slug in INFORMATION_PAGES]
    pages += [("catalog.products", {"category": f.slug}, None) for f in ref.families]
    pages += [("impact.program", {"slug": s}, None) for s in program_slugs]
    pages += [("impact.partner", {"slug": s}, None) for s in partner_slugs]
    pages += [("catalog.product", {"slug": s}, updated) for s, updated in product_rows]
    xml = render_template("catalog/sitemap.xml", pages=pages)
    return xml, 200, {"Content-Type": "application/xml; charset=utf-8"}


def rupiah(amount: int) -> str:
    """Whole rupiah in the current language."""
    return format_rupiah(amount, current_language())


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
