"""The demo catalogue: ``flask seed-demo`` fills an empty shop; running it again changes nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from storefront import models  # noqa: F401  (every table in db.metadata)
from storefront.catalog.models import Category, Product, ProductImage, ProductKind, Variant
from storefront.demo import data, image_key
from storefront.extensions import db
from storefront.impact.models import Agreement, Partner, TrainingProgram
from storefront.media.storage import RENDITION_WIDTHS, rendition_path

FAMILIES = {"songket", "fashion", "roti-kue", "tempe", "kerajinan"}
# Whole words of a column name ("maker_name", "resident_id"), so that a column
# about buyers' personal data ("personal_data_erased_at") is not mistaken for one.
PERSON_WORDS = {
    "maker",
    "makers",
    "resident",
    "residents",
    "person",
    "persons",
    "author",
    "authors",
}


def _invoke_seed(runner) -> str:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "Demo catalogue" in result.output
    return result.output


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _media_files(media_root: Path) -> dict[str, int]:
    """Every file under the media root with its modification time."""
    return {
        str(path.relative_to(media_root)): path.stat().st_mtime_ns
        for path in media_root.rglob("*")
        if path.is_file()
    }


def _assert_counts() -> None:
    slugs = set(db.session.scalars(select(Category.slug)))
    assert slugs >= FAMILIES
    assert db.session.scalar(select(func.count(Product.id))) >= 40
    assert db.session.scalar(select(func.count(Variant.id))) >= 80
    assert db.session.scalar(select(func.count(TrainingProgram.id))) >= 6
    assert db.session.scalar(select(func.count(Partner.id))) >= 10
    assert db.session.scalar(select(func.count(Agreement.id))) >= 20
    expired = db.session.scalar(
        select(func.count(Agreement.id)).where(Agreement.valid_to < date(2026, 1, 1))
    )
    assert expired >= 4
    for family in FAMILIES:
        in_family = db.session.scalar(
            select(func.count(Product.id)).join(Product.category).where(Category.slug == family)
        )
        assert in_family >= 5, family


def _assert_programs() -> None:
    for program in db.session.scalars(select(TrainingProgram)):
        assert program.premi_percent + program.pnbp_percent + program.capital_percent == 100
        assert program.story_id.count("\n\n") >= 1 and program.story_en.count("\n\n") >= 1
        assert program.summary_id and program.summary_en


def _assert_products(media_root: Path) -> None:
    products = db.session.scalars(
        select(Product).options(selectinload(Product.variants), selectinload(Product.images))
    ).all()
    for product in products:
        prices = [v.price for v in product.variants if v.is_active]
        assert prices, product.slug
        assert product.price_from == min(prices), product.slug
        assert product.search_text.strip(), product.slug
        assert product.images, product.slug
        for image in product.images:
            assert image.alt_id and image.alt_en
            for width in RENDITION_WIDTHS:
                assert rendition_path(media_root, image.key, width).is_file(), image.key
        if product.kind == ProductKind.MADE_TO_ORDER:
            assert product.lead_time_days and product.lead_time_days > 0
        if product.kind == ProductKind.PERISHABLE:
            assert product.shelf_life_days and product.shelf_life_days > 0
    featured = sum(p.is_featured for p in products)
    assert 6 <= featured <= 14


def _assert_logos(media_root: Path) -> None:
    for partner in db.session.scalars(select(Partner)):
        assert partner.logo_key, partner.slug
        assert rendition_path(media_root, partner.logo_key, RENDITION_WIDTHS[0]).is_file()


def _assert_no_metadata(media_root: Path) -> None:
    key = db.session.scalar(select(ProductImage.key).order_by(ProductImage.id).limit(1))
    with Image.open(rendition_path(media_root, key, RENDITION_WIDTHS[-1])) as img:
        assert len(img.getexif()) == 0
        assert "exif" not in img.info and "xmp" not in img.info


def test_seed_demo_fills_the_shop_and_a_second_run_changes_nothing(app, runner):
    media_root = Path(app.config["MEDIA_ROOT"])
    _invoke_seed(runner)
    db.session.expire_all()

    _assert_counts()
    _assert_programs()
    _assert_products(media_root)
    _assert_logos(media_root)
    _assert_no_metadata(media_root)

    counts, files = _row_counts(), _media_files(media_root)
    output = _invoke_seed(runner)
    db.session.expire_all()
    assert _row_counts() == counts
    assert _media_files(media_root) == files  # no new file, none rewritten
    assert "created 0 categories" in output and "0 images" in output


def test_no_column_is_named_after_a_person():
    for table in db.metadata.tables.values():
        assert not set(re.split(r"[^a-z]+", table.name.lower())) & PERSON_WORDS, table.name
        for column in table.columns:
            words = set(re.split(r"[^a-z]+", column.name.lower()))
            assert not words & PERSON_WORDS, f"{table.name}.{column.name}"


# --- the data itself, checked without a database -------------------------------------


def test_demo_data_keys_are_unique_and_referenced():
    skus = [v.sku for p in data.PRODUCTS for v in p.variants]
    assert len(skus) == len(set(skus))
    slugs = [p.slug for p in data.PRODUCTS]
    assert len(slugs) == len(set(slugs))
    numbers = [a.number for a in data.AGREEMENTS]
    assert len(numbers) == len(set(numbers))
    assert [c.slug for c in data.CATEGORIES] == [
        "songket",
        "fashion",
        "roti-kue",
        "tempe",
        "kerajinan",
    ]
    programs = {p.slug for p in data.PROGRAMS}
    partners = {p.slug for p in data.PARTNERS}
    assert {p.program for p in data.PRODUCTS} == programs
    assert {a.partner for a in data.AGREEMENTS} == partners
    assert {a.program for a in data.AGREEMENTS} == programs
    for product in data.PRODUCTS:
        assert product.category in FAMILIES
    for agreement in data.AGREEMENTS:
        assert re.fullmatch(r"PKS/\d{3}/LPP-PLG/\d{4}", agreement.number)
        assert 1 <= agreement.weight <= 5


def test_demo_prices_stock_and_kinds_fit_their_family():
    price_ranges = {"songket": (750_000, 8_500_000), "fashion": (85_000, 650_000)}
    option_keys = {"motif", "benang", "ukuran", "warna", "isi", "rasa", "berat"}
    for product in data.PRODUCTS:
        if product.category == "songket":
            assert product.kind == ProductKind.MADE_TO_ORDER
            assert 14 <= product.lead_time_days <= 60
        if product.kind == ProductKind.PERISHABLE:
            assert 2 <= product.shelf_life_days <= 7
        assert product.weight_grams > 0 and all(side > 0 for side in product.size_cm)
        assert product.name_id and product.name_en
        assert product.description_id and product.description_en
        for variant in product.variants:
            assert variant.price % 1000 == 0 and variant.price > 0, variant.sku
            low, high = price_ranges.get(product.category, (1_000, 400_000))
            assert low <= variant.price <= high, variant.sku
            assert set(variant.options) <= option_keys, variant.sku
            if product.kind == ProductKind.MADE_TO_ORDER:
                assert 2 <= variant.on_hand <= 6, variant.sku
            else:
                assert 0 <= variant.on_hand <= 40, variant.sku
    stocks = [v.on_hand for p in data.PRODUCTS for v in p.variants]
    assert stocks.count(0) >= 2 and sum(1 for n in stocks if n in (1, 2)) >= 2


def test_every_program_is_supported_throughout_the_next_season():
    day, last = date(2026, 11, 1), date(2027, 6, 30)
    while day <= last:
        for program in data.PROGRAMS:
            in_force = [
                a
                for a in data.AGREEMENTS
                if a.program == program.slug
                and a.valid_from <= day
                and (a.valid_to is None or day <= a.valid_to)
            ]
            assert in_force, (program.slug, day)
        day += timedelta(days=1)
    expired = [a for a in data.AGREEMENTS if a.valid_to and a.valid_to < date(2026, 1, 1)]
    assert len(expired) >= 4


def test_image_keys_are_safe_and_bounded():
    assert image_key("demo", "Kain Songket Lepus!", "1") == "demo-kain-songket-lepus-1"
    long_key = image_key("demo", "x" * 300, "2")
    assert len(long_key) == 120 and long_key.endswith("-2")
    assert re.fullmatch(r"[0-9a-z_-]{4,120}", long_key)
