"""Stock: the only code that changes ``Variant.on_hand``.

``Variant.on_hand`` is what can still be sold: a reservation for an unpaid
order takes units off it at once, a release or a return puts them back.
Every change is one conditional UPDATE per call (``on_hand >= wanted`` when
taking), checked by the rows it touched, never a read followed by a write, so
no sale and no staff change is lost or oversold on PostgreSQL or SQLite. Each
change writes one movement per variant with the figure before and after, the
actor and the reason, plus one audit row, in the caller's transaction. Nothing
here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import case, insert, select, update

from storefront.accounts.permissions import Actor
from storefront.audit.services import record
from storefront.catalog.models import Variant
from storefront.domain import DomainError
from storefront.extensions import db
from storefront.inventory.models import MovementKind, StockMovement
from storefront.timeutil import utcnow


class InsufficientStock(DomainError):
    """Some variants do not have the units asked for; ``variant_ids`` names them."""

    status_code = 409

    def __init__(self, variant_ids: list[int]) -> None:
        super().__init__("not enough stock")
        self.variant_ids = variant_ids


def quantities_of(lines: Iterable) -> dict[int, int]:
    """Units per variant id over order or refund lines (``variant_id``, ``quantity``)."""
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
    return wanted


def _take(wanted: dict[int, int]) -> dict[int, int]:
    """Take the units from every variant that has enough; ``{variant_id: on_hand after}``."""
    take = case(wanted, value=Variant.id)
    rows = db.session.execute(
        update(Variant)
        .where(Variant.id.in_(wanted), Variant.on_hand >= take)
        .values(on_hand=Variant.on_hand - take)
        .returning(Variant.id, Variant.on_hand)
        .execution_options(synchronize_session=False)
    ).all()
    return dict(rows)


def _take_all(wanted: dict[int, int]) -> dict[int, int]:
    """Take every unit or none: what one short variant leaves taken is given back at
    once (``InsufficientStock``), so the caller's transaction is left as it was."""
    after = _take(wanted)
    if len(after) != len(wanted):
        if after:
            _give({vid: wanted[vid] for vid in after})
        raise InsufficientStock([vid for vid in wanted if vid not in after])
    return after


def _give(wanted: dict[int, int]) -> dict[int, int]:
    """Put the units back; ``{variant_id: on_hand after}``."""
    give = case(wanted, value=Variant.id)
    rows = db.session.execute(
        update(Variant)
        .where(Variant.id.in_(wanted))
        .values(on_hand=Variant.on_hand + give)
        .returning(Variant.id, Variant.on_hand)
        .execution_options(synchronize_session=False)
    ).all()
    return dict(rows)


def _record(
    actor: Actor,
    *,
    kind: MovementKind,
    signed: dict[int, int],
    after: dict[int, int],
    order_id: int | None,
    reason: str,
    note: str,
    now: datetime,
) -> None:
    db.session.execute(
        insert(StockMovement),
        [
            {
                "variant_id": vid,
                "order_id": order_id,
                "quantity": q,
                "kind": kind.value,
                "on_hand_before": after[vid] - q,
                "on_hand_after": after[vid],
                "reason": reason,
                "note": note[:200],
                "actor_user_id": actor.user_id,
                "actor_label": actor.label[:120],
                "created_at": now,
            }
            for vid, q in signed.items()
        ],
    )
    subject = ("shop_order", order_id) if order_id else ("variant", next(iter(signed)))
    record(
        actor,
        f"stock.{kind.value}",
        subject,
        {
            "reason": reason,
            "on_hand": {str(vid): [after[vid] - q, after[vid]] for vid, q in signed.items()},
        },
    )


def reserve(
    actor: Actor, *, wanted: dict[int, int], order_id: int, note: str, now: datetime | None = None
) -> None:
    """Take every unit an order needs, all or nothing; ``InsufficientStock`` otherwise.

    One statement takes from each variant that has enough; if any is short,
    what it took is given back at once and nothing is recorded, so the
    caller's transaction is left as it was.
    """
    now = now or utcnow()
    after = _take_all(wanted)
    signed = {vid: -q for vid, q in wanted.items()}
    _record(
        actor,
        kind=MovementKind.RESERVATION,
        signed=signed,
        after=after,
        order_id=order_id,
        reason="order",
        note=note,
        now=now,
    )


def _put_back(actor, kind, wanted, order_id, reason, note, now) -> None:
    """Units come back to the shelf (released or returned): one UPDATE, its movements."""
    after = _give(wanted)
    _record(
        actor,
        kind=kind,
        signed=wanted,
        after=after,
        order_id=order_id,
        reason=reason,
        note=note,
        now=now or utcnow(),
    )


def release(
    actor: Actor,
    *,
    wanted: dict[int, int],
    order_id: int,
    reason: str,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Put an unpaid order's reserved units back on sale (expiry, cancellation)."""
    _put_back(actor, MovementKind.RELEASE, wanted, order_id, reason, note, now)


def sell(
    actor: Actor, *, wanted: dict[int, int], order_id: int, note: str, now: datetime | None = None
) -> None:
    """Mark reserved units sold when the order is paid: the count does not move again."""
    now = now or utcnow()
    current = dict(
        db.session.execute(select(Variant.id, Variant.on_hand).where(Variant.id.in_(wanted))).all()
    )
    _record(
        actor,
        kind=MovementKind.SALE,
        signed={vid: 0 for vid in wanted},
        after=current,
        order_id=order_id,
        reason="sale",
        note=note,
        now=now,
    )


def return_to_stock(
    actor: Actor,
    *,
    wanted: dict[int, int],
    order_id: int,
    reason: str,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Put refunded units that can be sold again back on the shelf."""
    _put_back(actor, MovementKind.RETURN, wanted, order_id, reason, note, now)


def write_off(
    actor: Actor,
    *,
    wanted: dict[int, int],
    reason: str,
    note: str = "",
    order_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Take damaged or expired units off the shelf, all or nothing; ``InsufficientStock``
    if the shelf holds fewer than that."""
    now = now or utcnow()
    after = _take_all(wanted)
    _record(
        actor,
        kind=MovementKind.WRITE_OFF,
        signed={vid: -q for vid, q in wanted.items()},
        after=after,
        order_id=order_id,
        reason=reason,
        note=note,
        now=now,
    )


def return_and_write_off(
    actor: Actor, *, wanted: dict[int, int], order_id: int, reason: str, now: datetime | None = None
) -> None:
    """Refunded units that came back unsellable: returned, then written off, so the
    movements explain them while the count stays where it was."""
    return_to_stock(actor, wanted=wanted, order_id=order_id, reason=reason, now=now)
    write_off(actor, wanted=wanted, order_id=order_id, reason="damaged", note=reason, now=now)
