"""Public pages of training programmes and partners."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from storefront.catalog import services as catalog_services
from storefront.extensions import db
from storefront.i18n import localized_route
from storefront.impact.models import Agreement, Partner, TrainingProgram
from storefront.timeutil import shop_today

impact = Blueprint("impact", __name__)


@localized_route(impact, "/programs/<slug>")
def program(slug: str):
    """A programme's story, its products and the partners supporting it now."""
    program = db.session.execute(
        select(TrainingProgram).where(
            TrainingProgram.slug == slug, TrainingProgram.is_active.is_(True)
        )
    ).scalar_one_or_none()
    if program is None:
        abort(404)
    return render_template(
        "impact/program.html",
        program=program,
        products=catalog_services.program_products(program.id, limit=12),
        partners=catalog_services.partners_supporting(program.id, today=shop_today()),
    )


@localized_route(impact, "/partners")
def partners():
    """Every partner organisation with the number of programmes it supports today."""
    today = shop_today()
    in_force = (
        select(func.count(func.distinct(Agreement.program_id)))
        .where(
            Agreement.partner_id == Partner.id,
            Agreement.in_force_on(today),
        )
        .correlate(Partner)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Partner, in_force.label("programs"))
        .where(Partner.is_active.is_(True))
        .order_by(Partner.name)
    ).all()
    return render_template("impact/partners.html", rows=rows)


@localized_route(impact, "/partners/<slug>")
def partner(slug: str):
    """A partner's page: who they are and the programmes their agreements cover."""
    partner = db.session.execute(
        select(Partner).where(Partner.slug == slug, Partner.is_active.is_(True))
    ).scalar_one_or_none()
    if partner is None:
        abort(404)
    agreements = db.session.execute(
        select(Agreement, TrainingProgram)
        .join(TrainingProgram, TrainingProgram.id == Agreement.program_id)
        .where(Agreement.partner_id == partner.id)
        .order_by(Agreement.valid_from.desc())
    ).all()
    return render_template(
        "impact/partner.html",
        partner=partner,
        agreements=agreements,
        today=shop_today(),
    )
