"""A buyer on a phone chooses a variant, looks at the photos and adds it to the cart.

In headless Chromium at 390 x 844: the first photo and the add-to-cart button
are on the first screen; the family bar scrolls sideways and shows it;
choosing the large size changes the price, the stock line, the SKU, the photo
and the URL without a reload; a thumbnail swaps the gallery's photo and the
zoom opens it enlarged; adding the large size lands in the cart with that
size and an announced message; asking for more than the stock keeps the buyer on the
page with a message naming the product. (The quantity field's maximum is the
stock, so the browser itself stops a larger number; the message is for what
is already in the cart.) Nothing is logged to the
console and no request fails. Screenshots go to the test's ``tmp_path``.

Skipped without Chromium, unless CANTIK_REQUIRE_BROWSER=1 (see ``browser_support``).
"""

from __future__ import annotations

import re

import pytest
from browser_support import browser_fixture, phone_fixture, problems_fixture, snap  # noqa: F401
from factories import make_category, make_product, make_program
from PIL import Image
from playwright.sync_api import expect

from storefront.catalog.models import ProductImage
from storefront.extensions import db
from storefront.media.storage import store_image

pytestmark = pytest.mark.browser


@pytest.fixture
def kebaya(app):
    """A kebaya in M and L, the L with a photo of its own, among enough families to scroll."""
    media = app.config["MEDIA_ROOT"]
    program = make_program("tata-busana", "Tata Busana", "Dressmaking")
    fashion = make_category("busana", "Busana", "Fashion")
    for slug, name in (
        ("songket", "Songket"),
        ("roti-kue", "Roti & Kue"),
        ("tempe", "Tempe"),
        ("kerajinan", "Kerajinan Tangan"),
    ):
        make_category(slug, name, name)
    product = make_product(
        fashion,
        program,
        slug="kebaya-kombinasi",
        name_id="Kebaya Kombinasi Songket",
        name_en="Kebaya with Songket Trim",
        prices=(450_000, 525_000),
        on_hand=4,
    )
    medium, large = product.variants
    medium.options, large.options = {"ukuran": "M"}, {"ukuran": "L"}
    large.on_hand = 2
    for position, (colour, variant) in enumerate(
        (((150, 30, 40), None), ((30, 60, 120), large), ((40, 120, 60), None))
    ):
        stored = store_image(media, Image.new("RGB", (800, 800), colour))
        product.images.append(
            ProductImage(
                key=stored.key,
                width=stored.width,
                height=stored.height,
                alt_id=f"Kebaya, foto {position + 1}",
                alt_en=f"Kebaya, photo {position + 1}",
                position=position,
                variant_id=variant.id if variant else None,
            )
        )
    db.session.commit()  # the server thread reads through its own sessions
    return {"large": large.id, "large_sku": large.sku, "images": product.images}


def test_buyer_chooses_a_variant_sees_it_and_adds_it_on_a_phone(
    kebaya, live_server, phone, problems, tmp_path
):
    page = phone
    page.goto(live_server.url + "/products/kebaya-kombinasi")
    photo = page.locator("img.main-photo")
    add_button = page.get_by_role("button", name="Tambah ke keranjang")
    expect(photo).to_be_in_viewport()
    expect(add_button).to_be_in_viewport()
    expect(page.locator("#price")).to_have_text("Rp450.000")
    snap(page, tmp_path / "01-product.png")

    families = page.get_by_role("navigation", name="Kategori produk", exact=True)
    overflow = families.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow > 0, "the family bar should be wider than a phone here"
    assert "gradient" in families.evaluate("el => getComputedStyle(el).backgroundImage")

    # Choosing the large size: price, stock, SKU, photo and URL follow, without a reload.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("radio", name=re.compile("Ukuran: L")).check()
    expect(page.locator("#price")).to_have_text("Rp525.000")
    expect(page.locator("#sku")).to_have_text(kebaya["large_sku"])
    expect(page.locator("#stock-text")).to_have_text("Tinggal 2")
    expect(page).to_have_url(re.compile(rf"/products/kebaya-kombinasi\?variant={kebaya['large']}$"))
    large_photo = kebaya["images"][1].key
    expect(photo).to_have_attribute("src", re.compile(rf"/media/{large_photo}-640\.webp"))
    assert page.evaluate("window.notReloaded") is True
    snap(page, tmp_path / "02-large.png")

    # A thumbnail shows its photo in the gallery; the zoom enlarges it.
    third = kebaya["images"][2].key
    page.get_by_role("link", name="Tampilkan foto 3 dari 3").click()
    expect(photo).to_have_attribute("src", re.compile(rf"/media/{third}-640\.webp"))
    assert page.evaluate("window.notReloaded") is True
    page.get_by_role("button", name="Perbesar").click()
    zoom = page.get_by_role("dialog", name="Foto diperbesar")
    expect(zoom).to_be_visible()
    expect(zoom.locator("img")).to_have_attribute("src", re.compile(rf"{third}-960\.webp"))
    snap(page, tmp_path / "03-zoom.png")
    zoom.get_by_role("button", name="Tutup").click()
    expect(zoom).to_be_hidden()

    # Adding the large size: the cart has it, and says so to screen readers too.
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page).to_have_url(live_server.url + "/cart")
    expect(page.get_by_role("status").filter(has_text="Ditambahkan")).to_have_text(
        "Ditambahkan ke keranjang."
    )
    expect(page.get_by_text("Ukuran: L")).to_be_visible()
    snap(page, tmp_path / "04-cart.png")

    # More than the stock (one is in the cart already): back on the product, told why.
    page.go_back()
    expect(page.get_by_role("radio", name=re.compile("Ukuran: L"))).to_be_checked()
    page.get_by_label("Jumlah", exact=True).fill("2")
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page).to_have_url(re.compile(rf"/products/kebaya-kombinasi\?variant={kebaya['large']}$"))
    expect(page.get_by_role("status").filter(has_text="Kebaya Kombinasi Songket")).to_have_text(
        "Kebaya Kombinasi Songket hanya tersedia 2. 1 sudah ada di keranjang Anda."
    )
    expect(page.locator("#price")).to_have_text("Rp525.000")
    snap(page, tmp_path / "05-too-many.png")
    assert problems.messages == []
