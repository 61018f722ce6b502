"""Catalogue queries and the upkeep of derived product columns.

Every page reads the catalogue through a fixed number of queries, whatever
its size: listings are one keyset-paginated query over an index, and a
product page is a handful of queries that never loop over rows.
"""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Integer, Select, and_, bindparam, exists, func, or_, select, table, text
from sqlalchemy import column as sa_column

from storefront.catalog.models import Category, Product, ProductImage, ProductKind, Variant
from storefront.catalog.reference import Family, ProgramRef
from storefront.catalog.search import (
    build_search_text,
    plan_search,
    search_condition,
    search_terms,
    search_value,
)
from storefront.domain import DomainError
from storefront.extensions import db
from storefront.impact.models import Agreement, Partner, TrainingProgram
from storefront.parsing import positive_int, whole_number

SORTS = ("newest", "price_asc", "price_desc", "name")
MAX_PRICE = 1_000_000_000
# Listings count their results up to here and say "more than" beyond: counting
# 100,000 matches (or even 1,000 in stock) would cost more than the page itself.
COUNT_LIMIT = 100
MAX_PAGE = 999_999


class CatalogError(DomainError):
    """A catalogue request that cannot be answered as asked (no such product: a 404)."""

    status_code = 404


@dataclass(frozen=True)
class ListingQuery:
    """What a buyer asked the listing for, already validated and normalised."""

    q: str = ""
    category: str | None = None
    program: str | None = None
    kind: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    sort: str = "newest"
    page: int = 1
    after: str | None = None
    before: str | None = None
    notices: tuple[str, ...] = field(default=(), compare=False)


class ProductCard(NamedTuple):
    """What a listing card shows of one product (a named tuple: cheap to build and hash)."""

    id: int
    slug: str
    name_id: str
    name_en: str
    kind: str
    price_from: int
    lead_time_days: int | None
    shelf_life_days: int | None
    program_name_id: str
    program_name_en: str
    image_key: str | None
    image_width: int | None
    image_height: int | None
    on_hand: int


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing with the cursors that lead to its neighbours.

    ``total`` counts every match up to ``COUNT_LIMIT`` (``more`` says there are
    more); ``corrected`` pairs each misspelt query word with the catalogue
    words searched for instead.
    """

    cards: list[ProductCard]
    page: int
    next_cursor: str | None
    prev_cursor: str | None
    total: int = 0
    more: bool = False
    corrected: tuple[tuple[str, tuple[str, ...]], ...] = ()


def encode_cursor(sort_value: Any, product_id: int) -> str:
    """An opaque token for the position just after (or before) a product."""
    raw = json.dumps([sort_value, product_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, sort: str) -> tuple[Any, int] | None:
    """The (sort value, id) inside a cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, product_id = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if positive_int(product_id) is None:  # also refuses numbers no id column holds
        return None
    if sort in ("price_asc", "price_desc") and whole_number(value) is None:
        return None
    if sort == "name" and not (
        isinstance(value, str) and len(value) <= 200 and "\x00" not in value
    ):
        return None
    return value, product_id


def _sort_columns(sort: str, language: str):
    """The (column, ascending) pair that orders a listing, before the id tiebreak."""
    if sort == "price_asc":
        return Product.price_from, True
    if sort == "price_desc":
        return Product.price_from, False
    if sort == "name":
        return (Product.name_en if language == "en" else Product.name_id), True
    return None, False  # newest: id descending


@functools.cache
def _card_select() -> Select:
    """The columns of a product card (built once: statements are immutable)."""
    cover = (
        select(ProductImage.id)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .correlate(Product)
        .scalar_subquery()
    )
    on_hand = (
        select(func.coalesce(func.sum(Variant.on_hand), 0))
        .where(Variant.product_id == Product.id, Variant.is_active.is_(True))
        .correlate(Product)
        .scalar_subquery()
    )
    stmt = (
        select(
            Product.id,
            Product.slug,
            Product.name_id,
            Product.name_en,
            Product.kind,
            Product.price_from,
            Product.lead_time_days,
            Product.shelf_life_days,
            TrainingProgram.name_id.label("program_name_id"),
            TrainingProgram.name_en.label("program_name_en"),
            ProductImage.key.label("image_key"),
            ProductImage.width.label("image_width"),
            ProductImage.height.label("image_height"),
            on_hand.label("on_hand"),
        )
        .join(TrainingProgram, TrainingProgram.id == Product.program_id)
        .outerjoin(ProductImage, ProductImage.id == cover)
        .where(Product.is_active.is_(True))
    )
    # Rows become cards positionally (``ProductCard._make``): keep the orders equal.
    assert list(stmt.selected_columns.keys()) == list(ProductCard._fields)
    return stmt


def _rows(stmt: Select, params: dict[str, Any]):
    """Plain rows of a column statement, on the session's connection and transaction.

    Executing on the connection skips the ORM's per-statement set-up, which
    only entity queries need.
    """
    return db.session.connection().execute(stmt, params)


def _cards(stmt: Select, params: dict[str, Any]) -> list[ProductCard]:
    return list(map(ProductCard._make, _rows(stmt, params)))


def _filter_clause(name: str):
    """The WHERE clause of one of the listing's optional filters, its value bound by name."""
    if name == "category":
        family = select(Category.id).where(Category.slug == bindparam("category"))
        return Product.category_id == family.scalar_subquery()
    if name == "program":
        program = select(TrainingProgram.id).where(TrainingProgram.slug == bindparam("program"))
        return Product.program_id == program.scalar_subquery()
    if name == "kind":
        return Product.kind == bindparam("kind")
    if name == "min_price":
        return Product.price_from >= bindparam("min_price")
    if name == "max_price":
        return Product.price_from <= bindparam("max_price")
    if name == "in_stock":
        return exists().where(
            Variant.product_id == Product.id, Variant.is_active.is_(True), Variant.on_hand > 0
        )
    raise ValueError(f"unknown filter {name!r}")


@dataclass(frozen=True)
class _ListingShape:
    """What the SQL of a listing statement depends on; its values are bound at execution."""

    dialect: str
    sort: str
    language: str
    search: bool
    filters: tuple[str, ...]
    cursor: bool
    ascending: bool
    offset: bool
    per_page: int


def _matching_ids(shape: _ListingShape, *, driven_by_search_index: bool):
    """The ids of the active products a listing shape matches, and the id column to
    order and page them by.

    On SQLite a search can be driven by the FTS5 index itself (it yields
    matches in descending rowid order, so a LIMIT stops it early); a listing
    sorted by another column must look its matches up instead.
    """
    ids = select(Product.id).where(Product.is_active.is_(True))
    id_column = Product.id
    if shape.search and shape.dialect == "sqlite" and driven_by_search_index:
        fts = table("product_fts", sa_column("rowid"))
        ids = ids.join(fts, fts.c.rowid == Product.id).where(text("product_fts MATCH :search"))
        id_column = fts.c.rowid
    elif shape.search:
        ids = ids.where(search_condition(shape.dialect))
    for name in shape.filters:
        ids = ids.where(_filter_clause(name))
    return ids, id_column


@functools.lru_cache(maxsize=512)
def _listing_statement(shape: _ListingShape) -> Select:
    """The listing statement of one shape, built once per worker.

    Reusing the statement object skips building it and computing its cache
    key on every request; SQLAlchemy's compiled cache then serves the SQL.
    """
    column, _ = _sort_columns(shape.sort, shape.language)
    ids, id_column = _matching_ids(shape, driven_by_search_index=column is None)

    asc = shape.ascending
    if shape.cursor:
        last_id = bindparam("cursor_id", type_=Integer)
        if column is None:
            ids = ids.where(id_column > last_id if asc else id_column < last_id)
        else:
            value = bindparam("cursor_value", type_=column.type)
            after = column > value if asc else column < value
            tie = id_column > last_id if asc else id_column < last_id
            ids = ids.where(or_(after, and_(column == value, tie)))

    def ordering(id_col):
        order = [] if column is None else [column.asc() if asc else column.desc()]
        order.append(id_col.asc() if asc else id_col.desc())
        return order

    ids = ids.order_by(*ordering(id_column)).limit(shape.per_page + 1)
    if shape.offset:
        ids = ids.offset(bindparam("offset", type_=Integer))
    page_ids = ids.subquery()
    stmt = _card_select().join(page_ids, page_ids.c.id == Product.id)
    return stmt.order_by(*ordering(Product.id))


@functools.lru_cache(maxsize=128)
def _count_statement(dialect: str, search: bool, filters: tuple[str, ...]) -> Select:
    """How many products a listing matches, up to the bound ``:count_limit``."""
    shape = _ListingShape(dialect, "newest", "", search, filters, False, False, False, 0)
    ids, id_column = _matching_ids(shape, driven_by_search_index=True)
    # Ordered as the newest-first listing is, so SQLite reads a search from its index.
    ids = ids.order_by(id_column.desc()).limit(bindparam("count_limit", type_=Integer))
    matches = ids.subquery()
    return select(func.count()).select_from(matches)


def list_products(query: ListingQuery, *, language: str, per_page: int) -> ListingPage:
    """One page of active products matching ``query``, in one SQL statement.

    The statement first picks the page's product ids (filters, order and
    limit over indexes only) and computes the card columns for those ids
    alone. Pages follow each other by keyset (the last row's sort value and
    id), so a deep page costs what the first one does; a bare ``page`` number
    with no cursor falls back to an offset, which only a hand-typed URL makes.
    On SQLite a newest-first search is driven by the FTS5 index itself, which
    yields matches in descending rowid order, so it stops after one page.
    Two more statements: which query words some product has (misspelt ones
    are searched for by their nearest catalogue words, see ``catalog.search``)
    and how many products match, counted up to ``COUNT_LIMIT``.
    """
    dialect = db.session.get_bind().dialect.name
    plan = plan_search(db.session.connection(), search_terms(query.q))
    terms = plan.groups
    column, ascending = _sort_columns(query.sort, language)

    params: dict[str, Any] = {
        name: value
        for name, value in (
            ("category", query.category),
            ("program", query.program),
            ("kind", query.kind),
            ("min_price", query.min_price),
            ("max_price", query.max_price),
        )
        if value is not None
    }
    filters = (*params, "in_stock") if query.in_stock else tuple(params)
    if terms:
        params["search"] = search_value(dialect, list(terms))
    count = _count_statement(dialect, bool(terms), filters)
    counted = _rows(count, {**params, "count_limit": COUNT_LIMIT + 1}).scalar_one()

    cursor_token = query.before or query.after
    cursor = decode_cursor(cursor_token, query.sort) if cursor_token else None
    backwards = cursor is not None and query.before is not None
    if cursor is not None:
        params["cursor_value"], params["cursor_id"] = cursor
        if column is None:
            del params["cursor_value"]
    use_offset = cursor is None and query.page > 1
    if use_offset:
        params["offset"] = (query.page - 1) * per_page

    shape = _ListingShape(
        dialect=dialect,
        sort=query.sort,
        language=language if query.sort == "name" else "",
        search=bool(terms),
        filters=filters,
        cursor=cursor is not None,
        ascending=(ascending if column is not None else False) != backwards,
        offset=use_offset,
        per_page=per_page,
    )
    cards = _cards(_listing_statement(shape), params)
    has_more = len(cards) > per_page
    cards = cards[:per_page]
    if backwards:
        cards.reverse()

    def cursor_of(card: ProductCard) -> str:
        if column is None:
            return encode_cursor(None, card.id)
        sort_value = (
            card.price_from
            if query.sort.startswith("price")
            else (card.name_en if language == "en" else card.name_id)
        )
        return encode_cursor(sort_value, card.id)

    page = max(query.page, 1)
    if backwards:
        next_cursor = cursor_of(cards[-1]) if cards else None
        prev_cursor = cursor_of(cards[0]) if cards and has_more and page > 1 else None
    else:
        next_cursor = cursor_of(cards[-1]) if cards and has_more else None
        prev_cursor = cursor_of(cards[0]) if cards and page > 1 else None
    return ListingPage(
        cards=cards,
        page=page,
        next_cursor=next_cursor,
        prev_cursor=prev_cursor,
        total=min(counted, COUNT_LIMIT),
        more=counted > COUNT_LIMIT,
        corrected=plan.corrected,
    )


@functools.cache
def _card_statements() -> dict[str, Select]:
    """The other lists of cards, newest first, built once with bound parameters."""
    wheres = {
        "featured": [Product.is_featured.is_(True)],
        "program": [Product.program_id == bindparam("program_id")],
        "related": [
            Product.category_id == bindparam("category_id"),
            Product.id != bindparam("product_id"),
        ],
    }
    return {
        name: _card_select()
        .where(*clauses)
        .order_by(Product.id.desc())
        .limit(bindparam("limit", type_=Integer))
        for name, clauses in wheres.items()
    }


def featured_products(*, limit: int = 8) -> list[ProductCard]:
    """Featured active products for the home page, newest first, one query."""
    return _cards(_card_statements()["featured"], {"limit": limit})


def program_products(program_id: int, *, limit: int = 12) -> list[ProductCard]:
    """A programme's newest active products, one query."""
    return _cards(_card_statements()["program"], {"program_id": program_id, "limit": limit})


def related_products(product: ProductView, *, limit: int = 4) -> list[ProductCard]:
    """Other active products of the same family, one query."""
    return _cards(
        _card_statements()["related"],
        {"category_id": product.category.id, "product_id": product.id, "limit": limit},
    )


@dataclass(frozen=True)
class ProductView:
    """What a product page shows of the product itself, with its family and programme."""

    id: int
    slug: str
    name_id: str
    name_en: str
    description_id: str
    description_en: str
    kind: str
    lead_time_days: int | None
    shelf_life_days: int | None
    weight_grams: int
    price_from: int
    category: Family
    program: ProgramRef


@dataclass(frozen=True)
class VariantView:
    """A variant as the product page offers it; ``options`` as (name, value) pairs."""

    id: int
    sku: str
    options: tuple[tuple[str, str], ...]
    price: int
    on_hand: int


@dataclass(frozen=True)
class ProductDetail:
    """Everything a product page shows, loaded in a fixed number of queries.

    Plain, hashable values all the way down, so the rendered page body can be
    kept as a fragment keyed by them (``storefront.fragments``).
    """

    product: ProductView
    variants: tuple[VariantView, ...]
    images: tuple  # rows: key, width, height, alt_id, alt_en, variant_id
    partners: tuple[tuple, ...]  # (row with slug and name, support kind)


@functools.cache
def _detail_statements() -> dict[str, Select]:
    """The product page's statements, built once with bound parameters."""
    return {
        "product": select(
            Product.id,
            Product.slug,
            Product.name_id,
            Product.name_en,
            Product.description_id,
            Product.description_en,
            Product.kind,
            Product.lead_time_days,
            Product.shelf_life_days,
            Product.weight_grams,
            Product.price_from,
            Category.id,
            Category.slug,
            Category.name_id,
            Category.name_en,
            Category.description_id,
            Category.description_en,
            TrainingProgram.id,
            TrainingProgram.slug,
            TrainingProgram.name_id,
            TrainingProgram.name_en,
            TrainingProgram.summary_id,
            TrainingProgram.summary_en,
        )
        .join(Category, Category.id == Product.category_id)
        .join(TrainingProgram, TrainingProgram.id == Product.program_id)
        .where(Product.slug == bindparam("slug"), Product.is_active.is_(True)),
        "variants": select(Variant.id, Variant.sku, Variant.options, Variant.price, Variant.on_hand)
        .where(Variant.product_id == bindparam("product_id"), Variant.is_active.is_(True))
        .order_by(Variant.position, Variant.id),
        "images": select(
            ProductImage.key,
            ProductImage.width,
            ProductImage.height,
            ProductImage.alt_id,
            ProductImage.alt_en,
            ProductImage.variant_id,
        )
        .where(ProductImage.product_id == bindparam("product_id"))
        .order_by(ProductImage.position, ProductImage.id),
        "partners": select(Partner.slug, Partner.name, Agreement.support_kind)
        .join(Agreement, Agreement.partner_id == Partner.id)
        .where(
            Agreement.program_id == bindparam("program_id"),
            Agreement.in_force_on(bindparam("today")),
            Partner.is_active.is_(True),
        )
        .order_by(Agreement.weight.desc(), Partner.name),
    }


def product_detail(slug: str, *, today: date) -> ProductDetail:
    """The active product at ``slug`` with its variants, images and supporting partners.

    Four statements, read as plain rows. Raises ``CatalogError`` when no
    active product has that slug.
    """
    statements = _detail_statements()
    row = _rows(statements["product"], {"slug": slug}).one_or_none()
    if row is None:
        raise CatalogError(_("We could not find that page"))
    product = ProductView(*row[:11], category=Family(*row[11:17]), program=ProgramRef(*row[17:]))
    variants = tuple(
        VariantView(v.id, v.sku, tuple((v.options or {}).items()), v.price, v.on_hand)
        for v in _rows(statements["variants"], {"product_id": product.id})
    )
    images = tuple(_rows(statements["images"], {"product_id": product.id}))
    return ProductDetail(
        product=product,
        variants=variants,
        images=images,
        partners=partners_supporting(product.program.id, today=today),
    )


def partners_supporting(program_id: int, *, today: date) -> tuple[tuple, ...]:
    """Partners (slug, name) with an agreement with the programme in force ``today``,
    each with its kind of support."""
    rows = _rows(_detail_statements()["partners"], {"program_id": program_id, "today": today})
    return tuple((row, row.support_kind) for row in rows)


def refresh_derived_columns(product: Product) -> None:
    """Recompute ``price_from`` and ``search_text`` from the product and its variants.

    Call after changing a product's names, descriptions or variants, before
    the transaction commits; the listing sorts and searches on these columns.
    """
    prices = [v.price for v in product.variants if v.is_active is not False]
    product.price_from = min(prices) if prices else 0
    category = product.category or db.session.get(Category, product.category_id)
    program = product.program or db.session.get(TrainingProgram, product.program_id)
    product.search_text = build_search_text(
        product.name_id,
        product.name_en,
        product.description_id,
        product.description_en,
        category.name_id if category else "",
        category.name_en if category else "",
        program.name_id if program else "",
        program.name_en if program else "",
        " ".join(" ".join(str(x) for x in v.options.values()) for v in product.variants),
        " ".join(v.sku for v in product.variants),
    )


def stock_status(kind: str, on_hand: int) -> str:
    """``available``, ``low`` or ``sold_out`` for a product or variant."""
    if on_hand <= 0:
        return "sold_out"
    if kind != ProductKind.MADE_TO_ORDER and on_hand <= 3:
        return "low"
    return "available"


def normalise_listing_args(args, *, category_slugs, program_slugs) -> ListingQuery:
    """Turn raw query-string arguments into a ``ListingQuery``, never failing.

    Nonsense is normalised (a bad page becomes 1, an unknown sort the default,
    an over-long query is cut) and anything dropped is reported in ``notices``
    so the page can tell the buyer which part of the request was ignored.
    """
    notices: list[str] = []

    def as_int(name: str, low: int, high: int) -> int | None:
        raw = (args.get(name) or "").strip().replace(".", "").replace(",", "")
        if not raw:
            return None
        number = whole_number(raw, limit=high)
        if number is None or number < low:
            notices.append(name)
            return None
        return number

    q = (args.get("q") or "").strip()
    if len(q) > 100:
        q = q[:100]
        notices.append("q")
    category = args.get("category") or None
    if category and category not in category_slugs:
        notices.append("category")
        category = None
    program = args.get("program") or None
    if program and program not in program_slugs:
        notices.append("program")
        program = None
    kind = args.get("kind") or None
    if kind and kind not in {k.value for k in ProductKind}:
        notices.append("kind")
        kind = None
    min_price = as_int("min_price", 0, MAX_PRICE)
    max_price = as_int("max_price", 0, MAX_PRICE)
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
    sort = args.get("sort") or "newest"
    if sort not in SORTS:
        notices.append("sort")
        sort = "newest"
    page = positive_int(args.get("page") or "1", limit=MAX_PAGE) or 1
    after = args.get("after") or None
    before = args.get("before") or None
    if after and len(after) > 400:
        after = None
    if before and len(before) > 400:
        before = None
    return ListingQuery(
        q=q,
        category=category,
        program=program,
        kind=kind,
        min_price=min_price,
        max_price=max_price,
        in_stock=args.get("in_stock") in ("1", "on", "true", "yes"),
        sort=sort,
        page=page,
        after=after,
        before=before,
        notices=tuple(notices),
    )
