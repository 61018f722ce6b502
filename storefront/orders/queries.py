"""Reads of orders for the back office: the filtered list, its CSV, the dashboard's
queues and the daily cash-up. Each takes its filters as arguments and reads
only; none is cached (back-office pages are never cached)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, literal_column, or_, select, table, tuple_

from storefront.extensions import db
from storefront.orders.models import Order, OrderLine, OrderStatus, PaymentMethod, PaymentState
from storefront.payments.models import PaymentReceipt, Refund, RefundStatus
from storefront.timeutil import SHOP_TIMEZONE

S = OrderStatus
PAGE_SIZE = 50


@dataclass(frozen=True)
class OrderFilters:
    """What the order list is narrowed to; every field optional."""

    status: str = ""
    payment_state: str = ""
    payment_method: str = ""
    delivery_method: str = ""
    program_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    def conditions(self) -> list:
        """The WHERE clauses these filters stand for."""
        where = []
        if self.status:
            where.append(Order.status == self.status)
        if self.payment_state:
            where.append(Order.payment_state == self.payment_state)
        if self.payment_method:
            where.append(Order.payment_method == self.payment_method)
        if self.delivery_method:
            where.append(Order.delivery_method == self.delivery_method)
        if self.program_id:
            where.append(
                exists().where(
                    OrderLine.order_id == Order.id, OrderLine.program_id == self.program_id
                )
            )
        if self.date_from:
            where.append(Order.created_at >= _start_of(self.date_from))
        if self.date_to:
            where.append(Order.created_at < _start_of(self.date_to + timedelta(days=1)))
        text = " ".join(self.q.split())[:100]
        if text:
            digits = "".join(ch for ch in text if ch.isdigit())
            indexed = _indexed_search(text, digits)
            if indexed is not None:
                where.append(or_(Order.reference == text.upper(), Order.id.in_(indexed)))
            else:
                like = f"%{_escape_like(text.lower())}%"
                matches = [
                    Order.reference == text.upper(),
                    func.lower(Order.contact_name).like(like, escape="\\"),
                    func.lower(Order.email).like(like, escape="\\"),
                ]
                if len(digits) >= 4:
                    matches.append(Order.phone.like(f"%{digits[-9:]}%"))
                if text.upper().startswith("CTK-"):
                    prefix = f"{_escape_like(text.upper())}%"
                    matches.append(Order.reference.like(prefix, escape="\\"))
                where.append(or_(*matches))
        return where


# More matches than this and a search is common (a first name, "gmail"): reading the
# newest orders until a page is full is then quicker than sorting every match.
INDEXED_SEARCH_LIMIT = 2000


def _indexed_search(text: str, digits: str) -> list[int] | None:
    """SQLite: the ids of the orders whose name, e-mail, phone (its last nine digits) or
    reference prefix contain the search, from the trigram index of migration 0008.

    None means "search the columns": on PostgreSQL (whose planner uses its own
    trigram index for the LIKE conditions), for fewer than three characters (no
    trigram), or when more than ``INDEXED_SEARCH_LIMIT`` orders match.
    """
    if len(text) < 3 or db.session.get_bind().dialect.name != "sqlite":
        return None
    match = "{contact_name email} : " + _fts_phrase(text)
    if len(digits) >= 4:
        match += " OR phone : " + _fts_phrase(digits[-9:])
    if text.upper().startswith("CTK-"):
        match += " OR reference : " + _fts_phrase(text.upper())
    ids = (
        db.session.execute(
            select(literal_column("rowid"))
            .select_from(table("shop_order_search"))
            .where(literal_column("shop_order_search").op("MATCH")(match))
            .limit(INDEXED_SEARCH_LIMIT + 1)
        )
        .scalars()
        .all()
    )
    return list(ids) if len(ids) <= INDEXED_SEARCH_LIMIT else None


def _fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: a substring to find, whatever characters it holds."""
    return '"' + text.replace('"', '""') + '"'


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _start_of(day: date) -> datetime:
    """Midnight in Palembang, as a UTC moment (SQLite compares stored UTC text, so the
    bound must be in UTC too, not merely aware)."""
    return datetime.combine(day, time.min, tzinfo=SHOP_TIMEZONE).astimezone(UTC)


@dataclass(frozen=True)
class OrderRow:
    """One row of the order list."""

    id: int
    reference: str
    created_at: datetime
    contact_name: str
    status: str
    payment_state: str
    payment_method: str
    delivery_method: str
    total: int
    items: int


_ROW_COLUMNS = (
    Order.id,
    Order.reference,
    Order.created_at,
    Order.contact_name,
    Order.status,
    Order.payment_state,
    Order.payment_method,
    Order.delivery_method,
    Order.total,
)


def order_page(
    filters: OrderFilters, *, after: tuple[datetime, int] | None = None, size: int = PAGE_SIZE
) -> tuple[list[OrderRow], tuple[datetime, int] | None]:
    """One page of orders, newest first, after the keyset ``after``; and the next page's key.

    Two statements whatever the number of orders: the page, then its items count.
    """
    query = select(*_ROW_COLUMNS).where(*filters.conditions())
    if after is not None:
        query = query.where(tuple_(Order.created_at, Order.id) < tuple_(*after))
    query = query.order_by(Order.created_at.desc(), Order.id.desc()).limit(size + 1)
    rows = db.session.execute(query).all()
    more = len(rows) > size
    rows = rows[:size]
    items = dict(
        db.session.execute(
            select(OrderLine.order_id, func.sum(OrderLine.quantity))
            .where(OrderLine.order_id.in_([r.id for r in rows]))
            .group_by(OrderLine.order_id)
        ).all()
    )
    page = [OrderRow(*row, items=int(items.get(row.id, 0))) for row in rows]
    key = (rows[-1].created_at, rows[-1].id) if more and rows else None
    return page, key


CSV_HEADER = (
    "reference",
    "placed_at",
    "invoice_number",
    "status",
    "payment_state",
    "payment_method",
    "delivery_method",
    "contact_name",
    "email",
    "phone",
    "city",
    "items",
    "subtotal",
    "shipping_fee",
    "total",
    "courier",
    "tracking_number",
)


def order_csv_rows(filters: OrderFilters, *, batch: int = 2000) -> Iterator[tuple]:
    """Every order the filters match, newest first, as CSV values, read in keyset batches
    so memory stays flat however many orders there are."""
    items = (
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .where(OrderLine.order_id == Order.id)
        .scalar_subquery()
    )
    columns = (
        Order.id,
        Order.created_at,
        Order.reference,
        Order.invoice_number,
        Order.status,
        Order.payment_state,
        Order.payment_method,
        Order.delivery_method,
        Order.contact_name,
        Order.email,
        Order.phone,
        Order.city,
        items,
        Order.subtotal,
        Order.shipping_fee,
        Order.total,
        Order.courier,
        Order.tracking_number,
    )
    after = None
    conditions = filters.conditions()
    while True:
        query = select(*columns).where(*conditions)
        if after is not None:
            query = query.where(tuple_(Order.created_at, Order.id) < tuple_(*after))
        rows = db.session.execute(
            query.order_by(Order.created_at.desc(), Order.id.desc()).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            placed = row.created_at.astimezone(SHOP_TIMEZONE).strftime("%Y-%m-%d %H:%M")
            yield (row.reference, placed, *row[3:])
        after = (rows[-1].created_at, rows[-1].id)
        db.session.expunge_all()


def find_order(reference: str) -> Order | None:
    """The order with this reference (case-insensitive), or None."""
    reference = (reference or "").strip().upper()[:20]
    return db.session.execute(
        select(Order).where(Order.reference == reference)
    ).scalar_one_or_none()


def find_by_pickup_code(code: str) -> Order | None:
    """The order a pickup code belongs to, or None."""
    code = "".join((code or "").split()).upper()[:12]
    if not code:
        return None
    return db.session.execute(select(Order).where(Order.pickup_code == code)).scalar_one_or_none()


@dataclass(frozen=True)
class Queue:
    """One of the dashboard's queues: how many wait and where to see them."""

    key: str
    count: int
    filters: dict


@dataclass(frozen=True)
class Dashboard:
    """Today's queues and sales figures."""

    queues: list[Queue]
    in_production: list[tuple[str, date | None]]
    refunds_waiting: int
    paid_today: int
    paid_this_month: int
    orders_today: int


def dashboard(today: date) -> Dashboard:
    """What waits for the shop floor today, in a handful of statements."""
    counts = db.session.execute(
        select(Order.status, Order.payment_state, Order.payment_method, func.count())
        .where(Order.status.not_in([S.COMPLETED, S.COLLECTED, S.CANCELLED, S.EXPIRED]))
        .group_by(Order.status, Order.payment_state, Order.payment_method)
    ).all()

    def count(status=None, payment_state=None, method=None) -> int:
        return sum(
            n
            for s, p, m, n in counts
            if status in (None, s) and payment_state in (None, p) and method in (None, m)
        )

    problems = db.session.execute(
        select(func.count()).where(
            Order.payment_state.in_([PaymentState.AMOUNT_MISMATCH, PaymentState.PAID_AFTER_EXPIRY])
        )
    ).scalar_one()
    queues = [
        Queue(
            "transfers",
            count(S.AWAITING_PAYMENT, PaymentState.UNPAID, PaymentMethod.BANK_TRANSFER),
            {"status": S.AWAITING_PAYMENT, "payment_method": PaymentMethod.BANK_TRANSFER},
        ),
        Queue("to_pack", count(S.PAID), {"status": S.PAID}),
        Queue("in_production", count(S.IN_PRODUCTION), {"status": S.IN_PRODUCTION}),
        Queue("to_ship", count(S.PACKED), {"status": S.PACKED}),
        Queue("pickups", count(S.READY_FOR_PICKUP), {"status": S.READY_FOR_PICKUP}),
        Queue("problems", problems, {"payment_state": PaymentState.AMOUNT_MISMATCH}),
    ]
    in_production = [
        (reference, due)
        for reference, due in db.session.execute(
            select(Order.reference, func.max(OrderLine.ready_by))
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(Order.status == S.IN_PRODUCTION)
            .group_by(Order.id, Order.reference)
            .order_by(func.max(OrderLine.ready_by))
            .limit(20)
        ).all()
    ]
    refunds_waiting = db.session.execute(
        select(func.count()).where(
            Refund.status == RefundStatus.REQUESTED, Refund.needs_approval.is_(True)
        )
    ).scalar_one()
    start_today = _start_of(today)
    start_month = _start_of(today.replace(day=1))
    paid_today, paid_month = db.session.execute(
        select(
            func.coalesce(func.sum(Order.total).filter(Order.paid_at >= start_today), 0),
            func.coalesce(func.sum(Order.total), 0),
        ).where(Order.paid_at >= start_month)
    ).one()
    orders_today = db.session.execute(
        select(func.count()).where(Order.created_at >= start_today)
    ).scalar_one()
    return Dashboard(
        queues=queues,
        in_production=in_production,
        refunds_waiting=refunds_waiting,
        paid_today=int(paid_today),
        paid_this_month=int(paid_month),
        orders_today=orders_today,
    )


@dataclass(frozen=True)
class CashDay:
    """Cash received on one day by one staff member."""

    day: date
    staff: str
    orders: int
    amount: int


def cash_up(date_from: date, date_to: date) -> list[CashDay]:
    """Cash received at the counter per day and per staff member, newest day first."""
    rows = db.session.execute(
        select(
            PaymentReceipt.received_on,
            PaymentReceipt.actor_label,
            func.count(),
            func.sum(PaymentReceipt.amount),
        )
        .where(
            PaymentReceipt.method == PaymentMethod.CASH_ON_PICKUP,
            and_(PaymentReceipt.received_on >= date_from, PaymentReceipt.received_on <= date_to),
        )
        .group_by(PaymentReceipt.received_on, PaymentReceipt.actor_label)
        .order_by(PaymentReceipt.received_on.desc(), PaymentReceipt.actor_label)
    ).all()
    return [CashDay(day, staff, int(n), int(amount)) for day, staff, n, amount in rows]


def refunds_awaiting_approval(limit: int = 100) -> list[tuple[Refund, str]]:
    """Large refunds waiting for a second finance officer, oldest first, with their order."""
    return list(
        db.session.execute(
            select(Refund, Order.reference)
            .join(Order, Order.id == Refund.order_id)
            .where(Refund.status == RefundStatus.REQUESTED, Refund.needs_approval.is_(True))
            .order_by(Refund.id)
            .limit(limit)
        ).all()
    )
