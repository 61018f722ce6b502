"""No oversell: many buyers racing ``place_order`` for the last units, on SQLite and PostgreSQL.

Each buyer runs in its own thread with its own app context (so its own session
and pooled connection), all released at once by a barrier. Every trial must
end with exactly as many orders as there were units, the rest told clearly that
the item sold out, stock at zero, and no other error of any kind ("database is
locked", a pool timeout or a deadlock would each be a failure).
"""

from __future__ import annotations

import random
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from factories import make_category, make_product, make_program
from sqlalchemy import func, select, update

from storefront.cart.services import add_to_cart
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.inventory.models import MovementKind, StockMovement
from storefront.orders.models import Order
from storefront.orders.services import CheckoutDetails, SoldOut, place_order

BUYERS = 50
UNITS = 10
TRIALS = 20
ROUNDS = 10  # double-submission races per idempotency test
CART_FILLERS = 5  # threads filling carts: within the pool's five steady connections
NAME_ID = "Kain Songket Lepus Emas"
NAME_EN = "Gold Lepus Songket Cloth"
DETAILS = CheckoutDetails(
    name="Pembeli",
    email="pembeli@example.org",
    phone="+6281234567890",
    delivery_method="pickup",
    payment_method="bank_transfer",
)


@dataclass
class Outcome:
    """What the buyers of one trial got."""

    placed: list[int] = field(default_factory=list)
    sold_out: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, value) -> None:
        with self.lock:
            getattr(self, kind).append(value)


def race(app, attempts: list[tuple[str, int | None, str]], *, watch_variant: int | None = None):
    """Run ``place_order`` once per ``(cart_token, revision, key)``, all threads released together.

    Returns the outcome and the lowest ``on_hand`` seen by a watcher polling
    the variant while the race ran (None without a watcher).
    """
    outcome = Outcome()
    barrier = threading.Barrier(len(attempts))
    done = threading.Event()
    lowest: list[int] = []

    def buyer(token: str, revision: int | None, key: str) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                order = place_order(
                    cart_token=token, cart_revision=revision, details=DETAILS, idempotency_key=key
                )
                outcome.add("placed", order.id)
            except SoldOut as error:
                outcome.add("sold_out", error.message)
            except Exception:  # noqa: BLE001  (every other failure is collected and reported)
                outcome.add("errors", traceback.format_exc(limit=4))

    def watcher() -> None:
        with app.app_context():
            while not done.is_set():
                lowest.append(
                    db.session.execute(
                        select(Variant.on_hand).where(Variant.id == watch_variant)
                    ).scalar_one()
                )
                db.session.rollback()
                time.sleep(0.002)

    threads = [threading.Thread(target=buyer, args=attempt) for attempt in attempts]
    watch = threading.Thread(target=watcher) if watch_variant is not None else None
    if watch:
        watch.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    if watch:
        watch.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads), "a buyer thread hung"
    return outcome, (min(lowest) if lowest else None)


def one_unit_carts(app, variant_id: int, count: int) -> list[tuple[str, int]]:
    """``count`` fresh carts holding one unit each, filled the buyer's way (``add_to_cart``).

    Filled from a few threads at once: each ``add_to_cart`` commits, and one
    commit after another is what makes a trial slow on PostgreSQL.
    """

    def fill(_) -> tuple[str, int]:
        with app.app_context():
            cart = add_to_cart(cart_token=None, user_id=None, variant_id=variant_id, quantity=1)
            return cart.token, cart.revision

    with ThreadPoolExecutor(max_workers=CART_FILLERS) as pool:
        return list(pool.map(fill, range(count)))


def set_on_hand(variant_id: int, units: int) -> None:
    db.session.execute(update(Variant).where(Variant.id == variant_id).values(on_hand=units))
    db.session.commit()


def on_hand(variant_id: int) -> int:
    value = db.session.execute(select(Variant.on_hand).where(Variant.id == variant_id)).scalar_one()
    db.session.commit()
    return value


@pytest.fixture
def variant_id(app) -> int:
    product = make_product(
        make_category(),
        make_program(),
        name_id=NAME_ID,
        name_en=NAME_EN,
        prices=(2_750_000,),
        on_hand=UNITS,
    )
    db.session.commit()
    return product.variants[0].id


def test_fifty_buyers_race_for_the_last_ten_units(app, variant_id):
    for trial in range(TRIALS):
        set_on_hand(variant_id, UNITS)
        carts = one_unit_carts(app, variant_id, BUYERS)
        keys = [f"race-{trial}-{i}" for i in range(BUYERS)]

        outcome, lowest = race(
            app,
            [(token, rev, key) for (token, rev), key in zip(carts, keys, strict=True)],
            watch_variant=variant_id,
        )

        where = f"trial {trial}"
        assert outcome.errors == [], f"{where}: unexpected errors:\n" + "\n".join(outcome.errors)
        assert len(outcome.placed) == UNITS, where
        assert len(set(outcome.placed)) == UNITS, where
        assert len(outcome.sold_out) == BUYERS - UNITS, where
        for message in outcome.sold_out:
            lowered = message.lower()
            assert NAME_ID in message or "sold out" in lowered or "habis" in lowered, message
        assert on_hand(variant_id) == 0, where
        assert lowest is not None and lowest >= 0, where
        orders = db.session.execute(
            select(func.count())
            .select_from(Order)
            .where(Order.idempotency_key.like(f"race-{trial}-%"))
        ).scalar_one()
        assert orders == UNITS, where
        reserved = db.session.execute(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                StockMovement.order_id.in_(outcome.placed),
                StockMovement.kind == MovementKind.RESERVATION.value,
            )
        ).scalar_one()
        assert reserved == -UNITS, where
        db.session.commit()

    total = db.session.execute(
        select(func.sum(StockMovement.quantity)).where(
            StockMovement.kind == MovementKind.RESERVATION.value
        )
    ).scalar_one()
    assert total == -UNITS * TRIALS


@pytest.mark.parametrize("stock", [10, 1], ids=["plenty", "last-unit"])
def test_one_idempotency_key_from_five_threads_places_one_order(app, variant_id, stock):
    """A double click or a retry in another tab: one order, the stock taken once, and every
    submission answered with that same order (never "cart changed" or "sold out")."""
    answers: Counter[str] = Counter()
    wrong: list[str] = []
    for round_ in range(ROUNDS):
        set_on_hand(variant_id, stock)
        cart = add_to_cart(cart_token=None, user_id=None, variant_id=variant_id, quantity=1)
        key = f"same-key-{stock}-{round_}"

        outcome, _ = race(app, [(cart.token, cart.revision, key)] * 5)

        answers["the order"] += len(outcome.placed)
        answers["SoldOut"] += len(outcome.sold_out)
        for error in outcome.errors:
            answers[error.strip().splitlines()[-1].split(":")[0].rsplit(".", 1)[-1]] += 1
        orders = (
            db.session.execute(select(Order.id).where(Order.idempotency_key == key)).scalars().all()
        )
        movements = (
            db.session.execute(
                select(StockMovement.quantity).where(StockMovement.order_id.in_(orders))
            )
            .scalars()
            .all()
        )
        if (
            len(orders) != 1
            or set(outcome.placed) - set(orders)
            or movements != [-1]
            or (on_hand(variant_id) != stock - 1)
        ):
            wrong.append(
                f"round {round_}: orders {orders}, answers {outcome.placed}, "
                f"movements {movements}, on_hand {on_hand(variant_id)}"
            )
        db.session.commit()

    assert wrong == [], "\n".join(wrong)
    assert answers == Counter({"the order": 5 * ROUNDS}), (
        f"{5 * ROUNDS} submissions of {ROUNDS} keys were answered: {dict(answers)}"
    )


def test_crossed_two_line_carts_neither_oversell_nor_deadlock(app):
    """Buyers whose carts hold the same two items, added in either order."""
    category, program = make_category(), make_program()
    first = make_product(category, program, name_id="Selendang", prices=(450_000,), on_hand=0)
    second = make_product(category, program, name_id="Tanjak", prices=(250_000,), on_hand=0)
    db.session.commit()
    a, b = first.variants[0].id, second.variants[0].id
    rng = random.Random(7)
    for trial in range(5):
        set_on_hand(a, UNITS)
        set_on_hand(b, UNITS)
        attempts = []
        for i in range(BUYERS // 2):
            pair = [a, b] if rng.random() < 0.5 else [b, a]
            cart = add_to_cart(cart_token=None, user_id=None, variant_id=pair[0], quantity=1)
            cart = add_to_cart(cart_token=cart.token, user_id=None, variant_id=pair[1], quantity=1)
            attempts.append((cart.token, cart.revision, f"cross-{trial}-{i}"))

        outcome, _ = race(app, attempts)

        where = f"trial {trial}"
        assert outcome.errors == [], f"{where}:\n" + "\n".join(outcome.errors)
        assert Counter({"placed": len(outcome.placed), "sold_out": len(outcome.sold_out)}) == (
            Counter({"placed": UNITS, "sold_out": BUYERS // 2 - UNITS})
        ), where
        assert (on_hand(a), on_hand(b)) == (0, 0), where
