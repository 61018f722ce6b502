"""Checkout benchmark: ``.venv/bin/python bench/checkout.py``.

Prints, for a freshly migrated SQLite file (and PostgreSQL when a URL is given):

  * placed orders per second: ``place_order`` in a loop, each order three lines
    from a fresh cart (the carts are filled with ``add_to_cart`` outside the
    timed part; the end-to-end rate including them is printed too);
  * the SQL statements ``place_order`` issues for a three-line cart, and whether
    any statement text repeats (an N+1 sign); the same for a sold-out attempt;
  * the oversell race: 50 threads released together by a barrier, each placing
    a one-unit order for the last 10 units: placed / sold out / other errors /
    final on_hand.

Nothing is written inside the repository: SQLite files live in a temporary
directory that is removed afterwards, and PostgreSQL is used through a schema
of its own (``bench_checkout_<pid>``, dropped afterwards), so the database's
``public`` schema is left alone.

    .venv/bin/python bench/checkout.py
    .venv/bin/python bench/checkout.py --orders 1000
    .venv/bin/python bench/checkout.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/race
    TEST_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/checkout.py
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, select, text, update  # noqa: E402

from config import TestingConfig  # noqa: E402
from storefront import create_app  # noqa: E402
from storefront.cart.services import add_to_cart  # noqa: E402
from storefront.catalog.models import Category, Product, Variant  # noqa: E402
from storefront.extensions import db  # noqa: E402
from storefront.impact.models import TrainingProgram  # noqa: E402
from storefront.orders.services import CheckoutDetails, SoldOut, place_order  # noqa: E402

DETAILS = CheckoutDetails(
    name="Pembeli Bench",
    email="bench@example.org",
    phone="+6281234567890",
    delivery_method="pickup",
    payment_method="bank_transfer",
)
PRODUCTS = 6
LINES = 3
RACE_BUYERS = 50
RACE_UNITS = 10


def make_app(url: str, media_root: Path, engine_options: dict | None = None):
    """The storefront configured like tests/conftest.py does, on ``url``."""
    options = {**TestingConfig.SQLALCHEMY_ENGINE_OPTIONS, **(engine_options or {})}
    config = type(
        "BenchConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "MEDIA_ROOT": str(media_root),
        },
    )
    return create_app(config)


def migrate(app) -> None:
    """What ``flask db upgrade`` runs: every migration, on the app's database."""
    logging.disable(logging.INFO)  # Alembic's "Running upgrade ..." lines
    try:
        with app.app_context():
            upgrade()
            db.engine.dispose()
    finally:
        logging.disable(logging.NOTSET)


def build_catalogue(app, stock: int) -> list[int]:
    """A category, a programme and a few one-variant products with ``stock`` each."""
    with app.app_context():
        category = Category(slug="songket", name_id="Songket", name_en="Songket")
        program = TrainingProgram(
            slug="tenun-songket",
            name_id="Tenun Songket",
            name_en="Songket Weaving",
            premi_percent=50,
            pnbp_percent=30,
            capital_percent=20,
        )
        products = []
        for i in range(PRODUCTS):
            product = Product(
                slug=f"bench-{i}",
                category=category,
                program=program,
                name_id=f"Kain Songket {i}",
                name_en=f"Songket Cloth {i}",
                description_id="Kain tenun tangan.",
                description_en="Hand-woven cloth.",
                kind="stock",
                weight_grams=300,
                price_from=100_000 + i * 25_000,
                search_text=f"kain songket {i}",
            )
            product.variants.append(
                Variant(
                    sku=f"BENCH-{i}",
                    price=100_000 + i * 25_000,
                    on_hand=stock,
                    position=0,
                    options={"motif": f"M{i}"},
                )
            )
            products.append(product)
        db.session.add_all(products)
        db.session.commit()
        return [product.variants[0].id for product in products]


def fresh_cart(variant_ids: list[int]) -> tuple[str, int]:
    cart = None
    for variant_id in variant_ids:
        cart = add_to_cart(
            cart_token=cart.token if cart else None, user_id=None, variant_id=variant_id, quantity=1
        )
    return cart.token, cart.revision


@contextmanager
def buyer_context(app):
    """What each buyer (thread) works in: an app context of its own, so its own session."""
    with app.app_context():
        yield


def throughput(app, variants: list[int], orders: int) -> dict:
    rng = random.Random(1)
    placing = 0.0
    started = time.perf_counter()
    with buyer_context(app):
        for n in range(orders):
            token, revision = fresh_cart(rng.sample(variants, LINES))
            begin = time.perf_counter()
            place_order(
                cart_token=token,
                cart_revision=revision,
                details=DETAILS,
                idempotency_key=f"bench-{n}",
            )
            placing += time.perf_counter() - begin
            db.session.expunge_all()
    total = time.perf_counter() - started
    return {"orders": orders, "place_order_s": placing, "total_s": total}


def statements_of(app, call) -> list[str]:
    """The SQL statements ``call()`` sends (compiled text, parameters left out)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    with buyer_context(app):
        db.session.expunge_all()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            call()
        except SoldOut:
            pass
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return seen


def query_profile(app, variants: list[int]) -> dict:
    with buyer_context(app):
        token, revision = fresh_cart(variants[:LINES])
    placed = statements_of(
        app,
        lambda: place_order(
            cart_token=token, cart_revision=revision, details=DETAILS, idempotency_key="profile-ok"
        ),
    )

    with buyer_context(app):
        token, revision = fresh_cart(variants[:LINES])
        db.session.execute(update(Variant).where(Variant.id == variants[1]).values(on_hand=0))
        db.session.commit()
    sold_out = statements_of(
        app,
        lambda: place_order(
            cart_token=token, cart_revision=revision, details=DETAILS, idempotency_key="profile-no"
        ),
    )
    with buyer_context(app):
        db.session.execute(update(Variant).where(Variant.id == variants[1]).values(on_hand=10**6))
        db.session.commit()
    return {"placed": placed, "sold_out": sold_out}


def race(app, variant_id: int) -> dict:
    """50 buyers, one unit each, for the last 10 units; every buyer in its own thread."""
    with buyer_context(app):
        db.session.execute(
            update(Variant).where(Variant.id == variant_id).values(on_hand=RACE_UNITS)
        )
        db.session.commit()
        carts = [fresh_cart([variant_id]) for _ in range(RACE_BUYERS)]
    barrier = threading.Barrier(RACE_BUYERS)
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def buyer(n: int, token: str, revision: int) -> None:
        with buyer_context(app):
            try:
                barrier.wait(timeout=30)
                place_order(
                    cart_token=token,
                    cart_revision=revision,
                    details=DETAILS,
                    idempotency_key=f"race-{n}",
                )
                kind = "placed"
            except SoldOut:
                kind = "sold out"
            except Exception as error:  # noqa: BLE001  (reported, not raised)
                kind = "other error"
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:200])
            with lock:
                outcomes[kind] += 1

    threads = [threading.Thread(target=buyer, args=(n, *cart)) for n, cart in enumerate(carts)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with app.app_context():
        final = db.session.execute(
            select(Variant.on_hand).where(Variant.id == variant_id)
        ).scalar_one()
    return {"outcomes": outcomes, "errors": errors, "on_hand": final, "seconds": elapsed}


def report(label: str, app, orders: int) -> None:
    variants = build_catalogue(app, stock=orders * LINES + 10)
    print(f"\n== {label}")

    result = throughput(app, variants, orders)
    print(
        f"placed orders/s     {result['orders'] / result['place_order_s']:8.1f}   "
        f"({result['orders']} orders x {LINES} lines, place_order alone: "
        f"{result['place_order_s']:.2f} s, "
        f"{1000 * result['place_order_s'] / result['orders']:.1f} ms each)"
    )
    print(
        f"end to end orders/s {result['orders'] / result['total_s']:8.1f}   "
        f"(filling each fresh cart with add_to_cart included: {result['total_s']:.2f} s)"
    )

    profile = query_profile(app, variants)
    for name, statements in profile.items():
        counts = Counter(statements)
        repeated = {s: c for s, c in counts.items() if c > 1}
        verdict = (
            f"{len(repeated)} repeated: "
            + "; ".join(f"{c}x {s[:70]}..." for s, c in repeated.items())
            if repeated
            else "none repeated"
        )
        print(
            f"queries ({name:8}) {len(statements):3d} for a {LINES}-line cart, "
            f"{len(counts)} distinct, {verdict}"
        )
        if os.environ.get("BENCH_VERBOSE"):
            for i, statement in enumerate(statements):
                print(f"    {i:2}: {statement[:140]}")

    outcome = race(app, variants[0])
    counts = outcome["outcomes"]
    ok = (
        counts["placed"] == RACE_UNITS
        and counts["sold out"] == RACE_BUYERS - RACE_UNITS
        and outcome["on_hand"] == 0
        and not counts["other error"]
    )
    print(
        f"oversell race       {RACE_BUYERS} buyers for {RACE_UNITS} units: "
        f"placed {counts['placed']}, sold out {counts['sold out']}, "
        f"other errors {counts['other error']}, final on_hand {outcome['on_hand']} "
        f"({outcome['seconds']:.2f} s) {'OK' if ok else 'WRONG'}"
    )
    for error in sorted(set(outcome["errors"])):
        print(f"    error: {error}")


def run_sqlite(orders: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="cantik-bench-checkout-"))
    try:
        url = f"sqlite:///{workdir / 'bench.db'}"
        app = make_app(url, workdir / "media")
        migrate(app)
        report("SQLite (file, WAL)", app, orders)
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_postgres(url: str, orders: int) -> None:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    schema = f"bench_checkout_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    workdir = Path(tempfile.mkdtemp(prefix="cantik-bench-checkout-"))
    try:
        app = make_app(
            url, workdir / "media", {"connect_args": {"options": f"-csearch_path={schema}"}}
        )
        migrate(app)
        report(f"PostgreSQL (schema {schema})", app, orders)
        with app.app_context():
            db.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300, help="orders to place (300)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL", ""),
        help="PostgreSQL URL (default: $TEST_DATABASE_URL); SQLite only if unset",
    )
    args = parser.parse_args(argv)
    logging.getLogger("storefront").setLevel(logging.WARNING)

    run_sqlite(args.orders)
    if args.postgres:
        run_postgres(args.postgres, args.orders)
    else:
        print("\n(PostgreSQL skipped: pass --postgres URL or set TEST_DATABASE_URL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
