"""The daily cash-up: cash taken at the counter per day and staff member, for finance."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request

from storefront.accounts.permissions import Permission, permission_required
from storefront.orders import queries
from storefront.staff.views import staff
from storefront.timeutil import shop_today

MAX_DAYS = 366


def _day(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat((raw or "")[:10]) if raw else default
    except ValueError:
        return default


@staff.get("/cash-up")
@permission_required(Permission.CASH_VIEW)
def cash_up():
    """Cash received per day and per staff member over a range (the last week by default)."""
    today = shop_today()
    date_to = _day(request.args.get("to"), today)
    date_from = _day(request.args.get("from"), date_to - timedelta(days=6))
    if date_from > date_to or (date_to - date_from).days > MAX_DAYS:
        date_from = date_to - timedelta(days=6)
    rows = queries.cash_up(date_from, date_to)
    return render_template(
        "staff/cash_up.html",
        rows=rows,
        date_from=date_from,
        date_to=date_to,
        total=sum(r.amount for r in rows),
    )
