"""Staff actions on orders in tests: actors, a transfer that pays an order, a refund sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from storefront.accounts.permissions import Actor
from storefront.extensions import db
from storefront.payments import services as payments
from storefront.timeutil import SHOP_TIMEZONE, utcnow

OPERATIONS = Actor(user_id=None, role="operations", label="Sari (operations)")
FINANCE = Actor(user_id=None, role="finance", label="Rina (finance)")
NO_APPROVAL = 10**9


def pay_by_transfer(order, *, now: datetime | None = None, amount: int | None = None):
    """Staff record the order's transfer as seen on the bank statement."""
    now = now or utcnow()
    return payments.record_bank_transfer(
        OPERATIONS,
        order_id=order.id,
        amount_rupiah=order.total if amount is None else amount,
        received_on=now.astimezone(SHOP_TIMEZONE).date(),
        bank_reference=f"BSB-{order.reference}-{amount or 'full'}",
        now=now,
    )


def refund(
    order_id: int,
    lines: dict[int, int] | None = None,
    *,
    delivery_fee: bool = False,
    money_only: int = 0,
    restock: bool = True,
    reason: str = "rusak",
    gateway=None,
    now: datetime | None = None,
):
    """Ask for a refund and send it at once (by transfer unless the order was paid by card)."""
    asked = payments.request_refund(
        FINANCE,
        order_id=order_id,
        request=payments.RefundRequest(
            lines={line_id: (q, restock) for line_id, q in (lines or {}).items()},
            delivery_fee=delivery_fee,
            money_only=money_only,
        ),
        reason=reason,
        approval_limit=NO_APPROVAL,
        now=now,
    )
    return payments.send_refund(
        FINANCE,
        refund_id=asked.id,
        gateway=gateway,
        outgoing_reference=f"OUT-{asked.id}",
        now=now,
    )


APPEND_ONLY_TABLES = ("audit_log", "payment_receipt")


def delete_rows_of(tables) -> None:
    """Delete every row of ``tables`` (in order), the append-only ones included: tests
    that reuse one database between examples lift the triggers for that moment only."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            db.session.execute(table.delete())
        return
    for name in APPEND_ONLY_TABLES:
        for verb in ("update", "delete"):
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {name}_no_{verb}"))
    for table in tables:
        db.session.execute(table.delete())
    for name in APPEND_ONLY_TABLES:
        for verb in ("UPDATE", "DELETE"):
            db.session.execute(
                text(
                    f"CREATE TRIGGER {name}_no_{verb.lower()} BEFORE {verb} ON {name} "
                    f"BEGIN SELECT RAISE(ABORT, '{name} is append-only'); END"
                )
            )
