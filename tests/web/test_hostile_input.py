"""Hostile values at every public page and form: the shop answers, never with a 5xx.

Every GET route of the public blueprints (found by walking the URL map, so a
new page is covered without touching this file) gets hostile values in each
path argument and in the query string; every public form gets them in each
field, and a file in each text field. Any answer below 500 is fine: a 400,
a 404, a normalised page. Runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL, whose text type refuses NUL and whose integers overflow.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote, urlencode

import pytest
from factories import make_agreement, make_category, make_partner, make_product, make_program
from payment_support import text_of

from storefront.extensions import db

PUBLIC_BLUEPRINTS = {
    "catalog",
    "impact",
    "pages",
    "media",
    "cart",
    "checkout",
    "orders",
    "payments",
}
PUBLIC_BLUEPRINTS |= {"accounts"}

HOSTILE = (
    "²",
    "١٢٣",
    "9" * 30,
    str(2**31),
    str(2**63),
    str(2**63 + 1),
    "-1",
    "0",
    "\x00",
    "songket\x00",
    "x" * 10_000,
    "../../etc/passwd",
    "..%2f..%2fetc",
    "' OR '1'='1",
    '"; DROP TABLE cart; --',
    "\u202e\ufeff\u200b",
    "😀" * 40,
    "%00",
    "<script>alert(1)</script>",
    "1e9999",
    "NaN",
    " ",
    "",
)
HOSTILE_INTS = (0, 2**31, 2**63, 2**70)
QUERY_NAMES = (
    "q",
    "category",
    "program",
    "kind",
    "sort",
    "page",
    "after",
    "before",
    "min_price",
    "max_price",
    "in_stock",
    "variant",
    "variant_id",
    "lang",
    "ref",
    "next",
)
# Pages that read most of the query string: every argument on its own.
ONE_ARGUMENT_AT_A_TIME = {"catalog.products", "catalog.product"}

CONTACT = {"name": "Sari Wulandari", "email": "sari@example.com", "phone": "081234567890"}
CHECKOUT = {
    **CONTACT,
    "delivery_method": "courier",
    "province": "Jawa Barat",
    "city": "Bandung",
    "address_line": "Jl. Braga No. 12",
    "postal_code": "40111",
    "payment_method": "bank_transfer",
}
PASSWORD = "kain songket lepus"


@pytest.fixture
def shop(app):
    songket = make_category("songket", "Songket", "Songket")
    weaving = make_program("tenun-songket", "Tenun Songket", "Songket Weaving")
    partner = make_partner("dekranasda-sumsel")
    from datetime import date, timedelta

    make_agreement(partner, weaving, valid_from=date.today() - timedelta(days=10))
    product = make_product(
        songket,
        weaving,
        slug="selendang",
        prices=(450_000,),
        on_hand=50,
        media_root=app.config["MEDIA_ROOT"],
    )
    db.session.commit()
    return {"product": product, "variant_id": product.variants[0].id}


@pytest.fixture
def buyer(app, shop):
    """A guest with a cart, saved checkout details and one placed order."""
    client = app.test_client()
    client.post("/cart/add", data={"variant_id": shop["variant_id"], "quantity": "1"})
    client.post("/checkout", data=CHECKOUT)
    review = text_of(client.get("/checkout/review"))
    revision = re.search(r'name="revision" value="(\d+)"', review).group(1)
    placed = client.post("/checkout/place", data={"revision": revision})
    order_token = placed.headers["Location"].rstrip("/").split("/")[2]
    client.post("/cart/add", data={"variant_id": shop["variant_id"], "quantity": "1"})
    client.post("/checkout", data=CHECKOUT)
    line = re.search(r"/cart/lines/(\d+)", text_of(client.get("/cart"))).group(1)
    return {"client": client, "order_token": order_token, "line_id": line}


def public_get_rules(app):
    """Every GET route of the public blueprints."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS
    ]


def path_for(rule, values: dict) -> str:
    """The rule's path with each argument replaced by its (URL-quoted) value."""
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(
            r"<(?:[a-z]+(?:\([^)]*\))?:)?" + name + ">", quote(str(values[name]), safe=""), path
        )
    return path


def sane_values(rule, shop, buyer) -> dict:
    values = {
        "slug": "selendang" if "product" in rule.endpoint else "tenun-songket",
        "token": buyer["order_token"],
        "key": "abcd1234",
        "width": 320,
        "line_id": buyer["line_id"],
        "lang": "id",
    }
    if rule.endpoint.startswith("impact.partner"):
        values["slug"] = "dekranasda-sumsel"
    if rule.endpoint.startswith("pages."):
        values["slug"] = "shipping"
    return values


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


def test_every_public_page_survives_hostile_paths_and_queries(app, shop, buyer):
    visitors = {"guest": app.test_client(), "buyer": buyer["client"]}
    rules = public_get_rules(app)
    assert {"catalog.products", "catalog.product", "impact.partner", "orders.status"} <= {
        r.endpoint for r in rules
    }
    for rule in rules:
        sane = sane_values(rule, shop, buyer)
        for who, client in visitors.items():
            for name in rule.arguments - set(rule.defaults or {}):
                is_int = "int:" in rule.rule.split(name)[0].rsplit("<", 1)[-1]
                for value in HOSTILE_INTS if is_int else HOSTILE:
                    path = path_for(rule, {**sane, name: value})
                    assert_no_server_error(client.get(path), f"{who} GET {path[:120]}")
            base = path_for(rule, sane)
            for value in HOSTILE:
                query = urlencode(dict.fromkeys(QUERY_NAMES, value))
                response = client.get(f"{base}?{query}")
                assert_no_server_error(response, f"{who} GET {base}?all={value[:20]!r}")
            if rule.endpoint in ONE_ARGUMENT_AT_A_TIME:
                for name in QUERY_NAMES:
                    for value in HOSTILE:
                        response = client.get(f"{base}?{urlencode({name: value})}")
                        assert_no_server_error(response, f"{who} GET {base}?{name}={value[:20]!r}")


def public_forms(shop, buyer) -> list[tuple[str, dict]]:
    """Every public form: where it posts and a sane filling of its fields."""
    return [
        ("/cart/add", {"variant_id": str(shop["variant_id"]), "quantity": "1"}),
        (f"/cart/lines/{buyer['line_id']}", {"quantity": "2"}),
        (f"/cart/lines/{buyer['line_id']}", {"quantity": "1", "remove": "1"}),
        ("/checkout", dict(CHECKOUT)),
        ("/checkout/place", {"revision": "1"}),
        (
            "/account/register",
            {
                "name": "Ana",
                "email": "ana@example.com",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "remember": "y",
                "next": "/cart",
            },
        ),
        (
            "/account/login",
            {"email": "ana@example.com", "password": PASSWORD, "remember": "y", "next": "/"},
        ),
        ("/account/password-reset", {"email": "ana@example.com"}),
        ("/account/password-reset/not-a-token", {"password": PASSWORD, "confirm": PASSWORD}),
        ("/account/logout", {}),
        (f"/orders/{buyer['order_token']}/pay/test", {"payment_method": "pm_card_visa"}),
    ]


def test_every_public_form_survives_hostile_fields_and_files(app, shop, buyer):
    client = buyer["client"]
    for path, fields in public_forms(shop, buyer):
        for name in fields:
            for value in HOSTILE:
                response = client.post(path, data={**fields, name: value})
                assert_no_server_error(response, f"POST {path} {name}={value[:20]!r}")
            upload = {**fields, name: (io.BytesIO(b"GIF89a\x00\x01"), "../x.gif")}
            response = client.post(path, data=upload, content_type="multipart/form-data")
            assert_no_server_error(response, f"POST {path} with a file as {name}")
        extra = {**fields, **dict.fromkeys(QUERY_NAMES, "\x00²")}
        assert_no_server_error(client.post(path, data=extra), f"POST {path} with extra fields")
        assert_no_server_error(
            client.post(path, data=b"\xff\xfe\x00", content_type="text/plain"), path
        )


WEBHOOK_SECRET = "whsec_hostile_input"


def signed_events():
    """Events signed with the shop's secret whose objects lack what the shop expects."""
    odd_objects = [
        {},
        {"id": None},
        {"id": 12345},
        {"id": ""},
        {"id": "pi_\x00"},
        {"id": "x" * 10_000},
        {"id": "pi_x", "metadata": {"order_id": "²"}},
        {"id": "pi_x", "metadata": {"order_id": str(2**70)}},
        {"id": "pi_x", "metadata": {}, "last_payment_error": None},
        {"metadata": {"order_id": "1"}, "last_payment_error": {"message": None}},
    ]
    for number, obj in enumerate(odd_objects):
        for event_type in ("payment_intent.payment_failed", "payment_intent.succeeded"):
            yield {
                "id": f"evt_hostile_{event_type[15:]}_{number}",
                "type": event_type,
                "created": 1,
                "data": {"object": obj},
            }
    yield {"id": "evt_no_data", "type": "payment_intent.succeeded", "created": 1}
    yield {"id": "evt_odd_data", "type": "payment_intent.succeeded", "data": ["x"]}


def test_the_webhook_survives_hostile_bodies(app, client, shop):
    from storefront.payments.gateway import sign_test_payload

    app.config.update(
        STRIPE_SECRET_KEY="sk_test_hostile",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE="http://127.0.0.1:9",  # nothing listens: no event may need Stripe
    )
    for value in HOSTILE:
        response = client.post(
            "/payments/stripe/webhook",
            data=value.encode("utf-8", "surrogatepass"),
            headers={"Stripe-Signature": value[:500], "Content-Type": "application/json"},
        )
        assert response.status_code == 400, f"unsigned {value[:20]!r}"
    for event in signed_events():
        body = json.dumps(event).encode()
        response = client.post(
            "/payments/stripe/webhook",
            data=body,
            headers={
                "Stripe-Signature": sign_test_payload(body, WEBHOOK_SECRET),
                "Content-Type": "application/json",
            },
        )
        assert response.status_code < 500 or response.status_code == 503, event["id"]
        assert response.status_code != 500, event["id"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "a" * 1000},
        {"Host": "\u00e9vil.example"},
        {"Accept-Language": "x" * 10_000},
        {"Cookie": "cart=" + "x" * 4000},
        {"Cookie": "lang=\x00; session=²"},
        {"X-Request-ID": "../" * 100},
        {"X-Forwarded-For": "not an address"},
        {"If-None-Match": "x" * 5000},
        {"Referer": "javascript:alert(1)"},
    ],
)
def test_hostile_headers_never_give_a_server_error(client, shop, headers):
    for path in ("/", "/products", "/products/selendang", "/cart"):
        assert_no_server_error(client.get(path, headers=headers), f"GET {path} {headers!r:.60}")
