"""The attribution ledger: who is credited with each rupiah of a sale.

At the moment of sale every order line's revenue is split by its programme's
revenue split (premi, PNBP, capital) and each share among the partners whose
agreements with that programme are in force that day, by agreement weight.
With no partner in force, the programme alone is credited (no partner). The
entries of a line add up exactly to the line total; a refund adds negative
entries in the same proportions. Nothing here ever updates an entry.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, insert, select, true

from storefront.domain import allocate
from storefront.extensions import db
from storefront.impact.models import Agreement, AttributionEntry, RevenueShare, TrainingProgram
from storefront.orders.models import Order, OrderLine


def credit_sale_to_programmes(order: Order, *, day: date) -> int:
    """Write the ledger entries for a paid order (two reads, one insert); returns rupiah credited.

    Runs inside the caller's transaction (``mark_paid``); does not commit.
    """
    lines: list[OrderLine] = list(order.lines)
    program_ids = {line.program_id for line in lines}
    programs = {
        p.id: p
        for p in db.session.scalars(
            select(TrainingProgram).where(TrainingProgram.id.in_(program_ids))
        )
    }
    agreements: dict[int, list[Agreement]] = defaultdict(list)
    for agreement in db.session.scalars(
        select(Agreement)
        .where(
            Agreement.program_id.in_(program_ids),
            Agreement.in_force_on(day),
        )
        .order_by(Agreement.id)
    ):
        agreements[agreement.program_id].append(agreement)

    rows = []
    for line in lines:
        program = programs[line.program_id]
        shares = allocate(
            line.line_total,
            [program.premi_percent, program.pnbp_percent, program.capital_percent],
        )
        in_force = agreements.get(line.program_id, [])
        for share, share_amount in zip(RevenueShare, shares, strict=True):
            if in_force:
                parts = allocate(share_amount, [a.weight for a in in_force])
                for agreement, amount in zip(in_force, parts, strict=True):
                    rows.append(_entry(order, line, share, amount, day, agreement))
            else:
                rows.append(_entry(order, line, share, share_amount, day, None))
    rows = [r for r in rows if r["amount"] != 0]
    if rows:
        db.session.execute(insert(AttributionEntry), rows)
    return sum(r["amount"] for r in rows)


def debit_refund(
    order: Order, *, refund_id: int, goods_amount: int, day: date, line_id: int | None = None
) -> int:
    """Write negative entries for ``goods_amount`` refunded, in the sale's proportions
    (of one order line when ``line_id`` is given, of the whole order otherwise).

    The amount is spread over the order's net entries (sale minus earlier
    refunds) by largest remainder, so no entry goes below zero and the
    negatives add up exactly to ``-goods_amount``. Does not commit.
    """
    if goods_amount <= 0:
        return 0
    net = db.session.execute(
        select(
            AttributionEntry.order_line_id,
            AttributionEntry.program_id,
            AttributionEntry.partner_id,
            AttributionEntry.agreement_id,
            AttributionEntry.share,
            func.sum(AttributionEntry.amount).label("net"),
        )
        .where(
            AttributionEntry.order_id == order.id,
            AttributionEntry.order_line_id == line_id if line_id is not None else true(),
        )
        .group_by(
            AttributionEntry.order_line_id,
            AttributionEntry.program_id,
            AttributionEntry.partner_id,
            AttributionEntry.agreement_id,
            AttributionEntry.share,
        )
        .order_by(
            AttributionEntry.order_line_id, AttributionEntry.share, AttributionEntry.partner_id
        )
    ).all()
    net = [row for row in net if row.net > 0]
    available = sum(row.net for row in net)
    if goods_amount > available:
        raise ValueError("refunding more goods revenue than the ledger holds for this order")
    parts = allocate(goods_amount, [row.net for row in net])
    rows = [
        {
            "order_id": order.id,
            "order_line_id": row.order_line_id,
            "refund_id": refund_id,
            "program_id": row.program_id,
            "partner_id": row.partner_id,
            "agreement_id": row.agreement_id,
            "share": row.share,
            "amount": -amount,
            "occurred_on": day,
        }
        for row, amount in zip(net, parts, strict=True)
        if amount
    ]
    if rows:
        db.session.execute(insert(AttributionEntry), rows)
    return -goods_amount


def _entry(order, line, share, amount, day, agreement) -> dict:
    return {
        "order_id": order.id,
        "order_line_id": line.id,
        "refund_id": None,
        "program_id": line.program_id,
        "partner_id": agreement.partner_id if agreement else None,
        "agreement_id": agreement.id if agreement else None,
        "share": share.value,
        "amount": amount,
        "occurred_on": day,
    }
