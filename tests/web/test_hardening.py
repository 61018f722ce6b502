"""The findings of the security audit, each as the request that showed it.

Every test here failed on the shop before the fix it names: an order handed
to the next visitor, links built from a forged Host, limits counted on the
proxy's address, server errors from odd input, missing headers.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import _config as config_for
from factories import (
    make_agreement,
    make_category,
    make_partner,
    make_product,
    make_program,
)
from payment_support import text_of
from PIL import Image
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from storefront import create_app
from storefront.cart.models import Cart, CartLine
from storefront.catalog.services import CatalogError, encode_cursor
from storefront.checkout.shipping import DeliveryNotPossible
from storefront.database import configure_sqlite
from storefront.domain import DomainError
from storefront.extensions import db, limiter
from storefront.orders.models import Order
from storefront.outbox.models import OutboxMessage

CONTACT = {"name": "Sari Wulandari", "email": "sari@example.com", "phone": "0812-3456-7890"}
PICKUP_BY_TRANSFER = {"delivery_method": "pickup", "payment_method": "bank_transfer"}
PASSWORD = "kain songket lepus"
PUBLIC_PAGES = (
    "/",
    "/products",
    "/products/selendang",
    "/about",
    "/programs/tenun-songket",
    "/partners",
    "/partners/dekranasda-sumsel",
    "/shipping",
    "/en/products/selendang",
)


@pytest.fixture
def goods(app):
    songket = make_category("songket", "Songket", "Songket")
    weaving = make_program("tenun-songket", "Tenun Songket", "Songket Weaving")
    partner = make_partner("dekranasda-sumsel")
    make_agreement(partner, weaving, valid_from=date.today() - timedelta(days=30))
    items = {
        "selendang": make_product(
            songket, weaving, slug="selendang", name_id="Selendang Songket", prices=(450_000,)
        ),
        "kain": make_product(
            songket, weaving, slug="kain", name_id="Kain Lepus", prices=(900_000,)
        ),
    }
    db.session.commit()
    return items


def add(client, product, **headers):
    return client.post(
        "/cart/add",
        data={"variant_id": product.variants[0].id, "quantity": "1"},
        headers=headers,
    )


def place_order(client, **contact) -> str:
    """Check out the cart by bank transfer for pickup; the order page's URL."""
    assert (
        client.post("/checkout", data={**CONTACT, **contact, **PICKUP_BY_TRANSFER}).status_code
        == 303
    )
    review = text_of(client.get("/checkout/review"))
    revision = re.search(r'name="revision" value="(\d+)"', review).group(1)
    placed = client.post("/checkout/place", data={"revision": revision})
    assert placed.status_code == 303, text_of(placed)[:300]
    return placed.headers["Location"]


def register(client, email, password=PASSWORD):
    return client.post(
        "/account/register",
        data={"name": "Ana", "email": email, "password": password, "confirm": password},
    )


def with_settings(app, **settings):
    """A second app on the same database with ``settings`` changed (read at start-up)."""
    base = config_for(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.config["MEDIA_ROOT"]))
    return create_app(type("Changed", (base,), settings))


# --- The order handed to the wrong buyer -------------------------------------------------


def test_a_new_guest_never_receives_an_earlier_buyers_order(app, goods):
    """SQLite hands a deleted cart's row id to the next cart: the key must not be that id."""
    account = app.test_client()
    register(account, "ana@example.com")
    add(account, goods["kain"])  # the account's own cart
    account.post("/account/logout")

    buyer = app.test_client()  # a guest who orders, then signs in
    add(buyer, goods["selendang"])
    first_order = place_order(buyer)
    guest_cart_id = db.session.execute(select(Cart.id).order_by(Cart.id.desc())).scalars().first()
    buyer.post("/account/login", data={"email": "ana@example.com", "password": PASSWORD})
    db.session.expire_all()
    assert db.session.get(Cart, guest_cart_id) is None  # merged into the account's cart

    newcomer = app.test_client()
    add(newcomer, goods["selendang"])
    second_order = place_order(newcomer, name="Budi Santoso", email="budi@example.com")
    assert second_order != first_order
    token = second_order.rstrip("/").split("/")[-1]
    order = db.session.execute(select(Order).where(Order.access_token == token)).scalar_one()
    assert order.email == "budi@example.com"
    earlier = db.session.execute(
        select(Order).where(Order.email == "sari@example.com")
    ).scalar_one()
    assert earlier.reference not in text_of(newcomer.get(second_order))
    assert order.reference in text_of(newcomer.get(second_order))
    assert db.session.execute(select(Order.email).order_by(Order.id)).scalars().all() == [
        "sari@example.com",
        "budi@example.com",
    ]


def test_the_place_order_key_names_no_row_id(app, goods):
    client = app.test_client()
    add(client, goods["selendang"])
    place_order(client)
    order = db.session.execute(select(Order)).scalar_one()
    cart = db.session.execute(select(Cart)).scalar_one()
    assert f"cart-{cart.id}-" not in order.idempotency_key
    assert cart.token not in order.idempotency_key  # nor the cart's credential


# --- The Host header ---------------------------------------------------------------------


def test_a_forged_host_never_appears_in_a_page(client, goods):
    for path in PUBLIC_PAGES + ("/robots.txt", "/sitemap.xml"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 200, path
        assert "evil.example" not in text_of(response), path
    page = text_of(client.get("/products/selendang", headers={"Host": "evil.example"}))
    assert 'rel="canonical" href="http://127.0.0.1:5000/' in page


def test_unknown_hosts_are_refused_when_allowed_hosts_is_set(app, goods):
    shop = with_settings(app, ALLOWED_HOSTS=("toko.example", ".cantik.example")).test_client()
    assert shop.get("/about", headers={"Host": "toko.example"}).status_code == 200
    assert shop.get("/about", headers={"Host": "toko.example:8443"}).status_code == 200
    assert shop.get("/about", headers={"Host": "www.cantik.example"}).status_code == 200
    assert shop.get("/about", headers={"Host": "evil.example"}).status_code == 400
    assert shop.get("/about", headers={"Host": "toko.example.evil"}).status_code == 400


@pytest.mark.parametrize(
    "host", ["a" * 300, "x" * 70 + ".example", "exämple.com", "toko.example:99999x", "[::1"]
)
def test_an_over_long_or_malformed_host_is_a_400_not_a_500(client, goods, host):
    assert client.get("/about", headers={"Host": host}).status_code == 400


def test_there_is_no_page_cache_in_the_process(client, goods):
    with pytest.raises(ImportError):
        __import__("storefront.catalog.page_cache")
    assert "Rp450.000" in text_of(client.get("/products/selendang"))
    goods["selendang"].variants[0].price = 470_000
    db.session.commit()
    assert "Rp470.000" in text_of(client.get("/products/selendang"))


# --- Caching that standard tools understand ----------------------------------------------


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_anonymous_catalogue_pages_are_public_with_an_etag_and_a_304(app, goods, path):
    client = app.test_client()
    # An English reader's browser asks for English: the page then sets no language cookie.
    language = {"Accept-Language": "en" if path.startswith("/en/") else "id"}
    response = client.get(path, headers=language)
    assert response.status_code == 200
    cache = response.cache_control
    assert cache.public and cache.max_age == 60 and cache.s_maxage == 60
    etag = response.headers["ETag"]
    assert not response.headers.getlist("Set-Cookie")
    again = client.get(path, headers={**language, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    changed = client.get(path, headers={**language, "If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_pages_for_a_visitor_with_a_cart_or_a_session_are_private(app, goods):
    shopper = app.test_client()
    add(shopper, goods["kain"])
    for path in PUBLIC_PAGES:
        response = shopper.get(path)
        assert not response.cache_control.public, path
        assert response.cache_control.private or response.cache_control.no_store, path
    member = app.test_client()
    register(member, "ana@example.com")
    member.delete_cookie("cart")
    response = member.get("/products")
    assert not response.cache_control.public and response.cache_control.private


def test_cart_checkout_order_and_account_pages_are_never_stored(app, goods):
    client = app.test_client()
    add(client, goods["selendang"])
    order_page = place_order(client)
    add(client, goods["selendang"])
    client.post("/checkout", data={**CONTACT, **PICKUP_BY_TRANSFER})
    register(client, "budi@example.com")
    for path in ("/cart", "/checkout", "/checkout/review", order_page, "/account"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_a_page_that_sets_a_cookie_is_not_shared(client, goods):
    response = client.get("/products?ref=dekranasda-sumsel")
    if response.headers.getlist("Set-Cookie"):
        assert not response.cache_control.public


# --- Rate limits behind a proxy ----------------------------------------------------------


def limited(app, **settings):
    """A client of an app with rate limits on (fresh counters)."""
    shop = with_settings(app, RATELIMIT_ENABLED=True, **settings)
    with shop.app_context():
        limiter.reset()
    return shop.test_client()


def test_forwarded_for_is_ignored_unless_proxy_hops_are_configured(app, goods):
    direct = limited(app, PROXY_HOPS=0, SIGN_IN_LIMIT="3 per minute")
    answers = [
        direct.post(
            "/account/login",
            data={"email": f"x{i}@example.com", "password": "wrong password!"},
            headers={"X-Forwarded-For": f"10.0.0.{i}"},
        ).status_code
        for i in range(5)
    ]
    assert answers == [401, 401, 401, 429, 429]  # one client, whatever the header says

    behind_nginx = limited(app, PROXY_HOPS=1, SIGN_IN_LIMIT="3 per minute")
    answers = [
        behind_nginx.post(
            "/account/login",
            data={"email": f"y{i}@example.com", "password": "wrong password!"},
            headers={"X-Forwarded-For": f"10.0.1.{i}"},
        ).status_code
        for i in range(5)
    ]
    assert answers == [401] * 5  # five clients, as nginx says
    same = [
        behind_nginx.post(
            "/account/login",
            data={"email": f"z{i}@example.com", "password": "wrong password!"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        ).status_code
        for i in range(4)
    ]
    assert same == [401, 401, 401, 429]


def test_sign_in_is_limited_per_account_from_any_address(app, goods):
    register(app.test_client(), "ana@example.com")
    shop = limited(app, PROXY_HOPS=1, SIGN_IN_ACCOUNT_LIMIT="3 per hour")
    answers = [
        shop.post(
            "/account/login",
            data={"email": "ANA@example.com ", "password": f"guess number {i}"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert answers == [401, 401, 401, 429]
    right_password = shop.post(
        "/account/login",
        data={"email": "ana@example.com", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.200"},
    )
    assert right_password.status_code == 429  # the account is resting, whoever asks
    other = shop.post(
        "/account/login",
        data={"email": "budi@example.com", "password": "guess"},
        headers={"X-Forwarded-For": "198.51.100.201"},
    )
    assert other.status_code == 401


def test_password_reset_e_mails_are_limited_per_recipient(app, goods):
    register(app.test_client(), "ana@example.com")
    shop = limited(app, PROXY_HOPS=1, RESET_EMAIL_LIMIT="2 per hour")
    answers = [
        shop.post(
            "/account/password-reset",
            data={"email": "ana@example.com"},
            headers={"X-Forwarded-For": f"192.0.2.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert answers == [200, 200, 429, 429]
    db.session.expire_all()
    resets = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.kind == "password_reset")
    ).all()
    assert len(resets) == 2


def test_new_carts_are_limited_per_address_but_a_cart_keeps_filling(app, goods):
    shop = with_settings(app, RATELIMIT_ENABLED=True, NEW_CART_LIMIT="2 per hour")
    with shop.app_context():
        limiter.reset()
    first, second, third = (shop.test_client() for _ in range(3))
    assert add(first, goods["selendang"]).status_code == 303
    assert add(second, goods["selendang"]).status_code == 303
    assert add(third, goods["selendang"]).status_code == 429
    assert add(first, goods["kain"]).status_code == 303  # an existing cart is not a new one
    db.session.expire_all()
    assert len(db.session.execute(select(Cart)).all()) == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_two_workers_share_counters_in_redis(app, goods, redis_url):
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "SIGN_IN_LIMIT": "3 per minute"}
    worker_a = limited(app, **settings)
    worker_b = limited(app, **settings)
    attempt = {"email": "x@example.com", "password": "wrong password!"}
    answers = [
        (worker_a if i % 2 else worker_b).post("/account/login", data=attempt).status_code
        for i in range(4)
    ]
    assert answers == [401, 401, 401, 429]


# --- Database timeouts -------------------------------------------------------------------


def _postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement and lock timeouts are PostgreSQL's")


def test_a_slow_statement_ends_in_a_503_page_not_a_killed_worker(app, goods):
    _postgres_only(app)
    shop = with_settings(app, DB_STATEMENT_TIMEOUT_MS=100)

    @shop.get("/_slow")
    def slow():
        db.session.execute(text("SELECT pg_sleep(2)"))
        return "done"

    started = time.monotonic()
    response = shop.test_client().get("/_slow")
    assert response.status_code == 503
    assert time.monotonic() - started < 1.5
    assert response.headers["Retry-After"]
    assert "sibuk" in text_of(response)


def test_a_long_lock_wait_ends_in_a_503_page(app, goods):
    _postgres_only(app)
    shop = with_settings(app, DB_LOCK_TIMEOUT_MS=100)
    variant_id = goods["selendang"].variants[0].id

    @shop.get("/_locked")
    def locked():
        db.session.execute(
            text("SELECT id FROM variant WHERE id = :id FOR UPDATE"), {"id": variant_id}
        )
        return "done"

    holder = db.engine.connect()
    transaction = holder.begin()
    holder.execute(text("SELECT id FROM variant WHERE id = :id FOR UPDATE"), {"id": variant_id})
    try:
        response = shop.test_client().get("/_locked")
    finally:
        transaction.rollback()
        holder.close()
    assert response.status_code == 503


def test_timeouts_reach_postgresql_connections_only(app):
    from storefront.database import engine_options

    pg = engine_options(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://shop@db/shop",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "DB_STATEMENT_TIMEOUT_MS": 15000,
            "DB_LOCK_TIMEOUT_MS": 5000,
        }
    )
    assert pg["connect_args"]["options"] == "-c statement_timeout=15000 -c lock_timeout=5000"
    assert pg["pool_pre_ping"]
    sqlite = engine_options(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "DB_STATEMENT_TIMEOUT_MS": 15000}
    )
    assert "connect_args" not in sqlite


# --- Server errors from bad input --------------------------------------------------------


@pytest.mark.parametrize("revision", ["²", "٣", "99999999999", str(2**31)])
def test_odd_digits_and_huge_revisions_are_a_400(client, goods, revision):
    add(client, goods["selendang"])
    client.post("/checkout", data={**CONTACT, **PICKUP_BY_TRANSFER})
    assert client.post("/checkout/place", data={"revision": revision}).status_code == 400


@pytest.mark.parametrize("value", ["²", "١٢", str(2**63), str(2**40)])
def test_odd_digits_and_huge_numbers_in_the_listing_are_ignored(client, goods, value):
    for name in ("page", "min_price", "max_price"):
        assert client.get(f"/products?{name}={value}").status_code == 200


@pytest.mark.parametrize("sort", ["newest", "price_asc", "name"])
def test_cursors_with_ids_too_large_for_the_database_are_ignored(client, goods, sort):
    for product_id in (2**31, 2**40, 2**63, 2**70, -5):
        for value in (None, 100, 2**70, "x" * 300):
            cursor = encode_cursor(value, product_id)
            response = client.get(f"/products?sort={sort}&after={cursor}", follow_redirects=True)
            assert response.status_code == 200


@pytest.mark.parametrize("variant_id", [str(2**63), str(2**70), "²", "-1"])
def test_variant_ids_too_large_for_the_database_are_refused(client, goods, variant_id):
    response = client.post("/cart/add", data={"variant_id": variant_id, "quantity": "1"})
    assert response.status_code == 400
    assert db.session.execute(select(CartLine)).first() is None


def test_a_file_sent_in_a_text_field_is_a_400(client, goods):
    add(client, goods["selendang"])
    upload = {**CONTACT, **PICKUP_BY_TRANSFER, "name": (io.BytesIO(b"GIF89a"), "name.gif")}
    assert (
        client.post("/checkout", data=upload, content_type="multipart/form-data").status_code == 400
    )
    login = {"email": (io.BytesIO(b"x"), "e.txt"), "password": "kain songket lepus"}
    assert client.post("/account/login", data=login).status_code == 400


def test_nul_characters_never_reach_the_database(client, goods):
    assert client.get("/products?q=songket%00lepus").status_code == 200
    assert client.get("/products/selen%00dang").status_code == 400
    response = client.post("/account/login", data={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400
    add(client, goods["selendang"])
    details = {**CONTACT, **PICKUP_BY_TRANSFER, "name": "Sari\x00"}
    assert client.post("/checkout", data=details).status_code == 400


# --- Smaller findings --------------------------------------------------------------------


def test_the_remember_me_cookie_is_same_site_lax(client, goods):
    client.post(
        "/account/register",
        data={
            "name": "Ana",
            "email": "ana@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "remember": "y",
        },
    )
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.same_site == "Lax"


def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_adding_to_the_cart_from_another_site_is_refused(app, goods):
    client = csrf_on(app)
    variant = goods["selendang"].variants[0].id
    data = {"variant_id": variant, "quantity": "1"}
    assert client.post("/cart/add", data=data).status_code == 400  # no token, no origin
    cross_site = client.post("/cart/add", data=data, headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 400
    fetch_meta = client.post("/cart/add", data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch_meta.status_code == 400
    forged = client.post(
        "/cart/add",
        data={**data, "csrf_token": "forged"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert forged.status_code == 400
    assert db.session.execute(select(CartLine)).first() is None


def test_adding_to_the_cart_from_the_shops_own_pages_works(app, goods):
    first_time = csrf_on(app)
    page = first_time.get("/products/selendang")
    assert page.cache_control.public  # the shared page holds nobody's token
    assert 'name="csrf_token" value=""' in text_of(page)
    variant = goods["selendang"].variants[0].id
    data = {"variant_id": variant, "quantity": "1", "csrf_token": ""}
    same_origin = first_time.post("/cart/add", data=data, headers={"Origin": "http://localhost"})
    assert same_origin.status_code == 303

    # Now the visitor has a cart and a session: their page carries their own token.
    own = text_of(first_time.get("/products/kain"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', own).group(1)
    other = csrf_on(app)
    add(other, goods["selendang"], Origin="http://localhost")
    their = text_of(other.get("/products/kain"))
    assert re.search(r'name="csrf_token" value="([^"]+)"', their).group(1) != token
    data = {"variant_id": goods["kain"].variants[0].id, "quantity": "1", "csrf_token": token}
    assert first_time.post("/cart/add", data=data).status_code == 303
    assert other.post("/cart/add", data=data).status_code == 400  # someone else's token


def test_the_policy_limits_base_and_form_targets(client, goods):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "base-uri 'self'" in policy
    assert "form-action 'self'" in policy


def test_make_run_serves_without_the_debugger_console(monkeypatch):
    from flask import Flask

    from storefront import devserver

    seen = {}
    monkeypatch.setattr(Flask, "run", lambda self, **options: seen.update(options))
    monkeypatch.setattr(devserver, "send_outbox_while_serving", lambda *a, **k: None, raising=False)
    monkeypatch.setattr(devserver.signal, "signal", lambda *a: None)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_x")
    monkeypatch.setenv("CANTIK_ENV", "development")
    monkeypatch.setattr("sys.argv", ["devserver", "--port", "5099"])
    devserver.main()
    assert seen.get("use_evalex") is False


def test_images_past_the_pixel_limit_are_refused_before_decoding(app):
    from storefront.media.storage import InvalidImage, store_image

    app.config["MAX_IMAGE_PIXELS"] = 10_000
    picture = io.BytesIO()
    # 1.2 times the limit: Pillow by itself would only warn.
    Image.new("RGB", (120, 100), "white").save(picture, "PNG")
    with pytest.raises(InvalidImage):
        store_image(app.config["MEDIA_ROOT"], picture.getvalue())
    small = io.BytesIO()
    Image.new("RGB", (90, 100), "white").save(small, "PNG")
    assert store_image(app.config["MEDIA_ROOT"], small.getvalue()).width == 90


def test_create_app_adds_no_global_engine_listener(app):
    assert not event.contains(Engine, "connect", configure_sqlite)
    with_settings(app)
    with_settings(app)
    assert not event.contains(Engine, "connect", configure_sqlite)
    if db.engine.dialect.name == "sqlite":
        assert event.contains(db.engine, "connect", configure_sqlite)
        mode = db.session.execute(text("PRAGMA foreign_keys")).scalar()
        assert mode == 1


def test_errors_shown_to_people_are_domain_errors():
    assert issubclass(CatalogError, DomainError) and CatalogError.status_code == 404
    assert issubclass(DeliveryNotPossible, DomainError)
