"""The demo catalogue behind ``flask seed-demo``.

Rows are looked up by their natural keys (slug, SKU, agreement number) and
only the missing ones are added, so running the seed again changes nothing.
It never updates or deletes what is already there: a shop that has been
edited by staff keeps its edits. Pictures are drawn locally (see ``images``)
and stored under deterministic keys, only for rows created in this run.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from storefront.catalog.models import Category, Product, ProductImage, Variant
from storefront.catalog.services import refresh_derived_columns
from storefront.demo import data
from storefront.demo.images import colour_of, partner_logo, product_images
from storefront.extensions import db
from storefront.impact.models import Agreement, Partner, TrainingProgram
from storefront.media.storage import StoredImage, store_image

KINDS = (
    "categories",
    "programs",
    "partners",
    "agreements",
    "products",
    "variants",
    "images",
    "logos",
)
_UNSAFE = re.compile(r"[^0-9a-z_-]+")
_MAX_KEY = 120


@dataclass
class SeedReport:
    """What one run of the demo seed created, and what it found already there."""

    created: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> str:
        """One human line: counts created (and already present) per kind, and the time taken."""
        parts = []
        for kind in KINDS:
            part = f"{self.created[kind]} {kind}"
            if self.skipped[kind]:
                part += f" ({self.skipped[kind]} already there)"
            parts.append(part)
        return f"Demo catalogue: created {', '.join(parts)} in {self.seconds:.1f} s."


def image_key(prefix: str, slug: str, suffix: str = "") -> str:
    """A deterministic media key made only of [0-9a-z_-], at most 120 characters."""
    base = _UNSAFE.sub("-", f"{prefix}-{slug}".lower()).strip("-")
    tail = f"-{suffix}" if suffix else ""
    return base[: _MAX_KEY - len(tail)] + tail


def seed_demo_catalogue(*, media_root: str | Path) -> SeedReport:
    """Add whatever part of the demo catalogue is missing, in one transaction."""
    started = time.perf_counter()
    report = SeedReport()
    try:
        categories = _seed_categories(report)
        programs = _seed_programs(report)
        partners = _seed_partners(report, media_root)
        _seed_agreements(report, partners, programs)
        _seed_products(report, media_root, categories, programs)
        db.session.commit()
    except Exception:
        # Image files written before the failure stay on disk under their
        # deterministic keys; the next run simply writes them again.
        db.session.rollback()
        raise
    report.seconds = time.perf_counter() - started
    return report


def _existing(model: Any, column: Any, values: Iterable[str]) -> dict[str, Any]:
    """Rows of ``model`` whose ``column`` is one of ``values``, keyed by that value."""
    rows = db.session.scalars(select(model).where(column.in_(list(values))))
    return {getattr(row, column.key): row for row in rows}


def _seed_categories(report: SeedReport) -> dict[str, Category]:
    found = _existing(Category, Category.slug, (c.slug for c in data.CATEGORIES))
    for position, item in enumerate(data.CATEGORIES):
        if item.slug in found:
            report.skipped["categories"] += 1
            continue
        category = Category(
            slug=item.slug,
            name_id=item.name_id,
            name_en=item.name_en,
            description_id=item.description_id,
            description_en=item.description_en,
            position=position,
        )
        db.session.add(category)
        found[item.slug] = category
        report.created["categories"] += 1
    return found


def _seed_programs(report: SeedReport) -> dict[str, TrainingProgram]:
    found = _existing(TrainingProgram, TrainingProgram.slug, (p.slug for p in data.PROGRAMS))
    for item in data.PROGRAMS:
        if item.slug in found:
            report.skipped["programs"] += 1
            continue
        program = TrainingProgram(
            slug=item.slug,
            name_id=item.name_id,
            name_en=item.name_en,
            summary_id=item.summary_id,
            summary_en=item.summary_en,
            story_id=item.story_id,
            story_en=item.story_en,
            premi_percent=item.premi_percent,
            pnbp_percent=item.pnbp_percent,
            capital_percent=item.capital_percent,
        )
        db.session.add(program)
        found[item.slug] = program
        report.created["programs"] += 1
    return found


def _seed_partners(report: SeedReport, media_root: str | Path) -> dict[str, Partner]:
    found = _existing(Partner, Partner.slug, (p.slug for p in data.PARTNERS))
    for item in data.PARTNERS:
        if item.slug in found:
            report.skipped["partners"] += 1
            continue
        logo = store_image(
            media_root,
            partner_logo(item.initials, item.colour),
            key=image_key("demo-logo", item.slug),
        )
        report.created["logos"] += 1
        partner = Partner(
            slug=item.slug,
            name=item.name,
            kind=item.kind,
            website=item.website,
            logo_key=logo.key,
            description_id=item.description_id,
            description_en=item.description_en,
        )
        db.session.add(partner)
        found[item.slug] = partner
        report.created["partners"] += 1
    return found


def _seed_agreements(
    report: SeedReport, partners: dict[str, Partner], programs: dict[str, TrainingProgram]
) -> None:
    found = _existing(Agreement, Agreement.number, (a.number for a in data.AGREEMENTS))
    for item in data.AGREEMENTS:
        if item.number in found:
            report.skipped["agreements"] += 1
            continue
        db.session.add(
            Agreement(
                number=item.number,
                partner=partners[item.partner],
                program=programs[item.program],
                support_kind=item.support_kind,
                weight=item.weight,
                valid_from=item.valid_from,
                valid_to=item.valid_to,
            )
        )
        report.created["agreements"] += 1


def _new_variants(
    item: data.ProductData, taken_skus: set[str], first_position: int, report: SeedReport
) -> list[Variant]:
    """Variants of ``item`` whose SKU is not in the shop yet."""
    variants = []
    for item_variant in item.variants:
        if item_variant.sku in taken_skus:
            report.skipped["variants"] += 1
            continue
        taken_skus.add(item_variant.sku)
        variants.append(
            Variant(
                sku=item_variant.sku,
                options=dict(item_variant.options),
                price=item_variant.price,
                on_hand=item_variant.on_hand,
                # Set explicitly: column defaults only apply at INSERT, and
                # refresh_derived_columns reads is_active before the flush.
                is_active=True,
                position=first_position + len(variants),
            )
        )
    report.created["variants"] += len(variants)
    return variants


def _store_pictures(item: data.ProductData, media_root: str | Path) -> list[StoredImage]:
    """Draw the product's photos and store them; the first is the cover."""
    options = item.variants[0].options
    tint = colour_of(options.get("warna") or options.get("rasa"))
    pictures = product_images(
        item.category, item.slug, shape=item.image_shape, tint=tint, motif=options.get("motif")
    )
    return [
        store_image(media_root, picture, key=image_key("demo", item.slug, str(position + 1)))
        for position, picture in enumerate(pictures)
    ]


def _image_rows(item: data.ProductData, stored: list[StoredImage]) -> list[ProductImage]:
    alts = [
        (item.alt_id, item.alt_en),
        (f"Detail {_lower_first(item.alt_id)}", f"Close-up of {_lower_first(item.alt_en)}"),
    ]
    return [
        ProductImage(
            key=image.key,
            width=image.width,
            height=image.height,
            alt_id=alt_id,
            alt_en=alt_en,
            position=position,
        )
        for position, (image, (alt_id, alt_en)) in enumerate(zip(stored, alts, strict=True))
    ]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _seed_products(
    report: SeedReport,
    media_root: str | Path,
    categories: dict[str, Category],
    programs: dict[str, TrainingProgram],
) -> None:
    found = _existing(Product, Product.slug, (p.slug for p in data.PRODUCTS))
    all_skus = [v.sku for p in data.PRODUCTS for v in p.variants]
    taken_skus = set(db.session.scalars(select(Variant.sku).where(Variant.sku.in_(all_skus))))
    for item in data.PRODUCTS:
        product = found.get(item.slug)
        if product is None:
            continue
        report.skipped["products"] += 1
        # A product that is already there only gains variants it lacks; its
        # own fields and pictures are the staff's to change.
        added = _new_variants(item, taken_skus, len(product.variants), report)
        if added:
            product.variants.extend(added)
            refresh_derived_columns(product)

    new_items = [item for item in data.PRODUCTS if item.slug not in found]
    # Encoding WebP renditions is most of the seed's time and Pillow releases
    # the GIL while it encodes, so the pictures are drawn on a few threads.
    # Only files are written there; every database change stays on this thread.
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        stored_images = list(pool.map(lambda item: _store_pictures(item, media_root), new_items))
    for item, stored in zip(new_items, stored_images, strict=True):
        length, width, height = item.size_cm
        product = Product(
            slug=item.slug,
            category=categories[item.category],
            program=programs[item.program],
            name_id=item.name_id,
            name_en=item.name_en,
            description_id=item.description_id,
            description_en=item.description_en,
            kind=item.kind,
            lead_time_days=item.lead_time_days,
            shelf_life_days=item.shelf_life_days,
            weight_grams=item.weight_grams,
            length_cm=length,
            width_cm=width,
            height_cm=height,
            is_active=True,
            is_featured=item.featured,
            variants=_new_variants(item, taken_skus, 0, report),
            images=_image_rows(item, stored),
        )
        refresh_derived_columns(product)
        db.session.add(product)
        report.created["products"] += 1
        report.created["images"] += len(product.images)
