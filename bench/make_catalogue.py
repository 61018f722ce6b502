"""Build (or reuse) a SQLite catalogue of N products for the benchmarks.

    .venv/bin/python bench/make_catalogue.py 100000          # build or reuse, print its path
    .venv/bin/python bench/make_catalogue.py 100000 --force  # rebuild

The schema comes from the real migrations (``flask --app storefront db upgrade``,
which also creates the FTS5 table and its triggers); the rows are then written
with Core ``executemany`` inserts in one transaction, so the triggers index
every product as it is inserted. ``price_from`` and ``search_text`` are filled
exactly as ``catalog.services.refresh_derived_columns`` would fill them.

The catalogue is deterministic for a given N (seeded RNG, fixed dates), and is
cached under ``bench/.cache/`` keyed by N and a hash of the migration files and
of this script, so a rerun only pays for the build when one of them changed.
A sidecar ``.json`` file next to each database records what is in it and how
long the build took.

Images: a handful of renditions are stored once with ``store_image`` under
``bench/.cache/media`` and their keys are reused by every product (the image
key is not unique), so 100,000 products need ten images, not 100,000.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE_DIR = ROOT / "bench" / ".cache"
MEDIA_ROOT = CACHE_DIR / "media"
BATCH = 5_000

# --------------------------------------------------------------------------
# Reference data: 5 families, 6 programmes, partners and agreements.
# --------------------------------------------------------------------------

FAMILIES = [
    # slug, name_id, name_en, description_id, description_en, share of products
    (
        "songket",
        "Songket",
        "Songket",
        "Kain tenun tangan benang emas khas Palembang.",
        "Palembang's hand-woven gold-thread cloth.",
        0.16,
    ),
    (
        "fashion",
        "Busana",
        "Fashion",
        "Kebaya, baju kurung dan kain jumputan yang dijahit di bengkel kami.",
        "Kebaya, baju kurung and jumputan cloth sewn in our workshop.",
        0.28,
    ),
    (
        "roti-kue",
        "Roti & Kue",
        "Bread & Cakes",
        "Kue khas Palembang dan roti yang dipanggang setiap pagi.",
        "Palembang cakes and bread baked every morning.",
        0.20,
    ),
    (
        "tempe",
        "Tempe",
        "Tempe",
        "Tempe segar dan keripik tempe dari dapur produksi.",
        "Fresh tempe and tempe chips from the production kitchen.",
        0.12,
    ),
    (
        "kerajinan",
        "Kerajinan",
        "Handicrafts",
        "Anyaman purun, rajutan dan kerajinan tangan lainnya.",
        "Purun weaving, knitting and other handicrafts.",
        0.24,
    ),
]

PROGRAMS = [
    # slug, name_id, name_en, summary_id, summary_en, split, families it makes
    (
        "tenun-songket",
        "Tenun Songket",
        "Songket Weaving",
        "Menenun songket dengan alat tenun tradisional.",
        "Weaving songket on traditional looms.",
        (50, 30, 20),
        ("songket",),
    ),
    (
        "menjahit-busana",
        "Menjahit Busana",
        "Garment Sewing",
        "Menjahit dan membordir busana.",
        "Sewing and embroidering clothes.",
        (50, 30, 20),
        ("fashion",),
    ),
    (
        "jumputan-batik",
        "Jumputan dan Batik",
        "Tie-Dye and Batik",
        "Mewarnai kain dengan teknik jumputan.",
        "Dyeing cloth with the jumputan technique.",
        (45, 35, 20),
        ("fashion", "kerajinan"),
    ),
    (
        "tata-boga",
        "Tata Boga",
        "Baking",
        "Memanggang roti dan kue khas Palembang.",
        "Baking bread and Palembang cakes.",
        (45, 35, 20),
        ("roti-kue",),
    ),
    (
        "produksi-tempe",
        "Produksi Tempe",
        "Tempe Making",
        "Membuat tempe dan olahannya.",
        "Making tempe and tempe snacks.",
        (40, 40, 20),
        ("tempe",),
    ),
    (
        "anyaman-purun",
        "Anyaman dan Rajut",
        "Weaving and Knitting",
        "Menganyam purun dan merajut.",
        "Weaving purun grass and knitting.",
        (50, 30, 20),
        ("kerajinan",),
    ),
]

PARTNERS = [
    # slug, name, kind, active
    ("dekranasda-sumsel", "Dekranasda Sumatera Selatan", "crafts_council", True),
    ("bukit-asam", "PT Bukit Asam (Persero) Tbk", "state_company", True),
    ("dinkop-ukm-sumsel", "Dinas Koperasi dan UKM Sumatera Selatan", "regional_office", True),
    ("dinkes-palembang", "Dinas Kesehatan Kota Palembang", "health_office", True),
    ("unsri", "Universitas Sriwijaya", "education", True),
    ("perempuan-berdaya", "Yayasan Perempuan Berdaya", "community", True),
    ("bank-sumsel-babel", "Bank Sumsel Babel", "private_company", False),
]

# partner slug, programme slug, support kind, weight, valid_from, valid_to (fixed dates, so a
# cached catalogue keeps the same agreements in force for years)
AGREEMENTS = [
    ("dekranasda-sumsel", "tenun-songket", "marketing", 3, date(2024, 1, 1), None),
    ("bukit-asam", "tenun-songket", "funding", 2, date(2024, 3, 1), date(2099, 12, 31)),
    ("unsri", "tenun-songket", "trainer", 1, date(2019, 1, 1), date(2021, 12, 31)),  # ended
    ("dinkop-ukm-sumsel", "menjahit-busana", "equipment", 2, date(2023, 6, 1), None),
    ("perempuan-berdaya", "jumputan-batik", "trainer", 1, date(2024, 2, 1), None),
    ("dinkes-palembang", "tata-boga", "trainer", 1, date(2024, 1, 15), date(2099, 1, 14)),
    ("bukit-asam", "tata-boga", "equipment", 2, date(2022, 1, 1), date(2022, 12, 31)),  # ended
    ("dinkes-palembang", "produksi-tempe", "trainer", 1, date(2024, 5, 1), None),
    ("unsri", "produksi-tempe", "materials", 1, date(2024, 8, 1), None),
    ("dekranasda-sumsel", "anyaman-purun", "marketing", 2, date(2024, 1, 1), None),
    ("bank-sumsel-babel", "anyaman-purun", "funding", 1, date(2024, 1, 1), None),  # inactive
]

COLOURS = [
    ("Merah Marun", "Maroon"),
    ("Merah", "Red"),
    ("Ungu", "Purple"),
    ("Hijau Botol", "Bottle Green"),
    ("Biru Dongker", "Navy"),
    ("Kuning Kunyit", "Turmeric Yellow"),
    ("Emas", "Gold"),
    ("Hitam", "Black"),
    ("Krem", "Cream"),
    ("Cokelat", "Brown"),
    ("Merah Muda", "Pink"),
    ("Tosca", "Teal"),
    ("Oranye", "Orange"),
    ("Putih", "White"),
]

# --------------------------------------------------------------------------
# Word lists per family. Every generator returns the product's names, its
# description, two variants' options and a price range.
# --------------------------------------------------------------------------

SONGKET_ITEMS = [
    ("Kain Songket", "Songket Cloth"),
    ("Selendang Songket", "Songket Shawl"),
    ("Sarung Songket", "Songket Sarong"),
    ("Tanjak Songket", "Songket Headdress"),
    ("Kain Songket Tabur", "Scattered Songket Cloth"),
    ("Setelan Songket", "Songket Set"),
]
SONGKET_MOTIFS = [
    "Lepus",
    "Tretes Mender",
    "Bungo Pacik",
    "Limar",
    "Nago Besaung",
    "Bungo Cino",
    "Pulir",
    "Jando Berhias",
    "Tabur Bintang",
    "Bunga Intan",
    "Kembang Manggis",
    "Lepus Berakam",
    "Bungo Jatuh",
    "Biji Pare",
    "Cantik Manis",
]
SONGKET_THREADS = [
    ("Benang Emas", "gold thread"),
    ("Benang Perak", "silver thread"),
    ("Benang Emas Jantung", "fine gold thread"),
    ("Sutra", "silk"),
    ("Katun", "cotton"),
]

FASHION_ITEMS = [
    ("Kebaya", "Kebaya"),
    ("Baju Kurung", "Baju Kurung"),
    ("Blus", "Blouse"),
    ("Kemeja", "Shirt"),
    ("Gamis", "Long Dress"),
    ("Tunik", "Tunic"),
    ("Rok Lilit", "Wrap Skirt"),
    ("Kain Jumputan", "Jumputan Cloth"),
    ("Selendang", "Scarf"),
    ("Outer", "Outer Jacket"),
    ("Mukena", "Prayer Robe"),
    ("Masker Kain", "Cloth Mask"),
]
FASHION_STYLES = [
    ("Jumputan", "Jumputan"),
    ("Batik Palembang", "Palembang Batik"),
    ("Bordir", "Embroidered"),
    ("Tajung", "Tajung"),
    ("Blongsong", "Blongsong"),
    ("Polos", "Plain"),
    ("Kembang Tanjung", "Tanjung Flower"),
    ("Pelangi", "Rainbow"),
]
SIZES = ["S", "M", "L", "XL", "XXL", "All Size"]

CAKE_ITEMS = [
    ("Bolu Kojo", "Kojo Cake"),
    ("Kue Maksuba", "Maksuba Layer Cake"),
    ("Kue Lapan Jam", "Eight-Hour Cake"),
    ("Engkak Ketan", "Sticky Rice Engkak"),
    ("Roti Sobek", "Pull-Apart Bread"),
    ("Roti Manis", "Sweet Bun"),
    ("Bolu Gulung", "Swiss Roll"),
    ("Kue Bangkit", "Bangkit Cookies"),
    ("Lapis Legit", "Thousand-Layer Cake"),
    ("Kue Srikaya", "Srikaya Custard Cake"),
    ("Roti Tawar", "White Loaf"),
    ("Bolu Kemojo", "Kemojo Cake"),
    ("Kue Putri Salju", "Snow Princess Cookies"),
]
FLAVOURS = [
    ("Pandan", "Pandan"),
    ("Keju", "Cheese"),
    ("Cokelat", "Chocolate"),
    ("Original", "Original"),
    ("Durian", "Durian"),
    ("Kayu Manis", "Cinnamon"),
    ("Gula Merah", "Palm Sugar"),
    ("Nanas", "Pineapple"),
    ("Susu", "Milk"),
]
PACKS = ["isi 6", "isi 12", "isi 20", "1 loyang", "1/2 loyang", "toples 250 g"]

TEMPE_ITEMS = [
    ("Tempe Daun", "Leaf-Wrapped Tempe", "perishable"),
    ("Tempe Kedelai", "Soybean Tempe", "perishable"),
    ("Tempe Mendoan", "Mendoan Tempe", "perishable"),
    ("Tempe Bacem", "Sweet Braised Tempe", "perishable"),
    ("Keripik Tempe", "Tempe Chips", "stock"),
    ("Kering Tempe", "Crispy Sweet Tempe", "stock"),
]
TEMPE_STYLES = [
    ("Original", "Original"),
    ("Pedas", "Spicy"),
    ("Balado", "Balado"),
    ("Bawang", "Garlic"),
    ("Daun Jeruk", "Lime Leaf"),
    ("Organik", "Organic"),
]
WEIGHTS = ["100 g", "250 g", "500 g", "1 kg"]

CRAFT_ITEMS = [
    ("Tas Anyaman Purun", "Purun Woven Bag"),
    ("Tikar Purun", "Purun Mat"),
    ("Dompet Rajut", "Knitted Purse"),
    ("Bros Kain", "Fabric Brooch"),
    ("Gantungan Kunci", "Key Ring"),
    ("Tempat Tisu", "Tissue Box"),
    ("Keranjang Rotan", "Rattan Basket"),
    ("Taplak Rajut", "Knitted Tablecloth"),
    ("Boneka Kain", "Cloth Doll"),
    ("Sarung Bantal", "Cushion Cover"),
    ("Topi Purun", "Purun Hat"),
    ("Kotak Perhiasan", "Jewellery Box"),
]
CRAFT_STYLES = [
    ("Motif Jumputan", "Jumputan Pattern"),
    ("Natural", "Natural"),
    ("Warna-warni", "Colourful"),
    ("Bordir", "Embroidered"),
    ("Mini", "Mini"),
    ("Besar", "Large"),
    ("Klasik", "Classic"),
]
# Non-songket families sometimes use songket cloth: these names carry the word too,
# so a search for "songket" finds ~20% of the catalogue, across three families.
SONGKET_ACCENT_FASHION = [
    ("Kebaya Aksen Songket", "Kebaya with Songket Trim"),
    ("Baju Kurung Motif Songket", "Baju Kurung with Songket Motif"),
    ("Outer Songket", "Songket Outer Jacket"),
]
SONGKET_ACCENT_CRAFTS = [
    ("Dompet Songket", "Songket Purse"),
    ("Tas Tangan Songket", "Songket Handbag"),
    ("Bros Songket", "Songket Brooch"),
    ("Sarung Bantal Songket", "Songket Cushion Cover"),
]


def _round(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


def _songket(rng: random.Random):
    item_id, item_en = rng.choice(SONGKET_ITEMS)
    motif = rng.choice(SONGKET_MOTIFS)
    thread_id, thread_en = rng.choice(SONGKET_THREADS)
    colour_id, colour_en = rng.choice(COLOURS)
    name_id = f"{item_id} {motif} {thread_id} {colour_id}"
    name_en = f"{motif} {item_en}, {colour_en} with {thread_en}"
    desc_id = (
        f"{item_id} motif {motif} ditenun tangan dengan {thread_id.lower()} di atas dasar "
        f"{colour_id.lower()}.\n\nSatu helai memerlukan beberapa minggu di alat tenun."
    )
    desc_en = (
        f"{item_en} in the {motif} motif, hand-woven with {thread_en} on a "
        f"{colour_en.lower()} ground.\n\nOne piece takes several weeks on the loom."
    )
    options = [{"motif": motif, "benang": thread_id}, {"motif": motif, "benang": "Sutra"}]
    kind = "made_to_order" if rng.random() < 0.6 else "stock"
    return name_id, name_en, desc_id, desc_en, options, kind, (650_000, 9_500_000, 25_000), 350


def _fashion(rng: random.Random):
    if rng.random() < 0.06:
        item_id, item_en = rng.choice(SONGKET_ACCENT_FASHION)
        style_id, style_en = "", ""
    else:
        item_id, item_en = rng.choice(FASHION_ITEMS)
        style_id, style_en = rng.choice(FASHION_STYLES)
    colour_id, colour_en = rng.choice(COLOURS)
    name_id = " ".join(x for x in (item_id, style_id, colour_id) if x)
    name_en = " ".join(x for x in (colour_en, style_en, item_en) if x)
    desc_id = (
        f"{item_id} {style_id} warna {colour_id.lower()}, dijahit rapi dengan kain yang "
        "nyaman dipakai sehari-hari.\n\nCuci dengan tangan, jangan diperas."
    )
    desc_en = (
        f"{colour_en} {style_en} {item_en.lower()}, neatly sewn from cloth that is "
        "comfortable every day.\n\nHand wash, do not wring."
    )
    first, second = rng.sample(SIZES, 2)
    options = [{"ukuran": first, "warna": colour_id}, {"ukuran": second, "warna": colour_id}]
    kind = "made_to_order" if rng.random() < 0.2 else "stock"
    return name_id, name_en, desc_id, desc_en, options, kind, (85_000, 950_000, 5_000), 400


def _cakes(rng: random.Random):
    item_id, item_en = rng.choice(CAKE_ITEMS)
    flavour_id, flavour_en = rng.choice(FLAVOURS)
    name_id = f"{item_id} {flavour_id}"
    name_en = f"{flavour_en} {item_en}"
    desc_id = (
        f"{item_id} rasa {flavour_id.lower()}, dipanggang pagi hari tanpa pengawet."
        "\n\nSimpan di tempat sejuk."
    )
    desc_en = (
        f"{item_en} with {flavour_en.lower()}, baked in the morning without "
        "preservatives.\n\nKeep somewhere cool."
    )
    first, second = rng.sample(PACKS, 2)
    options = [{"isi": first, "rasa": flavour_id}, {"isi": second, "rasa": flavour_id}]
    return name_id, name_en, desc_id, desc_en, options, "perishable", (18_000, 185_000, 1_000), 500


def _tempe(rng: random.Random):
    item_id, item_en, kind = rng.choice(TEMPE_ITEMS)
    style_id, style_en = rng.choice(TEMPE_STYLES)
    name_id = f"{item_id} {style_id}"
    name_en = f"{style_en} {item_en}"
    desc_id = (
        f"{item_id} {style_id.lower()} dari kedelai pilihan, dibuat di dapur produksi."
        "\n\nPesan sebelum pukul 10 untuk diantar hari ini."
    )
    desc_en = (
        f"{style_en} {item_en.lower()} from selected soybeans, made in the production "
        "kitchen.\n\nOrder before 10 am for delivery today."
    )
    first, second = sorted(rng.sample(WEIGHTS, 2), key=WEIGHTS.index)
    options = [{"berat": first}, {"berat": second}]
    return name_id, name_en, desc_id, desc_en, options, kind, (6_000, 45_000, 500), 250


def _crafts(rng: random.Random):
    if rng.random() < 0.10:
        item_id, item_en = rng.choice(SONGKET_ACCENT_CRAFTS)
        style_id, style_en = "", ""
    else:
        item_id, item_en = rng.choice(CRAFT_ITEMS)
        style_id, style_en = rng.choice(CRAFT_STYLES)
    colour_id, colour_en = rng.choice(COLOURS)
    name_id = " ".join(x for x in (item_id, style_id, colour_id) if x)
    name_en = " ".join(x for x in (colour_en, style_en, item_en) if x)
    desc_id = (
        f"{item_id} {style_id.lower()} buatan tangan, setiap buah sedikit berbeda."
        "\n\nCocok untuk oleh-oleh dari Palembang."
    )
    desc_en = (
        f"Handmade {style_en.lower()} {item_en.lower()}; no two are quite alike."
        "\n\nA good souvenir from Palembang."
    )
    second_colour = rng.choice(COLOURS)[0]
    options = [{"warna": colour_id}, {"warna": second_colour}]
    kind = "made_to_order" if rng.random() < 0.1 else "stock"
    return name_id, name_en, desc_id, desc_en, options, kind, (15_000, 650_000, 5_000), 300


GENERATORS = {
    "songket": _songket,
    "fashion": _fashion,
    "roti-kue": _cakes,
    "tempe": _tempe,
    "kerajinan": _crafts,
}
IMAGE_COLOURS = {
    "songket": ((122, 22, 38), (212, 170, 72)),
    "fashion": ((236, 242, 238), (36, 74, 140)),
    "roti-kue": ((246, 240, 226), (188, 124, 60)),
    "tempe": ((96, 160, 64), (232, 214, 178)),
    "kerajinan": ((196, 164, 112), (110, 70, 40)),
}
IMAGES_PER_FAMILY = 2


# --------------------------------------------------------------------------
# Cache key, schema and images.
# --------------------------------------------------------------------------


def schema_hash() -> str:
    """A hash of everything that decides a catalogue's content: migrations and this script."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    files += [ROOT / "migrations" / "env.py", Path(__file__).resolve()]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def catalogue_path(n: int) -> Path:
    return CACHE_DIR / f"catalogue-{n}-{schema_hash()}.db"


def migrate(db_path: Path) -> None:
    """Build the schema with the project's own migrations."""
    env = dict(os.environ)
    env.update(
        CANTIK_ENV="development",
        DATABASE_URL=f"sqlite:///{db_path}",
        MEDIA_ROOT=str(MEDIA_ROOT),
        FLASK_DEBUG="0",
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "storefront", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"migration failed for {db_path}")


def ensure_images() -> dict[str, list[tuple[str, int, int]]]:
    """A couple of stored images per family (keys reused by every product of the family)."""
    from PIL import Image, ImageDraw

    from storefront.media.storage import RENDITION_WIDTHS, rendition_path, store_image

    keys: dict[str, list[tuple[str, int, int]]] = {}
    size = 480
    for family, (ground, accent) in IMAGE_COLOURS.items():
        keys[family] = []
        for i in range(IMAGES_PER_FAMILY):
            key = f"bench-{family}-{i}"
            if not all(rendition_path(MEDIA_ROOT, key, w).exists() for w in RENDITION_WIDTHS):
                image = Image.new("RGB", (size, size), ground)
                draw = ImageDraw.Draw(image)
                step = 40 + 20 * i
                for x in range(-size, size, step):
                    draw.line([(x, 0), (x + size, size)], fill=accent, width=6)
                store_image(MEDIA_ROOT, image, key=key)
            keys[family].append((key, size, size))
    return keys


# --------------------------------------------------------------------------
# Rows.
# --------------------------------------------------------------------------


def _reference_rows(now: datetime):
    categories = [
        dict(
            id=i,
            slug=slug,
            name_id=nid,
            name_en=nen,
            description_id=did,
            description_en=den,
            position=i,
        )
        for i, (slug, nid, nen, did, den, _share) in enumerate(FAMILIES, start=1)
    ]
    programs = [
        dict(
            id=i,
            slug=slug,
            name_id=nid,
            name_en=nen,
            summary_id=sid,
            summary_en=sen,
            story_id=f"{sid}\n\nProgram ini berjalan sejak 2019.",
            story_en=f"{sen}\n\nThe programme has run since 2019.",
            premi_percent=split[0],
            pnbp_percent=split[1],
            capital_percent=split[2],
            is_active=True,
            created_at=now,
        )
        for i, (slug, nid, nen, sid, sen, split, _fams) in enumerate(PROGRAMS, start=1)
    ]
    partners = [
        dict(
            id=i,
            slug=slug,
            name=name,
            kind=kind,
            website=f"https://{slug}.example.org",
            logo_key=None,
            description_id=f"{name} mendukung program pelatihan Cantik.",
            description_en=f"{name} supports Cantik's training programmes.",
            is_active=active,
            created_at=now,
        )
        for i, (slug, name, kind, active) in enumerate(PARTNERS, start=1)
    ]
    partner_ids = {p["slug"]: p["id"] for p in partners}
    program_ids = {p["slug"]: p["id"] for p in programs}
    agreements = [
        dict(
            id=i,
            number=f"PKS/{i:03d}/LPP-PLG/{valid_from.year}",
            partner_id=partner_ids[partner],
            program_id=program_ids[program],
            support_kind=support,
            weight=weight,
            valid_from=valid_from,
            valid_to=valid_to,
            created_at=now,
        )
        for i, (partner, program, support, weight, valid_from, valid_to) in enumerate(
            AGREEMENTS, start=1
        )
    ]
    return categories, programs, partners, agreements


def _product_rows(n: int, images, now: datetime):
    """Yield (product, variants, image) row dicts in batches of BATCH products."""
    from slugify import slugify

    from storefront.catalog.search import build_search_text

    rng = random.Random(f"cantik-bench-{n}")
    families = [f[0] for f in FAMILIES]
    shares = [f[5] for f in FAMILIES]
    cat_ids = {f[0]: i for i, f in enumerate(FAMILIES, start=1)}
    cat_names = {f[0]: (f[1], f[2]) for f in FAMILIES}
    makers: dict[str, list[tuple[int, str, str]]] = {}
    for i, (_slug, nid, nen, *_rest, fams) in enumerate(PROGRAMS, start=1):
        for fam in fams:
            makers.setdefault(fam, []).append((i, nid, nen))
    featured = set(rng.sample(range(1, n + 1), min(n, 12)))
    start = now - timedelta(days=3 * 365)
    step = (now - start) / max(n, 1)

    batch = ([], [], [])
    for pid in range(1, n + 1):
        family = rng.choices(families, shares)[0]
        name_id, name_en, desc_id, desc_en, options, kind, (low, high, unit), grams = GENERATORS[
            family
        ](rng)
        program_id, program_id_name, program_en_name = rng.choice(makers[family])
        # Prices cluster at the low end of the family's range, as a shop's do.
        price = _round(low + (high - low) * rng.random() ** 2, unit)
        prices = [price, _round(price * rng.uniform(1.1, 1.5), unit)]
        if rng.random() < 0.3:
            stock = [0, 0]  # sold out / order book full
        else:
            stock = [rng.choice([0, 1, 2, 3, 5, 8, 12, 20]) for _ in range(2)]
        created = start + step * pid
        skus = [f"{family[:3].upper()}-{pid:06d}-{v}" for v in range(2)]
        search_text = build_search_text(
            name_id,
            name_en,
            desc_id,
            desc_en,
            *cat_names[family],
            program_id_name,
            program_en_name,
            " ".join(" ".join(str(x) for x in o.values()) for o in options),
            " ".join(skus),
        )
        batch[0].append(
            dict(
                id=pid,
                slug=f"{slugify(name_id)[:140]}-{pid}",
                category_id=cat_ids[family],
                program_id=program_id,
                name_id=name_id,
                name_en=name_en,
                description_id=desc_id,
                description_en=desc_en,
                kind=kind,
                lead_time_days=rng.randint(7, 60) if kind == "made_to_order" else None,
                shelf_life_days=rng.randint(2, 7) if kind == "perishable" else None,
                weight_grams=grams + rng.randint(0, grams),
                length_cm=rng.randint(10, 60),
                width_cm=rng.randint(10, 40),
                height_cm=rng.randint(2, 15),
                is_active=rng.random() >= 0.02,
                is_featured=pid in featured,
                price_from=min(prices),
                search_text=search_text,
                created_at=created,
                updated_at=created,
            )
        )
        batch[1].extend(
            dict(
                product_id=pid,
                sku=skus[v],
                options=options[v],
                price=prices[v],
                on_hand=stock[v],
                is_active=True,
                position=v,
            )
            for v in range(2)
        )
        key, width, height = rng.choice(images[family])
        batch[2].append(
            dict(
                product_id=pid,
                key=key,
                width=width,
                height=height,
                alt_id=name_id,
                alt_en=name_en,
                position=0,
            )
        )
        if len(batch[0]) >= BATCH:
            yield batch
            batch = ([], [], [])
    if batch[0]:
        yield batch


def build(n: int, path: Path) -> dict:
    """Migrate a fresh database at ``path`` and fill it with ``n`` products."""
    from sqlalchemy import create_engine, event, func, insert, select, text

    from storefront.catalog.models import Category, Product, ProductImage, Variant
    from storefront.impact.models import Agreement, Partner, TrainingProgram

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    migrate(path)
    timings["migrate_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    images = ensure_images()
    timings["images_s"] = time.perf_counter() - t0

    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast_build(dbapi_connection, _record):
        # Safe for a throwaway build: a crash just leaves a .tmp file to rebuild.
        dbapi_connection.execute("PRAGMA synchronous=OFF")
        dbapi_connection.execute("PRAGMA journal_mode=MEMORY")

    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # fixed, so the build is deterministic
    t0 = time.perf_counter()
    with engine.begin() as conn:
        categories, programs, partners, agreements = _reference_rows(now)
        conn.execute(insert(Category.__table__), categories)
        conn.execute(insert(TrainingProgram.__table__), programs)
        conn.execute(insert(Partner.__table__), partners)
        conn.execute(insert(Agreement.__table__), agreements)
        for products, variants, product_images in _product_rows(n, images, now):
            conn.execute(insert(Product.__table__), products)
            conn.execute(insert(Variant.__table__), variants)
            conn.execute(insert(ProductImage.__table__), product_images)
    timings["insert_s"] = time.perf_counter() - t0

    with engine.connect() as conn:
        active = conn.scalar(select(func.count()).where(Product.is_active.is_(True)))
        songket = conn.scalar(
            text("SELECT count(*) FROM product_fts WHERE product_fts MATCH '\"songket\"*'")
        )
        featured = conn.scalar(select(func.count()).where(Product.is_featured.is_(True)))
        # The product page the benchmark asks for: an active songket product in the
        # middle of the catalogue, whose programme has partners in force.
        sample = conn.execute(
            select(Product.slug, Product.id)
            .where(Product.is_active.is_(True), Product.category_id == 1, Product.id >= n // 2)
            .order_by(Product.id)
            .limit(1)
        ).one()
    engine.dispose()
    return {
        "n": n,
        "active_products": active,
        "songket_matches": songket,
        "featured": featured,
        "product_slug": sample.slug,
        "product_id": sample.id,
        "media_root": str(MEDIA_ROOT),
        "timings": {k: round(v, 2) for k, v in timings.items()},
        "size_bytes": path.stat().st_size,
    }


def ensure_catalogue(n: int, *, force: bool = False, log=print) -> tuple[Path, dict]:
    """The cached catalogue of ``n`` products and its metadata, building it if needed."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = catalogue_path(n)
    meta_path = path.with_suffix(".json")
    if not force and path.exists() and meta_path.exists():
        ensure_images()  # cheap; recreates the media if someone wiped it
        return path, json.loads(meta_path.read_text())

    for stale in CACHE_DIR.glob(f"catalogue-{n}-*"):
        stale.unlink()
    tmp = path.with_name(path.name + ".tmp")
    log(f"building catalogue of {n:,} products -> {path.relative_to(ROOT)}")
    t0 = time.perf_counter()
    meta = build(n, tmp)
    meta["timings"]["total_s"] = round(time.perf_counter() - t0, 2)
    meta["built_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    os.replace(tmp, path)
    meta["path"] = str(path)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    log(f"  built in {meta['timings']['total_s']:.1f} s ({meta['timings']})")
    return path, meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="+", help="number of products")
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args()
    for n in args.n:
        path, meta = ensure_catalogue(n, force=args.force)
        print(path)
        print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
