"""The dashboard at /staff/: today's queues with counts and links, and the day's sales."""

from __future__ import annotations

from flask import render_template

from storefront.accounts.permissions import Permission, permission_required
from storefront.orders import queries
from storefront.staff.views import staff
from storefront.timeutil import shop_today


@staff.get("/")
@permission_required(Permission.STAFF_VIEW)
def dashboard():
    """What waits today: transfers to confirm, orders to pack and ship, pickups, problems."""
    return render_template(
        "staff/dashboard.html",
        board=queries.dashboard(shop_today()),
        waiting=queries.refunds_awaiting_approval(),
    )
