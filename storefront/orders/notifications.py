"""E-mails to the shop floor: one for each paid order, and a morning summary of what waits.

They go through the outbox like the buyers' e-mails, to every active account
with a role in ``STAFF_NOTIFY_ROLES`` (operations by default), each in the
staff member's own language, in the caller's transaction.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from storefront.accounts.models import User
from storefront.extensions import db
from storefront.orders import queries
from storefront.orders.models import Order
from storefront.outbox.services import queue_email


def _recipients() -> list[tuple[str, str]]:
    roles = list(current_app.config["STAFF_NOTIFY_ROLES"])
    return list(
        db.session.execute(
            select(User.email, User.language).where(
                User.role.in_(roles), User.is_active_account.is_(True), User.erased_at.is_(None)
            )
        ).all()
    )


def notify_staff_of_paid_order(order: Order) -> int:
    """Queue "order paid, to prepare" for each operations user; returns how many."""
    recipients = _recipients()
    for email, language in recipients:
        queue_email(
            kind="staff_order_paid",
            to=email,
            language=language,
            template="staff_order_paid",
            order_id=order.id,
            order=order,
        )
    return len(recipients)


def queue_morning_summary(today: date) -> int:
    """Queue the morning summary of today's queues for each operations user; commits."""
    board = queries.dashboard(today)
    recipients = _recipients()
    for email, language in recipients:
        queue_email(
            kind="staff_summary",
            to=email,
            language=language,
            template="staff_summary",
            board=board,
            today=today,
        )
    db.session.commit()
    return len(recipients)
