"""Small, rarely changing reference lists (families, programmes) cached per process.

Every page's navigation needs them; reading them once a minute instead of on
every request keeps catalogue pages at a fixed, small number of queries. The
cache holds plain tuples, never ORM objects, so nothing is shared across sessions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from threading import Lock

from flask import current_app
from sqlalchemy import select

from storefront.catalog.models import Category
from storefront.extensions import db
from storefront.impact.models import TrainingProgram


@dataclass(frozen=True)
class Family:
    id: int
    slug: str
    name_id: str
    name_en: str
    description_id: str
    description_en: str


@dataclass(frozen=True)
class ProgramRef:
    id: int
    slug: str
    name_id: str
    name_en: str
    summary_id: str
    summary_en: str


@dataclass(frozen=True)
class Reference:
    families: tuple[Family, ...]
    programs: tuple[ProgramRef, ...]

    @property
    def family_slugs(self) -> frozenset[str]:
        return frozenset(f.slug for f in self.families)

    @property
    def program_slugs(self) -> frozenset[str]:
        return frozenset(p.slug for p in self.programs)

    def family(self, slug: str | None) -> Family | None:
        """The family at ``slug``, if there is one."""
        return next((f for f in self.families if f.slug == slug), None)


_lock = Lock()
_cached: tuple[float, str, Reference] | None = None


def load_reference() -> Reference:
    """Families and active programmes, read from the database (two queries)."""
    families = tuple(
        Family(c.id, c.slug, c.name_id, c.name_en, c.description_id, c.description_en)
        for c in db.session.scalars(select(Category).order_by(Category.position, Category.id))
    )
    programs = tuple(
        ProgramRef(p.id, p.slug, p.name_id, p.name_en, p.summary_id, p.summary_en)
        for p in db.session.scalars(
            select(TrainingProgram)
            .where(TrainingProgram.is_active.is_(True))
            .order_by(TrainingProgram.name_id)
        )
    )
    return Reference(families=families, programs=programs)


def reference() -> Reference:
    """The cached reference lists, refreshed after CATALOG_CACHE_SECONDS."""
    global _cached
    ttl = current_app.config["CATALOG_CACHE_SECONDS"]
    database = current_app.config["SQLALCHEMY_DATABASE_URI"]
    now = time.monotonic()
    cached = _cached
    if ttl > 0 and cached and cached[1] == database and now - cached[0] < ttl:
        return cached[2]
    fresh = load_reference()
    with _lock:
        _cached = (now, database, fresh)
    return fresh
