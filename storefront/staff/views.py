"""The ``staff`` blueprint: what every back-office page shares.

Each route is declared in its resource's module (dashboard, orders, cash,
audit) with ``@permission_required``; a test walks the URL map and fails on
any route here without one. Pages are never cached and never indexed.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from storefront.accounts.permissions import Permission, current_actor

staff = Blueprint("staff", __name__, url_prefix="/staff")


@staff.after_request
def _private(response):
    """Back-office pages carry buyers' personal data: no cache may keep them."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


ROLE_LABELS = {
    "admin": _l("Admin"),
    "operations": _l("Operations"),
    "production": _l("Production"),
    "finance": _l("Finance"),
    "auditor": _l("Auditor"),
    "partner": _l("Partner"),
    "buyer": _l("Buyer"),
}


@staff.context_processor
def _labels() -> dict:
    """Names the back-office templates use."""
    return {"role_label": lambda role: str(ROLE_LABELS.get(role, role)), "can": _can}


def _can(permission: str) -> bool:
    """Whether the signed-in user may do ``permission`` (to show only allowed actions)."""
    return current_actor().can(Permission(permission))


# The resource modules attach their routes to ``staff`` when imported.
from storefront.staff import audit, cash, dashboard, orders  # noqa: E402, F401
