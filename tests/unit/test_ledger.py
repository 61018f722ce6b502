"""The attribution ledger: every rupiah of net goods revenue credited exactly once.

A property test drives random catalogues, paid orders and refunds through the
real services (``place_order``, a recorded transfer, refunds by line) and checks the
ledger against figures it works out itself; plain tests pin down ``allocate``
and that later edits never rewrite a past sale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from factories import (
    fill_cart,
    make_agreement,
    make_category,
    make_partner,
    make_product,
    make_program,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from order_support import delete_rows_of, pay_by_transfer
from order_support import refund as give_back
from sqlalchemy import func, select

from storefront.domain import allocate
from storefront.extensions import db
from storefront.impact.models import Agreement, AttributionEntry, Partner, TrainingProgram
from storefront.orders.models import Order, OrderLine, OrderStatus
from storefront.orders.services import CheckoutDetails, place_order
from storefront.payments.models import Refund
from storefront.payments.services import refunded_units

WIB = ZoneInfo("Asia/Jakarta")
SHARES = ("premi", "pnbp", "capital")
PICKUP = CheckoutDetails(
    name="Dewi",
    email="dewi@example.org",
    phone="+6281234567890",
    delivery_method="pickup",
    payment_method="bank_transfer",
)
COURIER = CheckoutDetails(
    name="Dewi",
    email="dewi@example.org",
    phone="+6281234567890",
    delivery_method="courier",
    payment_method="bank_transfer",
    province="Sumatera Selatan",
    city="Palembang",
    address_line="Jl. Sudirman 1",
    postal_code="30126",
)


@pytest.fixture
def wipe(app, in_request):
    """Empties every table that was empty when the test began (so not the shipping rates)."""
    tables = [
        table
        for table in reversed(db.metadata.sorted_tables)
        if db.session.execute(select(func.count()).select_from(table)).scalar_one() == 0
    ]
    db.session.commit()

    def run() -> None:
        db.session.rollback()
        delete_rows_of(tables)
        db.session.commit()
        db.session.expunge_all()

    return run


def sold(items, *, details=PICKUP, key: str, now: datetime) -> Order:
    """Place an order for ``(variant_id, quantity)`` pairs through a fresh cart."""
    cart = fill_cart(*items)
    return place_order(
        cart_token=cart.token,
        cart_revision=cart.revision,
        details=details,
        idempotency_key=key,
        now=now,
    )


def paid(order: Order, now: datetime) -> None:
    outcome = pay_by_transfer(order, now=now)
    assert outcome.result == "paid"


def entries(**where) -> list[AttributionEntry]:
    query = select(AttributionEntry).order_by(AttributionEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AttributionEntry, name) == value)
    return list(db.session.execute(query).scalars())


# --------------------------------------------------------------------------
# The property.
# --------------------------------------------------------------------------


@st.composite
def splits(draw) -> tuple[int, int, int]:
    premi = draw(st.integers(0, 100))
    pnbp = draw(st.integers(0, 100 - premi))
    return premi, pnbp, 100 - premi - pnbp


# How an agreement stands on the sale day: (kind, in force that day?)
VALIDITY = st.sampled_from(
    [
        "open",
        "ends_that_day",
        "starts_that_day",
        "in_force",
        "expired",
        "ended_day_before",
        "starts_next_day",
        "future",
    ]
)


def validity_dates(kind: str, day: date, a: int, b: int) -> tuple[date, date | None, bool]:
    """valid_from, valid_to and whether the agreement is in force on ``day``."""
    return {
        "open": (day - timedelta(days=a), None, True),
        "ends_that_day": (day - timedelta(days=a), day, True),
        "starts_that_day": (day, day + timedelta(days=b), True),
        "in_force": (day - timedelta(days=a), day + timedelta(days=b), True),
        "expired": (day - timedelta(days=a + b + 2), day - timedelta(days=b + 1), False),
        "ended_day_before": (day - timedelta(days=a + 1), day - timedelta(days=1), False),
        "starts_next_day": (day + timedelta(days=1), None, False),
        "future": (day + timedelta(days=b + 1), day + timedelta(days=a + b + 1), False),
    }[kind]


@dataclass(frozen=True)
class Scenario:
    programs: list[tuple[int, int, int]]
    partners: int
    # (partner index, programme index, validity kind, weight, a, b)
    agreements: list[tuple[int, int, str, int, int, int]]
    sale_moment: datetime
    # per order: paid?, courier?, lines of (programme index, price, quantity)
    orders: list[tuple[bool, bool, list[tuple[int, int, int]]]]


@st.composite
def scenarios(draw) -> Scenario:
    programs = draw(st.lists(splits(), min_size=1, max_size=3))
    partners = draw(st.integers(0, 3))
    agreements = []
    for partner in range(partners):
        for program in range(len(programs)):
            if draw(st.integers(0, 3)):  # three times in four
                agreements.append(
                    (
                        partner,
                        program,
                        draw(VALIDITY),
                        draw(st.integers(1, 5)),
                        draw(st.integers(0, 400)),
                        draw(st.integers(0, 400)),
                    )
                )
    # Any hour of the day, so the Palembang date sometimes differs from the UTC date.
    sale_moment = draw(
        st.datetimes(
            min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
        )
    )
    line = st.tuples(
        st.integers(0, len(programs) - 1), st.integers(1_000, 5_000_000), st.integers(1, 5)
    )
    orders = draw(
        st.lists(
            st.tuples(
                st.integers(0, 5).map(bool), st.booleans(), st.lists(line, min_size=1, max_size=4)
            ),
            min_size=1,
            max_size=3,
        )
    )
    return Scenario(programs, partners, agreements, sale_moment, orders)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios(), data=st.data())
def test_the_ledger_equals_net_goods_revenue(app, wipe, scenario: Scenario, data):
    wipe()
    sale_day = scenario.sale_moment.astimezone(WIB).date()
    category = make_category()
    programs = [
        make_program(
            slug=f"program-{i}", name_id=f"Program {i}", name_en=f"Programme {i}", split=split
        )
        for i, split in enumerate(scenario.programs)
    ]
    partners = [
        make_partner(slug=f"partner-{i}", name=f"Mitra {i}") for i in range(scenario.partners)
    ]
    in_force: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)  # program -> agreement
    for partner, program, kind, weight, a, b in scenario.agreements:
        valid_from, valid_to, active = validity_dates(kind, sale_day, a, b)
        agreement = make_agreement(
            partners[partner],
            programs[program],
            valid_from=valid_from,
            valid_to=valid_to,
            weight=weight,
        )
        if active:
            in_force[programs[program].id][agreement.id] = (partners[partner].id, weight)
    variants = []  # per order, per line: variant id
    for o, (_paid, _courier, lines) in enumerate(scenario.orders):
        variants.append(
            [
                make_product(
                    category,
                    programs[program],
                    prices=(price,),
                    on_hand=quantity,
                    slug=f"p-{o}-{n}",
                )
                .variants[0]
                .id
                for n, (program, price, quantity) in enumerate(lines)
            ]
        )
    db.session.commit()

    placed_at = scenario.sale_moment - timedelta(minutes=5)
    paid_orders = []
    for o, (is_paid, courier, lines) in enumerate(scenario.orders):
        order = sold(
            [(v, q) for v, (_p, _price, q) in zip(variants[o], lines, strict=True)],
            details=COURIER if courier else PICKUP,
            key=f"order-{o}",
            now=placed_at,
        )
        if is_paid:
            paid(order, scenario.sale_moment)
            paid_orders.append(order.id)

    refund_day = (scenario.sale_moment + timedelta(days=2)).astimezone(WIB).date()
    refund_count: dict[int, int] = defaultdict(int)
    for order_id in paid_orders:
        for _ in range(data.draw(st.integers(0, 3), label="refunds")):
            order = db.session.get(Order, order_id)
            db.session.refresh(order)
            done = refunded_units(order)
            left = {line.id: line.quantity - done.get(line.id, 0) for line in order.lines}
            left = {line_id: n for line_id, n in left.items() if n}
            if not left:
                break
            chosen = {
                line_id: data.draw(st.integers(0, n), label="units") for line_id, n in left.items()
            }
            chosen = {line_id: n for line_id, n in chosen.items() if n}
            fee = data.draw(st.booleans(), label="delivery fee") and not any(
                r.shipping_amount for r in order.refunds
            )
            if not chosen and not (fee and order.shipping_fee):
                continue
            give_back(
                order_id,
                chosen,
                delivery_fee=fee and bool(order.shipping_fee),
                now=scenario.sale_moment + timedelta(days=2),
            )
            refund_count[order_id] += 1

    db.session.expire_all()
    event(f"paid orders: {len(paid_orders)}, refunds: {sum(refund_count.values())}")
    event(f"programmes with agreements in force: {len(in_force)}")
    if sale_day != scenario.sale_moment.date():
        event("Palembang date differs from the UTC date")
    check_ledger(paid_orders, in_force, sale_day, refund_day, refund_count)


def check_ledger(paid_orders, in_force, sale_day, refund_day, refund_count) -> None:
    orders = {o.id: o for o in db.session.execute(select(Order)).scalars()}
    lines = db.session.execute(select(OrderLine)).scalars().all()
    refunds = db.session.execute(select(Refund)).scalars().all()
    ledger = entries()

    # The whole ledger: net goods revenue of paid orders, to the rupiah.
    goods_refunded = sum(r.goods_amount for r in refunds)
    assert sum(e.amount for e in ledger) == (
        sum(orders[o].subtotal for o in paid_orders) - goods_refunded
    )
    assert {e.order_id for e in ledger} <= set(paid_orders)

    for refund in refunds:
        order = orders[refund.order_id]
        assert 0 <= refund.goods_amount <= refund.amount
        mine = [e for e in ledger if e.refund_id == refund.id]
        assert sum(e.amount for e in mine) == -refund.goods_amount
        assert all(e.amount < 0 and e.occurred_on == refund_day for e in mine)
    for order_id in paid_orders:
        order = orders[order_id]
        order_refunds = [r for r in refunds if r.order_id == order_id]
        goods = sum(r.goods_amount for r in order_refunds)
        assert goods == sum(rl.amount for r in order_refunds for rl in r.lines)
        assert sum(r.amount for r in order_refunds) == order.refunded_total <= order.total
        if order.refunded_total == order.total:
            assert order.refund_state == "refunded"
            assert order.status == OrderStatus.CANCELLED  # refunded in full before dispatch
        elif order.refunded_total:
            assert order.refund_state == "partially_refunded"
            assert order.status == OrderStatus.PAID

    for line in lines:
        order = orders[line.order_id]
        mine = [e for e in ledger if e.order_line_id == line.id]
        if line.order_id not in paid_orders:
            assert mine == []
            continue
        sale = [e for e in mine if e.refund_id is None]
        debits = [e for e in mine if e.refund_id is not None]
        assert sum(e.amount for e in sale) == line.line_total
        assert all(e.amount > 0 for e in sale)
        assert all(e.occurred_on == sale_day and e.program_id == line.program_id for e in sale)

        # Each share is the programme's percentage of the line; each partner's part of a
        # share is its agreement weight's proportion of it (to within rounding).
        program = db.session.get(TrainingProgram, line.program_id)
        percents = dict(
            zip(
                SHARES,
                (program.premi_percent, program.pnbp_percent, program.capital_percent),
                strict=True,
            )
        )
        agreements = in_force.get(line.program_id, {})
        total_weight = sum(weight for _partner, weight in agreements.values())
        for share in SHARES:
            parts = [e for e in sale if e.share == share]
            share_amount = sum(e.amount for e in parts)
            assert abs(share_amount - line.line_total * percents[share] / 100) < 1
            for e in parts:
                if agreements:
                    assert e.agreement_id in agreements, "credited to an agreement not in force"
                    partner_id, weight = agreements[e.agreement_id]
                    assert e.partner_id == partner_id
                    assert abs(e.amount - share_amount * weight / total_weight) < 1
                else:
                    assert e.partner_id is None and e.agreement_id is None
            if agreements and share_amount >= total_weight:
                assert {e.agreement_id for e in parts} == set(agreements)

        # A refund debits the line by its refunded units, in the sale's proportions,
        # and never below zero.
        units = sum(rl.quantity for r in refunds for rl in r.lines if rl.order_line_id == line.id)
        assert sum(e.amount for e in debits) == -units * line.unit_price
        sale_keys = {(e.share, e.partner_id, e.agreement_id) for e in sale}
        assert all((e.share, e.partner_id, e.agreement_id) in sale_keys for e in debits)
        net: dict[tuple, int] = defaultdict(int)
        for e in mine:
            net[(e.share, e.partner_id, e.agreement_id)] += e.amount
        assert all(value >= 0 for value in net.values())
        if units == line.quantity:
            assert sum(net.values()) == 0


# --------------------------------------------------------------------------
# allocate.
# --------------------------------------------------------------------------


def test_allocate_splits_exactly_by_largest_remainder():
    assert allocate(100, [50, 30, 20]) == [50, 30, 20]
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]  # ties go to the earlier weight
    assert allocate(1, [1, 1, 1]) == [1, 0, 0]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    assert allocate(7, [2, 5]) == [2, 5]
    assert allocate(1_000_001, [33, 33, 34]) == [330_000, 330_000, 340_001]
    assert allocate(0, [3, 1]) == [0, 0]
    assert allocate(5, [1]) == [5]


def test_allocate_gives_nothing_to_zero_weights():
    assert allocate(101, [0, 50, 0, 50, 0]) == [0, 51, 0, 50, 0]
    assert allocate(1, [0, 1]) == [0, 1]
    assert allocate(999, [70, 0, 30]) == [699, 0, 300]


def test_allocate_handles_negative_totals_symmetrically():
    assert allocate(-10, [1, 1, 1]) == [-4, -3, -3]
    assert allocate(-101, [0, 50, 50]) == [0, -51, -50]
    assert allocate(-7, [2, 5]) == [-2, -5]


@pytest.mark.parametrize("weights", [[], [0], [0, 0, 0], [1, -1], [-2, 3]])
def test_allocate_refuses_weights_it_cannot_split_over(weights):
    with pytest.raises(ValueError):
        allocate(100, weights)


@settings(max_examples=300, deadline=None, database=None)
@given(
    total=st.integers(-(10**12), 10**12),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=8).filter(any),
)
def test_allocate_parts_sum_exactly_and_stay_within_a_rupiah(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / sum(weights)
        assert abs(part - exact) < 1 + 1e-6 * abs(exact)
        if weight == 0:
            assert part == 0
        assert part == 0 or (part > 0) == (total > 0)
    assert allocate(-total, weights) == [-p for p in parts]


# --------------------------------------------------------------------------
# Later edits never rewrite a sale.
# --------------------------------------------------------------------------


def ledger_rows(order_id: int) -> list[tuple]:
    db.session.expire_all()
    return [
        (
            e.order_line_id,
            e.refund_id,
            e.program_id,
            e.partner_id,
            e.agreement_id,
            e.share,
            e.amount,
            e.occurred_on,
        )
        for e in entries(order_id=order_id)
    ]


def test_editing_a_programme_or_agreement_after_a_sale_leaves_its_ledger_alone(app, in_request):
    sale_moment = datetime(2025, 6, 2, 18, 30, tzinfo=UTC)  # 3 June in Palembang
    sale_day = date(2025, 6, 3)
    weaving = make_program(split=(50, 30, 20))
    pertamina = make_partner(slug="pertamina", name="Pertamina Patra Niaga", kind="state_company")
    dekranasda = make_partner()
    kept = make_agreement(
        pertamina, weaving, valid_from=date(2024, 1, 1), valid_to=sale_day, weight=3
    )
    make_agreement(dekranasda, weaving, valid_from=date(2025, 1, 1), weight=1)
    make_agreement(
        dekranasda, weaving, valid_from=date(2024, 1, 1), valid_to=date(2025, 6, 2), weight=5
    )  # ended the day before the sale (in Palembang time)
    product = make_product(make_category(), weaving, prices=(1_234_567,), on_hand=5)
    db.session.commit()
    order = sold([(product.variants[0].id, 2)], key="edit-after", now=sale_moment)
    paid(order, sale_moment)
    order_id = order.id
    before = ledger_rows(order_id)
    assert sum(row[6] for row in before) == 2 * 1_234_567
    assert {row[3] for row in before} == {pertamina.id, dekranasda.id}
    assert all(row[7] == sale_day for row in before)

    program = db.session.get(TrainingProgram, weaving.id)
    program.premi_percent, program.pnbp_percent, program.capital_percent = 10, 10, 80
    agreement = db.session.get(Agreement, kept.id)
    agreement.weight = 1
    agreement.valid_to = date(2025, 1, 31)
    db.session.get(Partner, dekranasda.id).is_active = False
    newcomer = make_partner(slug="kai", name="KAI Divre III", kind="state_company")
    make_agreement(newcomer, weaving, valid_from=date(2020, 1, 1), weight=5)
    db.session.commit()

    assert ledger_rows(order_id) == before

    # A refund after the edits is debited in the sale's proportions, not today's.
    [line] = db.session.get(Order, order_id).lines
    given_back = give_back(
        order_id, {line.id: 1}, reason="cacat", now=sale_moment + timedelta(days=3)
    )
    after = ledger_rows(order_id)
    assert after[: len(before)] == before
    debits = [row for row in after if row[1] == given_back.id]
    assert sum(row[6] for row in debits) == -1_234_567
    assert {row[3] for row in debits} <= {pertamina.id, dekranasda.id}
    by_share = defaultdict(int)
    for row in debits:
        by_share[row[5]] += row[6]
    # Half the line's sale, share by share (50/30/20 then), to within a rupiah of rounding.
    for share, percent in (("premi", 50), ("pnbp", 30), ("capital", 20)):
        assert abs(by_share[share] + 1_234_567 * percent / 100) <= 1
