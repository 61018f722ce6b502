"""``/healthz`` for load balancers: is the database reachable and its schema current?

The answer is JSON, ``200`` when this app host can serve the shop and ``503``
when it cannot, so a load balancer takes the host out of rotation while the
database is down or while a deploy has new code but has not yet run
``flask db upgrade`` (or the other way round).
"""

from __future__ import annotations

import logging

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from storefront.extensions import db, limiter, talisman

log = logging.getLogger("storefront.health")

health = Blueprint("health", __name__)


def shipped_migrations() -> tuple[frozenset[str], frozenset[str]]:
    """(head revisions, every revision) of the migrations shipped with this code.

    Read from ``migrations/`` once per process: the code, and so its migrations,
    only change with a restart.
    """
    shipped = current_app.extensions.get("shipped_migrations")
    if shipped is None:
        script = ScriptDirectory(current_app.extensions["migrate"].directory)
        heads = frozenset(script.get_heads())
        known = frozenset(revision.revision for revision in script.walk_revisions())
        shipped = current_app.extensions["shipped_migrations"] = (heads, known)
    return shipped


def database_revisions() -> frozenset[str]:
    """The revisions recorded in the database's ``alembic_version`` table."""
    rows = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return frozenset(rows)


def check_health() -> tuple[dict, bool]:
    """The health report and whether the host is fit to serve."""
    heads, known = shipped_migrations()
    report = {"database": "ok", "migrations": "current", "head": ",".join(sorted(heads))}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        db.session.close()
        log.warning("health check: database unreachable: %s", type(error).__name__)
        report.update(database="unreachable", migrations="unknown")
        return report, False
    try:
        revisions = database_revisions()
    except SQLAlchemyError:  # no alembic_version table: the database was never migrated
        db.session.rollback()
        revisions = frozenset()
    finally:
        db.session.close()
    report["revision"] = ",".join(sorted(revisions))
    if revisions != heads:
        # Behind: this code expects tables the database lacks yet. Ahead: newer code
        # migrated the database, and this host still runs the old code.
        report["migrations"] = "behind" if revisions <= known else "ahead"
        return report, False
    return report, True


@health.get("/healthz")
@limiter.exempt
@talisman(force_https=False)
def healthz():
    """200 with ``{"database": "ok", "migrations": "current", ...}``, or 503."""
    report, healthy = check_health()
    report["status"] = "ok" if healthy else "unavailable"
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
