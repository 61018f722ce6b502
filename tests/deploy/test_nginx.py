"""The shipped nginx configuration in front of gunicorn, checked as buyers and operators see it.

nginx runs deploy/nginx/cantik.conf (rendered by deploy/render.py, inside
Debian's own nginx.conf) on loopback ports with a self-signed certificate for
``localhost``; gunicorn serves the shop on PostgreSQL when TEST_DATABASE_URL
is set, SQLite otherwise, with the schema migrated and a small catalogue
seeded. Skipped when nginx is not installed, unless CANTIK_REQUIRE_NGINX=1
(as .ci/run sets it), which makes a missing nginx a failure.
"""

from __future__ import annotations

import gzip
import http.client
import http.cookiejar
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from factories import make_category, make_partner, make_product, make_program
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from config import TestingConfig
from storefront import create_app
from storefront.extensions import db
from storefront.orders.models import Order

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy.loopback import LoopbackNginx, free_port, nginx_binary  # noqa: E402

START_TIMEOUT = 30.0

CONTACT = {"name": "Sari Wulandari", "email": "sari@example.com", "phone": "0812-3456-7890"}
COURIER_TO_BANDUNG = {
    "delivery_method": "courier",
    "province": "Jawa Barat",
    "city": "Bandung",
    "address_line": "Jl. Braga No. 12",
    "postal_code": "40111",
}


def _require_nginx() -> None:
    missing = [
        tool
        for tool, found in (("nginx", nginx_binary()), ("openssl", shutil.which("openssl")))
        if not found
    ]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (apt-get install nginx openssl)"
    if os.environ.get("CANTIK_REQUIRE_NGINX") == "1":
        pytest.fail(f"CANTIK_REQUIRE_NGINX=1 but {reason}")
    pytest.skip(reason)


# --------------------------------------------------------------------------
# The stack: a seeded database, gunicorn, nginx.
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop_database(request, tmp_path_factory) -> str:
    """An empty, migrated database: the PostgreSQL test database, or a SQLite copy."""
    _require_nginx()
    if os.environ.get("TEST_DATABASE_URL"):
        from conftest import _truncate_all

        url = request.getfixturevalue("postgres_schema")
        _truncate_all(url)
        return url
    path = tmp_path_factory.mktemp("nginx-db") / "shop.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def media_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("nginx-media")


@pytest.fixture(scope="module")
def catalogue(shop_database, media_root) -> dict:
    """A small catalogue with photos: what the tests buy and look at."""
    config = type(
        "Seeding",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": shop_database, "MEDIA_ROOT": str(media_root)},
    )
    app = create_app(config)
    with app.app_context():
        songket = make_category("songket", "Songket", "Songket")
        weaving = make_program("tenun-songket", "Tenun Songket", "Songket Weaving")
        make_partner("dekranasda-sumsel")
        products = [
            make_product(
                songket,
                weaving,
                slug=f"selendang-{n}",
                name_id=f"Selendang Songket {n}",
                name_en=f"Songket Shawl {n}",
                prices=(450_000 + n * 1000,),
                on_hand=50,
                media_root=str(media_root),
            )
            for n in range(1, 7)
        ]
        db.session.commit()
        found = {
            "slug": products[0].slug,
            "name": products[0].name_id,
            "image_key": products[0].images[0].key,
        }
        db.session.remove()
        db.engine.dispose()
    return found


class Gunicorn:
    """gunicorn serving tests/deploy/nginx_app.py on 127.0.0.1."""

    def __init__(self, directory: Path, env: dict[str, str], port: int):
        self.port = port
        self.log = directory / "gunicorn.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-w",
                    "2",
                    "-k",
                    "sync",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--pythonpath",
                    str(Path(__file__).parent),
                    "nginx_app:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()}")
            try:
                probe = urllib.request.Request(
                    f"http://127.0.0.1:{self.port}/healthz", headers={"Host": "localhost"}
                )
                with urllib.request.urlopen(probe, timeout=2):
                    return
            except urllib.error.HTTPError as error:
                raise RuntimeError(f"/healthz said {error.code}: {error.read()!r}") from error
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn not ready:\n{self.log.read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@dataclass
class Stack:
    nginx: LoopbackNginx
    gunicorn: Gunicorn
    database_url: str
    catalogue: dict


@pytest.fixture(scope="module")
def stack(shop_database, media_root, catalogue, tmp_path_factory):
    """nginx on loopback in front of gunicorn, both stopped at the end of the module."""
    directory = tmp_path_factory.mktemp("nginx")
    upstream_port = free_port()
    nginx = LoopbackNginx(
        directory,
        upstream=f"127.0.0.1:{upstream_port}",
        static_root=ROOT / "static",
        media_root=media_root,
        # The test plays a load balancer: client addresses come in X-Forwarded-For.
        trusted_proxies="127.0.0.1",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STRIPE_", "MAIL_", "FLASK_", "CANTIK_", "SITE_URL", "DATABASE_"))
    }
    env.update(
        DATABASE_URL=shop_database,
        MEDIA_ROOT=str(media_root),
        SECRET_KEY=secrets.token_hex(32),
        SITE_URL=nginx.url,
        ALLOWED_HOSTS="localhost",
        PROXY_HOPS="1",
        PYTHONUNBUFFERED="1",
    )
    gunicorn = Gunicorn(directory, env, upstream_port)
    try:
        gunicorn.wait_ready()
        nginx.start()
        yield Stack(nginx, gunicorn, shop_database, catalogue)
    finally:
        nginx.stop()
        gunicorn.stop()


# --------------------------------------------------------------------------
# A visitor: cookies, no automatic redirects, the certificate trusted.
# --------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser, coming through a load balancer that names it ``forwarded_for``."""

    def __init__(self, stack: Stack, forwarded_for: str | None = None):
        self.base = stack.nginx.url
        self.forwarded_for = forwarded_for
        self.context = ssl.create_default_context(cafile=str(stack.nginx.certificate))
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.context),
            urllib.request.HTTPCookieProcessor(self.cookies),
            _NoRedirect,
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> Reply:
        headers = dict(headers or {})
        if self.forwarded_for:
            headers.setdefault("X-Forwarded-For", self.forwarded_for)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        if body is not None:
            headers.setdefault("Referer", self.base + path)
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as response:
                return Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read())

    def get(self, path: str, **headers) -> Reply:
        return self.request(path, headers=headers)

    def post(self, path: str, data: dict, form: Reply | None = None) -> Reply:
        token = form and re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
        if token:
            data = {"csrf_token": token[1], **data}
        return self.request(path, data=data)

    def has_cookie(self, name: str) -> bool:
        return any(cookie.name == name for cookie in self.cookies)


# --------------------------------------------------------------------------
# The checks.
# --------------------------------------------------------------------------


def test_healthz_through_nginx(stack):
    reply = Visitor(stack).get("/healthz")
    assert reply.status == 200
    assert '"database":"ok"' in reply.text.replace(" ", "")
    assert '"migrations":"current"' in reply.text.replace(" ", "")
    assert reply.headers["Cache-Control"] == "no-store"


def test_plain_http_redirects_to_the_site_url(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.nginx.http_port, timeout=10)
    connection.request("GET", "/products?q=songket", headers={"Host": "localhost"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == f"{stack.nginx.url}/products?q=songket"
    connection.close()


def test_other_host_names_never_reach_the_shop(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.nginx.http_port, timeout=10)
    connection.request("GET", "/", headers={"Host": "evil.example"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()  # nginx closes the connection without an answer (444)
    connection.close()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        Visitor(stack).get("/", Host="evil.example")  # the same over TLS, whatever the SNI


def test_a_guest_checkout_with_bank_transfer(stack):
    buyer = Visitor(stack, forwarded_for="192.0.2.44")
    slug = stack.catalogue["slug"]
    product = buyer.get(f"/products/{slug}")
    assert product.status == 200 and stack.catalogue["name"] in product.text
    variant_id = re.search(r'name="variant_id" value="(\d+)"', product.text)[1]

    added = buyer.post("/cart/add", {"variant_id": variant_id, "quantity": "2"}, form=product)
    assert added.status == 303, added.text[:500]
    assert buyer.has_cookie("cart")

    form = buyer.get("/checkout")
    assert form.status == 200
    assert form.headers.get("X-Cache-Status") in (None, "BYPASS")
    details = {**CONTACT, **COURIER_TO_BANDUNG, "payment_method": "bank_transfer"}
    sent = buyer.post("/checkout", details, form=form)
    assert sent.status == 303, sent.text[:800]

    review = buyer.get("/checkout/review")
    assert review.status == 200, review.text[:500]
    revision = re.search(r'name="revision" value="(\d+)"', review.text)[1]
    placed = buyer.post("/checkout/place", {"revision": revision}, form=review)
    assert placed.status == 303, placed.text[:800]

    location = placed.headers["Location"]
    status = buyer.get(urllib.parse.urlsplit(location).path)
    assert status.status == 200
    engine = create_engine(stack.database_url)
    with Session(engine) as session:
        order = session.execute(select(Order)).scalar_one()
        reference, total, email = order.reference, order.total, order.email
    engine.dispose()
    assert reference in status.text and "transfer" in status.text.lower()
    assert email == "sari@example.com" and total > 2 * 450_000
    assert "no-store" in status.headers.get("Cache-Control", "")


def test_a_catalogue_page_comes_from_nginx_cache_the_second_time(stack):
    visitor = Visitor(stack, forwarded_for="198.51.100.20")
    first = visitor.get("/products?category=songket")
    assert first.status == 200
    assert first.headers.get("X-Cache-Status") in ("MISS", "EXPIRED"), first.headers
    public = first.headers.get("Cache-Control", "")
    assert "public" in public and ("s-maxage" in public or "max-age" in public), (
        f"the app sent Cache-Control {public!r}: nginx keeps only pages the app marks public"
    )
    second = Visitor(stack, forwarded_for="198.51.100.21").get("/products?category=songket")
    assert second.status == 200
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.body == first.body


def test_visitors_with_a_cart_or_session_are_never_served_from_the_cache(stack):
    anonymous = Visitor(stack, forwarded_for="198.51.100.30")
    anonymous.get("/products")
    assert anonymous.get("/products").headers["X-Cache-Status"] == "HIT"
    with_cart = Visitor(stack, forwarded_for="198.51.100.31")
    product = with_cart.get(f"/products/{stack.catalogue['slug']}")
    variant_id = re.search(r'name="variant_id" value="(\d+)"', product.text)[1]
    with_cart.post("/cart/add", {"variant_id": variant_id, "quantity": "1"}, form=product)
    assert with_cart.has_cookie("cart")
    page = with_cart.get("/products")
    assert page.headers["X-Cache-Status"] == "BYPASS"
    assert re.search(r'class="count"[^>]*>1<', page.text), "the header shows this buyer's cart"
    signed_in_looking = Visitor(stack).get("/products", Cookie="session=abc")
    assert signed_in_looking.headers["X-Cache-Status"] == "BYPASS"


def test_rate_limits_are_per_client_as_named_by_the_load_balancer(stack):
    """One client over its burst gets 429s; another client at the same time does not."""
    context = ssl.create_default_context(cafile=str(stack.nginx.certificate))
    connection = http.client.HTTPSConnection(
        "localhost", stack.nginx.https_port, context=context, timeout=10
    )
    statuses = []
    try:
        for _ in range(600):  # burst 100 at 20 r/s: refusals come well before this
            connection.request("GET", "/about", headers={"X-Forwarded-For": "203.0.113.7"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            if response.status == 429:
                break
        assert statuses[-1] == 429, f"no 429 after {len(statuses)} requests"
        assert len(statuses) > 50, "the burst allowance was far smaller than configured"
        connection.request("GET", "/about", headers={"X-Forwarded-For": "198.51.100.99"})
        other = connection.getresponse()
        other.read()
        assert other.status == 200, "another client was limited too"
    finally:
        connection.close()


def test_gzip_for_pages_and_stylesheets(stack):
    visitor = Visitor(stack, forwarded_for="198.51.100.40")
    page = visitor.get("/products", **{"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert stack.catalogue["name"] in gzip.decompress(page.body).decode()
    stylesheet = re.search(
        r'href="(/static/css/shop\.css\?v=[0-9a-f]+)"', gzip.decompress(page.body).decode()
    )[1]
    css = visitor.get(stylesheet, **{"Accept-Encoding": "gzip"})
    assert css.status == 200 and css.headers["Content-Encoding"] == "gzip"
    plain = visitor.get(stylesheet)
    assert "Content-Encoding" not in plain.headers and len(plain.body) > len(css.body)


def test_static_files_are_served_by_nginx_for_a_year(stack):
    visitor = Visitor(stack)
    page = visitor.get("/products")
    stylesheet = re.search(r'href="(/static/css/shop\.css\?v=[0-9a-f]+)"', page.text)[1]
    css = visitor.get(stylesheet)
    assert css.status == 200 and css.body == (ROOT / "static" / "css" / "shop.css").read_bytes()
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "X-Request-ID" not in css.headers, "the file came from the app, not from nginx"


def test_media_is_served_by_nginx_from_disk_for_a_year(stack):
    visitor = Visitor(stack)
    key = stack.catalogue["image_key"]
    image = visitor.get(f"/media/{key}-320.webp")
    assert image.status == 200 and image.body[:4] == b"RIFF" and image.body[8:12] == b"WEBP"
    assert image.headers["Content-Type"] == "image/webp"
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "X-Request-ID" not in image.headers, "the image came from the app, not from disk"
    missing = visitor.get("/media/nosuchpicture0-320.webp")
    assert missing.status == 404
    assert visitor.get("/media/../etc/passwd").status in (400, 404)
