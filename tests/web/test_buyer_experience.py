"""What a new buyer tripped over, each point as the buyer would notice it coming back.

The product page (variants, gallery, stock messages, phone bar, JSON-LD),
forgiving search and honest listings, checkout that prices delivery before
the review and knows Palembang's districts and postal codes, one way of
writing times, English pages that stay English, and the shop's information
pages.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from factories import make_agreement, make_category, make_partner, make_product, make_program
from payment_support import text_of
from PIL import Image
from sqlalchemy import select

from storefront.catalog import services as catalog_services
from storefront.catalog.models import ProductImage
from storefront.checkout.shipping import zone_for
from storefront.extensions import db
from storefront.media.storage import store_image
from storefront.orders.models import ShippingRate

CONTACT = {"name": "Sari Wulandari", "email": "sari@example.com", "phone": "0812-3456-7890"}


def add_photo(product, media_root, size, *, variant=None, position=0, key=None):
    """Store a photo ``size`` (width, height) for ``product`` and attach it."""
    stored = store_image(media_root, Image.new("RGB", size, (120, 30, 40)), key=key)
    image = ProductImage(
        key=stored.key,
        width=stored.width,
        height=stored.height,
        alt_id=f"Foto {position + 1}",
        alt_en=f"Photo {position + 1}",
        position=position,
        variant_id=variant.id if variant else None,
    )
    product.images.append(image)
    db.session.flush()
    return image


@pytest.fixture
def shop(app):
    """Songket made to order in three motifs (the cheapest sold out), a kebaya, a cake."""
    media = app.config["MEDIA_ROOT"]
    songket = make_category("songket", "Songket", "Songket")
    fashion = make_category("busana", "Busana", "Fashion")
    bakery = make_category("roti-kue", "Roti & Kue", "Bread & Cakes")
    weaving = make_program("tenun-songket", "Tenun Songket", "Songket Weaving")
    baking = make_program("tata-boga", "Tata Boga", "Baking", split=(45, 35, 20))
    partner = make_partner("dekranasda-sumsel", "Dekranasda Sumatera Selatan")
    make_agreement(partner, weaving, valid_from=date.today() - timedelta(days=10))
    lepus = make_product(
        songket,
        weaving,
        slug="songket-lepus",
        name_id="Kain Songket Lepus",
        name_en="Lepus Songket Cloth",
        kind="made_to_order",
        prices=(3_750_000, 2_000_000, 2_500_000),
        on_hand=3,
        lead_time_days=30,
    )
    for variant, motif in zip(
        lepus.variants, ("Bunga Tabur", "Lepus Polos", "Lepus Berakam"), strict=True
    ):
        variant.options = {"motif": motif}
    lepus.variants[1].on_hand = 0  # the cheapest motif is sold out
    add_photo(lepus, media, (800, 600), position=0)
    add_photo(lepus, media, (800, 600), position=1, variant=lepus.variants[2])
    add_photo(lepus, media, (64, 64), position=2)
    kebaya = make_product(
        fashion,
        weaving,
        slug="kebaya-kombinasi",
        name_id="Kebaya Kombinasi Songket",
        name_en="Kebaya with Songket Trim",
        prices=(450_000,),
        on_hand=6,
        options={"ukuran": "M", "warna": "Merah"},
    )
    add_photo(kebaya, media, (64, 64))
    bolu = make_product(
        bakery,
        baking,
        slug="bolu-kojo",
        name_id="Bolu Kojo Pandan",
        name_en="Pandan Kojo Cake",
        kind="perishable",
        prices=(65_000,),
        on_hand=10,
    )
    db.session.flush()
    catalog_services.refresh_derived_columns(lepus)
    db.session.commit()
    return {"lepus": lepus, "kebaya": kebaya, "bolu": bolu}


def radios(page: str) -> dict[str, str]:
    """Each variant radio's HTML by its value."""
    return {
        m.group(1): m.group(0)
        for m in re.finditer(
            r'<input type="radio" id="v\d+" name="variant_id" value="(\d+)"[^>]*>', page
        )
    }


def card_names(response) -> list[str]:
    return re.findall(r'class="card-name">([^<]+)<', text_of(response))


# --- The product page ---------------------------------------------------------------------


def test_each_variant_carries_what_the_script_shows_when_it_is_chosen(client, shop):
    page = text_of(client.get("/products/songket-lepus"))
    dear, cheap, middle = shop["lepus"].variants
    found = radios(page)
    assert 'data-price="Rp3.750.000"' in found[str(dear.id)]
    assert f'data-sku="{dear.sku}"' in found[str(dear.id)]
    assert 'data-stock="Menerima pesanan"' in found[str(dear.id)]
    assert 'data-photo="1"' in found[str(middle.id)]  # the photo of that motif
    assert " disabled" in found[str(cheap.id)]
    assert '<span id="sku">' in page and '<span id="stock-text">' in page
    assert re.search(r'<script src="/static/js/product\.js[^"]*" defer></script>', page)
    script = (Path(__file__).parents[2] / "static/js/product.js").read_text()
    for piece in ("price.textContent", "sku.textContent", "stockText.textContent", "replaceState"):
        assert piece in script


def test_the_page_opens_on_the_cheapest_variant_that_can_be_bought(client, shop):
    dear, cheap, middle = shop["lepus"].variants
    page = text_of(client.get("/products/songket-lepus"))
    assert 'id="price">Rp2.500.000' in page  # not the first listed, not the sold-out cheapest
    assert re.findall(r'id="v(\d+)"[^>]*\schecked', page) == [str(middle.id)]
    middle.on_hand = 0
    db.session.commit()
    assert 'id="price">Rp3.750.000' in text_of(client.get("/products/songket-lepus"))


def test_thumbnails_open_in_the_gallery_never_the_bare_file(client, shop):
    page = text_of(client.get("/products/songket-lepus"))
    thumbs = re.findall(r'<ul class="thumbs".*?</ul>', page, re.S)[0]
    links = [unescape(h) for h in re.findall(r'<a href="([^"]+)"', thumbs)]
    assert len(links) == 3
    assert all(link.startswith("/products/songket-lepus?") for link in links)
    assert not any(".webp" in link for link in links)
    second = shop["lepus"].images[1]
    shown = text_of(client.get(links[0].replace("photo=0", "photo=1")))
    main = re.search(r'<img class="main-photo"[^>]*>', shown).group(0)
    assert f"/media/{second.key}-640.webp" in main
    assert '<dialog class="zoom" id="zoom"' in page and "data-zoom" in page


def test_srcset_names_each_file_at_the_width_it_really_has(client, shop):
    page = text_of(client.get("/products/songket-lepus?photo=0"))
    big, _, small = shop["lepus"].images
    main = re.search(r'<img class="main-photo"[^>]*>', page).group(0)
    assert (
        f'srcset="/media/{big.key}-320.webp 320w, /media/{big.key}-640.webp 640w, '
        f'/media/{big.key}-960.webp 800w"' in main
    )
    assert f'srcset="/media/{small.key}-320.webp 64w"' in page
    assert "960w" not in page  # no file is 960 px wide
    listing = text_of(client.get("/products?category=busana"))
    kebaya = shop["kebaya"].images[0]
    assert f'srcset="/media/{kebaya.key}-320.webp 64w"' in listing
    assert f"{kebaya.key}-640.webp" not in listing


@pytest.mark.parametrize("value", ["²", "٣", "-1", "99", "1" * 30, ""])
def test_odd_photo_and_variant_numbers_open_the_page_as_usual(client, shop, value):
    response = client.get(
        "/products/songket-lepus", query_string={"photo": value, "variant": value}
    )
    assert response.status_code == 200
    assert 'id="price">Rp2.500.000' in text_of(response)


def test_a_variant_with_its_own_photo_opens_on_it(client, shop):
    middle = shop["lepus"].variants[2]
    photo = shop["lepus"].images[1]
    page = text_of(client.get(f"/products/songket-lepus?variant={middle.id}"))
    main = re.search(r'<img class="main-photo"[^>]*>', page).group(0)
    assert f"/media/{photo.key}-640.webp" in main


def test_on_phones_the_add_row_is_fixed_at_the_foot_of_the_screen(client, shop):
    page = text_of(client.get("/products/kebaya-kombinasi"))
    row = re.search(r'<div class="add-row">.*?</div>', page, re.S).group(0)
    assert '<button type="submit">Tambah ke keranjang</button>' in row
    assert '<span class="add-row-price" data-price-mirror aria-hidden="true">Rp450.000' in row
    assert page.count(">Tambah ke keranjang</button>") == 1  # one button, for every reader
    css = (Path(__file__).parents[2] / "static/css/shop.css").read_text()
    phones = css[css.index("@media (max-width: 63.99em)") :]
    assert re.search(r"\.add-row \{ position: fixed; left: 0; right: 0; bottom: 0;", phones)


def test_made_to_order_offers_are_pre_orders_in_json_ld(client, shop):
    def offers(url):
        raw = re.search(
            r'<script type="application/ld\+json">(.*?)</script>', text_of(client.get(url)), re.S
        ).group(1)
        return {o["sku"]: o["availability"] for o in json.loads(raw)["offers"]}

    dear, cheap, middle = shop["lepus"].variants
    lepus = offers("/products/songket-lepus")
    assert lepus[dear.sku] == "https://schema.org/PreOrder"
    assert lepus[cheap.sku] == "https://schema.org/OutOfStock"
    assert set(offers("/products/kebaya-kombinasi").values()) == {"https://schema.org/InStock"}


def test_the_added_to_cart_message_is_announced(client, shop):
    response = client.post(
        "/cart/add", data={"variant_id": shop["kebaya"].variants[0].id, "quantity": "1"}
    )
    page = text_of(client.get(response.location))
    assert re.search(
        r'<div class="flashes" role="status" aria-live="polite" data-announce>'
        r'<p class="flash success">Ditambahkan ke keranjang\.</p>',
        page,
    )
    assert re.search(r'<script src="/static/js/shop\.js[^"]*" defer>', page)


# --- Search and lists ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,found",
    [
        ("sonket", ["Kebaya Kombinasi Songket", "Kain Songket Lepus"]),
        ("kebya", ["Kebaya Kombinasi Songket"]),
        ("kebya merah", ["Kebaya Kombinasi Songket"]),
        ("sonket lepsu", ["Kain Songket Lepus"]),
        ("pandan", ["Bolu Kojo Pandan"]),
    ],
)
def test_misspelt_words_still_find_the_product(client, shop, typed, found):
    response = client.get("/products", query_string={"q": typed})
    assert card_names(response) == found


def test_a_correction_is_said_and_nonsense_still_finds_nothing(client, shop):
    page = text_of(client.get("/products?q=sonket"))
    assert "“sonket” tidak ada di katalog kami; menampilkan hasil untuk “songket”." in page
    assert "Tidak ada produk" in text_of(client.get("/products?q=zzzqqq"))
    assert card_names(client.get("/products?q=kbx")) == []  # too short to guess from


def test_listings_say_how_many_products_and_show_the_filters_as_removable_chips(client, shop):
    page = text_of(client.get("/products?category=songket&in_stock=1&min_price=100000"))
    assert '<p class="result-count" role="status">1 produk</p>' in page
    chips = re.search(r'<ul class="chips".*?</ul>', page, re.S).group(0)
    removes = {
        unescape(label): unescape(href)
        for href, label in re.findall(
            r'<a class="chip" href="([^"]+)"><span class="visually-hidden">Hapus filter: </span>'
            r"([^<]+)<",
            chips,
        )
    }
    assert removes == {
        "Songket": "/products?min_price=100000&in_stock=1",
        "Hanya yang tersedia": "/products?category=songket&min_price=100000",
        "Mulai Rp100.000": "/products?category=songket&in_stock=1",
    }
    assert 'href="/products">Hapus semua</a>' in chips
    assert "3 produk" in text_of(client.get("/products"))
    assert 'class="chips"' not in text_of(client.get("/products"))


def test_counts_stop_at_a_limit_so_a_big_catalogue_stays_fast(client, shop, monkeypatch):
    monkeypatch.setattr(catalog_services, "COUNT_LIMIT", 2)
    assert "Lebih dari 2 produk" in text_of(client.get("/products"))
    assert "2 produk" in text_of(client.get("/products?q=songket"))


def test_the_listing_url_carries_only_the_filters_in_use(client, shop):
    sent = "/products?q=&category=songket&program=&kind=&min_price=&max_price=&sort=newest"
    response = client.get(sent)
    assert response.status_code == 302 and response.location == "/products?category=songket"
    assert client.get("/products?category=songket&page=1").location == "/products?category=songket"
    assert client.get("/products?category=songket&sort=price_asc").status_code == 200
    form = text_of(client.get("/products"))
    assert "data-tidy-url" in form and 'data-default-value="newest"' in form


# --- Checkout -----------------------------------------------------------------------------


def add(client, product, quantity=1):
    return client.post(
        "/cart/add", data={"variant_id": product.variants[0].id, "quantity": quantity}
    )


def send_details(client, **fields):
    data = {**CONTACT, "payment_method": "bank_transfer", **fields}
    return client.post("/checkout", data=data)


def test_every_delivery_option_shows_its_price_and_time_before_the_review(client, shop):
    add(client, shop["kebaya"])
    page = text_of(client.get("/checkout"))
    details = dict(re.findall(r'data-option="(\w+)">(.*?)</span></label>', page, re.S))
    assert "Gratis" in details["pickup"] and "hari kerja berikutnya" in details["pickup"]
    assert "Rp25.000" in details["same_day"] and "14.00 WIB" in details["same_day"]
    assert "Rp10.000 sampai Rp56.000" in details["courier"]
    assert "1–8 hari kerja, tergantung alamat" in details["courier"]
    # Once the address is known, the exact price and time of its zone.
    send_details(
        client,
        delivery_method="courier",
        province="Jawa Barat",
        city="Bandung",
        address_line="Jl. Braga 12",
        postal_code="40111",
    )
    page = text_of(client.get("/checkout"))
    courier = dict(re.findall(r'data-option="(\w+)">(.*?)</span></label>', page, re.S))["courier"]
    assert "Rp34.000" in courier and "3–5 hari kerja" in courier
    assert "hanya untuk alamat di Palembang" in page  # same-day, for a Bandung address


def test_the_script_gets_the_prices_for_the_address_being_typed(client, shop):
    add(client, shop["kebaya"])
    answer = client.get(
        "/checkout/delivery-options",
        query_string={
            "delivery_method": "courier",
            "province": "Sumatera Selatan",
            "city": "Kertapati",
            "postal_code": "",
        },
    ).get_json()
    assert "Rp10.000" in answer["options"]["courier"]["html"]
    assert answer["options"]["same_day"]["available"] is True
    assert "Rp460.000" in answer["totals"]  # 450,000 + the city courier rate
    script = (Path(__file__).parents[2] / "static/js/checkout.js").read_text()
    assert "/checkout/delivery-options" not in script and "pricesUrl" in script


def test_the_order_summary_sits_beside_the_form_and_lists_each_variant(client, shop):
    add(client, shop["kebaya"], 2)
    page = text_of(client.get("/checkout"))
    summary = re.search(r'<aside class="order-summary".*?</aside>', page, re.S).group(0)
    assert "Kebaya Kombinasi Songket" in summary and "Ukuran: M, Warna: Merah" in summary
    assert "2 × Rp450.000" in summary and "Rp900.000" in summary
    assert page.index('class="order-summary"') < page.index('class="checkout-form"')  # phones
    css = (Path(__file__).parents[2] / "static/css/shop.css").read_text()
    assert ".order-summary { grid-column: 2; grid-row: 1; position: sticky;" in css  # wide
    assert (
        '.checkout-form:has(input[name="delivery_method"][value="pickup"]:checked) '
        ".address-fields { display: none; }" in css
    )
    assert '<fieldset class="address-fields">' in page


def test_the_review_lists_every_line_with_its_variant(client, shop):
    add(client, shop["kebaya"])
    client.post("/cart/add", data={"variant_id": shop["lepus"].variants[0].id, "quantity": "1"})
    send_details(client, delivery_method="pickup")
    review = text_of(client.get("/checkout/review"))
    assert "Ukuran: M, Warna: Merah" in review
    assert "Motif: Bunga Tabur" in review
    assert 'data-label="Jumlah"' in review


@pytest.mark.parametrize(
    "city,postal_code",
    [("Plaju, Palembang", "30268"), ("Plaju", "30268"), ("Bagus Kuning", "30263")],
)
def test_palembang_is_known_by_its_districts_and_postal_codes(client, shop, city, postal_code):
    add(client, shop["kebaya"])
    address = {
        "province": "Sumatera Selatan",
        "city": city,
        "address_line": "Jl. DI Panjaitan 5",
        "postal_code": postal_code,
    }
    assert send_details(client, delivery_method="same_day", **address).status_code == 303
    review = text_of(client.get("/checkout/review"))
    assert "Rp25.000" in review  # same-day in the city
    assert "Palembang" in review
    assert send_details(client, delivery_method="courier", **address).status_code == 303
    assert "Rp10.000" in text_of(client.get("/checkout/review"))  # the city courier rate


def test_zones_by_name_district_and_postal_code():
    south = "Sumatera Selatan"
    assert zone_for(south, "Kota Palembang") == "palembang"
    assert zone_for(south, "Seberang Ulu 1") == "palembang"
    assert zone_for(south, "ilir barat ii") == "palembang"
    assert zone_for(south, "Alang Alang Lebar") == "palembang"
    assert zone_for(south, "", "30263") == "palembang"
    assert zone_for(south, "Talang Betutu", "30961") == "palembang"
    assert zone_for(south, "Indralaya", "30662") == "sumsel"  # Ogan Ilir
    assert zone_for(south, "Sukarami, Kabupaten Lahat") == "sumsel"
    assert zone_for("Jawa Barat", "Plaju", "30263") == "java"


def test_a_palembang_postal_code_in_another_province_is_pointed_out(client, shop):
    add(client, shop["kebaya"])
    response = send_details(
        client,
        delivery_method="courier",
        province="Jawa Barat",
        city="Plaju",
        address_line="Jl. X",
        postal_code="30263",
    )
    assert response.status_code == 400
    assert "Kode pos 30263 ada di Palembang, Sumatera Selatan." in text_of(response)


def test_the_city_field_suggests_known_cities_regencies_and_districts(client, shop):
    add(client, shop["kebaya"])
    page = text_of(client.get("/checkout"))
    assert re.search(r'<input[^>]*id="city"[^>]*list="known-places"', page)
    places = re.search(r'<datalist id="known-places">(.*?)</datalist>', page, re.S).group(1)
    for place in ("Kota Palembang", "Plaju, Palembang", "Kabupaten Ogan Ilir", "Kota Bandung"):
        assert f'<option value="{place}">' in places


def test_checkout_links_to_the_shop_information(client, shop):
    add(client, shop["kebaya"])
    page = text_of(client.get("/checkout"))
    for slug in ("shipping", "returns", "privacy", "terms", "contact"):
        assert f'href="/{slug}"' in page


# --- Times --------------------------------------------------------------------------------


def test_times_read_the_same_everywhere_and_name_the_zone(app):
    from flask_babel import refresh

    from storefront.templating import shop_date, shop_datetime

    moment = datetime(2026, 12, 4, 20, 14, tzinfo=UTC)  # 03.14 the next morning in Palembang
    with app.test_request_context("/"):
        assert shop_datetime(moment) == "5 Desember 2026, 03.14 WIB"
        assert shop_datetime(moment.replace(tzinfo=None)) == "5 Desember 2026, 03.14 WIB"
        assert shop_date(moment) == "5 Desember 2026"
        render = app.jinja_env.from_string("{{ t | shop_datetime }}|{{ t | datetime_short }}")
        assert render.render(t=moment) == "5 Desember 2026, 03.14 WIB|5 Desember 2026, 03.14 WIB"
    with app.test_request_context("/en/"):
        refresh()
        assert shop_datetime(moment) == "5 December 2026, 03:14 WIB"
        assert shop_date(date(2026, 12, 5)) == "5 December 2026"


def test_agreement_dates_use_the_shop_date(client, shop):
    page = text_of(client.get("/en/partners/dekranasda-sumsel"))
    start = date.today() - timedelta(days=10)
    assert f"{start.day} {start:%B} {start.year}" in page


# --- English ------------------------------------------------------------------------------

INDONESIAN_WORDS = ("Keranjang", "Masuk", "Cari", "Semua", "Pengiriman", "Senin", "a.n.", "buka")


@pytest.mark.parametrize(
    "url",
    ["/en/", "/en/products", "/en/products/songket-lepus", "/en/contact", "/en/shipping"],
)
def test_no_indonesian_leaks_into_english_pages(client, shop, url):
    page = re.sub(r"<[^>]+>", " ", text_of(client.get(url)))
    page = page.replace("Bahasa Indonesia", "")  # the language switch names itself
    leaks = [word for word in INDONESIAN_WORDS if re.search(rf"\b{re.escape(word)}\b", page)]
    assert leaks == [], url


def test_configured_shop_texts_exist_in_both_languages(app, client, shop):
    english = text_of(client.get("/en/contact"))
    assert app.config["SHOP_ADDRESS_EN"] in english and app.config["SHOP_HOURS_EN"] in english
    assert app.config["SHOP_HOURS_ID"] not in english
    indonesian = text_of(client.get("/contact"))
    assert app.config["SHOP_HOURS_ID"] in indonesian
    assert unescape(app.config["BANK_ACCOUNT_EN"]) in unescape(text_of(client.get("/en/terms")))
    assert unescape(app.config["BANK_ACCOUNT_ID"]) in unescape(text_of(client.get("/terms")))


# --- Trust --------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["shipping", "returns", "privacy", "terms", "contact"])
def test_information_pages_exist_in_both_languages_linked_from_the_footer(client, shop, slug):
    site = "http://127.0.0.1:5000"
    for prefix, lang in (("", "id"), ("/en", "en")):
        response = client.get(f"{prefix}/{slug}")
        page = text_of(response)
        assert response.status_code == 200 and f'<html lang="{lang}">' in page
        assert f'<link rel="canonical" href="{site}{prefix}/{slug}">' in page
        assert f'hreflang="x-default" href="{site}/{slug}"' in page
    footer = re.search(r'<footer class="site-footer">.*?</footer>', text_of(client.get("/")), re.S)
    assert f'href="/{slug}"' in footer.group(0)
    assert f"<loc>{site}/en/{slug}</loc>" in client.get("/sitemap.xml").get_data(as_text=True)


def test_the_privacy_page_names_the_data_why_how_long_and_the_rights_under_uu_pdp(client, shop):
    page = text_of(client.get("/privacy"))
    for said in ("UU Nomor 27 Tahun 2022", "10 tahun", "30 hari", "menarik kembali persetujuan"):
        assert said in page
    english = text_of(client.get("/en/privacy"))
    for said in ("Law No. 27 of 2022", "10 years", "30 days", "withdraw consent", "copy"):
        assert said in english


def test_the_contact_page_gives_every_way_to_reach_the_shop(app, client, shop):
    page = text_of(client.get("/contact"))
    assert 'href="https://wa.me/6281234567890"' in page
    assert f'href="mailto:{app.config["SHOP_EMAIL"]}"' in page
    assert app.config["SHOP_ADDRESS_ID"] in page and app.config["SHOP_HOURS_ID"] in page
    assert f'href="{unescape(app.config["SHOP_MAP_URL"])}"' in unescape(page)


def test_the_delivery_page_shows_the_rates_staff_set(client, shop):
    assert "Rp34.000" in text_of(client.get("/shipping"))
    rate = db.session.execute(
        select(ShippingRate).where(ShippingRate.method == "courier", ShippingRate.zone == "java")
    ).scalar_one()
    rate.first_kg = 36_000
    db.session.commit()
    page = text_of(client.get("/shipping"))
    assert "Rp36.000" in page and "Rp34.000" not in page
    rate.first_kg = 34_000  # the migration's rate, kept across PostgreSQL tests
    db.session.commit()


def test_page_texts_can_come_from_a_folder_of_their_own(app, client, shop, tmp_path):
    from storefront.pages.views import init_pages

    (tmp_path / "returns.id.html").write_text(
        '{% extends "pages/_page.html" %}{% block title %}Retur{% endblock %}'
        "{% block text %}<p>Teks dari staf.</p>{% endblock %}"
    )
    app.config["PAGES_FOLDER"] = str(tmp_path)
    init_pages(app)
    assert "Teks dari staf." in text_of(client.get("/returns"))
    assert "Returns and refunds" in text_of(client.get("/en/returns"))  # not in the folder


# --- Smaller points -----------------------------------------------------------------------


def test_phone_tables_keep_their_column_labels(client, shop):
    add(client, shop["kebaya"])
    cart = text_of(client.get("/cart"))
    for label in ("Produk", "Harga", "Jumlah", "Total"):
        assert f'data-label="{label}"' in cart
    partner = text_of(client.get("/partners/dekranasda-sumsel"))
    assert '<table class="stack-table">' in partner
    assert 'data-label="Program"' in partner and 'data-label="Nomor PKS"' in partner
    css = (Path(__file__).parents[2] / "static/css/shop.css").read_text()
    assert "td[data-label]::before" in css and "content: attr(data-label)" in css


def test_disabled_controls_look_disabled():
    css = (Path(__file__).parents[2] / "static/css/shop.css").read_text()
    rule = re.search(r"button:disabled[^{]*\{([^}]*)\}", css).group(1)
    assert "cursor: not-allowed" in rule and "background" in rule
