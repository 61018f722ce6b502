"""Sessions kept on the server, as people notice them: signing out really signs out,
a role change or a closed account signs out everywhere, idle back-office sessions end,
sensitive steps ask for the password again, and logout leaves nothing for the next person."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from factories import make_category, make_partner, make_product, make_program
from payment_support import text_of
from sqlalchemy import func, select, update
from staff_support import PASSWORD, StaffActions

from storefront.accounts import services as accounts
from storefront.accounts.models import User, UserSession
from storefront.accounts.permissions import Actor, recent_login_required
from storefront.cart.models import Cart
from storefront.extensions import db
from storefront.outbox.models import OutboxMessage
from storefront.timeutil import utcnow

ADMIN = Actor.system("test")
SESSION_COOKIE = "session"
REMEMBER_COOKIE = "remember_token"


@pytest.fixture
def staff(app, client):
    make_partner()  # the demo partner slug, for partner users
    db.session.commit()
    return StaffActions(app, client, partner_slug="dekranasda-sumsel")


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def copy_cookie(source, target, name: str) -> None:
    """What someone with a copy of the browser's cookie does: send it from elsewhere."""
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie to copy"
    target.set_cookie(name, cookie.value)


def session_rows(user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
    )


def move_session_clock(user_id: int, **moved: timedelta) -> None:
    """Pretend this user's sessions were last used (or signed in) so long ago."""
    values = {column: utcnow() - ago for column, ago in moved.items()}
    db.session.execute(update(UserSession).where(UserSession.user_id == user_id).values(**values))
    db.session.commit()


def aware(moment):
    """A stored timestamp as aware UTC (SQLite gives it back naive)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def login(client, email: str, password: str = PASSWORD, **form):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client.post("/account/login", data={"email": email, "password": password, **form})


# --- Signing out ends the session on the server ----------------------------------------


def test_a_copied_session_cookie_is_useless_after_logout(app, client, staff):
    buyer = staff.user("buyer")
    login(client, buyer.email)
    thief = app.test_client()
    copy_cookie(client, thief, SESSION_COOKIE)
    assert signed_in(thief)  # the copy works while the session lives

    assert client.post("/account/logout").status_code == 302
    assert not signed_in(client)
    assert not signed_in(thief)
    assert session_rows(buyer.id) == 0


def test_a_remember_me_cookie_ends_with_its_session(app, client, staff):
    buyer = staff.user("buyer")
    login(client, buyer.email, remember="y")
    browser_reopened = app.test_client()  # the session cookie is gone, "remember me" stays
    copy_cookie(client, browser_reopened, REMEMBER_COOKIE)
    assert signed_in(browser_reopened)

    client.post("/account/logout")
    fresh = app.test_client()
    copy_cookie(browser_reopened, fresh, REMEMBER_COOKIE)
    assert not signed_in(fresh)
    assert not signed_in(browser_reopened)


def test_staff_get_no_remember_me_cookie(client, staff):
    user = staff.user("finance")
    login(client, user.email, remember="y")
    assert signed_in(client)
    assert client.get_cookie(REMEMBER_COOKIE) is None


def test_logging_out_on_one_device_keeps_the_other_signed_in(app, client, staff):
    buyer = staff.user("buyer")
    phone = app.test_client()
    login(client, buyer.email)
    login(phone, buyer.email)
    client.post("/account/logout")
    assert signed_in(phone)
    assert session_rows(buyer.id) == 1


def test_a_session_cookie_from_before_server_sessions_is_refused(app, client, staff):
    """Cookies naming only ``id:version`` (no session) sign nobody in."""
    buyer = staff.user("buyer")
    with client.session_transaction() as session:
        session["_user_id"] = f"{buyer.id}:1"
        session["_fresh"] = True
    assert not signed_in(client)


# --- A role change or a closed account signs out everywhere --------------------------------


def test_a_role_change_ends_every_session_at_once(app, client, staff):
    user = staff.user("operations")
    laptop = app.test_client()
    login(client, user.email)
    login(laptop, user.email)
    assert signed_in(client) and signed_in(laptop)

    accounts.set_role(ADMIN, email=user.email, role="production")

    assert not signed_in(client)
    assert not signed_in(laptop)
    assert session_rows(user.id) == 0
    assert login(client, user.email).status_code == 302  # signing in again works
    assert signed_in(client)


def test_closing_an_account_ends_its_sessions_and_sign_ins(app, client, staff, runner):
    user = staff.user("production")
    login(client, user.email, remember="y")
    assert signed_in(client)

    result = runner.invoke(args=["deactivate-user", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert not signed_in(client)
    assert session_rows(user.id) == 0
    assert login(client, user.email).status_code == 401

    assert runner.invoke(args=["reactivate-user", "--email", user.email]).exit_code == 0
    assert login(client, user.email).status_code == 302


def test_a_password_reset_ends_every_session_row(app, client, staff):
    buyer = staff.user("buyer")
    other_device = app.test_client()
    login(other_device, buyer.email)
    client.post("/account/password-reset", data={"email": buyer.email})
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    link = urlsplit(re.search(r"https?://\S+/account/password-reset/\S+", message.body_text)[0])
    client.post(link.path, data={"password": "new songket pass", "confirm": "new songket pass"})
    assert session_rows(buyer.id) == 0
    assert not signed_in(other_device)


# --- Logout leaves nothing for the next person at a shared browser -------------------------


@pytest.fixture
def songket(app):
    product = make_product(make_category(), make_program(), prices=(150_000,))
    db.session.commit()
    return product


def test_logout_clears_the_cart_cookie_and_the_checkout_details(app, client, staff, songket):
    buyer = staff.user("buyer")
    login(client, buyer.email)
    client.post("/cart/add", data={"variant_id": songket.variants[0].id, "quantity": 1})
    [cart] = db.session.execute(select(Cart).where(Cart.user_id == buyer.id)).scalars()
    cart.checkout = {"name": "Ana Putri", "email": "ana@example.com", "phone": "081234567890"}
    db.session.commit()
    assert "081234567890" in text_of(client.get("/checkout"))

    response = client.post("/account/logout")
    assert any(c.startswith("cart=;") for c in response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("cart") is None

    # The next person at this browser: an empty cart, no form, no one's details.
    checkout = client.get("/checkout")
    assert checkout.status_code == 303
    assert "081234567890" not in text_of(client.get("/cart"))
    db.session.expire_all()
    assert db.session.get(Cart, cart.id).checkout is None

    # The buyer's own cart lines come back at the next sign-in.
    login(client, buyer.email)
    assert "Lepus Songket Cloth" in text_of(client.get("/cart"))


# --- Idle back-office sessions end after STAFF_IDLE_MINUTES --------------------------------


def test_an_idle_staff_session_ends_after_thirty_minutes(app, client, staff):
    user = staff.user("operations")
    login(client, user.email)
    move_session_clock(user.id, last_seen_at=timedelta(minutes=29))
    assert signed_in(client)  # and that request counts as activity

    move_session_clock(user.id, last_seen_at=timedelta(minutes=31))
    response = client.get("/account/export")
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.path == "/account/login"
    assert parse_qs(target.query)["next"] == ["/account/export"]
    assert "logged out after 30 minutes without activity" in text_of(
        client.get(response.headers["Location"])
    )
    assert session_rows(user.id) == 0
    assert not signed_in(client)


def test_staff_idle_minutes_are_configurable(app, client, staff):
    app.config["STAFF_IDLE_MINUTES"] = 5
    user = staff.user("finance")
    login(client, user.email)
    move_session_clock(user.id, last_seen_at=timedelta(minutes=6))
    assert not signed_in(client)


def test_buyers_and_partners_have_no_idle_limit(app, client, staff):
    for role in ("buyer", "partner"):
        browser = app.test_client()
        user = staff.user(role)
        login(browser, user.email)
        move_session_clock(user.id, last_seen_at=timedelta(hours=5))
        assert signed_in(browser), role


def test_activity_is_written_at_most_once_a_minute(app, client, staff, count_queries):
    user = staff.user("operations")
    login(client, user.email)
    move_session_clock(user.id, last_seen_at=timedelta(seconds=30))
    db.session.expire_all()
    before = db.session.execute(select(UserSession.last_seen_at)).scalar_one()
    with count_queries() as queries:
        assert signed_in(client)
    assert not [s for s in queries.statements if s.lstrip().upper().startswith("UPDATE")]
    db.session.expire_all()
    assert db.session.execute(select(UserSession.last_seen_at)).scalar_one() == before

    move_session_clock(user.id, last_seen_at=timedelta(minutes=2))
    assert signed_in(client)
    db.session.expire_all()
    seen = db.session.execute(select(UserSession.last_seen_at)).scalar_one()
    assert aware(seen) > utcnow() - timedelta(seconds=30)


# --- Re-authentication before sensitive steps ----------------------------------------------


@pytest.fixture
def sensitive(app):
    """A tiny route that asks for a recent sign-in, as refunds and role changes do."""

    def refund_page():
        return "refund form"

    def quick_check():
        return "five-minute step"

    app.add_url_rule(
        "/_test/refund",
        "test_refund",
        recent_login_required(refund_page),
        methods=["GET", "POST"],
    )
    app.add_url_rule("/_test/quick", "test_quick", recent_login_required(minutes=5)(quick_check))
    return app


def test_an_old_sign_in_is_asked_for_the_password_again(sensitive, client, staff):
    user = staff.user("finance")
    login(client, user.email)
    assert client.get("/_test/refund?order=7").get_data(as_text=True) == "refund form"

    move_session_clock(user.id, authenticated_at=timedelta(minutes=16))
    asked = client.get("/_test/refund?order=7")
    assert asked.status_code == 302
    target = urlsplit(asked.headers["Location"])
    assert target.path == "/account/confirm-password"
    assert parse_qs(target.query)["next"] == ["/_test/refund?order=7"]

    page = client.get(asked.headers["Location"])
    assert page.status_code == 200
    assert "Please enter your password again to continue." in text_of(page)
    assert user.email in text_of(page)

    wrong = client.post(
        "/account/confirm-password",
        data={"password": "not the password", "next": "/_test/refund?order=7"},
    )
    assert wrong.status_code == 401
    assert "That password is not correct." in text_of(wrong)
    assert client.get("/_test/refund?order=7").status_code == 302  # still asked

    confirmed = client.post(
        "/account/confirm-password", data={"password": PASSWORD, "next": "/_test/refund?order=7"}
    )
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == "/_test/refund?order=7"
    assert client.get("/_test/refund?order=7").get_data(as_text=True) == "refund form"


def test_a_form_post_with_an_old_sign_in_goes_back_to_its_page(sensitive, client, staff):
    user = staff.user("finance")
    login(client, user.email)
    move_session_clock(user.id, authenticated_at=timedelta(minutes=20))
    posted = client.post(
        "/_test/refund", headers={"Referer": "http://localhost/staff/orders/C-1?tab=refunds"}
    )
    assert posted.status_code == 303
    target = urlsplit(posted.headers["Location"])
    assert parse_qs(target.query)["next"] == ["/staff/orders/C-1?tab=refunds"]

    elsewhere = client.post("/_test/refund", headers={"Referer": "https://evil.example/x"})
    assert parse_qs(urlsplit(elsewhere.headers["Location"]).query)["next"] == ["/staff/"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\t/evil"])
def test_the_confirm_page_only_goes_back_to_this_site(sensitive, client, staff, target):
    user = staff.user("finance")
    login(client, user.email)
    confirmed = client.post(
        "/account/confirm-password", data={"password": PASSWORD, "next": target}
    )
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == "/staff/"


def test_the_re_authentication_age_is_configurable(sensitive, app, client, staff):
    user = staff.user("admin")
    login(client, user.email)
    move_session_clock(user.id, authenticated_at=timedelta(minutes=6))
    assert client.get("/_test/refund").status_code == 200  # REAUTH_MINUTES, 15
    assert client.get("/_test/quick").status_code == 302  # minutes=5 on the route
    app.config["REAUTH_MINUTES"] = 5
    assert client.get("/_test/refund").status_code == 302


def test_re_authentication_needs_a_sign_in_first(sensitive, client):
    response = client.get("/_test/refund")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/login"
    assert client.get("/account/confirm-password").status_code == 302


def test_a_confirmed_password_does_not_revive_an_ended_session(sensitive, app, client, staff):
    user = staff.user("finance")
    login(client, user.email)
    accounts.set_role(ADMIN, email=user.email, role="auditor")
    response = client.post("/account/confirm-password", data={"password": PASSWORD})
    assert urlsplit(response.headers["Location"]).path == "/account/login"
    assert session_rows(user.id) == 0


# --- Where a sign-in lands -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("admin", "/staff/"),
        ("operations", "/staff/"),
        ("production", "/staff/"),
        ("finance", "/staff/"),
        ("auditor", "/staff/"),
        ("partner", "/partner/"),
        ("buyer", "/account"),
    ],
)
def test_each_role_lands_on_its_home_after_sign_in(client, staff, role, landing):
    user = staff.user(role)
    assert login(client, user.email).headers["Location"] == landing
    assert client.get("/account/login").headers["Location"] == landing


def test_a_safe_next_wins_over_the_role_home(client, staff):
    user = staff.user("operations")
    answer = client.post(
        "/account/login?next=/staff/orders", data={"email": user.email, "password": PASSWORD}
    )
    assert answer.headers["Location"] == "/staff/orders"
    client.post("/account/logout")
    evil = client.post(
        "/account/login?next=//evil.example", data={"email": user.email, "password": PASSWORD}
    )
    assert evil.headers["Location"] == "/staff/"


# --- Accounts from the command line follow the buyers' password rules ---------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "minimal 10 karakter"),
        ("12345678901234", "tidak hanya berisi angka"),
        ("sari@cantik.example", "bukan alamat e-mail"),
    ],
)
def test_create_user_refuses_weak_passwords(app, runner, password, reason):
    """The command speaks the shop's default language, Indonesian."""
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "sari@cantik.example",
            "--role",
            "operations",
            "--password-stdin",
        ],
        input=password + "\n",
    )
    assert result.exit_code != 0
    assert reason in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_with_a_good_password_can_sign_in(app, runner, client):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "sari@cantik.example",
            "--role",
            "operations",
            "--password-stdin",
        ],
        input="kain-songket-2026\n",
    )
    assert result.exit_code == 0, result.output
    assert login(client, "sari@cantik.example", "kain-songket-2026").headers["Location"] == (
        "/staff/"
    )
