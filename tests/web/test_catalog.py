"""The public catalogue as a buyer uses it: pages, search, filters, languages, bad input."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
from factories import (
    bulk_products,
    make_agreement,
    make_category,
    make_partner,
    make_product,
    make_program,
)
from payment_support import text_of

from storefront.extensions import db


@pytest.fixture
def shop(app):
    """A small catalogue: two families, two programmes, partners with live and ended agreements."""
    media = app.config["MEDIA_ROOT"]
    songket = make_category("songket", "Songket", "Songket")
    bakery = make_category("roti-kue", "Roti & Kue", "Bread & Cakes")
    weaving = make_program("tenun-songket", "Tenun Songket", "Songket Weaving")
    baking = make_program("tata-boga", "Tata Boga", "Baking", split=(45, 35, 20))
    dekranasda = make_partner("dekranasda-sumsel", "Dekranasda Sumatera Selatan")
    old_partner = make_partner("dinas-lama", "Dinas Perindustrian Lama", kind="regional_office")
    today = date.today()
    make_agreement(
        dekranasda,
        weaving,
        valid_from=today - timedelta(days=100),
        valid_to=today + timedelta(days=300),
        support_kind="marketing",
    )
    make_agreement(
        old_partner,
        weaving,
        valid_from=today - timedelta(days=900),
        valid_to=today - timedelta(days=400),
    )
    products = {
        "lepus": make_product(
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
        ),
        "tabur": make_product(
            songket,
            weaving,
            slug="songket-tabur",
            name_id="Selendang Songket Tabur",
            name_en="Tabur Songket Shawl",
            prices=(850_000,),
            on_hand=0,
            media_root=media,
        ),
        "bolu": make_product(
            bakery,
            baking,
            slug="bolu-kojo",
            name_id="Bolu Kojo Pandan",
            name_en="Pandan Kojo Cake",
            kind="perishable",
            prices=(65_000,),
            shelf_life_days=3,
            description_id="Kue khas Palembang, manis dan lembut.",
            description_en="A sweet, soft Palembang cake.",
            media_root=media,
        ),
        "kemplang": make_product(
            bakery,
            baking,
            slug="kue-maksuba",
            name_id="Kue Maksuba Crème",
            name_en="Maksuba Layer Cake",
            prices=(120_000,),
            on_hand=2,
            media_root=media,
        ),
    }
    db.session.commit()
    return products


def card_names(response) -> list[str]:
    return re.findall(r'class="card-name">([^<]+)<', text_of(response))


def test_home_shows_story_families_featured_and_programmes(client, shop):
    page = text_of(client.get("/"))
    assert "Dibuat dengan keterampilan" in page
    assert "Roti & Kue" in page and "Songket" in page
    assert "Kain Songket Lepus" in page  # featured
    assert "Tata Boga" in page and "Tenun Songket" in page


def test_listing_shows_prices_as_rupiah_and_stock_state(client, shop):
    page = text_of(client.get("/products"))
    assert "Rp2.500.000" in page
    assert "Rp65.000" in page
    assert "Habis" in page  # the sold-out shawl
    assert "Tinggal 2" in page  # low stock maksuba
    assert len(card_names(client.get("/products"))) == 4


def test_search_is_case_and_accent_insensitive_in_both_languages(client, shop):
    assert card_names(client.get("/products?q=SONGKET")) == [
        "Selendang Songket Tabur",
        "Kain Songket Lepus",
    ]
    assert card_names(client.get("/products?q=creme")) == ["Kue Maksuba Crème"]
    assert card_names(client.get("/products?q=pandan cake")) == ["Bolu Kojo Pandan"]
    assert card_names(client.get("/en/products?q=shawl")) == ["Tabur Songket Shawl"]
    assert card_names(client.get("/products?q=lemb")) == ["Bolu Kojo Pandan"]  # prefix
    assert "Tidak ada produk" in text_of(client.get("/products?q=zzzqqq"))


def test_filters_narrow_the_listing(client, shop):
    assert card_names(client.get("/products?category=roti-kue")) == [
        "Kue Maksuba Crème",
        "Bolu Kojo Pandan",
    ]
    assert card_names(client.get("/products?program=tenun-songket&in_stock=1")) == [
        "Kain Songket Lepus"
    ]
    assert card_names(client.get("/products?kind=perishable")) == ["Bolu Kojo Pandan"]
    assert card_names(client.get("/products?min_price=100000&max_price=900000")) == [
        "Kue Maksuba Crème",
        "Selendang Songket Tabur",
    ]
    assert card_names(client.get("/products?min_price=100.000")) == [
        "Kue Maksuba Crème",
        "Selendang Songket Tabur",
        "Kain Songket Lepus",
    ]


def test_sort_orders(client, shop):
    assert card_names(client.get("/products?sort=price_asc")) == [
        "Bolu Kojo Pandan",
        "Kue Maksuba Crème",
        "Selendang Songket Tabur",
        "Kain Songket Lepus",
    ]
    assert card_names(client.get("/products?sort=price_desc"))[0] == "Kain Songket Lepus"
    assert card_names(client.get("/products?sort=name")) == [
        "Bolu Kojo Pandan",
        "Kain Songket Lepus",
        "Kue Maksuba Crème",
        "Selendang Songket Tabur",
    ]
    assert card_names(client.get("/en/products?sort=name")) == [
        "Lepus Songket Cloth",
        "Maksuba Layer Cake",
        "Pandan Kojo Cake",
        "Tabur Songket Shawl",
    ]
    assert card_names(client.get("/products"))[0] == "Kue Maksuba Crème"  # newest first


def follow_pages(client, url: str) -> list[list[str]]:
    pages = []
    while url:
        response = client.get(url, follow_redirects=True)  # ?sort=newest: the default, dropped
        assert response.status_code == 200
        pages.append(card_names(response))
        match = re.search(r'<a rel="next" href="([^"]+)"', response.get_data(as_text=True))
        url = unescape(match.group(1)) if match else None
    return pages


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "name"])
def test_pagination_walks_every_product_once_in_every_sort(app, client, sort):
    category, program = make_category(), make_program()
    bulk_products(category, program, 60)
    db.session.commit()
    pages = follow_pages(client, f"/products?sort={sort}")
    assert [len(p) for p in pages] == [24, 24, 12]
    names = [n for p in pages for n in p]
    assert len(set(names)) == 60
    # and back again with the previous links
    response = client.get(f"/products?sort={sort}", follow_redirects=True)
    nxt = unescape(re.search(r'rel="next" href="([^"]+)"', response.get_data(as_text=True))[1])
    second = client.get(nxt)
    prev = unescape(re.search(r'rel="prev" href="([^"]+)"', second.get_data(as_text=True))[1])
    assert card_names(client.get(prev)) == pages[0]


def test_product_page_shows_variants_price_lead_time_programme_and_partners(client, shop):
    response = client.get("/products/songket-lepus")
    page = text_of(response)
    assert response.status_code == 200
    assert "Rp2.500.000" in page and "Rp3.750.000" in page
    assert "Motif: Lepus" in page
    assert "siap dalam sekitar 30 hari" in page
    assert "Dibuat dalam program Tenun Songket" in page
    assert "Dekranasda Sumatera Selatan" in page
    assert "Dinas Perindustrian Lama" not in page  # its agreement has ended
    assert 'srcset="' in page and 'loading="lazy"' not in page.split('class="main-photo"')[0][-50:]


def test_product_page_for_perishables_shows_best_before_and_delivery_limits(client, shop):
    page = text_of(client.get("/products/bolu-kojo"))
    assert "baik dikonsumsi 3 hari" in page
    assert "Hanya ambil di toko" in page


def test_choosing_a_variant_without_javascript_shows_its_price(client, shop):
    variant = shop["lepus"].variants[1]
    page = text_of(client.get(f"/products/songket-lepus?variant={variant.id}"))
    assert 'id="price">Rp3.750.000' in page
    checked = re.findall(r'<input type="radio" id="v(\d+)"[^>]*\schecked', page)
    assert checked == [str(variant.id)]


def test_product_page_has_json_ld_offer_and_open_graph(client, shop):
    page = client.get("/products/songket-lepus").get_data(as_text=True)
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Product"
    assert data["name"] == "Kain Songket Lepus"
    assert {o["price"] for o in data["offers"]} == {"2500000", "3750000"}
    assert all(o["priceCurrency"] == "IDR" for o in data["offers"])
    assert '<meta property="og:image"' in page
    assert '<link rel="canonical" href="http://127.0.0.1:5000/products/songket-lepus">' in page
    assert 'hreflang="en"' in page and 'hreflang="id"' in page


@pytest.mark.parametrize(
    "url", ["/products/tidak-ada", "/programs/tidak-ada", "/partners/tidak-ada"]
)
def test_unknown_slug_gets_a_friendly_404_in_the_current_language(client, shop, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Halaman itu tidak kami temukan" in text_of(response)
    english = client.get("/en" + url)
    assert english.status_code == 404
    assert "We could not find that page" in text_of(english)


def test_inactive_products_are_not_shown(client, shop):
    shop["bolu"].is_active = False
    db.session.commit()
    assert client.get("/products/bolu-kojo").status_code == 404
    assert "Bolu Kojo Pandan" not in card_names(client.get("/products"))


def test_english_pages_live_under_en_each_its_own_canonical_with_hreflang_pairs(client, shop):
    english = client.get("/en/products/songket-lepus")
    page = text_of(english)
    assert english.status_code == 200 and '<html lang="en">' in page
    assert "Lepus Songket Cloth" in page and "Rp2,500,000" in page
    site = "http://127.0.0.1:5000"
    assert f'<link rel="canonical" href="{site}/en/products/songket-lepus">' in page
    assert f'hreflang="id" href="{site}/products/songket-lepus"' in page
    assert f'hreflang="en" href="{site}/en/products/songket-lepus"' in page
    assert f'hreflang="x-default" href="{site}/products/songket-lepus"' in page
    indonesian = text_of(client.get("/products/songket-lepus"))
    assert f'<link rel="canonical" href="{site}/products/songket-lepus">' in indonesian
    assert f'hreflang="en" href="{site}/en/products/songket-lepus"' in indonesian
    # Links on an English page lead to English pages; the switch names both languages.
    assert 'href="/en/products?category=songket"' in page
    assert 'href="/en/programs/tenun-songket"' in page
    assert '<a href="/products/songket-lepus" hreflang="id" lang="id">Bahasa Indonesia</a>' in page
    assert '<a href="/en/products/songket-lepus" hreflang="en" lang="en">English</a>' in indonesian
    for url in ("/en/", "/en/products", "/en/about", "/en/partners", "/en/programs/tenun-songket"):
        response = client.get(url)
        assert response.status_code == 200 and '<html lang="en">' in text_of(response), url


def test_lang_links_redirect_to_the_page_in_that_language_and_are_remembered(client, shop):
    response = client.get("/products?category=songket&lang=en")
    assert response.status_code == 301
    assert response.location == "/en/products?category=songket"
    assert "lang=en" in response.headers["Set-Cookie"]
    back = client.get("/en/products/songket-lepus?lang=id&variant=1")
    assert back.status_code == 301 and back.location == "/products/songket-lepus?variant=1"
    # The URL decides on public pages: an English cookie does not turn "/products" English.
    client.set_cookie("lang", "en")
    assert "Your cart" in text_of(client.get("/cart"))  # a page with one URL follows the cookie
    assert "Semua produk" in text_of(client.get("/products"))


def test_reading_a_public_page_in_a_language_remembers_it_for_cart_and_checkout(client, shop):
    first = client.get("/en/products")
    assert "lang=en" in first.headers["Set-Cookie"]
    assert "Set-Cookie" not in client.get("/en/products").headers  # remembered once
    assert "Your cart" in text_of(client.get("/cart"))
    indonesian = client.get("/products")
    assert "lang=id" in indonesian.headers["Set-Cookie"]
    assert "Keranjang Anda" in text_of(client.get("/cart"))
    # Most visitors read the default language and never get a cookie at all.
    assert "Set-Cookie" not in client.application.test_client().get("/products").headers


def test_accept_language_chooses_only_for_pages_with_one_url(app, client, shop):
    english_browser = {"Accept-Language": "en-GB,en;q=0.9"}
    assert '<html lang="en">' in text_of(client.get("/cart", headers=english_browser))
    other = app.test_client()
    assert '<html lang="id">' in text_of(other.get("/", headers=english_browser))
    assert '<html lang="id">' in text_of(other.get("/cart", headers=english_browser))  # read so
    french = {"Accept-Language": "fr"}
    assert '<html lang="id">' in text_of(app.test_client().get("/cart", headers=french))
    unknown = client.get("/en/no-such-page")
    assert unknown.status_code == 404 and "We could not find that page" in text_of(unknown)


def test_programme_and_partner_pages(client, shop):
    page = text_of(client.get("/programs/tenun-songket"))
    assert "Premi bagi warga binaan yang bekerja: 50%" in page
    assert "Kain Songket Lepus" in page
    partners = text_of(client.get("/partners"))
    assert "Dekranasda Sumatera Selatan" in partners and "Mendukung 1 program saat ini" in partners
    assert "Tidak ada perjanjian yang berlaku" in partners  # the partner whose PKS ended
    partner = text_of(client.get("/partners/dinas-lama"))
    assert "berakhir" in partner and "Tenun Songket" in partner


def test_about_sitemap_and_robots(client, shop):
    assert "Tentang Cantik" in text_of(client.get("/about"))
    sitemap = client.get("/sitemap.xml")
    assert sitemap.content_type.startswith("application/xml")
    body = sitemap.get_data(as_text=True)
    assert "<loc>http://127.0.0.1:5000/products/songket-lepus</loc>" in body
    assert "<loc>http://127.0.0.1:5000/en/products/songket-lepus</loc>" in body
    assert (
        body.count('hreflang="x-default" href="http://127.0.0.1:5000/products/songket-lepus"') == 2
    )
    assert "/programs/tata-boga" in body and "/partners/dekranasda-sumsel" in body
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: " in robots and "Disallow: /checkout" in robots


@pytest.mark.parametrize(
    "query",
    [
        "page=-3",
        "page=abc",
        "page=99999999999999",
        "min_price=x",
        "max_price=-5",
        "sort=cheapest",
        "q=" + "songket " * 700,
        "category=nope",
        "program=%00",
        "kind=<script>",
        "after=garbage",
        "before=%ff%fe",
        "after=WzEsMl0&sort=price_asc",
        "in_stock=maybe",
        "q=%22%27*()AND OR NEAR",
        "q=-:&|!",
    ],
)
def test_nonsense_query_parameters_never_give_a_500(client, shop, query):
    response = client.get("/products?" + query, follow_redirects=True)  # empty fields dropped
    assert response.status_code in ((200, 400) if "%00" in query else (200,))  # NUL: refused


def test_ignored_parameters_are_explained(client, shop):
    page = text_of(client.get("/products?min_price=x&sort=cheapest"))
    assert "harga minimum bukan angka rupiah" in page
    assert "urutan tidak dikenal" in page
    assert len(card_names(client.get("/products?page=-3"))) == 4


def test_images_are_served_as_cacheable_webp(client, shop):
    key = shop["lepus"].images[0].key
    response = client.get(f"/media/{key}-320.webp")
    assert response.status_code == 200
    assert response.content_type == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get(f"/media/{key}-123.webp").status_code == 404
    assert client.get("/media/..%2f..%2fetc-320.webp").status_code == 404


def _seed(count: int):
    category, program = make_category(), make_program()
    partner = make_partner()
    make_agreement(partner, program, valid_from=date.today() - timedelta(days=1))
    bulk_products(category, program, count, image_key="shared")
    db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/products",
        "/products?q=purun",
        "/products?category=songket&sort=price_asc&in_stock=1",
        "/products?sort=name&page=2",
        "/products/bulk-5",
        "/programs/tenun-songket",
    ],
)
def test_catalog_pages_issue_the_same_number_of_queries_for_10_and_2000_products(
    app, client, count_queries, url
):
    _seed(10)
    client.get(url)  # warm up
    with count_queries() as small:
        assert client.get(url).status_code == 200
    bulk_products(
        db.session.get(__import__("storefront").models.Category, 1),
        db.session.get(__import__("storefront").models.TrainingProgram, 1),
        1990,
        image_key="shared",
    )
    db.session.commit()
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert small.count == large.count
    assert small.count <= 8


def test_shared_header_and_filters_follow_the_visitor_though_kept_per_worker(app, shop):
    """The header, footer and filter form are kept as fragments keyed by all they show."""
    visitor = app.test_client()
    page = text_of(visitor.get("/products?category=songket"))
    assert re.search(r'<span class="count" aria-label="0 barang">0</span>', page)
    assert re.search(r'href="/products\?category=songket" aria-current="page">Songket<', page)
    assert 'href="/products?category=roti-kue">Roti & Kue<' in page
    assert '<option value="songket" selected>Songket</option>' in page
    assert "Masuk" in page and "Saring dan urutkan" in page

    visitor.post("/cart/add", data={"variant_id": shop["lepus"].variants[0].id, "quantity": "2"})
    page = text_of(visitor.get("/products?category=songket"))
    assert '<span class="count" aria-label="2 barang">2</span>' in page

    english = text_of(visitor.get("/en/products?category=roti-kue"))
    assert "Log in" in english and "Filter and sort" in english
    assert 'href="/en/products?category=roti-kue" aria-current="page">Bread & Cakes<' in english
    assert '<option value="roti-kue" selected>Bread & Cakes</option>' in english

    shop["lepus"].category.name_id = "Kain Songket"
    db.session.commit()
    from storefront.catalog import reference

    reference._cached = None  # what CATALOG_CACHE_SECONDS' expiry does
    page = text_of(app.test_client().get("/products?category=songket"))
    assert 'aria-current="page">Kain Songket<' in page
    assert '<option value="songket" selected>Kain Songket</option>' in page


def test_search_box_escapes_what_the_buyer_typed(client, shop):
    raw = client.get('/products?q="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in raw
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in raw


def test_fragments_render_once_per_key_and_always_while_templates_reload(app, monkeypatch):
    from storefront import fragments

    calls = []
    render = fragments._render
    monkeypatch.setattr(fragments, "_render", lambda *args: calls.append(args) or render(*args))
    fragments._kept.cache_clear()
    with app.test_request_context("/en/"):
        app.preprocess_request()
        first = fragments.fragment("partials/chrome.html", "footer")
        assert fragments.fragment("partials/chrome.html", "footer") == first
        assert len(calls) == 1 and "All products" in first
    with app.test_request_context("/"):
        app.preprocess_request()
        assert "Semua produk" in fragments.fragment("partials/chrome.html", "footer")
        assert len(calls) == 2
        app.jinja_env.auto_reload = True
        fragments.fragment("partials/chrome.html", "footer")
        fragments.fragment("partials/chrome.html", "footer")
        assert len(calls) == 4
        app.jinja_env.auto_reload = False
        app.config["KEEP_FRAGMENTS"] = False
        fragments.fragment("partials/chrome.html", "footer")
        assert len(calls) == 5


def test_kept_product_page_body_follows_stock_variant_choice_and_the_day(app, shop, monkeypatch):
    """The body of a product page is a fragment keyed by what it shows, never a stale copy."""
    from storefront.catalog import views

    visitor = app.test_client()
    monkeypatch.setattr(views, "shop_today", lambda: date(2026, 3, 1))
    page = text_of(visitor.get("/products/songket-lepus"))
    assert "sekitar 31 Maret 2026" in page
    assert text_of(visitor.get("/products/songket-lepus")) == page  # served again, unchanged

    monkeypatch.setattr(views, "shop_today", lambda: date(2026, 3, 2))
    assert "sekitar 1 April 2026" in text_of(visitor.get("/products/songket-lepus"))

    cheap, dear = shop["lepus"].variants
    chosen = text_of(visitor.get(f"/products/songket-lepus?variant={dear.id}"))
    assert 'id="price">Rp3.750.000' in chosen

    cheap.on_hand = 0
    db.session.commit()
    page = text_of(visitor.get("/products/songket-lepus"))
    assert re.search(rf'id="v{cheap.id}"[^>]*\sdisabled[\s>]', page)
    assert 'id="price">Rp3.750.000' in page  # the first variant in stock is now chosen


@pytest.mark.parametrize("url", ["/", "/products?category=songket", "/products/songket-lepus"])
def test_kept_fragments_give_the_same_page_as_rendering_afresh(app, shop, url):
    kept = app.test_client().get(url).get_data(as_text=True)
    app.config["KEEP_FRAGMENTS"] = False
    fresh = app.test_client().get(url).get_data(as_text=True)
    nonce = re.compile(r'nonce="[^"]*"')
    assert nonce.sub("", kept) == nonce.sub("", fresh)
    assert 'class="card"' in fresh  # featured, listed or related cards on each page
