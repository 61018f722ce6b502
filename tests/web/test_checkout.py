"""Cart and checkout as a buyer uses them, including everything a buyer can get wrong."""

from __future__ import annotations

import re

import pytest
from factories import make_category, make_partner, make_product, make_program
from payment_support import text_of as page
from sqlalchemy import func, select

from storefront.cart.models import CartLine
from storefront.extensions import db
from storefront.orders.models import Order

CONTACT = {
    "name": "Sari Wulandari",
    "email": "sari@example.com",
    "phone": "0812-3456-7890",
}
COURIER_TO_BANDUNG = {
    "delivery_method": "courier",
    "province": "Jawa Barat",
    "city": "Bandung",
    "address_line": "Jl. Braga No. 12",
    "postal_code": "40111",
}


@pytest.fixture
def goods(app):
    songket_family = make_category("songket", "Songket", "Songket")
    bakery_family = make_category("roti-kue", "Roti & Kue", "Bread & Cakes")
    weaving = make_program("tenun-songket", "Tenun Songket", "Songket Weaving")
    baking = make_program("tata-boga", "Tata Boga", "Baking")
    make_partner("dekranasda-sumsel")
    items = {
        "selendang": make_product(
            songket_family,
            weaving,
            slug="selendang",
            name_id="Selendang Songket",
            name_en="Songket Shawl",
            prices=(450_000,),
            on_hand=5,
        ),
        "kain": make_product(
            songket_family,
            weaving,
            slug="kain-lepus",
            name_id="Kain Songket Lepus",
            name_en="Lepus Songket Cloth",
            kind="made_to_order",
            prices=(2_500_000,),
            on_hand=3,
            lead_time_days=30,
        ),
        "bolu": make_product(
            bakery_family,
            baking,
            slug="bolu",
            name_id="Bolu Kojo",
            name_en="Kojo Cake",
            kind="perishable",
            prices=(65_000,),
            on_hand=10,
        ),
    }
    db.session.commit()
    return items


def add(client, product, quantity=1):
    return client.post(
        "/cart/add", data={"variant_id": product.variants[0].id, "quantity": quantity}
    )


def fill_details(client, **overrides):
    data = {**CONTACT, **COURIER_TO_BANDUNG, "payment_method": "bank_transfer", **overrides}
    return client.post("/checkout", data=data)


def review_revision(client) -> str:
    response = client.get("/checkout/review")
    assert response.status_code == 200, page(response)[:500]
    return re.search(r'name="revision" value="(\d+)"', page(response)).group(1)


def test_adding_shows_the_cart_with_server_prices_and_a_header_count(client, goods):
    assert add(client, goods["selendang"], 2).status_code == 303
    cart = page(client.get("/cart"))
    assert "Selendang Songket" in cart and "Rp900.000" in cart
    assert re.search(r'class="count"[^>]*>2<', cart)
    assert "Mendukung Tenun Songket" in cart


def test_cart_survives_in_the_database_by_its_signed_cookie(app, client, goods):
    add(client, goods["selendang"])
    cookie = client.get_cookie("cart")
    fresh = app.test_client()
    fresh.set_cookie("cart", cookie.value)
    assert "Selendang Songket" in page(fresh.get("/cart"))
    forged = app.test_client()
    forged.set_cookie("cart", cookie.value[:-3] + "abc")
    assert "Keranjang Anda kosong" in page(forged.get("/cart"))


def test_quantity_can_be_changed_and_removed(client, goods):
    add(client, goods["selendang"])
    line = db.session.execute(select(CartLine)).scalar_one()
    assert client.post(f"/cart/lines/{line.id}", data={"quantity": "3"}).status_code == 303
    assert "Rp1.350.000" in page(client.get("/cart"))
    assert client.post(f"/cart/lines/{line.id}", data={"remove": "1"}).status_code == 303
    assert "Keranjang Anda kosong" in page(client.get("/cart"))


@pytest.mark.parametrize(
    "quantity,message",
    [
        ("0", "minimal 1"),
        ("-4", "minimal 1"),
        ("abc", "bilangan bulat"),
        ("100000000000", "Paling banyak 20"),
        ("6", "Selendang Songket hanya tersedia 5."),
        ("1.5", "bilangan bulat"),
    ],
)
def test_bad_quantities_keep_the_buyer_on_the_product_page_with_a_message(
    client, goods, quantity, message
):
    variant = goods["selendang"].variants[0]
    response = add(client, goods["selendang"], quantity)
    assert response.status_code == 303
    assert response.location == f"/products/selendang?variant={variant.id}"
    product_page = page(client.get(response.location))
    assert message in product_page
    assert re.search(r'<div class="flashes"[^>]*aria-live="polite"', product_page)
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0


def test_adding_more_than_the_stock_counts_what_is_already_in_the_cart(client, goods):
    add(client, goods["selendang"], 3)
    response = add(client, goods["selendang"], 3)
    assert response.location.startswith("/products/selendang")
    message = "Selendang Songket hanya tersedia 5. 3 sudah ada di keranjang Anda."
    assert message in page(client.get(response.location))
    client.set_cookie("lang", "en")
    english = add(client, goods["selendang"], 3)
    assert english.location.startswith("/en/products/selendang")
    text = page(client.get(english.location))
    assert "Only 5 of Songket Shawl are available. 3 are already in your cart." in text


def test_a_sold_out_product_is_named_on_its_page(client, goods):
    goods["selendang"].variants[0].on_hand = 0
    db.session.commit()
    response = add(client, goods["selendang"], 1)
    assert "Maaf, Selendang Songket sudah habis." in page(client.get(response.location))


@pytest.mark.parametrize("variant_id", ["999999", "abc", "", "-1", "1 OR 1=1"])
def test_tampered_variant_ids_are_refused(client, goods, variant_id):
    response = client.post("/cart/add", data={"variant_id": variant_id, "quantity": "1"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0


def test_a_tampered_price_in_the_form_is_ignored(client, goods):
    client.post(
        "/cart/add",
        data={"variant_id": goods["selendang"].variants[0].id, "quantity": "1", "price": "1"},
    )
    assert "Rp450.000" in page(client.get("/cart"))


def test_a_price_change_after_adding_is_shown_not_hidden(client, goods):
    add(client, goods["selendang"])
    goods["selendang"].variants[0].price = 500_000
    db.session.commit()
    cart = page(client.get("/cart"))
    assert "Rp500.000" in cart and "Harga berubah dari Rp450.000" in cart


def test_withdrawn_products_are_explained_and_dropped(client, goods):
    add(client, goods["selendang"])
    goods["selendang"].is_active = False
    db.session.commit()
    cart = page(client.get("/cart"))
    assert "tidak dijual lagi" in cart
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0


def test_guest_checkout_by_bank_transfer_reserves_stock_and_shows_instructions(client, goods):
    add(client, goods["selendang"], 2)
    assert fill_details(client).status_code == 303
    review = page(client.get("/checkout/review"))
    assert "Rp900.000" in review and "Rp34.000" in review and "Rp934.000" in review
    response = client.post("/checkout/place", data={"revision": review_revision(client)})
    assert response.status_code == 303
    status = page(client.get(response.location))
    order = db.session.execute(select(Order)).scalar_one()
    assert order.total == 934_000 and order.phone == "+6281234567890"
    assert order.reference in status and "transfer" in status.lower()
    assert goods["selendang"].variants[0].on_hand == 3
    assert "Mendukung Tenun Songket" in status


def test_submitting_the_order_twice_yields_one_order(client, goods):
    add(client, goods["selendang"])
    fill_details(client)
    revision = review_revision(client)
    first = client.post("/checkout/place", data={"revision": revision})
    second = client.post("/checkout/place", data={"revision": revision})
    assert first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    db.session.refresh(goods["selendang"].variants[0])
    assert goods["selendang"].variants[0].on_hand == 4


def test_perishables_offer_only_pickup_and_same_day(client, goods):
    add(client, goods["bolu"])
    form = page(client.get("/checkout"))
    assert 'value="courier"' not in form
    response = fill_details(client)  # courier tampered in
    assert fill_details(client).status_code == 303  # saved, but review refuses it
    review = client.get("/checkout/review")
    assert review.status_code == 303
    assert "Makanan segar hanya" in page(client.get("/checkout"))
    assert response.status_code == 303


def test_same_day_only_within_palembang_and_cash_only_at_pickup(client, goods):
    add(client, goods["selendang"])
    response = fill_details(client, delivery_method="same_day")
    assert response.status_code == 400
    assert "hanya tersedia di dalam Kota Palembang" in page(response)
    response = fill_details(client, payment_method="cash_on_pickup")
    assert response.status_code == 400
    assert "hanya bisa saat Anda mengambil" in page(response)
    ok = fill_details(
        client,
        delivery_method="pickup",
        payment_method="cash_on_pickup",
        province="",
        city="",
        address_line="",
        postal_code="",
    )
    assert ok.status_code == 303


def test_made_to_order_lines_show_their_ready_by_date(client, goods):
    add(client, goods["kain"])
    fill_details(client)
    assert "Siap sekitar" in page(client.get("/checkout/review"))


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("phone", "nol delapan satu dua", "nomor telepon Indonesia"),
        ("phone", "+1 415 555 0100", "nomor telepon Indonesia"),
        ("email", "not-an-email", "alamat e-mail yang valid"),
        ("address_line", "x" * 10_000, "300"),
        ("postal_code", "4011", "lima angka"),
        ("name", "", "wajib"),
        ("delivery_method", "teleport", "pilihan"),
        ("province", "Atlantis", "pilihan"),
    ],
)
def test_bad_checkout_input_is_explained_and_nothing_is_saved(client, goods, field, value, message):
    add(client, goods["selendang"])
    response = fill_details(client, **{field: value})
    assert response.status_code == 400
    assert message.lower() in page(response).lower()
    assert client.get("/checkout/review").status_code == 303  # nothing saved to review


def test_a_stale_review_cannot_place_a_changed_cart(client, goods):
    add(client, goods["selendang"])
    fill_details(client)
    revision = review_revision(client)
    add(client, goods["kain"])
    response = client.post("/checkout/place", data={"revision": revision})
    assert response.status_code == 409
    assert "berubah" in page(response)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize("revision", ["", "abc", "-1", "9" * 50])
def test_a_tampered_revision_is_refused(client, goods, revision):
    add(client, goods["selendang"])
    fill_details(client)
    response = client.post("/checkout/place", data={"revision": revision})
    assert response.status_code in (400, 409)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_stale_csrf_token_is_refused_with_a_clear_message(app, client, goods):
    add(client, goods["selendang"])  # adding needs no token: the cart cookie is SameSite=Lax
    app.config["WTF_CSRF_ENABLED"] = True
    line = db.session.execute(select(CartLine)).scalar_one()
    response = client.post(f"/cart/lines/{line.id}", data={"quantity": "3", "csrf_token": "stale"})
    assert response.status_code == 400
    assert "Muat ulang halaman lalu coba lagi" in page(response)
    db.session.refresh(line)
    assert line.quantity == 1
    response = fill_details(client, csrf_token="stale")
    assert response.status_code == 400
    assert client.get("/checkout/review").status_code == 303  # nothing saved


def test_the_cart_cookie_cannot_travel_with_a_cross_site_post(client, goods):
    add(client, goods["selendang"])
    cookie = [c for c in client._cookies.values() if c.key == "cart"][0]
    assert cookie.same_site == "Lax"


def test_unknown_order_token_is_a_404(client, goods):
    assert client.get("/orders/not-a-real-token").status_code == 404
    assert client.get("/orders/" + "x" * 500).status_code == 404


def test_referral_link_is_remembered_and_recorded_on_the_order(client, goods):
    client.get("/?ref=dekranasda-sumsel")
    add(client, goods["selendang"])
    fill_details(client)
    client.post("/checkout/place", data={"revision": review_revision(client)})
    order = db.session.execute(select(Order)).scalar_one()
    assert order.referral_partner_id is not None


def test_release_expired_command_puts_stock_back(app, client, runner, goods):
    from datetime import timedelta

    from storefront.timeutil import utcnow

    add(client, goods["selendang"], 2)
    fill_details(client)
    client.post("/checkout/place", data={"revision": review_revision(client)})
    order = db.session.execute(select(Order)).scalar_one()
    order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["release-expired"])
    assert result.exit_code == 0 and "released 1" in result.output
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "expired"
    assert goods["selendang"].variants[0].on_hand == 5
    assert "tidak dibayar tepat waktu" in page(client.get(f"/orders/{order.access_token}"))
