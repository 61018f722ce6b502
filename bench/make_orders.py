"""Build (or reuse) a shop with N orders for the back-office benchmark (bench/staff.py).

    .venv/bin/python bench/make_orders.py 100000            # SQLite under bench/.cache/
    .venv/bin/python bench/make_orders.py 1000 --force      # rebuild
    .venv/bin/python bench/make_orders.py 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/bench_staff

The schema comes from the real migrations (``flask_migrate.upgrade()``, as
``flask db upgrade`` runs them); a small catalogue (programmes, partners,
agreements and 500 products from ``bench/make_catalogue.py``) is inserted,
then the orders with Core ``executemany`` in batches of 5,000 orders: three
lines per order on average (exactly ``3 * N`` lines), a payment receipt, the
ledger entries (programme shares) and the history events of every paid
order, the history of the unpaid ones too (placed, expired, cancelled).

The mix is meant to look like a year of the shop, newest orders last:

* placed over the 365 days before the build, more in the afternoon and
  evening, a little more towards the end of the year;
* delivery: courier 60 %, same-day (Palembang only) 15 %, pickup 25 %;
  payment: transfer, card, and cash at pickup for pickups;
* old orders are finished (completed, delivered, collected) or ended
  (expired unpaid, cancelled); orders of the last two weeks are still
  on their way (awaiting payment, paid, in production, packed, shipped,
  out for delivery, ready for pickup), so the shop floor's queues hold what
  a couple of days of orders put there;
* a few payment problems (amount mismatch, paid after expiry) over the year;
* 25,000 buyers with Indonesian names, e-mail addresses and phone numbers,
  some of them ordering again and again.

Deterministic for a given N (seeded RNG) except for the dates, which are
relative to the moment of the build. SQLite files are cached in
``bench/.cache/`` keyed by N and a hash of the migrations and the builders;
on PostgreSQL each shop lives in a schema of its own (``bench_staff_<N>``)
of the database given, reused while the hash matches; the ``public`` schema
is left alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import os
import random
import sys
import time
from bisect import bisect_right
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from storefront.domain import allocate  # noqa: E402
from storefront.impact.models import RevenueShare  # noqa: E402
from storefront.orders.lifecycle import PATHS as LIFECYCLE_PATHS  # noqa: E402
from storefront.timeutil import SHOP_TIMEZONE  # noqa: E402

CACHE_DIR = ROOT / "bench" / ".cache"
MEDIA_ROOT = CACHE_DIR / "media"
BATCH = 5_000
PRODUCTS = 500
BUYERS = 25_000
LINES_PER_ORDER = 3
DAYS = 365

FIRST_NAMES = """Siti Nur Dewi Sri Ratna Rina Wulan Putri Ayu Indah Fitri Lestari Yuliana Maya
Dian Kartika Melati Anisa Nabila Aisyah Fatimah Zahra Laila Rini Yanti Nurul Eka Tuti Wati
Ani Novi Lia Mega Citra Intan Rahma Sari Dina Vina Budi Agus Andi Rizky Hendra Joko Bambang
Dedi Eko Fajar Hadi Irfan Yusuf Wahyu Taufik Arif Rudi Doni Ilham Reza""".split()  # noqa: SIM905
MIDDLE_NAMES = "Nur Dwi Tri Putri Ayu Sri Indah Puspa Kusuma Ratu".split()  # noqa: SIM905
LAST_NAMES = """Susanti Wijaya Saputra Hidayat Pratama Lestari Kusuma Santoso Nugroho Siregar
Harahap Nasution Lubis Simanjuntak Sihombing Hasibuan Daulay Tanjung Sinaga Rahman Syahputra
Permata Anggraini Maharani Handayani Wulandari Setiawan Gunawan Kurniawan Purnama Rahmawati
Safitri Oktaviani Ramadhani Febriani Utami Wahyuni Hartono Sulistyo Marpaung Panjaitan Fauzi
Hakim Aminah Zulkarnain Firmansyah Hutapea Damanik""".split()  # noqa: SIM905
MAIL_DOMAINS = [
    ("gmail.com", 60),
    ("yahoo.co.id", 12),
    ("yahoo.com", 6),
    ("ymail.com", 3),
    ("outlook.com", 5),
    ("hotmail.com", 4),
    ("icloud.com", 3),
    ("pertamina.example", 2),
    ("sumselprov.example", 2),
    ("unsri.example", 3),
]
# city, province, postal code prefix, zone (as storefront.checkout.shipping.zone_for says)
CITIES = [
    ("Palembang", "Sumatera Selatan", "301", "palembang", 34),
    ("Kota Prabumulih", "Sumatera Selatan", "311", "sumsel", 4),
    ("Kota Lubuklinggau", "Sumatera Selatan", "316", "sumsel", 3),
    ("Kabupaten Banyuasin", "Sumatera Selatan", "307", "sumsel", 3),
    ("Kabupaten Ogan Ilir", "Sumatera Selatan", "306", "sumsel", 3),
    ("Jambi", "Jambi", "361", "sumatra", 4),
    ("Bengkulu", "Bengkulu", "382", "sumatra", 2),
    ("Bandar Lampung", "Lampung", "351", "sumatra", 4),
    ("Medan", "Sumatera Utara", "201", "sumatra", 4),
    ("Pekanbaru", "Riau", "281", "sumatra", 3),
    ("Padang", "Sumatera Barat", "251", "sumatra", 2),
    ("Jakarta Selatan", "DKI Jakarta", "121", "java", 12),
    ("Jakarta Timur", "DKI Jakarta", "134", "java", 5),
    ("Bandung", "Jawa Barat", "401", "java", 5),
    ("Bekasi", "Jawa Barat", "171", "java", 3),
    ("Tangerang", "Banten", "151", "java", 3),
    ("Yogyakarta", "DI Yogyakarta", "552", "java", 2),
    ("Surabaya", "Jawa Timur", "601", "java", 3),
    ("Denpasar", "Bali", "802", "other", 1),
    ("Makassar", "Sulawesi Selatan", "902", "other", 1),
    ("Balikpapan", "Kalimantan Timur", "761", "other", 1),
]
STREETS = [
    "Jl. Merdeka", "Jl. Sudirman", "Jl. Demang Lebar Daun", "Jl. Kapten A. Rivai",
    "Jl. Veteran", "Jl. Basuki Rahmat", "Jl. Angkatan 45", "Jl. R. Soekamto",
    "Jl. Kol. H. Barlian", "Jl. Mayor Ruslan", "Jl. Diponegoro", "Jl. Ahmad Yani",
    "Jl. Gatot Subroto", "Jl. Pahlawan", "Jl. Melati",
]  # fmt: skip
# Courier rates as migration 0002 inserts them: (first kilogram, each further kilogram).
RATES = {
    ("courier", "palembang"): (10_000, 6_000),
    ("courier", "sumsel"): (16_000, 11_000),
    ("courier", "sumatra"): (28_000, 21_000),
    ("courier", "java"): (34_000, 26_000),
    ("courier", "other"): (56_000, 44_000),
    ("same_day", "palembang"): (25_000, 5_000),
}
COURIER_CODES = [("jne", 35), ("jnt", 25), ("sicepat", 20), ("pos", 10), ("anteraja", 10)]
SAME_DAY_CODES = [("gosend", 60), ("grab", 40)]
STAFF = ["Sari (operations)", "Rina (operations)", "Dewi (operations)", "Yuli (operations)"]
STAFF_ROLE = "operations"
# References and pickup codes use the shop's alphabet: no 0/O, no 1/I.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Shares of the orders' line counts: 1 to 5 lines, exactly three on average.
LINE_COUNT_SHARES = {1: 0.15, 2: 0.20, 3: 0.30, 4: 0.20, 5: 0.15}
# How an order of each payment method ends when nobody is still working on it.
OUTCOMES = {
    # method: (fulfilled, expired unpaid, cancelled, amount mismatch, paid after expiry)
    "bank_transfer": (0.815, 0.14, 0.035, 0.006, 0.004),
    "stripe": (0.925, 0.06, 0.012, 0.0, 0.003),
    "cash_on_pickup": (0.86, 0.10, 0.04, 0.0, 0.0),
}
RECENT_DAYS = 14  # orders younger than this may still be on their way


# --------------------------------------------------------------------------
# Cache key and schema.
# --------------------------------------------------------------------------


def build_hash() -> str:
    """A hash of everything that decides a shop's content: migrations and the builders."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    files += [
        ROOT / "migrations" / "env.py",
        Path(__file__).resolve(),
        ROOT / "bench" / "make_catalogue.py",
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def sqlite_path(n: int) -> Path:
    return CACHE_DIR / f"staff-{n}-{build_hash()}.db"


def postgres_schema(n: int) -> str:
    return f"bench_staff_{n}"


def normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def database_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(normalise_url(url)).database or ""


def refuse_shared_database(url: str) -> None:
    """The test suite wipes the database named ``test``: never build a shop there."""
    if database_name(url) == "test":
        raise SystemExit(
            "refusing to use the database named 'test' (the test suite's): create one of "
            "your own, e.g. psql -h 127.0.0.1 -U postgres -c 'create database bench_staff'"
        )


def bench_config(url: str, *, search_path: str | None = None, base=None):
    """A config class for ``url``: ``base`` (testing by default) with the shop's schema."""
    from config import TestingConfig

    base = base or TestingConfig
    options = dict(base.SQLALCHEMY_ENGINE_OPTIONS)
    if search_path:
        options["connect_args"] = {"options": f"-csearch_path={search_path}"}
    return type(
        "BenchStaffConfig",
        (base,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "MEDIA_ROOT": str(MEDIA_ROOT),
        },
    )


def migrate(url: str, *, search_path: str | None = None) -> None:
    """Every migration, on ``url``: what ``flask db upgrade`` runs."""
    from flask_migrate import upgrade

    from storefront import create_app
    from storefront.extensions import db

    app = create_app(bench_config(url, search_path=search_path))
    logging.disable(logging.INFO)  # Alembic's "Running upgrade ..." lines
    try:
        with app.app_context():
            upgrade()
            db.engine.dispose()
    finally:
        logging.disable(logging.NOTSET)


# --------------------------------------------------------------------------
# Rows.
# --------------------------------------------------------------------------


class Pick:
    """A weighted choice among ``(value, ..., weight)`` pairs, drawn with one random number."""

    def __init__(self, pairs) -> None:
        self.values = [p[0] if len(p) == 2 else p[:-1] for p in pairs]
        self.cumulative = list(accumulate(p[-1] for p in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


DELIVERY = Pick([("courier", 60), ("same_day", 15), ("pickup", 25)])
PICKUP_PAYMENT = Pick([("cash_on_pickup", 50), ("bank_transfer", 30), ("stripe", 20)])
DELIVERY_PAYMENT = Pick([("bank_transfer", 58), ("stripe", 42)])
CITY = Pick(CITIES)
MAIL_DOMAIN = Pick(MAIL_DOMAINS)
QUANTITY = Pick([(1, 70), (2, 20), (3, 6), (4, 2), (5, 2)])
COURIER = Pick(COURIER_CODES)
SAME_DAY_COURIER = Pick(SAME_DAY_CODES)
# Palembang (UTC+7) hours: few orders at night, most from 10:00 to 22:00.
HOUR = Pick(
    list(enumerate([1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 10, 10, 9, 9, 9, 10, 11, 12, 12, 11, 8, 5, 2]))
)


def _buyers(rng: random.Random) -> list[tuple[str, str, str]]:
    """(name, e-mail, phone) of every buyer; the first ones order most often."""
    buyers = []
    seen_mail: set[str] = set()
    for i in range(BUYERS):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        middle = rng.choice(MIDDLE_NAMES) if rng.random() < 0.25 else ""
        name = " ".join(x for x in (first, middle, last) if x)
        local = rng.choice(
            [f"{first}.{last}", f"{first}{last}", f"{first}_{last[:3]}", f"{first}{i % 100}"]
        ).lower()
        mail = f"{local}@{MAIL_DOMAIN(rng)}"
        while mail in seen_mail:
            mail = f"{local}{rng.randint(1, 999)}@{mail.split('@', 1)[1]}"
        seen_mail.add(mail)
        phone = f"+628{rng.choice('1125')}{rng.randrange(10**9):09d}"
        buyers.append((name, mail, phone))
    return buyers


def _line_counts(n: int, rng: random.Random) -> list[int]:
    counts: list[int] = []
    for lines, share in LINE_COUNT_SHARES.items():
        counts += [lines] * int(n * share)
    counts += [LINES_PER_ORDER] * (n - len(counts))
    rng.shuffle(counts)
    return counts


def _placed_times(n: int, now: datetime, rng: random.Random) -> list[datetime]:
    """``n`` moments over the last year, sorted: busier in the evening, and the shop grows
    (the last day of the year has about twice the orders of the first)."""
    tz = SHOP_TIMEZONE
    first_day = (
        (now - timedelta(days=DAYS))
        .astimezone(tz)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    low, rise = 2 / 3, 2 / 3  # daily rate low + rise * x over the year x in [0, 1]
    moments = []
    for _ in range(n):
        u = rng.random()
        x = (-low + math.sqrt(low * low + 2 * rise * u * (low + rise / 2))) / rise
        day = min(DAYS - 1, int(x * DAYS))
        hour = HOUR(rng)
        local = first_day + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))
        moments.append(min(local.astimezone(UTC), now - timedelta(minutes=1)))
    return sorted(moments)


def _unique_code(rng: random.Random, length: int, seen: set[str]) -> str:
    """``length`` characters of CODE_ALPHABET (32 of them: five random bits each), unseen."""
    while True:
        bits = rng.getrandbits(5 * length)
        code = "".join(CODE_ALPHABET[(bits >> shift) & 31] for shift in range(0, 5 * length, 5))
        if code not in seen:
            seen.add(code)
            return code


# The lifecycle's steps per (delivery method, made to order, paid in cash), as plain strings.
PATHS = {key: tuple(str(step) for step in steps) for key, steps in LIFECYCLE_PATHS.items()}


class OrderMaker:
    """Makes the rows of one order after another (ids given here, in placing order)."""

    def __init__(
        self,
        n: int,
        variants: list[dict],
        splits: dict[int, tuple[int, int, int]],
        now: datetime,
        rng: random.Random,
        *,
        sqlite: bool = False,
    ) -> None:
        # SQLite is given dates and moments as the text SQLAlchemy would write.
        self.moment = _sqlite_moment if sqlite else _same
        self.day = _sqlite_day if sqlite else _same
        self.now = now
        self.rng = rng
        self.variants = variants
        self.anywhere = [v for v in variants if v["kind"] != "perishable"]
        self.splits = splits
        self.shares = [str(s) for s in RevenueShare]
        self.buyers = _buyers(rng)
        self.line_counts = _line_counts(n, rng)
        self.moments = _placed_times(n, now, rng)
        self.references: set[str] = set()
        self.pickup_codes: set[str] = set()
        self.invoices: Counter[int] = Counter()
        self.line_id = 0
        self.split_memo: dict[tuple[int, int], list[int]] = {}
        self.counts: dict[str, Counter[str]] = {
            key: Counter() for key in ("status", "payment_state", "delivery", "method", "name")
        }

    def order(self, order_id: int) -> dict:
        """The rows of order ``order_id`` (1-based): order, lines, receipts, events, ledger."""
        rng = self.rng
        now = self.now
        placed = self.moments[order_id - 1]
        age_days = (now - placed).total_seconds() / 86400
        reference = "CTK-" + _unique_code(rng, 7, self.references)
        # Regular buyers come back: a skewed pick from the buyers list.
        name, email, phone = self.buyers[int(BUYERS * rng.random() ** 2.2)]
        delivery = DELIVERY(rng)
        method = PICKUP_PAYMENT(rng) if delivery == "pickup" else DELIVERY_PAYMENT(rng)
        if delivery == "same_day":
            city, province, postal, zone = CITIES[0][:4]
        elif delivery == "courier":
            city, province, postal, zone = CITY(rng)
        else:
            city, province, postal, zone = "", "", "", None
        # Perishables go by pickup or same-day delivery only.
        pool = self.anywhere if delivery == "courier" else self.variants
        chosen = rng.sample(pool, self.line_counts[order_id - 1])
        lines = [self._line(order_id, variant, placed) for variant in chosen]
        grams = sum(
            v["weight_grams"] * line["quantity"] for v, line in zip(chosen, lines, strict=True)
        )
        subtotal = sum(line["line_total"] for line in lines)
        if delivery == "pickup":
            fee = 0
        else:
            first_kg, per_kg = RATES[(delivery, zone)]
            fee = first_kg + per_kg * max(0, math.ceil(grams / 1000) - 1)
        total = subtotal + fee
        made_to_order = any(line["kind"] == "made_to_order" for line in lines)
        cash = method == "cash_on_pickup"
        path = PATHS[(delivery, made_to_order, cash)]
        expiry = {"stripe": 30, "bank_transfer": 24 * 60, "cash_on_pickup": 3 * 24 * 60}[method]
        expires_at = placed + timedelta(minutes=expiry)

        # How the order ends (or how far it has come, for a recent one).
        fulfilled, expired, cancelled, mismatch, late = OUTCOMES[method]
        roll = rng.random()
        if roll < mismatch:
            outcome = "amount_mismatch"
        elif roll < mismatch + late:
            outcome = "paid_after_expiry"
        elif roll < mismatch + late + expired:
            outcome = "expired"
        elif roll < mismatch + late + expired + cancelled:
            outcome = "cancelled"
        else:
            outcome = "fulfilled"
        if outcome in ("expired", "paid_after_expiry") and expires_at > now:
            outcome = "waiting"  # not expired yet: still waits for its money
        payer = "stripe" if method == "stripe" else "staff"

        status = "awaiting_payment"
        events = [self._event(order_id, None, status, "order placed", placed, "buyer")]
        paid_at = None
        courier = tracking = None
        moment = placed
        if outcome == "fulfilled":
            # Steps taken: all of them when old; part of the way when recent.
            if age_days >= RECENT_DAYS:
                steps = len(path)
                if path[-1] == "completed" and rng.random() < 0.06:
                    steps -= 1  # delivered, and the buyer has not confirmed yet
            else:
                pace = rng.uniform(0.4, 2.5) * (3 if made_to_order else 1)
                steps = min(len(path), 1 + int(age_days / pace))
            for index, step in enumerate(path[:steps]):
                if step == "awaiting_payment":
                    continue
                if index == 0:  # paid: a card at once, a transfer within the day
                    minutes = rng.uniform(1, 10) if method == "stripe" else rng.uniform(20, 1200)
                    gap = timedelta(minutes=minutes)
                else:
                    gap = timedelta(hours=rng.uniform(2, 40))
                if moment + gap >= now:
                    break  # that step has not happened yet
                moment += gap
                paying = step == "paid" or (step == "collected" and cash)
                note = {"paid": "payment received", "collected": "collected"}.get(step, "")
                if step == "collected" and cash:
                    note = "collected and paid in cash"
                who = payer if step == "paid" else "staff"
                events.append(self._event(order_id, status, step, note, moment, who))
                if paying:
                    paid_at = moment
                if step in ("shipped", "out_for_delivery"):
                    courier = COURIER(rng) if delivery == "courier" else SAME_DAY_COURIER(rng)
                    tracking = _tracking_number(courier, rng)
                status = step
        elif outcome == "amount_mismatch":
            moment = min(placed + timedelta(hours=rng.uniform(1, 20)), now)
            note = "amount received does not match the total"
            events.append(self._event(order_id, status, status, note, moment, "staff"))
        elif outcome == "paid_after_expiry":
            events.append(
                self._event(order_id, status, "expired", "not paid in time", expires_at, "cron")
            )
            status = "expired"
            moment = min(expires_at + timedelta(hours=rng.uniform(1, 48)), now)
            note = "money received after the order expired"
            events.append(self._event(order_id, status, status, note, moment, payer))
        elif outcome == "expired":
            moment = expires_at + timedelta(minutes=rng.uniform(1, 15))
            events.append(
                self._event(order_id, status, "expired", "not paid in time", moment, "cron")
            )
            status = "expired"
        elif outcome == "cancelled":
            moment = placed + timedelta(minutes=rng.uniform(5, min(expiry, 600)))
            if moment < now:
                events.append(
                    self._event(
                        order_id, status, "cancelled", "cancelled by staff", moment, "staff"
                    )
                )
                status = "cancelled"

        if paid_at is not None:
            payment_state = "paid"
        elif outcome in ("amount_mismatch", "paid_after_expiry"):
            payment_state = outcome
        else:
            payment_state = "unpaid"
        invoice = None
        receipts = []
        if payment_state == "paid":
            year = paid_at.astimezone(SHOP_TIMEZONE).year
            self.invoices[year] += 1
            invoice = f"INV/{year}/{self.invoices[year]:06d}"
        if payment_state != "unpaid":
            received = total
            if payment_state == "amount_mismatch":
                received = max(1_000, total - rng.choice([500, 1_000, 5_000, 10_000, 50_000]))
            receipts.append(self._receipt(order_id, reference, method, received, paid_at or moment))
        ledger = self._ledger(order_id, lines, paid_at) if payment_state == "paid" else []

        order = dict(
            id=order_id,
            reference=reference,
            access_token=f"bench-{order_id}-{rng.getrandbits(64):016x}",
            idempotency_key=f"bench-{order_id}",
            user_id=None,
            status=status,
            payment_state=payment_state,
            language="id" if rng.random() < 0.9 else "en",
            contact_name=name,
            email=email,
            phone=phone,
            delivery_method=delivery,
            zone=zone,
            address_line=f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}" if city else "",
            city=city,
            province=province,
            postal_code=f"{postal}{rng.randint(10, 99)}" if postal else "",
            chargeable_weight_grams=grams if delivery != "pickup" else 0,
            subtotal=subtotal,
            shipping_fee=fee,
            total=total,
            payment_method=method,
            referral_partner_id=None,
            invoice_number=invoice,
            pickup_code=_unique_code(rng, 6, self.pickup_codes) if delivery == "pickup" else None,
            courier=courier,
            tracking_number=tracking,
            expires_at=self.moment(expires_at),
            paid_at=self.moment(paid_at),
            created_at=self.moment(placed),
            updated_at=max(e["created_at"] for e in events),
            personal_data_erased_at=None,
        )
        for key, value in (
            ("status", status),
            ("payment_state", payment_state),
            ("delivery", delivery),
            ("method", method),
            ("name", name),
        ):
            self.counts[key][value] += 1
        return {
            "order": order,
            "lines": lines,
            "receipts": receipts,
            "events": events,
            "ledger": ledger,
        }

    def _line(self, order_id: int, variant: dict, placed: datetime) -> dict:
        quantity = QUANTITY(self.rng)
        self.line_id += 1
        made_to_order = variant["kind"] == "made_to_order"
        return dict(
            id=self.line_id,
            order_id=order_id,
            variant_id=variant["variant_id"],
            product_id=variant["product_id"],
            sku=variant["sku"],
            product_name_id=variant["name_id"],
            product_name_en=variant["name_en"],
            variant_label=variant["label"],
            kind=variant["kind"],
            unit_price=variant["price"],
            quantity=quantity,
            line_total=variant["price"] * quantity,
            program_id=variant["program_id"],
            program_name_id=variant["program_name_id"],
            program_name_en=variant["program_name_en"],
            ready_by=self.day((placed + timedelta(days=variant["lead_time_days"])).date())
            if made_to_order
            else None,
            best_before_days=variant["shelf_life_days"],
        )

    def _ledger(self, order_id: int, lines: list[dict], paid_at: datetime) -> list[dict]:
        """The sale's entries: each line split by its programme's shares (no partner)."""
        day = self.day(paid_at.astimezone(SHOP_TIMEZONE).date())
        paid_at = self.moment(paid_at)
        rows = []
        for line in lines:
            key = (line["line_total"], line["program_id"])
            parts = self.split_memo.get(key)
            if parts is None:  # the same product and quantity split the same way
                parts = self.split_memo[key] = allocate(key[0], list(self.splits[key[1]]))
            for share, amount in zip(self.shares, parts, strict=True):
                if amount:
                    rows.append(
                        dict(
                            order_id=order_id,
                            order_line_id=line["id"],
                            refund_id=None,
                            program_id=line["program_id"],
                            partner_id=None,
                            agreement_id=None,
                            share=share,
                            amount=amount,
                            occurred_on=day,
                            created_at=paid_at,
                        )
                    )
        return rows

    def _event(self, order_id, from_status, to_status, note, at, who) -> dict:
        if who == "staff":
            label, role = self.rng.choice(STAFF), STAFF_ROLE
        else:  # buyer, stripe, cron
            label = role = who
        return dict(
            order_id=order_id,
            from_status=from_status,
            to_status=to_status,
            note=note,
            actor_user_id=None,
            actor_role=role,
            actor_label=label,
            created_at=self.moment(at),
        )

    def _receipt(self, order_id, reference, method, amount, at) -> dict:
        if method == "stripe":
            ref, label = f"pi_bench{order_id:08d}{self.rng.getrandbits(32):08x}", "stripe"
        elif method == "bank_transfer":
            ref, label = f"TRF{at:%y%m%d}{order_id:07d}", self.rng.choice(STAFF)
        else:
            ref, label = f"{reference}-cash", self.rng.choice(STAFF)
        return dict(
            order_id=order_id,
            method=method,
            amount=amount,
            currency="idr",
            reference=ref,
            received_on=self.day(at.astimezone(SHOP_TIMEZONE).date()),
            note="",
            actor_user_id=None,
            actor_label=label,
            created_at=self.moment(at),
        )


def _tracking_number(courier: str, rng: random.Random) -> str:
    digits = f"{rng.randrange(10**12):012d}"
    return {
        "jne": f"PLG{digits[:10]}",
        "jnt": f"JP{digits[:10]}",
        "sicepat": digits,
        "pos": f"P{digits}",
        "anteraja": f"1000{digits[:10]}",
        "gosend": f"GK-{digits[:2]}-{digits[2:8]}",
        "grab": f"IN-{digits[:1]}-{digits[1:10]}",
    }[courier]


# --------------------------------------------------------------------------
# The build.
# --------------------------------------------------------------------------


def _catalogue(conn, now: datetime) -> tuple[list[dict], dict[int, tuple[int, int, int]]]:
    """Programmes, partners, agreements and PRODUCTS products; every variant, as a dict."""
    from sqlalchemy import insert, select

    from bench.make_catalogue import _product_rows, _reference_rows
    from storefront.catalog.models import Category, Product, ProductImage, Variant
    from storefront.impact.models import Agreement, Partner, TrainingProgram

    categories, programs, partners, agreements = _reference_rows(now)
    conn.execute(insert(Category.__table__), categories)
    conn.execute(insert(TrainingProgram.__table__), programs)
    conn.execute(insert(Partner.__table__), partners)
    conn.execute(insert(Agreement.__table__), agreements)
    # The staff pages show no images: the image rows name keys that need not exist.
    images = {
        family: [(f"bench-{family}-0", 480, 480)]
        for family in ("songket", "fashion", "roti-kue", "tempe", "kerajinan")
    }
    for products, variants, product_images in _product_rows(PRODUCTS, images, now):
        conn.execute(insert(Product.__table__), products)
        conn.execute(insert(Variant.__table__), variants)
        conn.execute(insert(ProductImage.__table__), product_images)
    rows = conn.execute(
        select(
            Variant.id,
            Variant.product_id,
            Variant.sku,
            Variant.price,
            Variant.options,
            Product.name_id,
            Product.name_en,
            Product.kind,
            Product.weight_grams,
            Product.lead_time_days,
            Product.shelf_life_days,
            Product.program_id,
            TrainingProgram.name_id.label("program_name_id"),
            TrainingProgram.name_en.label("program_name_en"),
            TrainingProgram.premi_percent,
            TrainingProgram.pnbp_percent,
            TrainingProgram.capital_percent,
        )
        .join(Product, Product.id == Variant.product_id)
        .join(TrainingProgram, TrainingProgram.id == Product.program_id)
        .order_by(Variant.id)
    ).all()
    splits = {r.program_id: (r.premi_percent, r.pnbp_percent, r.capital_percent) for r in rows}
    variants = [
        dict(
            variant_id=r.id,
            product_id=r.product_id,
            sku=r.sku,
            price=r.price,
            label=", ".join(f"{k.capitalize()}: {v}" for k, v in (r.options or {}).items()),
            name_id=r.name_id,
            name_en=r.name_en,
            kind=r.kind,
            weight_grams=r.weight_grams,
            lead_time_days=r.lead_time_days or 14,
            shelf_life_days=r.shelf_life_days,
            program_id=r.program_id,
            program_name_id=r.program_name_id,
            program_name_en=r.program_name_en,
        )
        for r in rows
    ]
    return variants, splits


def insert_rows(conn, table, rows: list[dict]) -> None:
    """One Core executemany of ``rows`` into ``table``.

    The statement goes to the driver as it is (``exec_driver_sql``) with the rows
    as tuples, which skips SQLAlchemy's per-row parameter processing (most of
    the time of a plain ``conn.execute(insert(table), rows)`` at this size).
    """
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    get = itemgetter(*columns)
    conn.exec_driver_sql(sql, [get(row) for row in rows])


def _same(value):
    return value


def _sqlite_moment(moment: datetime | None) -> str | None:
    """A UTC moment as SQLAlchemy's SQLite DateTime stores it."""
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def fill(engine, n: int, *, now: datetime, log=print) -> dict:
    """Insert the catalogue and ``n`` orders with everything they carry; returns the facts."""
    from sqlalchemy import insert, text

    from storefront.impact.models import AttributionEntry
    from storefront.orders.models import InvoiceCounter, Order, OrderEvent, OrderLine
    from storefront.payments.models import PaymentReceipt

    rng = random.Random(f"cantik-bench-staff-{n}")
    counts = Counter()
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        variants, splits = _catalogue(conn, now)
    with engine.begin() as conn:
        if postgres:
            _skip_row_checks(conn)
        maker = OrderMaker(n, variants, splits, now, rng, sqlite=engine.dialect.name == "sqlite")
        tables = [
            ("order", Order.__table__),
            ("lines", OrderLine.__table__),
            ("receipts", PaymentReceipt.__table__),
            ("events", OrderEvent.__table__),
            ("ledger", AttributionEntry.__table__),
        ]
        for start in range(1, n + 1, BATCH):
            batch = {key: [] for key, _ in tables}
            for order_id in range(start, min(n, start + BATCH - 1) + 1):
                rows = maker.order(order_id)
                batch["order"].append(rows["order"])
                for key in ("lines", "receipts", "events", "ledger"):
                    batch[key].extend(rows[key])
            for key, table in tables:
                if batch[key]:
                    insert_rows(conn, table, batch[key])
                    counts[key] += len(batch[key])
            if n >= 20_000 and (start - 1) % (BATCH * 4) == 0:
                log(f"  {min(n, start + BATCH - 1):>7,} orders")
        if maker.invoices:
            conn.execute(
                insert(InvoiceCounter.__table__),
                [{"year": y, "last_number": k} for y, k in sorted(maker.invoices.items())],
            )
        if postgres:
            # Ids were given explicitly: move the sequences past them.
            for table in (
                "category",
                "training_program",
                "partner",
                "agreement",
                "product",
                "shop_order",
                "order_line",
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    return {
        "orders": n,
        "lines": counts["lines"],
        "receipts": counts["receipts"],
        "events": counts["events"],
        "ledger_entries": counts["ledger"],
        "statuses": dict(maker.counts["status"].most_common()),
        "payment_states": dict(maker.counts["payment_state"].most_common()),
        "delivery_methods": dict(maker.counts["delivery"].most_common()),
        "payment_methods": dict(maker.counts["method"].most_common()),
        "search_name": _search_name(maker.counts["name"]),
    }


def _skip_row_checks(conn) -> None:
    """PostgreSQL: no foreign-key trigger per inserted row in this transaction (most of a
    bulk load's time there); ``check_foreign_keys`` checks every key once afterwards.
    Needs a superuser; without one the rows are checked as they go in."""
    from sqlalchemy import text

    try:
        with conn.begin_nested():
            conn.execute(text("SET LOCAL session_replication_role = replica"))
    except Exception:  # noqa: BLE001 (not allowed: the slower way still works)
        pass


def check_foreign_keys(engine) -> None:
    """Every foreign key of the order tables points at a row (PostgreSQL; SQLite has
    ``PRAGMA foreign_key_check``)."""
    from sqlalchemy import text

    from storefront.extensions import db

    names = ("shop_order", "order_line", "payment_receipt", "order_event", "attribution_entry")
    with engine.connect() as conn:
        for table in (db.metadata.tables[name] for name in names):
            for fk in table.foreign_key_constraints:
                (column,) = fk.column_keys
                parent = fk.referred_table.name
                (target,) = [e.column.name for e in fk.elements]
                orphans = conn.execute(
                    text(
                        f"SELECT count(*) FROM {table.name} c WHERE c.{column} IS NOT NULL "
                        f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{target} = c.{column})"
                    )
                ).scalar()
                if orphans:
                    raise RuntimeError(f"{orphans} rows of {table.name}.{column} point nowhere")


def _search_name(name_counts: Counter) -> str:
    """A buyer's full name that a handful of orders carry (what staff type to find a buyer)."""
    names = sorted(
        (name for name, k in name_counts.items() if 3 <= k <= 12 and len(name.split()) == 2),
        key=lambda name: (-name_counts[name], name),
    )
    if names:
        return names[len(names) // 2]
    return name_counts.most_common(1)[0][0]


def samples(engine) -> dict:
    """An order page worth asking for: a paid courier order of three lines, mid-year."""
    from sqlalchemy import func, select

    from storefront.orders.models import Order, OrderLine

    with engine.connect() as conn:
        middle = conn.scalar(select(func.max(Order.id))) // 2
        lines = (
            select(func.count())
            .where(OrderLine.order_id == Order.id)
            .correlate(Order)
            .scalar_subquery()
        )
        reference = conn.scalar(
            select(Order.reference)
            .where(
                Order.id >= middle,
                Order.status.in_(["completed", "delivered"]),
                Order.delivery_method == "courier",
                lines == 3,
            )
            .order_by(Order.id)
            .limit(1)
        )
    return {"order_reference": reference}


def build_sqlite(n: int, path: Path, *, log=print) -> dict:
    """Migrate a fresh SQLite file at ``path`` and fill it with ``n`` orders."""
    from sqlalchemy import create_engine, event

    timings = {}
    t0 = time.perf_counter()
    migrate(f"sqlite:///{path}")
    timings["migrate_s"] = time.perf_counter() - t0
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast_build(dbapi_connection, _record):
        # Safe for a throwaway build: a crash just leaves a .tmp file to rebuild.
        dbapi_connection.execute("PRAGMA synchronous=OFF")
        dbapi_connection.execute("PRAGMA journal_mode=MEMORY")
        # Checked once at the end (foreign_key_check) rather than row by row.
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    t0 = time.perf_counter()
    facts = fill(engine, n, now=datetime.now(UTC), log=log)
    timings["insert_s"] = time.perf_counter() - t0
    with engine.connect() as conn:
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"rows whose foreign keys point nowhere: {broken[:5]}")
    facts |= samples(engine)
    engine.dispose()
    facts["timings"] = {k: round(v, 2) for k, v in timings.items()}
    facts["size_bytes"] = path.stat().st_size
    return facts


def ensure_sqlite(n: int, *, force: bool = False, log=print) -> tuple[str, dict]:
    """The URL of the cached SQLite shop of ``n`` orders and its facts, built if needed."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = sqlite_path(n)
    meta_path = path.with_suffix(".json")
    if not force and path.exists() and meta_path.exists():
        return f"sqlite:///{path}", json.loads(meta_path.read_text())
    for stale in CACHE_DIR.glob(f"staff-{n}-*"):
        stale.unlink()
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    log(f"building a shop of {n:,} orders -> {path.relative_to(ROOT)}")
    t0 = time.perf_counter()
    meta = build_sqlite(n, tmp, log=log)
    meta["timings"]["total_s"] = round(time.perf_counter() - t0, 2)
    meta["built_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    os.replace(tmp, path)
    meta["path"] = str(path)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    log(f"  built in {meta['timings']['total_s']:.1f} s ({meta['timings']})")
    return f"sqlite:///{path}", meta


def _trigram_schema(engine) -> str | None:
    """Where pg_trgm lives (created in ``public`` when the server has it and it is missing)."""
    from sqlalchemy import text

    with engine.begin() as conn:
        found = conn.execute(
            text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        ).scalar()
        if found:
            return found
        available = conn.execute(
            text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        ).scalar()
        if not available:
            return None
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        return "public"


def ensure_postgres(url: str, n: int, *, force: bool = False, log=print) -> tuple[str, str, dict]:
    """The shop of ``n`` orders in schema ``bench_staff_<n>`` of ``url``: (url, search path,
    facts), built unless the schema already holds this build."""
    from sqlalchemy import create_engine, text

    url = normalise_url(url)
    refuse_shared_database(url)
    schema = postgres_schema(n)
    admin = create_engine(url)
    # Functions and extensions the migrations look up must stay visible from the schema.
    extension_schema = _trigram_schema(admin)
    search_path = ",".join(dict.fromkeys(filter(None, [schema, extension_schema, "public"])))
    wanted = build_hash()
    with admin.begin() as conn:
        exists = conn.execute(
            text(
                "SELECT 1 FROM information_schema.tables "
                "WHERE table_schema = :s AND table_name = 'bench_build'"
            ),
            {"s": schema},
        ).scalar()
        if exists and not force:
            meta = json.loads(
                conn.execute(text(f'SELECT facts FROM "{schema}".bench_build')).scalar()
            )
            if meta.get("hash") == wanted:
                admin.dispose()
                return url, search_path, meta
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    log(f"building a shop of {n:,} orders -> schema {schema} of {database_name(url)}")
    t0 = time.perf_counter()
    timings = {}
    migrate(url, search_path=search_path)
    timings["migrate_s"] = time.perf_counter() - t0
    engine = create_engine(url, connect_args={"options": f"-csearch_path={search_path}"})
    t1 = time.perf_counter()
    meta = fill(engine, n, now=datetime.now(UTC), log=log)
    check_foreign_keys(engine)
    timings["insert_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    with engine.begin() as conn:
        # A shop that has run for a year has statistics; a fresh bulk load has none yet.
        conn.execute(text("ANALYZE"))
    timings["analyze_s"] = time.perf_counter() - t1
    meta |= samples(engine)
    timings["total_s"] = time.perf_counter() - t0
    meta["timings"] = {k: round(v, 2) for k, v in timings.items()}
    meta |= {
        "hash": wanted,
        "schema": schema,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_build (facts text NOT NULL)"))
        conn.execute(text("INSERT INTO bench_build (facts) VALUES (:f)"), {"f": json.dumps(meta)})
    engine.dispose()
    admin.dispose()
    log(f"  built in {meta['timings']['total_s']:.1f} s ({meta['timings']})")
    return url, search_path, meta


def ensure_shop(
    n: int, *, database_url: str = "", force: bool = False, log=print
) -> tuple[str, str | None, dict]:
    """(url, PostgreSQL search path or None, facts) of the shop of ``n`` orders."""
    if database_url and not database_url.startswith("sqlite"):
        return ensure_postgres(database_url, n, force=force, log=log)
    url, meta = ensure_sqlite(n, force=force, log=log)
    return url, None, meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="+", help="number of orders")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args()
    for n in args.n:
        url, search_path, meta = ensure_shop(n, database_url=args.database_url, force=args.force)
        print(url if search_path is None else f"{url} (search_path {search_path})")
        print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
