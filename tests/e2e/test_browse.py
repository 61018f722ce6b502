"""A buyer on a phone browses the shop in headless Chromium, in Indonesian and then English.

Home → family (from the navigation) → product, in both languages, with the
language switched from the header to the English pages under /en/, whose
links stay English. Along the way the
test checks the skip link is the first thing Tab reaches, that no image is
broken, that nothing is logged to the console (the pages run under a strict
CSP) and that no request fails. A full-page screenshot of each step is saved
in the test's ``tmp_path``.

Needs Chromium at /usr/bin/chromium (``apt-get install -y chromium``); the
module is skipped without it, unless CANTIK_REQUIRE_BROWSER=1 (as in CI), in
which case a missing or unlaunchable browser is a failure. Playwright never
downloads a browser here: it drives the system Chromium through
``executable_path``. The launch, the phone tab and the problem tracking live in
``browser_support``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from browser_support import browser_fixture, phone_fixture, problems_fixture  # noqa: F401
from browser_support import snap as _snap
from factories import make_agreement, make_category, make_partner, make_product, make_program
from playwright.sync_api import Page, expect

from storefront.extensions import db
from storefront.timeutil import shop_today

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(app):
    """Three families, two programmes, a partner with an agreement in force, six products."""
    media = app.config["MEDIA_ROOT"]
    songket = make_category("songket", "Songket", "Songket")
    bakery = make_category("roti-kue", "Roti & Kue", "Bread & Cakes")
    fashion = make_category("busana", "Busana", "Fashion")
    weaving = make_program("tenun-songket", "Tenun Songket", "Songket Weaving")
    baking = make_program("tata-boga", "Tata Boga", "Baking", split=(45, 35, 20))
    dekranasda = make_partner("dekranasda-sumsel", "Dekranasda Sumatera Selatan")
    today = shop_today()
    make_agreement(
        dekranasda,
        weaving,
        valid_from=today - timedelta(days=100),
        valid_to=today + timedelta(days=300),
        support_kind="marketing",
    )
    make_product(
        songket,
        weaving,
        slug="songket-lepus",
        name_id="Kain Songket Lepus",
        name_en="Lepus Songket Cloth",
        kind="made_to_order",
        prices=(2_500_000, 3_750_000),
        on_hand=3,
        lead_time_days=30,
        featured=True,
        media_root=media,
        options={"motif": "Lepus"},
        description_id="Kain songket tenun tangan dengan benang emas.",
        description_en="Hand-woven songket cloth with gold thread.",
    )
    make_product(
        songket,
        weaving,
        slug="songket-tabur",
        name_id="Selendang Songket Tabur",
        name_en="Tabur Songket Shawl",
        prices=(850_000,),
        on_hand=0,
        media_root=media,
    )
    make_product(
        songket,
        weaving,
        slug="songket-bungo",
        name_id="Kain Songket Bungo Pacik",
        name_en="Bungo Pacik Songket Cloth",
        prices=(1_200_000,),
        on_hand=4,
        media_root=media,
    )
    make_product(
        bakery,
        baking,
        slug="bolu-kojo",
        name_id="Bolu Kojo Pandan",
        name_en="Pandan Kojo Cake",
        kind="perishable",
        prices=(65_000,),
        shelf_life_days=3,
        featured=True,
        media_root=media,
    )
    make_product(
        bakery,
        baking,
        slug="kue-maksuba",
        name_id="Kue Maksuba",
        name_en="Maksuba Layer Cake",
        prices=(120_000,),
        on_hand=2,
        media_root=media,
    )
    make_product(
        fashion,
        weaving,
        slug="kebaya-songket",
        name_id="Kebaya Kombinasi Songket",
        name_en="Kebaya with Songket Trim",
        prices=(450_000,),
        on_hand=6,
        media_root=media,
    )
    db.session.commit()  # the server thread reads through its own sessions


# The listing shows the newest first.
SONGKET_ID = ["Kain Songket Bungo Pacik", "Selendang Songket Tabur", "Kain Songket Lepus"]
SONGKET_EN = ["Bungo Pacik Songket Cloth", "Tabur Songket Shawl", "Lepus Songket Cloth"]


def _families_nav(page: Page, name: str):
    return page.get_by_role("navigation", name=name, exact=True)


def test_buyer_browses_home_family_product_in_both_languages(
    catalogue, live_server, phone, problems, tmp_path
):
    page = phone
    shots: list[Path] = []

    # -- Indonesian (the default for an Indonesian browser) -------------------------------
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dibuat dengan keterampilan, dijual dengan tujuan"
    )
    shots.append(_snap(page, tmp_path / "01-home-id.png"))

    # Keyboard: the first Tab reaches the skip link, which shows itself and jumps to <main>.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    _families_nav(page, "Kategori produk").get_by_role("link", name="Songket", exact=True).click()
    expect(page).to_have_url(re.compile(r"/products\?category=songket$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Songket")
    expect(
        _families_nav(page, "Kategori produk").get_by_role("link", name="Songket", exact=True)
    ).to_have_attribute("aria-current", "page")
    cards = page.get_by_role("list", name="Produk", exact=True)
    expect(cards.locator(".card-name")).to_have_text(SONGKET_ID, use_inner_text=True)
    expect(cards.get_by_text("Rp850.000")).to_be_visible()
    shots.append(_snap(page, tmp_path / "02-songket-id.png"))

    cards.get_by_role("link", name="Kain Songket Lepus").click()
    expect(page).to_have_url(re.compile(r"/products/songket-lepus$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kain Songket Lepus")
    expect(page.locator("#price")).to_have_text("Rp2.500.000")
    story = page.get_by_role("region", name="Dibuat dalam program Tenun Songket")
    expect(story).to_be_visible()
    expect(story.get_by_role("link", name="Dekranasda Sumatera Selatan")).to_be_visible()
    expect(page.locator("img.main-photo")).to_have_js_property("complete", True)
    shots.append(_snap(page, tmp_path / "03-product-id.png"))

    # -- Switch to English from the header --------------------------------------------------
    page.get_by_role("navigation", name="Bahasa dan keranjang").get_by_role(
        "link", name="English"
    ).click()
    expect(page).to_have_url(re.compile(r"/en/products/songket-lepus$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lepus Songket Cloth")
    expect(page.locator("#price")).to_have_text("Rp2,500,000")
    story = page.get_by_role("region", name="Made in the Songket Weaving programme")
    expect(story).to_be_visible()
    expect(story.get_by_role("heading", name="Supported by")).to_be_visible()
    expect(story.get_by_role("link", name="Dekranasda Sumatera Selatan")).to_be_visible()
    expect(page.get_by_role("link", name="Bahasa Indonesia")).to_be_visible()
    shots.append(_snap(page, tmp_path / "04-product-en.png"))

    # -- Links on English pages lead to English pages ----------------------------------------
    page.get_by_role("link", name="Cantik Palembang", exact=True).click()
    expect(page).to_have_url(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Made with skill, sold with purpose")
    shots.append(_snap(page, tmp_path / "05-home-en.png"))

    _families_nav(page, "Product families").get_by_role("link", name="Songket", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/products\?category=songket$"))
    cards = page.get_by_role("list", name="Products", exact=True)
    expect(cards.locator(".card-name")).to_have_text(SONGKET_EN, use_inner_text=True)
    expect(cards.get_by_text("Rp850,000")).to_be_visible()
    shots.append(_snap(page, tmp_path / "06-songket-en.png"))

    cards.get_by_role("link", name="Lepus Songket Cloth").click()
    expect(page).to_have_url(re.compile(r"/en/products/songket-lepus$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lepus Songket Cloth")
    expect(page.locator("#price")).to_have_text("Rp2,500,000")
    expect(page.get_by_role("region", name="Made in the Songket Weaving programme")).to_be_visible()
    shots.append(_snap(page, tmp_path / "07-product-en.png"))

    for shot in shots:
        assert shot.is_file() and shot.stat().st_size > 0, shot
    assert problems.messages == []
