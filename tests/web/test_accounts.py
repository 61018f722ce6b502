"""Buyer accounts as a person uses them: sign up, log in, reset, export and delete."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from factories import make_category, make_order, make_product, make_program
from itsdangerous import TimestampSigner
from payment_support import text_of
from sqlalchemy import func, select

from storefront.accounts.models import User
from storefront.cart.models import Cart
from storefront.extensions import db
from storefront.orders.models import Order, OrderEvent
from storefront.outbox.models import OutboxMessage

PASSWORD = "kain songket lepus"


class AuthActions:
    """What a buyer does with the account forms, in English so messages are readable."""

    def __init__(self, client):
        self.client = client
        client.set_cookie("lang", "en")

    def register(self, email="ana@example.com", password=PASSWORD, name="Ana Putri", **extra):
        return self.client.post(
            "/account/register",
            data={
                "name": name,
                "email": email,
                "password": password,
                "confirm": password,
                **extra,
            },
        )

    def login(self, email="ana@example.com", password=PASSWORD, **query):
        return self.client.post(
            "/account/login", query_string=query, data={"email": email, "password": password}
        )

    def logout(self):
        return self.client.post("/account/logout")

    def is_logged_in(self) -> bool:
        return self.client.get("/account").status_code == 200


@pytest.fixture
def auth(client):
    return AuthActions(client)


def outbox() -> list[OutboxMessage]:
    return list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def user_count() -> int:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def reset_link_in(message: OutboxMessage) -> str:
    """The path of the reset link in an e-mail, as a buyer would click it."""
    url = re.search(r"https?://\S+/account/password-reset/\S+", message.body_text).group(0)
    return urlsplit(url).path


@pytest.fixture
def product(app):
    """A songket cloth to have bought."""
    return make_product(make_category(), make_program(), prices=(150_000,))


def place_order_for(
    product, user_id: int | None, *, reference="CTK-0001", email="ana@example.com"
) -> Order:
    """An order as checkout would store it: paid, delivered by courier, one line."""
    order = make_order(
        product,
        reference=reference,
        status="paid",
        user_id=user_id,
        email=email,
        unit_price=150_000,
        shipping_fee=20_000,
        variant_label="V0",
    )
    order.history.append(
        OrderEvent(
            from_status="awaiting_payment",
            to_status="paid",
            actor_role="stripe",
            actor_label="stripe",
        )
    )
    db.session.commit()
    return order


def test_register_log_out_and_log_in_again(auth):
    response = auth.register(email="Ana@Example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    page = auth.client.get("/account")
    assert page.status_code == 200
    assert "Ana Putri" in text_of(page)
    assert "ana@example.com" in text_of(page)  # stored normalised

    assert auth.logout().status_code == 302
    assert not auth.is_logged_in()

    wrong = auth.login(password="not the password")
    assert wrong.status_code == 401
    assert "The e-mail address or password is not correct." in text_of(wrong)
    assert not auth.is_logged_in()

    assert auth.login(email="ANA@example.com").status_code == 302
    assert auth.is_logged_in()


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(auth):
    auth.register()
    auth.logout()
    response = auth.login(email="nobody@example.com")
    assert response.status_code == 401
    assert "The e-mail address or password is not correct." in text_of(response)


def test_account_page_asks_for_login_and_comes_back(auth):
    response = auth.client.get("/account")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/login"
    auth.register()
    auth.logout()
    assert auth.login(next="/account/export").headers["Location"] == "/account/export"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_off_site(auth, target):
    auth.register()
    auth.logout()
    response = auth.login(next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"


def test_logging_in_keeps_what_i_put_in_the_cart_as_a_guest(auth, app, product):
    shawl = make_product(product.category, product.program, name_en="Tabur Songket Shawl")
    db.session.commit()
    auth.register()
    auth.client.post("/cart/add", data={"variant_id": product.variants[0].id, "quantity": 1})
    auth.logout()

    guest = AuthActions(app.test_client())
    guest.client.post("/cart/add", data={"variant_id": shawl.variants[0].id, "quantity": 2})
    assert guest.login().status_code == 302

    cart = text_of(guest.client.get("/cart"))
    assert "Lepus Songket Cloth" in cart and "Tabur Songket Shawl" in cart
    db.session.expire_all()
    [own] = db.session.execute(select(Cart)).scalars().all()  # the guest cart was merged
    assert {(line.variant_id, line.quantity) for line in own.lines} == {
        (product.variants[0].id, 1),
        (shawl.variants[0].id, 2),
    }


def test_an_email_address_has_one_account(auth):
    auth.register(email="ana@example.com")
    auth.logout()
    response = auth.register(email="  ANA@example.com ", name="Someone Else")
    assert response.status_code == 400
    assert "An account with this e-mail address already exists" in text_of(response)
    assert user_count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "at least 10 characters"),
        ("1234567890123", "not only digits"),
        ("ana@example.com", "not your e-mail address"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(auth, password, message):
    response = auth.register(email="ana@example.com", password=password)
    assert response.status_code == 400
    assert message in text_of(response)
    assert user_count() == 0
    assert not auth.is_logged_in()


def test_invalid_forms_are_answered_with_400(auth):
    response = auth.client.post(
        "/account/register",
        data={
            "name": "Ana",
            "email": "not-an-address",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "Please enter a valid e-mail address." in text_of(response)
    mismatch = auth.client.post(
        "/account/register",
        data={
            "name": "Ana",
            "email": "ana@example.com",
            "password": PASSWORD,
            "confirm": "other one!",
        },
    )
    assert mismatch.status_code == 400
    assert "The two passwords are not the same." in text_of(mismatch)
    assert auth.client.post("/account/login", data={"email": ""}).status_code == 400
    assert user_count() == 0


def test_password_reset_by_email_link_works_once(auth, app):
    auth.register()
    auth.logout()

    page = auth.client.post("/account/password-reset", data={"email": "ANA@example.com"})
    assert page.status_code == 200
    assert "If an account exists for that address" in text_of(page)
    [message] = outbox()
    assert message.kind == "password_reset"
    assert message.to_address == "ana@example.com"
    assert message.body_text.count(app.config["SITE_URL"]) == 1
    link = reset_link_in(message)

    assert auth.client.get(link).status_code == 200
    changed = auth.client.post(
        link, data={"password": "new songket pass", "confirm": "new songket pass"}
    )
    assert changed.status_code == 302
    assert "Your password has been changed" in text_of(auth.client.get(changed.headers["Location"]))

    assert auth.login(password=PASSWORD).status_code == 401
    assert auth.login(password="new songket pass").status_code == 302
    auth.logout()

    again = auth.client.post(
        link, data={"password": "third password!", "confirm": "third password!"}
    )
    assert again.status_code == 400
    assert "invalid, has expired or was already used" in text_of(again)
    assert auth.client.get(link).status_code == 400
    assert auth.login(password="third password!").status_code == 401


def test_a_password_reset_logs_out_every_other_session(auth, app):
    auth.register()
    other_device = app.test_client()
    AuthActions(other_device).login()
    assert AuthActions(other_device).is_logged_in()

    auth.client.post("/account/password-reset", data={"email": "ana@example.com"})
    link = reset_link_in(outbox()[0])
    auth.client.post(link, data={"password": "new songket pass", "confirm": "new songket pass"})

    assert not AuthActions(other_device).is_logged_in()


def test_reset_form_refuses_weak_password_and_keeps_the_link_usable(auth):
    auth.register()
    auth.logout()
    auth.client.post("/account/password-reset", data={"email": "ana@example.com"})
    link = reset_link_in(outbox()[0])
    weak = auth.client.post(link, data={"password": "12345", "confirm": "12345"})
    assert weak.status_code == 400
    assert "at least 10 characters" in text_of(weak)
    ok = auth.client.post(link, data={"password": "a better one!", "confirm": "a better one!"})
    assert ok.status_code == 302


def test_reset_link_expires_after_an_hour(auth, monkeypatch):
    auth.register()
    auth.logout()
    auth.client.post("/account/password-reset", data={"email": "ana@example.com"})
    link = reset_link_in(outbox()[0])
    signed_at = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at(self) + 3601)
    response = auth.client.post(link, data={"password": "too late now", "confirm": "too late now"})
    assert response.status_code == 400
    assert "has expired" in text_of(response)


def test_forged_reset_link_is_refused(auth):
    auth.register()
    response = auth.client.get("/account/password-reset/not-a-real-token")
    assert response.status_code == 400
    assert "Please ask for a new one." in text_of(response)


def test_reset_request_for_unknown_email_looks_the_same_and_sends_nothing(auth):
    auth.register()
    auth.logout()
    auth.client.get("/")  # read the "logged out" message so both answers below are bare
    known = auth.client.post("/account/password-reset", data={"email": "ana@example.com"})
    unknown = auth.client.post("/account/password-reset", data={"email": "nobody@example.com"})
    assert unknown.status_code == known.status_code == 200
    assert text_of(unknown) == text_of(known)
    assert [m.to_address for m in outbox()] == ["ana@example.com"]


def test_export_is_a_json_download_of_my_orders_without_the_password_hash(auth, product):
    auth.register()
    user = db.session.execute(select(User)).scalar_one()
    place_order_for(product, user.id, reference="CTK-0001")
    place_order_for(product, None, reference="CTK-GUEST", email="someone@example.com")

    response = auth.client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == "ana@example.com"
    assert [o["reference"] for o in data["orders"]] == ["CTK-0001"]
    order = data["orders"][0]
    assert order["total"] == 320_000
    assert order["delivery"]["address_line"] == "Jl. Merdeka No. 1"
    assert order["lines"][0]["quantity"] == 2
    raw = response.get_data(as_text=True)
    assert "password" not in raw
    assert user.password_hash not in raw


def test_account_page_lists_my_orders_newest_first(auth, product):
    auth.register()
    user = db.session.execute(select(User)).scalar_one()
    place_order_for(product, user.id, reference="CTK-0001")
    second = place_order_for(product, user.id, reference="CTK-0002")
    page = text_of(auth.client.get("/account"))
    assert page.index("CTK-0002") < page.index("CTK-0001")
    assert f"/orders/{second.access_token}" in page
    assert "Rp320,000" in page


def test_deleting_the_account_erases_personal_data_but_keeps_the_sale(auth, product):
    auth.register()
    user = db.session.execute(select(User)).scalar_one()
    order = place_order_for(product, user.id)
    order_id, user_id = order.id, user.id

    refused = auth.client.post("/account/delete", data={"password": "wrong one!", "confirm": "y"})
    assert refused.status_code == 401
    unconfirmed = auth.client.post("/account/delete", data={"password": PASSWORD})
    assert unconfirmed.status_code == 400
    assert db.session.get(User, user_id).erased_at is None

    done = auth.client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert done.status_code == 200
    assert "Your account has been deleted" in text_of(done)
    assert not auth.is_logged_in()
    assert auth.login().status_code == 401

    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.email == f"erased-{user_id}@invalid.example"
    assert (user.name, user.phone) == ("", "")
    assert user.erased_at is not None
    order = db.session.get(Order, order_id)
    assert (order.subtotal, order.shipping_fee, order.total) == (300_000, 20_000, 320_000)
    assert [line.line_total for line in order.lines] == [300_000]
    assert order.email == f"erased-{order_id}@invalid.example"
    assert (order.contact_name, order.phone) == ("", "")
    assert (order.address_line, order.city, order.postal_code) == ("", "", "")
    assert order.personal_data_erased_at is not None
    assert order.history[-1].note == "personal data erased at the buyer's request"
    # A new account with the freed address starts empty.
    auth.register()
    assert "CTK-0001" not in text_of(auth.client.get("/account"))


def test_deleting_the_account_drops_e_mails_not_yet_sent(auth):
    auth.register()
    auth.logout()
    auth.client.post("/account/password-reset", data={"email": "ana@example.com"})
    assert len(outbox()) == 1
    auth.login()
    auth.client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert outbox() == []
